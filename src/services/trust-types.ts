/**
 * What a buyer can check before trusting someone (issue #25, contracts v3): ratings bound to closed escrows,
 * weighted by the fees the trade paid; each address's trading record; each arbiter's terms, record and
 * profile; and the warnings the listing page shows where a pattern suggests risk. Everything here is computed
 * from the market's own chain logs (read incrementally by the chain Worker and cached in IndexedDB), never
 * from a server; see docs/contracts.md "What faking costs" for why a fee-weighted rating is hard to fake.
 */
import type { Currency } from './types.ts'

export type Score = 'negative' | 'neutral' | 'positive'

/** One `Rated` event joined with its escrow's `EscrowSettled` (the weight). */
export interface Rating {
  listingId: string
  rater: `0x${string}`
  subject: `0x${string}`
  /** The rater's part in the trade. */
  raterRole: 'buyer' | 'seller'
  /** The subject was the arbiter that decided the dispute (else the other party). */
  ofArbiter: boolean
  score: Score
  /** CID (string) of the review document (dag-cbor on IPFS), if the rater wrote one. */
  reviewCid: string | undefined
  /** What the trade paid beyond gas (arbiter fee + protocol fee), in `currency`'s smallest unit. */
  weight: bigint
  currency: Currency
  /** Block timestamp (unix seconds). */
  at: number
}

/** A review document (dag-cbor, pinned on relays; its CID's digest is in the `Rated` event). */
export interface ReviewDocument {
  v: 1
  listingId: string
  /** Plain text, ≤ 2,000 characters. */
  text: string
  /** BCP 47 language tag of the text. */
  lang: string
}

/** Fee-weighted totals per currency (weights in different currencies are never added together). */
export interface WeightedScore {
  currency: Currency
  /** Sum of the weights of positive ratings minus those of negative ratings, over the total weight: −1..1. */
  score: number
  totalWeight: bigint
}

/** An address's trading record as anyone can check it. */
export interface TrustSummary {
  address: `0x${string}`
  /** Ratings it received as a buyer or seller (those it received as an arbiter are in `ArbiterTrust.ratings`). */
  ratings: {
    count: number
    positive: number
    neutral: number
    negative: number
    /** positive / count, undefined with no ratings. */
    sharePositive: number | undefined
    /** One entry per currency in which ratings carried weight; empty when every rating weighed 0. */
    weighted: WeightedScore[]
  }
  /** Escrows closed with money to this address as seller (Released or Split). */
  completedSales: number
  /** Value of those sales, per currency. */
  salesValue: { currency: Currency; amount: bigint }[]
  /** Escrows closed with this address as buyer (any outcome). */
  completedPurchases: number
  /** Distinct addresses it traded with (as buyer or seller), counted from the sale (the escrow funded). */
  counterparties: number
  /** Block timestamp of its first market event (listed, bid, bought, registered); undefined if none. */
  firstSeen: number | undefined
  /**
   * As a seller: the distinct arbiters its listings named (from `ListingCreated` logs), when the indexer has
   * them; `closed-circle` uses it (trust-warnings.ts). Optional: without it the warning relies on the
   * arbiters' own counts.
   */
  arbitersNamed?: `0x${string}`[]
}

/** An arbiter's profile document (dag-cbor, pinned on relays; its CID registered on chain). */
export interface ArbiterProfile {
  v: 1
  name: string
  /** BCP 47 tags, e.g. ['en', 'zh-Hans']. */
  languages: string[]
  /** How it decides: what evidence it wants, what it refunds, its hours. ≤ 4,000 characters. */
  rules: string
  /** Reach it through Souk messages at this address (normally its own). */
  contact: `0x${string}`
}

/** An arbiter's registered terms and record (contract counters + chain logs + profile). */
export interface ArbiterTrust {
  address: `0x${string}`
  registered: boolean
  minFeeBps: number
  /** Seconds. */
  minDisputeWindow: number
  /** Unix seconds of its first registration; 0 = never registered. */
  registeredAt: number
  metadataCid: string
  /** The profile document, once fetched and validated; undefined while unknown or invalid. */
  profile: ArbiterProfile | undefined
  /** Recommended by this deployment (config.json `recommendedArbiters`). */
  recommended: boolean
  disputes: number
  decidedForBuyer: number
  decidedForSeller: number
  decidedSplit: number
  timedOut: number
  settledByParties: number
  /** Value of the disputes it decided, per currency (ETH from the contract, tokens from EscrowSettled logs). */
  valueDecided: { currency: Currency; amount: bigint }[]
  /** Listings that named it in their set. */
  listings: number
  /** Distinct sellers that named it. */
  sellers: number
  /** Ratings it received after deciding disputes. */
  ratings: TrustSummary['ratings']
}

/**
 * A pattern that suggests risk, shown on the listing page (and in the dispute dialog) with its explanation:
 * - `new-arbiter`: an arbiter registered under 30 days ago with no decided case;
 * - `closed-circle`: the seller and an arbiter only ever dealt with each other (every listing naming the
 *   arbiter is this seller's, and this seller's listings name only it);
 * - `minimum-windows`: reveal, confirm or dispute window at the contract's minimum;
 * - `no-sales`: a seller with no completed sale;
 * - `dust-record`: an arbiter whose decided value is tiny for its case count (cases made from dust).
 */
export type TrustWarningKind = 'new-arbiter' | 'closed-circle' | 'minimum-windows' | 'no-sales' | 'dust-record'

export interface TrustWarning {
  kind: TrustWarningKind
  /** The address it is about (the seller or an arbiter), when it is about one. */
  about?: `0x${string}`
  /** `minimum-windows`: which windows are at the minimum. */
  windows?: ('reveal' | 'confirm' | 'dispute')[]
}
