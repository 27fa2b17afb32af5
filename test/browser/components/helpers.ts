/**
 * Shared pieces of the component tests: a CatalogService over a real CatalogSearch index filled with real,
 * validated listing documents (the OrbitDB catalog of issue #11 is not merged yet; this adapter is what the
 * views see of it, and it lives only in the tests), and sample documents in English and Chinese.
 */
import { validateListing, type Category, type ListingDocument } from '../../../src/core/listing.ts'
import { CatalogSearch, type AuctionStateInput, type SearchQuery, type SearchResult } from '../../../src/core/search.ts'
import type { CatalogListing, CatalogService } from '../../../src/services/types.ts'

const THUMB = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

export function sampleDoc(over: Partial<ListingDocument> & { title: string; category: Category }): ListingDocument {
  return validateListing({
    schema: 'souk/listing/1',
    description: '',
    condition: 'good',
    images: [{ full: THUMB, thumb: THUMB, width: 800, height: 600 }],
    shipping: { from: 'Lisbon' },
    language: 'en',
    seller: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    createdAt: 1_700_000_000_000,
    ...over,
  })
}

/** The catalog as the views see it, over a real search index. Fires `change` on every upsert. */
export class LocalCatalog extends EventTarget implements CatalogService {
  readonly index = new CatalogSearch()
  readonly docs = new Map<string, ListingDocument>()
  readonly ready = Promise.resolve()
  searches = 0

  upsert(id: string, doc: ListingDocument, state: AuctionStateInput): void {
    this.index.upsert({ id, doc, state })
    this.docs.set(id, doc)
    this.dispatchEvent(new Event('change'))
  }

  async search(query: SearchQuery, { signal }: { signal?: AbortSignal } = {}): Promise<SearchResult> {
    signal?.throwIfAborted()
    this.searches++
    return this.index.search(query)
  }

  async get(id: string): Promise<CatalogListing | undefined> {
    const doc = this.docs.get(id)
    const summary = this.index.get(id)
    return doc && summary ? { id, doc, summary } : undefined
  }
}

/** The shadow root of `el`, or a readable failure. */
export function shadow(el: Element | null | undefined, what: string): ShadowRoot {
  if (!el?.shadowRoot) throw new Error(`${what} is not rendered`)
  return el.shadowRoot
}

/** Types into an input the way a person does (value + input event). */
export function type(input: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  input.focus()
  input.value = text
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }))
}

export function choose(select: HTMLSelectElement, value: string): void {
  select.value = value
  select.dispatchEvent(new Event('change', { bubbles: true, composed: true }))
}
