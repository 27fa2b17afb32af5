/**
 * A sell form filled from one of the seller's listings: everything for a relist (the item, the same photos by
 * CID, the terms), or the item alone for an edit (the terms of a listing cannot change).
 */
import { amountInput } from '../../services/format.ts'
import type { ListingDocument } from '../../core/listing.ts'
import type { SellDraft } from '../../services/drafts.ts'
import type { CatalogService, ChainService } from '../../services/types.ts'

/**
 * Documents of the seller's own listings seen on this page, by listing id: the catalog drops a cancelled listing,
 * so "Cancel, then Relist" reads the document from here.
 */
const seen = new Map<string, ListingDocument>()

export function rememberListingDoc(id: string, doc: ListingDocument): void {
  seen.set(id, doc)
}

export class ListingNotFound extends Error {
  override name = 'ListingNotFound'
}

export async function draftFromListing(
  catalog: CatalogService,
  chain: ChainService,
  id: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<{ item: Partial<SellDraft>; terms: Partial<SellDraft> }> {
  await catalog.ready
  const [entry, a] = await Promise.all([
    catalog.get(id, signal ? { signal } : {}),
    chain.auction(id, signal ? { signal } : {}),
  ])
  const doc = entry?.doc ?? seen.get(id)
  if (!doc) throw new ListingNotFound(`Listing ${id} is not in the catalog on this device.`)
  return {
    item: {
      title: doc.title,
      description: doc.description,
      category: doc.category,
      condition: doc.condition,
      shippingFrom: doc.shipping.from,
      images: doc.images,
      photos: [],
    },
    terms: {
      buyNow: a.buyNow,
      currency: a.currency.symbol,
      // the contract's floor of one smallest unit is the form's "no reserve"
      reserve: !a.buyNow && a.price <= 1n ? '' : amountInput(a.price, a.currency.decimals),
      arbiters: a.arbiters,
      feePercent: (a.arbiterFeeBps / 100).toString(),
      confirmSeconds: a.confirmWindow,
      disputeSeconds: a.disputeWindow,
      ...(a.buyNow ? {} : { revealSeconds: Math.max(0, a.revealEnd - a.biddingEnd) }),
    },
  }
}
