/**
 * What the trust index answers (src/services/trust-types.ts), read out of the fold (fold.ts). The chain reads
 * it needs beyond the logs — the contract's arbiter counters, `getEscrow().resolved` where the logs cannot
 * tell, block times, currencies, arbiter profiles — come in as `TrustDeps`, so tests can give them by hand.
 *
 * - A rating's weight is arbiterFee + protocolFee of its listing's EscrowSettled (what the trade paid beyond
 *   gas); weighted scores are per currency, never added across currencies.
 * - `TrustSummary.ratings` counts the ratings an address received as a buyer or seller; those it received as
 *   an arbiter are in `ArbiterTrust.ratings`. `ratingsOf` lists both (each says `ofArbiter`).
 */
import { cidFromContentHash } from '../../core/listing.ts'
import type { Currency } from '../../services/types.ts'
import type { ArbiterProfile, ArbiterTrust, Rating, TrustSummary, WeightedScore } from '../../services/trust-types.ts'
import type { ArbiterRecord, RatingRecord, TrustFold } from './fold.ts'
import { SCORES, ZERO_ADDRESS, ZERO_HASH, type LogPosition } from './trust-log.ts'

/** The contract's `getArbiter` view (ISoukMarket.ArbiterView). */
export interface ArbiterCounters {
  registered: boolean
  minFeeBps: number
  minDisputeWindow: number
  registeredAt: number
  metadataCid: string
  disputes: number
  decidedForBuyer: number
  decidedForSeller: number
  decidedSplit: number
  timedOut: number
  settledByParties: number
  /** Wei: ETH prices of the disputes it decided. */
  valueDecided: bigint
}

export interface TrustDeps {
  currencyOf(token: `0x${string}`): Promise<Currency>
  /** Unix seconds of a block (only asked for logs whose node gave no `blockTimestamp`). */
  blockTime(blockNumber: bigint): Promise<number>
  /** `getArbiter` of each address, in order (one batch). */
  getArbiters(addresses: readonly `0x${string}`[]): Promise<ArbiterCounters[]>
  /** `getEscrow(id).resolved` of each listing (asked only where the logs leave it open). */
  resolved(listingIds: readonly bigint[]): Promise<Map<bigint, boolean>>
  /** The deployment's recommended arbiters (config.json), in order. */
  recommended: readonly `0x${string}`[]
  /** Fetches and validates an arbiter's profile document; without it `profile` stays undefined. */
  loadProfile?: ((cid: string, options: { signal?: AbortSignal }) => Promise<ArbiterProfile | undefined>) | undefined
}

export interface QueryOptions {
  signal?: AbortSignal | undefined
}

async function timeOf(at: LogPosition, deps: TrustDeps): Promise<number> {
  return at.time ?? (await deps.blockTime(at.blockNumber))
}

/** Per-token sums as per-currency amounts, ETH first. */
async function perCurrency(
  sums: Map<string, bigint>,
  deps: TrustDeps,
): Promise<{ currency: Currency; amount: bigint }[]> {
  const tokens = [...sums.keys()].sort((a, b) => (a === ZERO_ADDRESS ? -1 : b === ZERO_ADDRESS ? 1 : a < b ? -1 : 1))
  const out: { currency: Currency; amount: bigint }[] = []
  for (const t of tokens) out.push({ currency: await deps.currencyOf(t as `0x${string}`), amount: sums.get(t)! })
  return out
}

