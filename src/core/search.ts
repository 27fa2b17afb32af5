/**
 * Local catalog search: full text (MiniSearch, BM25) over title and description, facets and sorts over the
 * auction state that comes from chain. Every browser keeps one; relays serve it serialized (`toJSON()`) next to
 * the catalog snapshot so a fresh browser loads it (`CatalogSearch.load`) instead of rebuilding it.
 *
 * Text: `Intl.Segmenter` word segmentation for every language (so Chinese text splits into words), NFKC +
 * lower case, prefix search on the last query term, typo tolerance on alphabetic terms of 4+ characters, title
 * boosted over description, all terms required (AND) with a fall back to any term (OR) when that finds nothing.
 * Auction state (price, status, end, bids) lives beside the text index and is updated without reindexing.
 *
 * Pure code: web APIs only, runs in the browser and in Node. Decisions and figures: docs/search.md.
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch'
import { CATEGORIES, CONDITIONS, LIMITS, type Category, type Condition, type ListingDocument } from './listing.ts'
import { BaseError } from 'viem'

export const AUCTION_STATUSES = ['open', 'revealing', 'ended', 'cancelled'] as const
export type AuctionStatus = (typeof AUCTION_STATUSES)[number]

export const SORTS = ['relevance', 'ending-soon', 'newest', 'price-asc', 'price-desc'] as const
export type SearchSort = (typeof SORTS)[number]

/** Snapshot format name and version; bump the version whenever the tokenizer, fields or row layout change. */
export const SEARCH_SNAPSHOT_FORMAT = 'souk/search-snapshot' as const
export const SEARCH_SNAPSHOT_VERSION = 1

/**
 * Default price facet buckets: upper bounds (exclusive) in the smallest unit of the marketplace token
 * (TestUSD, 6 decimals): < 10, 10–50, 50–100, 100–500, 500–1,000, ≥ 1,000.
 */
export const DEFAULT_PRICE_BUCKETS: readonly bigint[] = [10n, 50n, 100n, 500n, 1000n].map((usd) => usd * 1_000_000n)

/** The window the `endingSoon` facet counts when the query sets no `endingWithin`: 24 hours. */
export const DEFAULT_ENDING_SOON_SECONDS = 24 * 60 * 60

/** Auction state from chain. `price` is in the token's smallest unit (reserve, or current price). */
export interface AuctionState {
  price: bigint
  /** Token symbol or address the price is in. */
  currency: string
  status: AuctionStatus
  /** End of bidding, unix seconds. */
  biddingEnd: number
  bids: number
}

/** What `add`/`upsert` accept: price may also be a decimal string of smallest units or a safe integer. */
export interface AuctionStateInput extends Omit<AuctionState, 'price'> {
  price: bigint | string | number
}

/**
 * The listing fields search needs. A whole `ListingDocument` fits (the thumbnail is then `images[0].thumb`).
 */
export type SearchDocInput = Pick<
  ListingDocument,
  'title' | 'category' | 'condition' | 'language' | 'seller' | 'createdAt'
> & {
  description?: string
  /** Thumbnail CID; defaults to `images[0].thumb`. */
  thumb?: string
  images?: readonly { thumb: string }[]
}

export interface CatalogEntryInput {
  /** The listing id on chain (uint256 as a decimal string). */
  id: string
  doc: SearchDocInput
  state: AuctionStateInput
}

/** What a hit carries (everything stored per listing; the description is indexed, not stored). */
export interface StoredListing extends AuctionState {
  id: string
  title: string
  category: Category
  condition: Condition
  language: string
  seller: string
  /** Thumbnail CID or '' when the listing has no photo. */
  thumb: string
  /** Milliseconds since the epoch (from the listing document). */
  createdAt: number
}

export interface SearchQuery {
  text?: string
  category?: Category | readonly Category[]
  /** Inclusive bounds in the smallest unit. */
  minPrice?: bigint | string | number
  maxPrice?: bigint | string | number
  status?: AuctionStatus | readonly AuctionStatus[]
  /** Only open auctions whose bidding ends within this many seconds after `now`. */
  endingWithin?: number
  /** Current time, unix seconds (ending soon is relative to it). */
  now: number
  /**
   * Only this seller's listings (an address, any letter case): a scope, like the text, that every facet
   * counts within (the seller page's "on sale now").
   */
  seller?: string
  sort?: SearchSort
  /** Page size, default 20, at most 1,000. */
  limit?: number
  offset?: number
}

