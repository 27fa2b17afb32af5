/**
 * A listing's set of arbiters (contracts v3): the contract stores only a digest of it, the set itself is in
 * the listing's ListingCreated log, so it is read from there — by the indexed listing id, many listings in one
 * scan — and remembered for good (a listing's set never changes). `dispute` must name it exactly as listed.
 */
import type { Address } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { RpcUnreachableError, UnknownChainError } from '../errors.ts'
import { getMarketEvents } from '../market.ts'

export type GetArbiterSetsErrorType = RpcUnreachableError | UnknownChainError

const known = new WeakMap<SoukWagmiConfig, Map<bigint, readonly Address[]>>()

/** The arbiter set of each listing, in the order of its ListingCreated log; listings without a log are left out. */
export async function getArbiterSets(
  wagmi: SoukWagmiConfig,
  { listingIds }: { listingIds: readonly bigint[] },
): Promise<Map<bigint, readonly Address[]>> {
  let sets = known.get(wagmi)
  if (!sets) known.set(wagmi, (sets = new Map()))
  const missing = [...new Set(listingIds)].filter((id) => !sets.has(id))
  if (missing.length) {
    const logs = await getMarketEvents(wagmi, 'ListingCreated', { listingId: missing })
    for (const l of logs)
      if (l.args.listingId !== undefined && l.args.terms) sets.set(l.args.listingId, l.args.terms.arbiters)
  }
  const out = new Map<bigint, readonly Address[]>()
  for (const id of listingIds) {
    const set = sets.get(id)
    if (set) out.set(id, set)
  }
  return out
}

/** Remembers sets known from elsewhere (the trust index reads every ListingCreated log), so no scan asks again. */
export function rememberArbiterSets(
  wagmi: SoukWagmiConfig,
  entries: Iterable<readonly [bigint, readonly Address[]]>,
): void {
  let sets = known.get(wagmi)
  if (!sets) known.set(wagmi, (sets = new Map()))
  for (const [id, set] of entries) if (!sets.has(id)) sets.set(id, set)
}

/** The arbiter set of one listing ([] if its ListingCreated log is not found). */
export async function getArbiterSet(
  wagmi: SoukWagmiConfig,
  { listingId }: { listingId: bigint },
): Promise<readonly Address[]> {
  return (await getArbiterSets(wagmi, { listingIds: [listingId] })).get(listingId) ?? []
}
