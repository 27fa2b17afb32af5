/** The catalog's options, what a snapshot hands over, and the details of its events (src/p2p/catalog.ts). */
import type { CID } from 'multiformats/cid'
import type { Helia } from 'helia'
import type { Libp2p } from '@libp2p/interface'
import type { GossipSub } from '@libp2p/gossipsub'
import type { ListingRecord } from '../core/catalog.ts'
import type { ListingDocument } from '../core/listing.ts'
import type { CatalogSearch } from '../core/search.ts'
import type { ChainListings } from './catalog-chain.ts'
import type { GossipRejectReason } from './catalog-gossip.ts'

export type CatalogHelia = Helia & { libp2p: Libp2p<{ pubsub: GossipSub }> }

export interface CatalogOptions {
  helia: CatalogHelia
  chain: ChainListings
  chainId: number
  /** OrbitDB's directory: a path in Node, an IndexedDB name prefix in the browser. */
  directory: string
  /** Entries held back while the chain has not shown their listing yet (default 256), and for how long. */
  maxHeldBack?: number
  heldBackMs?: number
  /** Pin verified documents in the blockstore (relays). */
  pinDocuments?: boolean
  /** A snapshot from a relay (`catalog-snapshot.ts`), imported before the log is opened. */
  snapshot?: ImportedSnapshot
  /** Walk the local log at start to learn which entries it holds (relays: for the snapshots they serve). */
  indexLocalLog?: boolean
  /** Entries per second one peer may gossip on the catalog topic (bursts of 10×; default CATALOG_GOSSIP_RATE). */
  gossipRate?: number
  signal?: AbortSignal
}

/** What `readSnapshot` hands to `Catalog.open`: already checked against chain. */
export interface ImportedSnapshot {
  listings: Map<string, { record: ListingRecord; doc: ListingDocument; bytes: Uint8Array; cid: CID }>
  search: CatalogSearch | undefined
  heads: { hash: string; next: string[]; bytes: Uint8Array }[]
  entries: Set<string>
}

export interface VerifiedListing {
  record: ListingRecord
  doc: ListingDocument
  cid: CID
  /** The document exactly as its CID was computed. */
  bytes: Uint8Array
}

/** Tells listeners a listing became searchable (`listing`) or left the catalog (`removed`). */
export type CatalogEventDetail = { id: string }
/** `gossip-rejected`: a message on the catalog topic refused by the validator (catalog-gossip.ts). */
export type GossipRejectedDetail = { reason: GossipRejectReason }
/** `exchange-failed`: a head exchange with a peer failed, overran its deadline or found too many under way. */
export type ExchangeFailedDetail = { reason: 'timeout' | 'busy' | 'error' }