/** Counts, share positive and fee-weighted score of a set of ratings. */
export async function ratingsSummary(
  records: readonly RatingRecord[],
  deps: TrustDeps,
): Promise<TrustSummary['ratings']> {
  const count = records.length
  const by = [0, 0, 0]
  const weights = new Map<string, { total: bigint; net: bigint }>()
  for (const r of records) {
    by[r.score]!++
    const token = r.token.toLowerCase()
    const w = weights.get(token) ?? { total: 0n, net: 0n }
    w.total += r.weight
    if (r.score === 2) w.net += r.weight
    if (r.score === 0) w.net -= r.weight
    weights.set(token, w)
  }
  const weighted: WeightedScore[] = []
  const totals = new Map([...weights].filter(([, w]) => w.total > 0n).map(([t, w]) => [t, w.total]))
  for (const { currency, amount } of await perCurrency(totals, deps)) {
    const w = weights.get(currency.id === 'ETH' ? ZERO_ADDRESS : currency.id.toLowerCase())!
    // six decimals are plenty for a score shown as a percentage, and keep the division in bigints
    weighted.push({ currency, score: Number((w.net * 1_000_000n) / amount) / 1_000_000, totalWeight: amount })
  }
  return {
    count,
    positive: by[2]!,
    neutral: by[1]!,
    negative: by[0]!,
    sharePositive: count === 0 ? undefined : by[2]! / count,
    weighted,
  }
}

export async function trustSummary(
  fold: TrustFold,
  address: `0x${string}`,
  deps: TrustDeps,
  { signal }: QueryOptions = {},
): Promise<TrustSummary> {
  const p = fold.party(address)
  const ratings = await ratingsSummary(p?.received.filter((r) => !r.ofArbiter) ?? [], deps)
  const salesValue = await perCurrency(p?.salesValue ?? new Map(), deps)
  const firstSeen = p?.first && (await timeOf(p.first, deps))
  signal?.throwIfAborted()
  return {
    address,
    ratings,
    completedSales: p?.sales ?? 0,
    salesValue,
    completedPurchases: p?.purchases ?? 0,
    counterparties: p?.counterparties.size ?? 0,
    firstSeen,
    arbitersNamed: [...(p?.arbitersNamed.values() ?? [])],
  }
}

/** Ratings `address` received, newest first, `offset`..`offset + limit`; `as` keeps one kind. */
export async function ratingsOf(
  fold: TrustFold,
  address: `0x${string}`,
  deps: TrustDeps,
  {
    offset = 0,
    limit = 20,
    as,
    signal,
  }: QueryOptions & { offset?: number; limit?: number; as?: 'party' | 'arbiter' } = {},
): Promise<Rating[]> {
  const all = (fold.party(address)?.received ?? []).filter(
    (r) => as === undefined || r.ofArbiter === (as === 'arbiter'),
  )
  const page = all
    .slice()
    .reverse()
    .slice(Math.max(0, offset), Math.max(0, offset) + Math.max(0, limit))
  const out: Rating[] = []
  for (const r of page) {
    out.push({
      listingId: r.listingId.toString(),
      rater: r.rater,
      subject: r.subject,
      raterRole: r.raterRole,
      ofArbiter: r.ofArbiter,
      score: SCORES[r.score]!,
      reviewCid: reviewCidOf(r.review),
      weight: r.weight,
      currency: await deps.currencyOf(r.token),
      at: await timeOf(r.at, deps),
    })
    signal?.throwIfAborted()
  }
  return out
}

/** The review document's CID from the digest in a Rated log; undefined for none (zero) or a malformed one. */
export function reviewCidOf(review: `0x${string}`): string | undefined {
  if (review.toLowerCase() === ZERO_HASH) return undefined
  try {
    return cidFromContentHash(review).toString()
  } catch {
    return undefined
  }
}

/** The value of the token disputes `a` decided, per token (ETH is the contract's own sum). */
async function tokenValueDecided(
  fold: TrustFold,
  a: ArbiterRecord | undefined,
  deps: TrustDeps,
): Promise<Map<string, bigint>> {
  const sums = new Map<string, bigint>()
  const cases = (a?.cases ?? []).flatMap((id) => {
    const l = fold.listings.get(id)
    return l?.settlement && l.token.toLowerCase() !== ZERO_ADDRESS ? [l] : []
  })
  const open = cases.filter((l) => fold.decided(l) === undefined).map((l) => l.listingId)
  const resolved = open.length ? await deps.resolved(open) : new Map<bigint, boolean>()
  for (const l of cases) {
    if (!(fold.decided(l) ?? resolved.get(l.listingId) ?? false)) continue
    const token = l.token.toLowerCase()
    sums.set(token, (sums.get(token) ?? 0n) + (l.price ?? 0n))
  }
  return sums
}