export interface SearchHit extends StoredListing {
  /** BM25 score (0 when browsing without text). */
  score: number
}

export interface PriceBucket {
  /** Inclusive lower bound, smallest unit. */
  min: bigint
  /** Exclusive upper bound, or null for the last bucket. */
  max: bigint | null
  count: number
}

export interface SearchFacets {
  category: Record<Category, number>
  status: Record<AuctionStatus, number>
  price: PriceBucket[]
  /** Open auctions ending within `endingWithin` (or 24 h) of `now`. */
  endingSoon: number
}

export interface SearchResult {
  /** Listings matching text and every filter. */
  total: number
  hits: SearchHit[]
  /** Counts over the text-matched set; each facet ignores its own filter and applies all the others. */
  facets: SearchFacets
  /** 'all': every query word matched; 'any': nothing matched all words, so any word counts; 'browse': no text. */
  match: 'all' | 'any' | 'browse'
}

export interface CatalogSearchOptions {
  /** Ascending exclusive upper bounds of the price facet buckets, smallest unit. */
  priceBuckets?: readonly bigint[]
}

export interface AddResult {
  added: number
  rejected: { index: number; id?: string; error: SearchEntryError }[]
}

/** A bad entry or state update; names the field. The index is left as it was. */
export class SearchEntryError extends BaseError {
  override name = 'SearchEntryError'
  readonly field: string
  constructor(field: string, message: string) {
    super(`${field}: ${message}`)
    this.field = field
  }
}

/** A snapshot that is not one this code can load (wrong format or version, malformed, inconsistent). */
export class SearchSnapshotError extends BaseError {
  override name = 'SearchSnapshotError'
}

/** A bad search query (wrong types). */
export class SearchQueryError extends BaseError {
  override name = 'SearchQueryError'
}

/** One stored row of a snapshot. */
export type SnapshotRow = [
  id: string,
  title: string,
  category: string,
  condition: string,
  language: string,
  seller: string,
  thumb: string,
  createdAt: number,
  price: string,
  currency: string,
  status: string,
  biddingEnd: number,
  bids: number,
  textHash: number,
]

export interface SearchSnapshot {
  format: typeof SEARCH_SNAPSHOT_FORMAT
  version: number
  /** MiniSearch's own serialization of the text index (`serializationVersion` 2). */
  index: ReturnType<MiniSearch['toJSON']>
  rows: SnapshotRow[]
}

// ---------------------------------------------------------------------------------------------- tokenizer

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' })
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u
const DIGIT = /\p{N}/u

/** NFKC + lower case, then the word-like segments of `Intl.Segmenter` (dictionary-based for CJK). */
export function tokenize(text: string): string[] {
  const out: string[] = []
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) if (s.isWordLike) out.push(s.segment)
  return out
}

/**
 * Allowed edits for a query term: none under 4 characters or for terms with digits or CJK (model numbers
 * and two-character Chinese words would match unrelated things), 1 for 4–6 characters, 2 from 7 (MiniSearch
 * counts a swap of two letters — "lantren" — as 2 edits).
 */
export function fuzzyDistance(term: string): number {
  if (term.length < 4 || DIGIT.test(term) || CJK.test(term)) return 0
  return term.length < 7 ? 1 : 2
}

const splitTerms = (query: string): string[] => query.split(' ')

type IndexedDoc = { id: string; title: string; description: string }

const TEXT_FIELDS = ['title', 'description']

const MINISEARCH_OPTIONS: Options<IndexedDoc> = {
  idField: 'id',
  fields: TEXT_FIELDS,
  storeFields: [],
  tokenize,
  processTerm: (term) => term,
  autoVacuum: true,
  searchOptions: {
    boost: { title: 3 },
    combineWith: 'AND',
    // Prefix on the last term only, and not on a single Latin letter (it would expand to most of the index).
    prefix: (term, i, terms) => i === terms.length - 1 && (term.length >= 2 || CJK.test(term)),
    fuzzy: (term) => fuzzyDistance(term) || false,
    maxFuzzy: 2,
  },
}

// ---------------------------------------------------------------------------------------------- validation

