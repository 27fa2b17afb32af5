/**
 * The trust index's state: the market's trust logs (trust-log.ts) folded, in chain order, into one record per
 * listing, per trading address and per arbiter. Pure and incremental: `add` takes any batch of new logs, and a
 * log seen before (same block and log index) or one that does not fit the market's rules is ignored, so a
 * repeated or hostile batch cannot count twice or invent a trade. What each record means is read out in
 * queries.ts.
 *
 * The rules a log must fit (the contract enforces each of them; an RPC might not): a sale, dispute, settlement
 * or rating names a listed listing; one sale and one settlement per listing; a dispute by the buyer of an open
 * escrow naming an arbiter of the listing's set; a rating after the settlement, by its buyer or seller, of the
 * other party or the chosen arbiter, once per rater and subject.
 */
import { byPosition, OUTCOME, positionKey, ZERO_ADDRESS, type LogPosition, type TrustLog } from './trust-log.ts'

type Lower = string

export interface Settlement {
  outcome: number
  toBuyer: bigint
  toSeller: bigint
  arbiterFee: bigint
  protocolFee: bigint
  at: LogPosition
}

export interface ListingRecord {
  listingId: bigint
  seller: `0x${string}`
  arbiters: `0x${string}`[]
  token: `0x${string}`
  arbiterFeeBps: number
  listedAt: LogPosition
  buyer?: `0x${string}`
  /** The sale price (what went into escrow). */
  price?: bigint
  /** The arbiter the buyer chose when disputing. */
  arbiter?: `0x${string}`
  settlement?: Settlement
  /** `${rater}:${ofArbiter}` of each rating given. */
  rated: Set<string>
}

export interface RatingRecord {
  listingId: bigint
  rater: `0x${string}`
  subject: `0x${string}`
  raterRole: 'buyer' | 'seller'
  ofArbiter: boolean
  /** Score index: 0 negative, 1 neutral, 2 positive. */
  score: number
  review: `0x${string}`
  /** arbiterFee + protocolFee of the listing's settlement, in `token`. */
  weight: bigint
  token: `0x${string}`
  at: LogPosition
}

export interface PartyRecord {
  /** Its first market event: listed, bid, bought or registered. */
  first: LogPosition | undefined
  /** Ratings it received, in chain order (as a party and as an arbiter). */
  received: RatingRecord[]
  /** Escrows closed Released or Split with it as seller, and their sale prices per token. */
  sales: number
  salesValue: Map<Lower, bigint>
  /** Escrows closed (any outcome) with it as buyer. */
  purchases: number
  /** Addresses it sold to or bought from (lower case). */
  counterparties: Set<Lower>
  /** As a seller: the arbiters its listings named, by lower-case address. */
  arbitersNamed: Map<Lower, `0x${string}`>
}

export interface ArbiterRecord {
  /** As the first log naming it spelled it (viem checksums decoded addresses). */
  address: `0x${string}`
  registered: boolean
  /** Its latest terms. */
  terms: { minFeeBps: number; minDisputeWindow: number; metadataCid: string; at: LogPosition } | undefined
  firstRegistered: LogPosition | undefined
  /** Listings naming it in their set, and their distinct sellers. */
  listings: bigint[]
  sellers: Set<Lower>
  /** Listings whose buyer chose it when disputing. */
  cases: bigint[]
}

const lower = (a: string): Lower => a.toLowerCase()

function emptyParty(): PartyRecord {
  return {
    first: undefined,
    received: [],
    sales: 0,
    salesValue: new Map(),
    purchases: 0,
    counterparties: new Set(),
    arbitersNamed: new Map(),
  }
}

export class TrustFold {
  readonly listings = new Map<bigint, ListingRecord>()
  readonly parties = new Map<Lower, PartyRecord>()
  readonly arbiters = new Map<Lower, ArbiterRecord>()
  /** Logs applied (block:logIndex), so a batch read twice counts once. */
  readonly #seen = new Set<string>()
  /** Logs taken / ignored as not fitting the rules (duplicates excluded). */
  applied = 0
  ignored = 0

  /** Folds a batch of logs in chain order; returns how many were applied. */
  add(logs: readonly TrustLog[]): number {
    let n = 0
    for (const log of [...logs].sort(byPosition)) {
      const key = positionKey(log)
      if (this.#seen.has(key)) continue
      this.#seen.add(key)
      if (this.#apply(log)) n++
      else this.ignored++
    }
    this.applied += n
    return n
  }

  party(address: string): PartyRecord | undefined {
    return this.parties.get(lower(address))
  }

  arbiter(address: string): ArbiterRecord | undefined {
    return this.arbiters.get(lower(address))
  }

  /**
   * Whether the chosen arbiter of a disputed, closed listing decided it (`resolve`), as far as the logs tell:
   * an arbiter fee, a split, or a rating of the arbiter say yes; no fee where the terms would have paid one
   * says no; a zero fee (0 bps, or a price too small for one) leaves it undefined — `getEscrow().resolved`
   * knows.
   */
  decided(l: ListingRecord): boolean | undefined {
    const s = l.settlement
    if (!l.arbiter || !s) return false
    if (s.arbiterFee > 0n || s.outcome === OUTCOME.split) return true
    if ([...l.rated].some((r) => r.endsWith(':true'))) return true
    if (((l.price ?? 0n) * BigInt(l.arbiterFeeBps)) / 10_000n > 0n) return false
    return undefined
  }

  #partyOf(address: string): PartyRecord {
    const key = lower(address)
    let p = this.parties.get(key)
    if (!p) this.parties.set(key, (p = emptyParty()))
    return p
  }

  #arbiterOf(address: `0x${string}`): ArbiterRecord {
    const key = lower(address)
    let a = this.arbiters.get(key)
    if (!a) {
      a = {
        address,
        registered: false,
        terms: undefined,
        firstRegistered: undefined,
        listings: [],
        sellers: new Set(),
        cases: [],
      }
      this.arbiters.set(key, a)
    }
    return a
  }