async function arbiterTrustOf(
  fold: TrustFold,
  address: `0x${string}`,
  counters: ArbiterCounters,
  deps: TrustDeps,
  signal: AbortSignal | undefined,
): Promise<ArbiterTrust> {
  const a = fold.arbiter(address)
  const values = await tokenValueDecided(fold, a, deps)
  if (counters.valueDecided > 0n) values.set(ZERO_ADDRESS, counters.valueDecided)
  const ratings = await ratingsSummary(fold.party(address)?.received.filter((r) => r.ofArbiter) ?? [], deps)
  let profile: ArbiterProfile | undefined
  if (deps.loadProfile && counters.metadataCid)
    profile = await deps.loadProfile(counters.metadataCid, signal ? { signal } : {}).catch(() => undefined)
  signal?.throwIfAborted()
  const me = address.toLowerCase()
  return {
    address,
    registered: counters.registered,
    minFeeBps: counters.minFeeBps,
    minDisputeWindow: counters.minDisputeWindow,
    registeredAt: counters.registeredAt,
    metadataCid: counters.metadataCid,
    profile,
    recommended: deps.recommended.some((r) => r.toLowerCase() === me),
    disputes: counters.disputes,
    decidedForBuyer: counters.decidedForBuyer,
    decidedForSeller: counters.decidedForSeller,
    decidedSplit: counters.decidedSplit,
    timedOut: counters.timedOut,
    settledByParties: counters.settledByParties,
    valueDecided: await perCurrency(values, deps),
    listings: a?.listings.length ?? 0,
    sellers: a?.sellers.size ?? 0,
    ratings,
  }
}

export async function arbiterTrust(
  fold: TrustFold,
  address: `0x${string}`,
  deps: TrustDeps,
  { signal }: QueryOptions = {},
): Promise<ArbiterTrust> {
  const [counters] = await deps.getArbiters([address])
  signal?.throwIfAborted()
  return await arbiterTrustOf(fold, address, counters!, deps, signal)
}

/**
 * Every address whose last registration log is not followed by an unregistration and that the contract still
 * counts as registered: the deployment's recommended ones first (in config order), then by decided cases,
 * listings naming it and age.
 */
export async function registeredArbiters(
  fold: TrustFold,
  deps: TrustDeps,
  { signal }: QueryOptions = {},
): Promise<ArbiterTrust[]> {
  const candidates = [...fold.arbiters.values()].flatMap((a) => (a.registered ? [a.address] : []))
  if (candidates.length === 0) return []
  const counters = await deps.getArbiters(candidates)
  signal?.throwIfAborted()
  const out: ArbiterTrust[] = []
  for (const [i, address] of candidates.entries()) {
    const c = counters[i]
    if (c?.registered) out.push(await arbiterTrustOf(fold, address, c, deps, signal))
  }
  const rank = (t: ArbiterTrust): number => {
    const i = deps.recommended.findIndex((r) => r.toLowerCase() === t.address.toLowerCase())
    return i < 0 ? Number.MAX_SAFE_INTEGER : i
  }
  const decided = (t: ArbiterTrust): number => t.decidedForBuyer + t.decidedForSeller + t.decidedSplit
  return out.sort(
    (x, y) =>
      rank(x) - rank(y) ||
      decided(y) - decided(x) ||
      y.listings - x.listings ||
      (x.registeredAt || Number.MAX_SAFE_INTEGER) - (y.registeredAt || Number.MAX_SAFE_INTEGER),
  )
}