interface Stored extends StoredListing {
  /** FNV-1a of title + description: an upsert with the same text skips reindexing. */
  textHash: number
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const LANGUAGE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/
const MAX_ID = 100
const MAX_CURRENCY = 64
const MAX_CID = 200

function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(value: unknown, field: string, max: number, { empty = false } = {}): string {
  if (typeof value !== 'string') throw new SearchEntryError(field, 'must be text')
  if (!empty && value.trim().length === 0) throw new SearchEntryError(field, 'is required')
  if (value.length > max) throw new SearchEntryError(field, `is longer than ${max} characters`)
  return value
}

function nonNegativeInt(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    throw new SearchEntryError(field, 'must be a whole number ≥ 0')
  return value as number
}

/** bigint, decimal string of digits, or safe non-negative integer → bigint (smallest unit). */
export function parsePrice(value: unknown, field = 'price'): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new SearchEntryError(field, 'must not be negative')
    return value
  }
  if (typeof value === 'string' && DECIMAL.test(value)) return BigInt(value)
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  throw new SearchEntryError(field, 'must be a whole number of the smallest unit (bigint or decimal string)')
}

function oneOf<T extends string>(list: readonly T[], value: unknown, field: string): T {
  if (!list.includes(value as T)) throw new SearchEntryError(field, `must be one of ${list.join(', ')}`)
  return value as T
}

function checkState(v: Record<string, unknown>, prefix: string, partial: boolean): Partial<AuctionState> {
  const out: Partial<AuctionState> = {}
  const has = (k: string) => !partial || v[k] !== undefined
  if (has('price')) out.price = parsePrice(v.price, `${prefix}price`)
  if (has('currency')) out.currency = str(v.currency, `${prefix}currency`, MAX_CURRENCY)
  if (has('status')) out.status = oneOf(AUCTION_STATUSES, v.status, `${prefix}status`)
  if (has('biddingEnd')) out.biddingEnd = nonNegativeInt(v.biddingEnd, `${prefix}biddingEnd`)
  if (has('bids')) out.bids = nonNegativeInt(v.bids, `${prefix}bids`)
  return out
}

function parseEntry(value: unknown): { stored: Stored; description: string } {
  if (!isRecord(value)) throw new SearchEntryError('entry', 'must be an object')
  const id = str(value.id, 'id', MAX_ID)
  const doc = value.doc
  if (!isRecord(doc)) throw new SearchEntryError('doc', 'must be an object')
  const state = value.state
  if (!isRecord(state)) throw new SearchEntryError('state', 'must be an object')
  const title = str(doc.title, 'doc.title', LIMITS.title)
  const description =
    doc.description === undefined ? '' : str(doc.description, 'doc.description', LIMITS.description, { empty: true })
  let thumb = ''
  if (doc.thumb !== undefined) thumb = str(doc.thumb, 'doc.thumb', MAX_CID, { empty: true })
  else if (doc.images !== undefined) {
    if (!Array.isArray(doc.images)) throw new SearchEntryError('doc.images', 'must be a list')
    const first: unknown = doc.images[0]
    if (first !== undefined) {
      if (!isRecord(first)) throw new SearchEntryError('doc.images[0]', 'must be an object')
      thumb = str(first.thumb, 'doc.images[0].thumb', MAX_CID)
    }
  }
  const language = str(doc.language, 'doc.language', 35)
  if (!LANGUAGE.test(language))
    throw new SearchEntryError('doc.language', 'must be a language tag such as en or zh-Hans')
  const seller = str(doc.seller, 'doc.seller', 42)
  if (!ADDRESS.test(seller)) throw new SearchEntryError('doc.seller', 'must be an address')
  const s = checkState(state, 'state.', false) as AuctionState
  return {
    description,
    stored: {
      id,
      title,
      category: oneOf(CATEGORIES, doc.category, 'doc.category'),
      condition: oneOf(CONDITIONS, doc.condition, 'doc.condition'),
      language,
      seller,
      thumb,
      createdAt: nonNegativeInt(doc.createdAt, 'doc.createdAt'),
      price: s.price,
      currency: s.currency,
      status: s.status,
      biddingEnd: s.biddingEnd,
      bids: s.bids,
      textHash: fnv1a(`${title}\u0000${description}`),
    },
  }
}

