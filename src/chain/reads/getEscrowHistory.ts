/**
 * What happened to escrows, from chain events: how each closed (EscrowSettled, indexed by listing) and the
 * disputes of an arbiter (its listings are found in ListingCreated terms, which are not indexed, so those logs
 * are scanned; Disputed logs are then asked for by listing id). The arbiter's page and record are built on it.
 */
import type { Address } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { RpcUnreachableError, UnknownChainError } from '../errors.ts'
import { getMarketEvents } from '../market.ts'
import { ESCROW_STATUSES, type EscrowStatusName, type GetAuctionReturnType } from './getAuction.ts'
import { getAuctions } from './getAuctions.ts'

export interface Settlement {
  outcome: EscrowStatusName
  toBuyer: bigint
  toSeller: bigint
  arbiterFee: bigint
}

export type GetEscrowHistoryErrorType = RpcUnreachableError | UnknownChainError

/** How each of `listingIds` closed, for those that did. */
export async function getSettlements(
  wagmi: SoukWagmiConfig,
  { listingIds }: { listingIds: readonly bigint[] },
): Promise<Map<bigint, Settlement>> {
  const out = new Map<bigint, Settlement>()
  if (listingIds.length === 0) return out
  const logs = await getMarketEvents(wagmi, 'EscrowSettled', { listingId: [...new Set(listingIds)] })
  for (const l of logs) {
    const { listingId, outcome, toBuyer, toSeller, arbiterFee } = l.args
    if (listingId === undefined || outcome === undefined) continue
    out.set(listingId, {
      outcome: ESCROW_STATUSES[outcome] ?? 'none',
      toBuyer: toBuyer ?? 0n,
      toSeller: toSeller ?? 0n,
      arbiterFee: arbiterFee ?? 0n,
    })
  }
  return out
}

export interface ArbiterCase {
  listingId: bigint
  /** Who opened the dispute (an escrow is disputed at most once: a dispute ends it). */
  disputedBy: Address
  auction: GetAuctionReturnType
  settlement: Settlement | undefined
}

/** Every dispute on a listing naming `arbiter`, oldest first. */
export async function getArbiterCases(
  wagmi: SoukWagmiConfig,
  { arbiter }: { arbiter: Address },
): Promise<ArbiterCase[]> {
  const me = arbiter.toLowerCase()
  const listed = await getMarketEvents(wagmi, 'ListingCreated')
  const ids = listed.flatMap((l) =>
    l.args.listingId !== undefined && l.args.terms?.arbiter.toLowerCase() === me ? [l.args.listingId] : [],
  )
  if (ids.length === 0) return []
  const disputed = await getMarketEvents(wagmi, 'Disputed', { listingId: ids })
  const by = new Map<bigint, Address>()
  for (const d of disputed) if (d.args.listingId !== undefined && d.args.by) by.set(d.args.listingId, d.args.by)
  const caseIds = [...by.keys()]
  const [auctions, settlements] = await Promise.all([
    getAuctions(wagmi, { listingIds: caseIds }),
    getSettlements(wagmi, { listingIds: caseIds }),
  ])
  return caseIds.flatMap((listingId) => {
    const auction = auctions.get(listingId)
    return auction
      ? [{ listingId, disputedBy: by.get(listingId)!, auction, settlement: settlements.get(listingId) }]
      : []
  })
}
