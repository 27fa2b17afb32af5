/** Localized names of the catalog's enumerations (categories, conditions, phases). */
import { msg, str } from '@lit/localize'
import { getLocale } from '../i18n.ts'
import { formatAmount } from '../services/format.ts'
import type { Category, Condition } from '../core/listing.ts'
import type { AuctionStatus } from '../core/search.ts'
import type { EscrowStatus, MyBid, Phase } from '../services/types.ts'

export function categoryLabel(c: Category): string {
  switch (c) {
    case 'electronics':
      return msg('Electronics', { id: 'cat.electronics' })
    case 'fashion':
      return msg('Fashion', { id: 'cat.fashion' })
    case 'home':
      return msg('Home & garden', { id: 'cat.home' })
    case 'collectibles':
      return msg('Collectibles', { id: 'cat.collectibles' })
    case 'art':
      return msg('Art', { id: 'cat.art' })
    case 'books':
      return msg('Books', { id: 'cat.books' })
    case 'sports':
      return msg('Sports', { id: 'cat.sports' })
    case 'toys':
      return msg('Toys', { id: 'cat.toys' })
    case 'vehicles':
      return msg('Vehicles', { id: 'cat.vehicles' })
    default:
      return msg('Other', { id: 'cat.other' })
  }
}

export function conditionLabel(c: Condition): string {
  switch (c) {
    case 'new':
      return msg('New', { id: 'cond.new' })
    case 'like-new':
      return msg('Like new', { id: 'cond.like-new' })
    case 'good':
      return msg('Good', { id: 'cond.good' })
    case 'fair':
      return msg('Fair', { id: 'cond.fair' })
    default:
      return msg('For parts', { id: 'cond.for-parts' })
  }
}

/** The catalog's coarse status. */
export function statusLabel(s: AuctionStatus): string {
  switch (s) {
    case 'open':
      return msg('Bidding', { id: 'status.open' })
    case 'revealing':
      return msg('Revealing', { id: 'status.revealing' })
    case 'ended':
      return msg('Ended', { id: 'status.ended' })
    default:
      return msg('Cancelled', { id: 'status.cancelled' })
  }
}

/** The chain's exact phase. */
export function phaseLabel(p: Phase): string {
  switch (p) {
    case 'bidding':
      return msg('Bidding open', { id: 'phase.bidding' })
    case 'revealing':
      return msg('Reveal window', { id: 'phase.revealing' })
    case 'finalizable':
      return msg('Waiting to be finalized', { id: 'phase.finalizable' })
    case 'ended':
      return msg('Ended', { id: 'status.ended' })
    case 'cancelled':
      return msg('Cancelled', { id: 'status.cancelled' })
    case 'on-sale':
      return msg('For sale', { id: 'phase.on-sale' })
    case 'sold':
      return msg('Sold', { id: 'phase.sold' })
    default:
      return msg('Expired', { id: 'phase.expired' })
  }
}

export function escrowLabel(s: EscrowStatus): string {
  switch (s) {
    case 'funded':
      return msg('Escrow open: paid, waiting for shipping', { id: 'escrow.funded' })
    case 'shipped':
      return msg('Shipped, waiting for the buyer to confirm', { id: 'escrow.shipped' })
    case 'disputed':
      return msg('In dispute, the arbiter decides', { id: 'escrow.disputed' })
    case 'released':
      return msg('Paid out to the seller', { id: 'escrow.released' })
    case 'refunded':
      return msg('Refunded to the buyer', { id: 'escrow.refunded' })
    case 'split':
      return msg('Split by the arbiter', { id: 'escrow.split' })
    default:
      return msg('No escrow', { id: 'escrow.none' })
  }
}

/** Plural category of `n` in the reader's language ("one" or "other" for English; always "other" in Chinese). */
export function plural(n: number): Intl.LDMLPluralRule {
  return new Intl.PluralRules(getLocale()).select(n)
}

/** "1 sealed bid" / "3 sealed bids" (cards and the listing page: the BidPlaced events, amounts stay secret). */
export function bidCountLabel(n: number): string {
  return plural(n) === 'one'
    ? msg(str`${n} sealed bid`, { id: 'bids.count.one' })
    : msg(str`${n} sealed bids`, { id: 'bids.count.other' })
}

/** A bid whose deposit is to be taken back: it can no longer win and the market still holds it. */
export function mayWithdrawBid(b: MyBid): boolean {
  if (!b.placedOnChain || b.withdrawn) return false
  return b.outcome === 'lost' || b.outcome === 'no-sale' || b.auction?.phase === 'cancelled'
}

/**
 * A bid's state in a few words. After finalize it says what became of it: won (the price went into escrow,
 * the change was credited to the bidder's balance), not won or no sale (the deposit is to be withdrawn, or was).
 */
export function bidStatusLabel(b: MyBid): string {
  const c = b.currency
  switch (b.outcome) {
    case 'won':
      return c && b.change
        ? msg(
            str`you won — the price is in escrow; the rest of your deposit, ${formatAmount(b.change, c)}, is yours to withdraw`,
            { id: 'bids.wonChange' },
          )
        : msg('you won — the price is in escrow', { id: 'bids.won' })
    case 'lost':
      return b.withdrawn
        ? msg('you did not win — your deposit was returned', { id: 'bids.lostReturned' })
        : msg('you did not win — withdraw your deposit', { id: 'bids.lost' })
    case 'no-sale':
      return b.withdrawn
        ? msg('no sale: no bid reached the reserve — your deposit was returned', { id: 'bids.noSaleReturned' })
        : msg('no sale: no bid reached the reserve — withdraw your deposit', { id: 'bids.noSale' })
  }
  if (b.withdrawn) return msg('withdrawn', { id: 'bids.withdrawn' })
  if (b.revealedOnChain) return msg('revealed', { id: 'bids.revealed' })
  switch (b.status) {
    case 'pending':
    case 'sent':
      return msg('waiting for the transaction', { id: 'bids.pending' })
    case 'failed':
      return msg('failed', { id: 'bids.failed' })
    case 'placed':
      return msg('sealed, but its secret is not in this browser', { id: 'bids.noSecret' })
    default:
      return b.placedOnChain ? msg('sealed', { id: 'bids.sealed' }) : msg('not on chain', { id: 'bids.notOnChain' })
  }
}
