/** Localized names of the catalog's enumerations (categories, conditions, phases). */
import { msg } from '@lit/localize'
import type { Category, Condition } from '../core/listing.ts'
import type { AuctionStatus } from '../core/search.ts'
import type { EscrowStatus, Phase } from '../services/types.ts'

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