  #seenAt(address: string, at: LogPosition): void {
    const p = this.#partyOf(address)
    p.first ??= at
  }

  #apply(log: TrustLog): boolean {
    const at: LogPosition = {
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      ...(log.time ? { time: log.time } : {}),
    }
    switch (log.kind) {
      case 'listed': {
        const set = log.arbiters.map(lower)
        if (this.listings.has(log.listingId) || set.length === 0 || set.length > 3 || new Set(set).size !== set.length)
          return false
        if (set.includes(lower(log.seller))) return false
        this.listings.set(log.listingId, {
          listingId: log.listingId,
          seller: log.seller,
          arbiters: [...log.arbiters],
          token: log.token,
          arbiterFeeBps: log.arbiterFeeBps,
          listedAt: at,
          rated: new Set(),
        })
        this.#seenAt(log.seller, at)
        const named = this.#partyOf(log.seller).arbitersNamed
        for (const a of log.arbiters) {
          if (!named.has(lower(a))) named.set(lower(a), a)
          const r = this.#arbiterOf(a)
          r.listings.push(log.listingId)
          r.sellers.add(lower(log.seller))
        }
        return true
      }
      case 'bid': {
        if (!this.listings.has(log.listingId)) return false
        this.#seenAt(log.bidder, at)
        return true
      }
      case 'sold': {
        const l = this.listings.get(log.listingId)
        if (!l || l.buyer || lower(log.buyer) === ZERO_ADDRESS || lower(log.buyer) === lower(l.seller)) return false
        l.buyer = log.buyer
        l.price = log.price
        this.#seenAt(log.buyer, at)
        this.#partyOf(l.seller).counterparties.add(lower(log.buyer))
        this.#partyOf(log.buyer).counterparties.add(lower(l.seller))
        return true
      }
      case 'disputed': {
        const l = this.listings.get(log.listingId)
        if (!l?.buyer || l.arbiter || l.settlement || lower(log.buyer) !== lower(l.buyer)) return false
        if (!l.arbiters.some((a) => lower(a) === lower(log.arbiter)) || lower(log.arbiter) === lower(l.buyer))
          return false
        l.arbiter = log.arbiter
        this.#arbiterOf(log.arbiter).cases.push(l.listingId)
        return true
      }
      case 'settled': {
        const l = this.listings.get(log.listingId)
        if (!l?.buyer || l.settlement) return false
        if (log.outcome !== OUTCOME.released && log.outcome !== OUTCOME.refunded && log.outcome !== OUTCOME.split)
          return false
        const { outcome, toBuyer, toSeller, arbiterFee, protocolFee } = log
        l.settlement = { outcome, toBuyer, toSeller, arbiterFee, protocolFee, at }
        const seller = this.#partyOf(l.seller)
        if (outcome !== OUTCOME.refunded) {
          seller.sales++
          const token = lower(l.token)
          seller.salesValue.set(token, (seller.salesValue.get(token) ?? 0n) + (l.price ?? 0n))
        }
        this.#partyOf(l.buyer).purchases++
        return true
      }
      case 'rated': {
        const l = this.listings.get(log.listingId)
        const s = l?.settlement
        if (!l?.buyer || !s || !Number.isInteger(log.score) || log.score < 0 || log.score > 2) return false
        const rater = lower(log.rater)
        const subject = lower(log.subject)
        const raterRole = rater === lower(l.buyer) ? 'buyer' : rater === lower(l.seller) ? 'seller' : undefined
        if (!raterRole) return false
        const other = raterRole === 'buyer' ? lower(l.seller) : lower(l.buyer)
        const ofArbiter = subject !== other
        if (ofArbiter && (!l.arbiter || subject !== lower(l.arbiter))) return false
        const key = `${rater}:${ofArbiter}`
        if (l.rated.has(key)) return false
        l.rated.add(key)
        this.#partyOf(log.subject).received.push({
          listingId: l.listingId,
          rater: log.rater,
          subject: log.subject,
          raterRole,
          ofArbiter,
          score: log.score,
          review: log.review,
          weight: s.arbiterFee + s.protocolFee,
          token: l.token,
          at,
        })
        return true
      }
      case 'registered': {
        const a = this.#arbiterOf(log.arbiter)
        a.registered = true
        a.terms = { minFeeBps: log.minFeeBps, minDisputeWindow: log.minDisputeWindow, metadataCid: log.metadataCid, at }
        a.firstRegistered ??= at
        this.#seenAt(log.arbiter, at)
        return true
      }
      case 'unregistered': {
        const a = this.arbiters.get(lower(log.arbiter))
        if (!a?.registered) return false
        a.registered = false
        return true
      }
      default:
        return false
    }
  }
}