function rowToStored(row: unknown, i: number): Stored {
  const at = `rows[${i}]`
  if (!Array.isArray(row) || row.length !== 14) throw new SearchEntryError(at, 'must be a list of 14 fields')
  const [id, title, category, condition, language, seller, thumb, createdAt, price, currency, status, end, bids, hash] =
    row as unknown[]
  if (typeof language !== 'string' || !LANGUAGE.test(language)) throw new SearchEntryError(`${at}.language`, 'bad')
  if (typeof seller !== 'string' || !ADDRESS.test(seller)) throw new SearchEntryError(`${at}.seller`, 'bad')
  if (!Number.isInteger(hash) || (hash as number) < 0 || (hash as number) > 0xffffffff)
    throw new SearchEntryError(`${at}.textHash`, 'bad')
  if (typeof price !== 'string') throw new SearchEntryError(`${at}.price`, 'must be a decimal string')
  const s = checkState({ price, currency, status, biddingEnd: end, bids }, `${at}.`, false) as AuctionState
  return {
    id: str(id, `${at}.id`, MAX_ID),
    title: str(title, `${at}.title`, LIMITS.title),
    category: oneOf(CATEGORIES, category, `${at}.category`),
    condition: oneOf(CONDITIONS, condition, `${at}.condition`),
    language,
    seller,
    thumb: str(thumb, `${at}.thumb`, MAX_CID, { empty: true }),
    createdAt: nonNegativeInt(createdAt, `${at}.createdAt`),
    ...s,
    textHash: hash as number,
  }
}

function snapshotError(message: string): never {
  throw new SearchSnapshotError(`search snapshot: ${message}`)
}

function isNumberRecord(v: unknown): boolean {
  if (!isRecord(v)) return false
  for (const k in v) if (typeof v[k] !== 'number') return false
  return true
}

/** Structural check of MiniSearch's serialization, so a hostile snapshot cannot break later searches. */
function checkIndex(index: unknown, rows: number): void {
  if (!isRecord(index)) snapshotError('index must be an object')
  if (index.serializationVersion !== 2) snapshotError('index.serializationVersion must be 2')
  const fieldIds = index.fieldIds
  if (!isRecord(fieldIds) || Object.keys(fieldIds).length !== 2 || fieldIds.title !== 0 || fieldIds.description !== 1)
    snapshotError('index.fieldIds must be { title: 0, description: 1 }')
  if (!Number.isSafeInteger(index.documentCount) || index.documentCount !== rows)
    snapshotError(`index.documentCount must equal the ${rows} rows`)
  if (!Number.isSafeInteger(index.nextId) || (index.nextId as number) < rows) snapshotError('index.nextId is bad')
  if (index.dirtCount !== undefined && !Number.isSafeInteger(index.dirtCount)) snapshotError('index.dirtCount is bad')
  const avg = index.averageFieldLength
  if (!Array.isArray(avg) || avg.length !== 2 || !avg.every((n) => typeof n === 'number' && Number.isFinite(n)))
    snapshotError('index.averageFieldLength must be two numbers')
  const ids = index.documentIds
  if (!isRecord(ids) || Object.keys(ids).length !== rows) snapshotError(`index.documentIds must hold the ${rows} rows`)
  const nextId = index.nextId as number
  // Short ids must stay below nextId, or documents added after loading would reuse them.
  const shortId = (k: string) => /^(0|[1-9][0-9]{0,15})$/.test(k) && Number(k) < nextId
  for (const k in ids)
    if (!shortId(k) || typeof ids[k] !== 'string') snapshotError('index.documentIds must map short ids to ids')
  const lengths = index.fieldLength
  if (!isRecord(lengths)) snapshotError('index.fieldLength must be an object')
  for (const k in lengths) {
    if (!shortId(k)) snapshotError('index.fieldLength keys must be short ids')
    const l = lengths[k]
    if (!Array.isArray(l) || l.length !== 2 || typeof l[0] !== 'number' || typeof l[1] !== 'number')
      snapshotError('index.fieldLength values must be two numbers')
  }
  if (!isRecord(index.storedFields)) snapshotError('index.storedFields must be an object')
  const terms = index.index
  if (!Array.isArray(terms)) snapshotError('index.index must be a list')
  for (const t of terms as unknown[]) {
    if (!Array.isArray(t) || t.length !== 2 || typeof t[0] !== 'string' || !isRecord(t[1]))
      snapshotError('index.index entries must be [term, postings]')
    const postings = t[1] as Record<string, unknown>
    for (const field in postings)
      if ((field !== '0' && field !== '1') || !isNumberRecord(postings[field]))
        snapshotError(`index.index postings of "${String(t[0]).slice(0, 40)}" are malformed`)
  }
}

