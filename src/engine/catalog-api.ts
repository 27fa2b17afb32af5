/**
 * The catalog's part of the engine's message interface (Comlink): the OrbitDB catalog and its search index
 * live in the engine Worker (src/engine/catalog-host.ts); the page searches it, reads listings, follows its
 * sync state, and publishes through it (photos, pins, the catalog entry). Only structured-clonable values
 * cross; callbacks are Comlink proxies.
 */
import type { RejectReason } from '../core/catalog.ts'
import type { ListingDocument } from '../core/listing.ts'
import type { SearchQuery, SearchResult, StoredListing } from '../core/search.ts'
import type { AddedPhoto } from '../p2p/media.ts'

export interface CatalogOpenOptions {
  /** JSON-RPC URLs the Worker reads the market's listing logs from (config.json's, ranked at open, fallback). */
  rpcUrls: string[]
  chainId: number
  market: `0x${string}`
  deployBlock: number
  /** IndexedDB name prefix, the node's (default `souk`). */
  storageName?: string
}

/** Where the catalog on this device stands; sent with every change. */
export interface CatalogSyncState {
  /**
   * `opening`: reading the chain and the local copy; `bootstrapping`: fetching or checking a relay's
   * snapshot; `ready`: searchable (the log may still be opening: see `replicating`); `failed`: see `error`.
   */
  status: 'closed' | 'opening' | 'bootstrapping' | 'ready' | 'failed'
  /** Last bootstrap step reached, and its figures (snapshot bytes, listings checked). */
  stage: 'chain' | 'snapshot-fetched' | 'snapshot-verified' | 'opened' | undefined
  snapshotBytes: number | undefined
  /** The OrbitDB log is open and replicating with peers. */
  replicating: boolean
  /** Log entries this device holds (or its snapshot held). */
  entries: number
  /** Listings checked against the chain and searchable. */
  verified: number
  /** Entries waiting for their listing to appear on chain. */
  heldBack: number
  /** Entries refused, by reason. */
  dropped: Record<RejectReason, number>
  /** Last block whose listing logs were applied (decimal). */
  chainBlock: string
  /** The listings came from this device's saved copy (a reload), not from the network. */
  fromCache: boolean
  error: string | undefined
}

export interface CatalogListingMessage {
  id: string
  doc: ListingDocument
  summary: StoredListing
}

export interface CatalogEngineApi {
  /** Opens the catalog once (later calls reuse it); resolves when it is searchable. */
  catalogOpen(options: CatalogOpenOptions): Promise<CatalogSyncState>
  catalogState(): Promise<CatalogSyncState>
  /** Calls `onChange` on every change of the listings or the sync state (coalesced); returns an id. */
  catalogSubscribe(onChange: (state: CatalogSyncState) => void): Promise<number>
  catalogUnsubscribe(id: number): Promise<void>
  /** Searches; the query's `now` is replaced by the chain's time (the latest block's), not the device's. */
  catalogSearch(query: SearchQuery): Promise<SearchResult>
  catalogGet(id: string): Promise<CatalogListingMessage | undefined>
  /** Puts a listing's encoded document into the catalog (after its transaction is mined). */
  catalogPut(listingId: string, bytes: Uint8Array): Promise<void>
  /** Resizes a photo and adds it (full and thumbnail) to the engine's blockstore. */
  addPhoto(photo: Blob): Promise<AddedPhoto>
  /** Has at least `minRelays` connected relays pin the CIDs. */
  pinMedia(cids: string[], minRelays: number): Promise<void>
  /** Adds a trust document (dag-cbor bytes under their CID) to the engine's blockstore. */
  addDocument(cid: string, bytes: Uint8Array): Promise<void>
  /** A trust document's bytes by CID (local, peers or relays), at most `maxBytes`. */
  getDocument(cid: string, maxBytes: number): Promise<Uint8Array>
}
