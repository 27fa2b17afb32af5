/**
 * Keeps views live from the market's events: `watchMarket` calls back with every decoded event (optionally
 * of one listing); `watchAuction` re-reads a listing's state whenever one of its events arrives, and when a
 * new block moves it into the next phase (deadlines are time, not events).
 */
import { watchBlocks, watchContractEvent } from '@wagmi/core'
import type { Log } from 'viem'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import { toSoukChainError, type SoukChainError } from '../errors.ts'
import { marketOf } from '../market.ts'
import { getAuction, phaseOf, type GetAuctionReturnType } from './getAuction.ts'

export interface MarketEvent {
  eventName: string
  args: Record<string, unknown>
  log: Log
}

export interface WatchMarketParameters {
  /** Only events of this listing. */
  listingId?: bigint
  onEvents: (events: MarketEvent[]) => void
  onError?: (error: SoukChainError) => void
}

export type WatchMarketReturnType = () => void

export function watchMarket(
  wagmi: SoukWagmiConfig,
  { listingId, onEvents, onError }: WatchMarketParameters,
): WatchMarketReturnType {
  const market = marketOf(wagmi)
  const chain = configuredChain(wagmi)
  return watchContractEvent(wagmi, {
    abi: market.abi,
    address: market.address,
    chainId: chain.id,
    onLogs: (logs) => {
      const events = logs
        .filter((l) => listingId === undefined || ('listingId' in l.args && l.args.listingId === listingId))
        .map((log) => ({ eventName: log.eventName, args: log.args, log }))
      if (events.length) onEvents(events)
    },
    onError: (err) => onError?.(toSoukChainError(err, { chain })),
  })
}

export interface WatchAuctionParameters {
  listingId: bigint
  onChange: (state: GetAuctionReturnType) => void
  onError?: (error: SoukChainError) => void
}

export function watchAuction(
  wagmi: SoukWagmiConfig,
  { listingId, onChange, onError }: WatchAuctionParameters,
): WatchMarketReturnType {
  let last: GetAuctionReturnType | undefined
  let stopped = false
  const refresh = (): void => {
    getAuction(wagmi, { listingId }).then(
      (state) => {
        if (stopped) return
        last = state
        onChange(state)
      },
      (err: unknown) => onError?.(toSoukChainError(err)),
    )
  }
  refresh()
  const unwatchEvents = watchMarket(wagmi, { listingId, onEvents: refresh, ...(onError ? { onError } : {}) })
  const unwatchBlocks = watchBlocks(wagmi, {
    chainId: configuredChain(wagmi).id,
    onBlock: (block) => {
      if (last && phaseOf(last.listing, Number(block.timestamp)) !== last.phase) refresh()
    },
    ...(onError ? { onError: (err: Error) => onError(toSoukChainError(err)) } : {}),
  })
  return () => {
    stopped = true
    unwatchEvents()
    unwatchBlocks()
  }
}