// ---------------------------------------------------------------------------------------------- search

function asList<T extends string>(value: T | readonly T[] | undefined, all: readonly T[], name: string): Set<T> | null {
  if (value === undefined) return null
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list)) throw new SearchQueryError(`${name} must be a value or a list`)
  for (const v of list) if (!all.includes(v)) throw new SearchQueryError(`${name}: unknown value ${String(v)}`)
  return list.length === 0 ? null : new Set(list)
}

function queryPrice(value: unknown, name: string): bigint | null {
  if (value === undefined) return null
  try {
    return parsePrice(value, name)
  } catch (err) {
    throw new SearchQueryError((err as Error).message)
  }
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>
  for (const k of keys) out[k] = 0
  return out
}

type Candidate = { e: Stored; score: number }

const byId = (a: Candidate, b: Candidate) => (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0)

function comparator(sort: SearchSort, now: number, hasText: boolean): (a: Candidate, b: Candidate) => number {
  switch (sort) {
    case 'relevance':
      if (hasText) return (a, b) => b.score - a.score || b.e.createdAt - a.e.createdAt || byId(a, b)
      return comparator('newest', now, false)
    case 'newest':
      return (a, b) => b.e.createdAt - a.e.createdAt || byId(a, b)
    case 'price-asc':
      return (a, b) => (a.e.price < b.e.price ? -1 : a.e.price > b.e.price ? 1 : byId(a, b))
    case 'price-desc':
      return (a, b) => (a.e.price > b.e.price ? -1 : a.e.price < b.e.price ? 1 : byId(a, b))
    case 'ending-soon':
      // Live auctions (open, bidding not over) first, soonest end first; then the rest, most recently ended first.
      return (a, b) => {
        const la = a.e.status === 'open' && a.e.biddingEnd > now
        const lb = b.e.status === 'open' && b.e.biddingEnd > now
        if (la !== lb) return la ? -1 : 1
        const d = la ? a.e.biddingEnd - b.e.biddingEnd : b.e.biddingEnd - a.e.biddingEnd
        return d || byId(a, b)
      }
  }
}

function hitOf(c: Candidate): SearchHit {
  const { textHash: _hash, ...stored } = c.e
  return { ...stored, score: c.score }
}

export class CatalogSearch {
  #ms: MiniSearch<IndexedDoc>
  #entries = new Map<string, Stored>()
  #buckets: readonly bigint[]

  constructor(options: CatalogSearchOptions = {}) {
    this.#ms = new MiniSearch<IndexedDoc>(MINISEARCH_OPTIONS)
    const buckets = options.priceBuckets ?? DEFAULT_PRICE_BUCKETS
    for (let i = 1; i < buckets.length; i++)
      if (buckets[i]! <= buckets[i - 1]!) throw new RangeError('priceBuckets must be ascending')
    this.#buckets = buckets
  }

  /** Number of listings held. */
  get size(): number {
    return this.#entries.size
  }

  has(id: string): boolean {
    return this.#entries.has(id)
  }

  /** The ids held. */
  ids(): IterableIterator<string> {
    return this.#entries.keys()
  }

  get(id: string): StoredListing | undefined {
    const e = this.#entries.get(id)
    if (!e) return undefined
    const { textHash: _hash, ...stored } = e
    return stored
  }

  /**
   * Adds or replaces many entries. Bad entries are skipped and reported (with the error naming the field); the
   * good ones are indexed.
   */
  add(entries: Iterable<unknown>): AddResult {
    const result: AddResult = { added: 0, rejected: [] }
    const fresh = new Map<string, IndexedDoc>()
    let index = 0
    for (const raw of entries) {
      const i = index++
      let parsed: { stored: Stored; description: string }
      try {
        parsed = parseEntry(raw)
      } catch (err) {
        const error = err instanceof SearchEntryError ? err : new SearchEntryError('entry', String(err))
        const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined
        result.rejected.push({ index: i, ...(id === undefined ? {} : { id }), error })
        continue
      }
      const { stored, description } = parsed
      if (fresh.has(stored.id) || !this.#entries.has(stored.id)) {
        // New, or repeated inside this batch (the last one wins): indexed together below.
        this.#entries.set(stored.id, stored)
        fresh.set(stored.id, { id: stored.id, title: stored.title, description })
      } else this.#put(stored, description)
      result.added++
    }
    this.#ms.addAll([...fresh.values()])
    return result
  }

