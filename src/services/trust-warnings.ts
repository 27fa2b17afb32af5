/**
 * The warnings the listing page (and the dispute dialog) shows where a pattern in the chain's record suggests
 * risk (issue #25). Pure: everything comes in as arguments, so the same listing always gets the same warnings.
 * The kinds are documented on `TrustWarningKind` in trust-types.ts; the thresholds chosen here:
 *
 * - `new-arbiter`: registered less than NEW_ARBITER_AGE (30 days) before the chain's `now`, with no decided
 *   case; an arbiter that was never registered (`registeredAt` 0) counts as new.
 * - `closed-circle`: every listing that named the arbiter is this seller's (`sellers` ≤ 1) and there were more
 *   listings than this one (`listings` ≥ 2: a pattern, not a first listing); and, when the seller's summary
 *   says which arbiters its listings named (`arbitersNamed`), they are all such arbiters of this listing.
 * - `minimum-windows`: the reveal (auctions only), confirm or dispute window at the contract's minimum.
 * - `no-sales`: the seller has no completed sale.
 * - `dust-record`: the value an arbiter decided, over its decided cases, averages below DUST_PER_CASE: about
 *   ten dollars a case (0.005 ETH; 10 whole units of a token, which assumes a stable-coin). Currencies are
 *   never added as money: each currency's value is divided by its own threshold, and those shares are added.
 */
import type { Currency } from './types.ts'
import type { ArbiterTrust, TrustSummary, TrustWarning } from './trust-types.ts'
import { DAY, windowsAtMinimum, type ListingWindows } from './windows.ts'

/** An arbiter younger than this with no decided case is `new-arbiter`. */
export const NEW_ARBITER_AGE = 30 * DAY

/** Below this value decided per decided case, an arbiter's record is `dust-record`. */
export function dustPerCase(currency: Pick<Currency, 'id' | 'decimals'>): bigint {
  return currency.id === 'ETH' ? 5n * 10n ** 15n : 10n * 10n ** BigInt(currency.decimals)
}

export interface WarningInput {
  /** The seller's record; `arbitersNamed` (optional) makes `closed-circle` exact. */
  seller: TrustSummary
  /** The listing's set of arbiters (1–3), in the listing's order. */
  arbiters: readonly ArbiterTrust[]
  /** The listing's windows, seconds (`reveal` only for an auction). */
  windows: ListingWindows
  /** The chain's clock, unix seconds. */
  now: number
  /** Threshold per currency for `dust-record` (tests and other deployments); default `dustPerCase`. */
  dust?: (currency: Currency) => bigint
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

export function decidedCases(a: Pick<ArbiterTrust, 'decidedForBuyer' | 'decidedForSeller' | 'decidedSplit'>): number {
  return a.decidedForBuyer + a.decidedForSeller + a.decidedSplit
}

/**
 * Whether Σ amount / threshold over the currencies is below the number of decided cases, exactly (bigint over
 * a common denominator: amounts reach 2^128, beyond what a float compares to the wei).
 */
function isDust(a: ArbiterTrust, dust: (c: Currency) => bigint): boolean {
  const decided = decidedCases(a)
  if (decided === 0) return false
  let num = 0n
  let den = 1n
  for (const { currency, amount } of a.valueDecided) {
    const unit = dust(currency)
    if (unit <= 0n) return false
    // num/den + amount/unit
    num = num * unit + amount * den
    den *= unit
  }
  return num < BigInt(decided) * den
}

function inCircle(a: ArbiterTrust): boolean {
  return a.sellers <= 1 && a.listings >= 2
}

/**
 * The warnings for one listing, in a stable order: the seller's (`no-sales`), then each arbiter's in the set's
 * order (`new-arbiter`, `dust-record`, `closed-circle`), then `minimum-windows`.
 */
export function trustWarnings({ seller, arbiters, windows, now, dust = dustPerCase }: WarningInput): TrustWarning[] {
  const warnings: TrustWarning[] = []
  if (seller.completedSales === 0) warnings.push({ kind: 'no-sales', about: seller.address })
  const circle = arbiters.filter(inCircle)
  const named = seller.arbitersNamed
  // the seller's listings named only arbiters of this circle (when the summary says which it named)
  const onlyCircle = named === undefined || named.every((n) => circle.some((a) => same(a.address, n)))
  for (const a of arbiters) {
    if (same(a.address, seller.address)) continue // the contract refuses it; nothing to say about trust
    const young = a.registeredAt === 0 || now - a.registeredAt < NEW_ARBITER_AGE
    if (young && decidedCases(a) === 0) warnings.push({ kind: 'new-arbiter', about: a.address })
    if (isDust(a, dust)) warnings.push({ kind: 'dust-record', about: a.address })
    if (inCircle(a) && onlyCircle) warnings.push({ kind: 'closed-circle', about: a.address })
  }
  const atMinimum = windowsAtMinimum(windows)
  if (atMinimum.length > 0) warnings.push({ kind: 'minimum-windows', windows: atMinimum })
  return warnings
}
