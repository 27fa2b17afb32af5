/**
 * What happened to escrows, from chain events: how each closed (EscrowSettled, indexed by listing) and the
 * disputes an arbiter was chosen for (Disputed logs, arbiter indexed: contracts v3). The arbiter's page and
 * record are built on it.
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
  /** To the treasury, off the seller's share (0 for a refund). */
  protocolFee: bigint
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
    const { listingId, outcome, toBuyer, toSeller, arbiterFee, protocolFee } = l.args
    if (listingId === undefined || outcome === undefined) continue
    out.set(listingId, {
      outcome: ESCROW_STATUSES[outcome] ?? 'none',
      toBuyer: toBuyer ?? 0n,
      toSeller: toSeller ?? 0n,
      arbiterFee: arbiterFee ?? 0n,
      protocolFee: protocolFee ?? 0n,
    })
  }
  return out
}

export interface ArbiterCase {
  listingId: bigint
  /** The buyer, who disputed and chose this arbiter (an escrow is disputed at most once). */
  buyer: Address
  auction: GetAuctionReturnType
  settlement: Settlement | undefined
}

/** Every dispute whose buyer chose `arbiter`, oldest first. */
export async function getArbiterCases(
  wagmi: SoukWagmiConfig,
  { arbiter }: { arbiter: Address },
): Promise<ArbiterCase[]> {
  const disputed = await getMarketEvents(wagmi, 'Disputed', { arbiter })
  const buyers = new Map<bigint, Address>()
  for (const d of disputed)
    if (d.args.listingId !== undefined && d.args.buyer) buyers.set(d.args.listingId, d.args.buyer)
  const caseIds = [...buyers.keys()]
  if (caseIds.length === 0) return []
  const [auctions, settlements] = await Promise.all([
    getAuctions(wagmi, { listingIds: caseIds }),
    getSettlements(wagmi, { listingIds: caseIds }),
  ])
  return caseIds.flatMap((listingId) => {
    const auction = auctions.get(listingId)
    return auction
      ? [{ listingId, buyer: buyers.get(listingId)!, auction, settlement: settlements.get(listingId) }]
      : []
  })
}
