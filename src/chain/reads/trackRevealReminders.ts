/**
 * Feeds `RevealReminders` from the vault and the chain: every unrevealed bid of this market (confirmed or
 * still in flight) is tracked with its auction's timeline, the reminders' clock follows the chain's blocks,
 * and a bid leaves the schedule once it is revealed, withdrawn or failed.
 */
import { watchBlocks } from '@wagmi/core'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import { toSoukChainError, type SoukChainError } from '../errors.ts'
import { getChainTime, marketOf } from '../market.ts'
import type { RevealReminders } from '../reminders.ts'
import type { BidVault } from '../vault.ts'
import { getAuctions } from './getAuctions.ts'

export interface TrackRevealRemindersParameters {
  vault: BidVault
  reminders: RevealReminders
  onError?: (error: SoukChainError) => void
}

export type TrackRevealRemindersReturnType = {
  /** Resolves once the first schedule is in place. */
  ready: Promise<void>
  stop: () => void
}

export function trackRevealReminders(
  wagmi: SoukWagmiConfig,
  { vault, reminders, onError }: TrackRevealRemindersParameters,
): TrackRevealRemindersReturnType {
  const chain = configuredChain(wagmi)
  const market = marketOf(wagmi)
  let stopped = false

  const sync = async (): Promise<void> => {
    const open = await vault.list({ chainId: chain.id, status: ['pending', 'sent', 'confirmed'] })
    const mine = open.filter((s) => s.market.toLowerCase() === market.address.toLowerCase())
    const [auctions, now] = await Promise.all([
      getAuctions(wagmi, { listingIds: mine.map((s) => s.listingId) }),
      getChainTime(wagmi),
    ])
    if (stopped) return
    const keep = new Set<string>()
    for (const s of mine) {
      const a = auctions.get(s.listingId)
      if (!a || a.phase === 'cancelled' || a.phase === 'ended') continue
      keep.add(s.commitment)
      if (!reminders.tracked.includes(s.commitment))
        reminders.track({
          key: s.commitment,
          listingId: s.listingId,
          biddingEnd: a.timeline.biddingEnd,
          revealEnd: a.timeline.revealEnd,
        })
    }
    for (const key of reminders.tracked) if (!keep.has(key)) reminders.untrack(key)
    reminders.syncClock(now)
  }
  const report = (err: unknown): void => onError?.(toSoukChainError(err, { chain }))

  const ready = sync().catch(report)
  const onVaultChange = (): void => void sync().catch(report)
  vault.addEventListener('change', onVaultChange)
  const unwatch = watchBlocks(wagmi, {
    chainId: chain.id,
    onBlock: (block) => reminders.syncClock(block.timestamp),
    onError: report,
  })
  return {
    ready,
    stop: () => {
      stopped = true
      vault.removeEventListener('change', onVaultChange)
      unwatch()
    },
  }
}