  /** Adds or replaces one entry; throws SearchEntryError (and changes nothing) when it is bad. */
  upsert(entry: unknown): void {
    const { stored, description } = parseEntry(entry)
    this.#put(stored, description)
  }

  #put(stored: Stored, description: string): void {
    const old = this.#entries.get(stored.id)
    this.#entries.set(stored.id, stored)
    if (old && old.textHash === stored.textHash && old.title === stored.title && this.#ms.has(stored.id)) return
    const doc = { id: stored.id, title: stored.title, description }
    if (this.#ms.has(stored.id)) this.#ms.replace(doc)
    else this.#ms.add(doc)
  }

  /** Removes a listing; false when it was not there. */
  remove(id: string): boolean {
    if (!this.#entries.delete(id)) return false
    if (this.#ms.has(id)) this.#ms.discard(id)
    return true
  }

  /**
   * Changes auction state (from chain events) without touching the text index. Returns false for an unknown id
   * (the event may arrive before the document); throws SearchEntryError for a bad value and changes nothing.
   */
  updateState(id: string, state: Partial<AuctionStateInput>): boolean {
    const e = this.#entries.get(id)
    if (!e) return false
    if (!isRecord(state)) throw new SearchEntryError('state', 'must be an object')
    Object.assign(e, checkState(state, 'state.', true))
    return true
  }

  search(query: SearchQuery): SearchResult {
    if (!isRecord(query)) throw new SearchQueryError('query must be an object')
    const { now, text = '', endingWithin, sort = 'relevance', limit = 20, offset = 0 } = query
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new SearchQueryError('now (unix seconds) is required')
    if (typeof text !== 'string') throw new SearchQueryError('text must be a string')
    if (!SORTS.includes(sort)) throw new SearchQueryError(`sort must be one of ${SORTS.join(', ')}`)
    if (!Number.isSafeInteger(limit) || limit < 0 || limit > 1000) throw new SearchQueryError('limit must be 0–1000')
    if (!Number.isSafeInteger(offset) || offset < 0) throw new SearchQueryError('offset must be a whole number ≥ 0')
    if (endingWithin !== undefined && !(typeof endingWithin === 'number' && endingWithin >= 0))
      throw new SearchQueryError('endingWithin must be seconds ≥ 0')
    const categories = asList(query.category, CATEGORIES, 'category')
    const statuses = asList(query.status, AUCTION_STATUSES, 'status')
    const minPrice = queryPrice(query.minPrice, 'minPrice')
    const maxPrice = queryPrice(query.maxPrice, 'maxPrice')
    if (query.seller !== undefined && !(typeof query.seller === 'string' && ADDRESS.test(query.seller)))
      throw new SearchQueryError('seller must be an address')
    const seller = query.seller?.toLowerCase()

    // 1. The text-matched set.
    let matched: Candidate[]
    let match: SearchResult['match'] = 'browse'
    const terms = text.length > 500 ? tokenize(text.slice(0, 500)) : tokenize(text)
    if (terms.length > 0) {
      // A query ending in a space has a finished last word: no prefix search then.
      // The terms are tokenized already: hand them over without segmenting them again.
      const options: SearchOptions = { tokenize: splitTerms, ...(/\s$/u.test(text) ? { prefix: false } : {}) }
      const q = terms.join(' ')
      let results = this.#ms.search(q, options)
      match = 'all'
      if (results.length === 0 && terms.length > 1) {
        results = this.#ms.search(q, { ...options, combineWith: 'OR' })
        match = 'any'
      }
      matched = []
      for (const r of results) {
        const e = this.#entries.get(r.id as string)
        if (e) matched.push({ e, score: r.score })
      }
    } else {
      matched = []
      for (const e of this.#entries.values()) matched.push({ e, score: 0 })
    }

    // 2. One pass: filters, and facets that each ignore their own filter.
    const soonWindow = endingWithin ?? DEFAULT_ENDING_SOON_SECONDS
    const buckets = this.#buckets
    const facets: SearchFacets = {
      category: zeroCounts(CATEGORIES),
      status: zeroCounts(AUCTION_STATUSES),
      price: buckets.map((max, i) => ({ min: i === 0 ? 0n : buckets[i - 1]!, max, count: 0 })),
      endingSoon: 0,
    }
    facets.price.push({ min: buckets.length ? buckets[buckets.length - 1]! : 0n, max: null, count: 0 })
    const kept: Candidate[] = []
    for (const c of matched) {
      const e = c.e
      if (seller !== undefined && e.seller.toLowerCase() !== seller) continue
      const cOk = categories === null || categories.has(e.category)
      const pOk = (minPrice === null || e.price >= minPrice) && (maxPrice === null || e.price <= maxPrice)
      const sOk = statuses === null || statuses.has(e.status)
      const soon = e.status === 'open' && e.biddingEnd > now && e.biddingEnd <= now + soonWindow
      const eOk = endingWithin === undefined || soon
      if (pOk && sOk && eOk) facets.category[e.category]++
      if (cOk && pOk && eOk) facets.status[e.status]++
      if (cOk && sOk && eOk) {
        let b = 0
        while (b < buckets.length && e.price >= buckets[b]!) b++
        facets.price[b]!.count++
      }
      if (cOk && pOk && sOk && soon) facets.endingSoon++
      if (cOk && pOk && sOk && eOk) kept.push(c)
    }

    // 3. Sort and page.
    kept.sort(comparator(sort, now, terms.length > 0))
    const hits = kept.slice(offset, offset + limit).map(hitOf)
    return { total: kept.length, hits, facets, match }
  }

  /** The whole index (text index + stored state) as a plain JSON-able object; prices as decimal strings. */
  toJSON(): SearchSnapshot {
    const rows: SnapshotRow[] = []
    for (const e of this.#entries.values())
      rows.push([
        e.id,
        e.title,
        e.category,
        e.condition,
        e.language,
        e.seller,
        e.thumb,
        e.createdAt,
        e.price.toString(),
        e.currency,
        e.status,
        e.biddingEnd,
        e.bids,
        e.textHash,
      ])
    return { format: SEARCH_SNAPSHOT_FORMAT, version: SEARCH_SNAPSHOT_VERSION, index: this.#ms.toJSON(), rows }
  }

  /**
   * Loads a snapshot (the JSON text or the parsed object) from `toJSON()`. Snapshots come from the network:
   * anything that is not exactly this format and version, or is inconsistent, throws SearchSnapshotError.
   */
  static load(json: string | unknown, options: CatalogSearchOptions = {}): CatalogSearch {
    let snap: unknown = json
    if (typeof json === 'string') {
      try {
        snap = JSON.parse(json)
      } catch (err) {
        snapshotError(`not JSON (${(err as Error).message})`)
      }
    }
    if (!isRecord(snap)) snapshotError('must be an object')
    if (snap.format !== SEARCH_SNAPSHOT_FORMAT) snapshotError(`format must be ${SEARCH_SNAPSHOT_FORMAT}`)
    if (snap.version !== SEARCH_SNAPSHOT_VERSION)
      snapshotError(`version ${String(snap.version)} is not supported (this code reads ${SEARCH_SNAPSHOT_VERSION})`)
    const rows = snap.rows
    if (!Array.isArray(rows)) snapshotError('rows must be a list')
    checkIndex(snap.index, rows.length)
    const search = new CatalogSearch(options)
    for (let i = 0; i < rows.length; i++) {
      let e: Stored
      try {
        e = rowToStored(rows[i], i)
      } catch (err) {
        snapshotError((err as Error).message)
      }
      if (search.#entries.has(e.id)) snapshotError(`rows[${i}]: duplicate id ${e.id}`)
      search.#entries.set(e.id, e)
    }
    try {
      search.#ms = MiniSearch.loadJS(snap.index as SearchSnapshot['index'], MINISEARCH_OPTIONS)
    } catch (err) {
      snapshotError(`index: ${(err as Error).message}`)
    }
    for (const id of search.#entries.keys()) if (!search.#ms.has(id)) snapshotError(`row ${id} is not in the index`)
    return search
  }
}
