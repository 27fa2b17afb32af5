/**
 * The market logs the trust index folds (issue #25), decoded into plain records: small, structured-clonable
 * (IndexedDB keeps them as they are, bigints included) and free of viem types, so the fold is pure code that
 * tests can feed by hand. `scanTrustLogs` (scan.ts) makes them from `eth_getLogs`.
 */

/** Where a log stands in the chain, and its block's time when the node said (`blockTimestamp`). */
export interface LogPosition {
  blockNumber: bigint
  logIndex: number
  /** Unix seconds of the log's block, when the RPC included it in the log; else read later by block number. */
  time?: number
}

/** EscrowStatus of ISoukMarket.sol by index: Released, Refunded, Split close an escrow. */
export const OUTCOME = { released: 4, refunded: 5, split: 6 } as const

/** Score of ISoukMarket.sol by index. */
export const SCORES = ['negative', 'neutral', 'positive'] as const

export type TrustLog = LogPosition &
  (
    | {
        /** ListingCreated: the seller and the terms the record needs. */
        kind: 'listed'
        listingId: bigint
        seller: `0x${string}`
        arbiters: `0x${string}`[]
        /** address(0) for ETH. */
        token: `0x${string}`
        price: bigint
        arbiterFeeBps: number
      }
    /** BidPlaced: only to know when a bidder was first seen. */
    | { kind: 'bid'; listingId: bigint; bidder: `0x${string}` }
    /** Purchased, or Finalized with a buyer: the escrow was funded at `price`. */
    | { kind: 'sold'; listingId: bigint; buyer: `0x${string}`; price: bigint }
    /** Disputed: the buyer chose `arbiter` from the listing's set. */
    | { kind: 'disputed'; listingId: bigint; buyer: `0x${string}`; arbiter: `0x${string}` }
    | {
        /** EscrowSettled: the escrow closed. */
        kind: 'settled'
        listingId: bigint
        outcome: number
        toBuyer: bigint
        toSeller: bigint
        arbiterFee: bigint
        protocolFee: bigint
      }
    | {
        /** Rated: `score` is the Score index, `review` the digest of the review's CID or zero. */
        kind: 'rated'
        listingId: bigint
        rater: `0x${string}`
        subject: `0x${string}`
        score: number
        review: `0x${string}`
      }
    | {
        kind: 'registered'
        arbiter: `0x${string}`
        minFeeBps: number
        minDisputeWindow: number
        metadataCid: string
      }
    | { kind: 'unregistered'; arbiter: `0x${string}` }
  )

export type TrustLogKind = TrustLog['kind']

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000' as const
export const ZERO_HASH = `0x${'0'.repeat(64)}` as const

/** Chain order: block, then log index. */
export function byPosition(a: LogPosition, b: LogPosition): number {
  return a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1
}

export function positionKey(p: LogPosition): string {
  return `${p.blockNumber}:${p.logIndex}`
}
