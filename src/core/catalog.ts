/**
 * The catalog's rules, without I/O: what the chain says about each listing (folded from its logs), whether a
 * catalog entry may count, and what search gets for a verified listing.
 *
 * Trust model: anybody may write an entry; it counts only when its document hashes to the content hash the
 * listing's seller put on chain for that id (only the seller could have put it there), the listing is not
 * cancelled, and the document names that seller. Everything else is rejected with a reason that peers count.
 */
import { BaseError } from 'viem'
import * as dagCbor from '@ipld/dag-cbor'
import { sha256 } from '@noble/hashes/sha2.js'
import { LIMITS, validateListing, type ListingDocument } from './listing.ts'
import type { AuctionStatus, CatalogEntryInput } from './search.ts'

/** A listing as the chain's logs describe it (the newest content hash wins). */
export interface ListingRecord {
  id: string
  seller: `0x${string}`
  contentHash: `0x${string}`
  categoryId: number
  buyNow: boolean
  biddingEnd: number
  revealEnd: number
  price: bigint
  token: `0x${string}`
  cancelled: boolean
  /** Every content hash the seller ever put on chain for this listing, oldest first (the last is current). */
  hashes: `0x${string}`[]
  /** Block of the newest log that changed this record. */
  block: bigint
}

/** One decoded market log, as `scanListingLogs` returns it. */
export type ListingLogInput =
  | ({ kind: 'created'; listingId: bigint; blockNumber: bigint } & Omit<
      ListingRecord,
      'id' | 'cancelled' | 'block' | 'hashes'
    >)
  | { kind: 'updated'; listingId: bigint; blockNumber: bigint; contentHash: `0x${string}` }
  | { kind: 'cancelled'; listingId: bigint; blockNumber: bigint }

/**
 * Folds logs (in chain order) into records; returns the ids whose record changed. An update or cancellation
 * for an id never created is ignored (a log the scan has not reached yet cannot be one: logs come in order).
 */
export function applyListingLogs(records: Map<string, ListingRecord>, logs: readonly ListingLogInput[]): Set<string> {
  const changed = new Set<string>()
  for (const log of logs) {
    const id = log.listingId.toString()
    if (log.kind === 'created') {
      const contentHash = log.contentHash.toLowerCase() as `0x${string}`
      records.set(id, {
        id,
        seller: log.seller,
        contentHash,
        hashes: [contentHash],
        categoryId: log.categoryId,
        buyNow: log.buyNow,
        biddingEnd: log.biddingEnd,
        revealEnd: log.revealEnd,
        price: log.price,
        token: log.token,
        cancelled: false,
        block: log.blockNumber,
      })
    } else {
      const r = records.get(id)
      if (!r) continue
      // records are replaced, never changed in place: holders of the old one can tell what changed
      records.set(
        id,
        log.kind === 'updated'
          ? {
              ...r,
              contentHash: log.contentHash.toLowerCase() as `0x${string}`,
              hashes: [...r.hashes, log.contentHash.toLowerCase() as `0x${string}`],
              block: log.blockNumber,
            }
          : { ...r, cancelled: true, block: log.blockNumber },
      )
    }
    changed.add(id)
  }
  return changed
}

export const REJECT_REASONS = [
  'malformed',
  'oversized',
  'unknown_listing',
  'hash_mismatch',
  'cancelled',
  'superseded',
  'seller_mismatch',
  'invalid_document',
  /** the same key and document as an entry the log already holds, arriving as a new entry */
  'duplicate',
  /** an entry whose history (an entry it points at) no peer served in time */
  'missing_entry',
  /** more entries waiting for their join than the bound allows */
  'overloaded',
] as const
export type RejectReason = (typeof REJECT_REASONS)[number]

export class CatalogEntryRejectedError extends BaseError {
  override name = 'CatalogEntryRejectedError'
  readonly reason: RejectReason
  constructor(reason: RejectReason, details: string) {
    super(`Catalog entry rejected: ${reason.replaceAll('_', ' ')}`, { details })
    this.reason = reason
  }
}

/** The value a catalog entry carries in the OrbitDB documents database (`_id` = listing id). */
export interface CatalogEntryValue {
  _id: string
  /** The listing document, dag-cbor encoded exactly as its CID was computed. */
  doc: Uint8Array
}

const ID = /^(0|[1-9][0-9]{0,77})$/

/** Shape check of an untrusted entry value (cheap: before any hashing or chain lookup). */
export function parseEntryValue(value: unknown): CatalogEntryValue {
  if (typeof value !== 'object' || value === null) throw new CatalogEntryRejectedError('malformed', 'not an object')
  const v = value as Record<string, unknown>
  if (typeof v._id !== 'string' || !ID.test(v._id))
    throw new CatalogEntryRejectedError('malformed', '_id is not a listing id')
  if (!(v.doc instanceof Uint8Array)) throw new CatalogEntryRejectedError('malformed', 'doc is not bytes')
  if (v.doc.length > LIMITS.encodedBytes)
    throw new CatalogEntryRejectedError('oversized', `doc is ${v.doc.length} bytes, more than ${LIMITS.encodedBytes}`)
  return { _id: v._id, doc: v.doc }
}

/**
 * Checks document bytes claimed for `record` (undefined: no such listing on chain as far as the caller has
 * scanned). The document is *authentic* when it hashes to a content hash the seller put on chain for this id
 * at some point (then it may stay in the replicated log: it is part of the listing's history, and rejecting it
 * would stop every later entry built on it from replicating); it is *current* when that hash is the newest one
 * and the listing is not cancelled (only then does it show). Throws CatalogEntryRejectedError for anything
 * not authentic.
 */
export async function verifyListingBytes(
  record: ListingRecord | undefined,
  id: string,
  bytes: Uint8Array,
): Promise<VerifiedBytes> {
  return verifyListingBytesSync(record, id, bytes)
}

export interface VerifiedBytes {
  doc: ListingDocument
  current: boolean
  why?: 'cancelled' | 'superseded'
}

/**
 * `verifyListingBytes` without the promise: a snapshot checks thousands of documents in a row, and a
 * microtask per document is time the browser waits before anything is searchable.
 */
export function verifyListingBytesSync(
  record: ListingRecord | undefined,
  id: string,
  bytes: Uint8Array,
): VerifiedBytes {
  if (!record) throw new CatalogEntryRejectedError('unknown_listing', `no listing ${id} on chain`)
  const hash = hashListingBytes(bytes)
  // the hash first: a forged or misplaced document is refused before it is decoded
  if (!record.hashes.includes(hash))
    throw new CatalogEntryRejectedError('hash_mismatch', `document does not hash to listing ${id}'s content hash`)
  return judgeListing(record, id, hash, decodeListingBytes(bytes))
}

/** The content hash of document bytes (sha2-256, 0x hex); throws `oversized` past the document limit. */
export function hashListingBytes(bytes: Uint8Array): `0x${string}` {
  if (bytes.length > LIMITS.encodedBytes)
    throw new CatalogEntryRejectedError('oversized', `document of ${bytes.length} bytes`)
  // synchronous sha2-256 (noble): thousands of small documents are checked in a row when a snapshot loads,
  // and an async WebCrypto call per 1 KiB document costs more in scheduling than in hashing
  return toHex(sha256(bytes))
}

/** Decodes and validates document bytes (no chain involved); throws `invalid_document`. */
export function decodeListingBytes(bytes: Uint8Array): ListingDocument {
  try {
    return validateListing(dagCbor.decode(bytes))
  } catch (err) {
    throw new CatalogEntryRejectedError('invalid_document', (err as Error).message)
  }
}

/**
 * The chain's verdict on a decoded document whose bytes hash to `hash`: throws unless authentic for `record`
 * (`unknown_listing`, `hash_mismatch`, `seller_mismatch`); says whether it is current. Lets a snapshot hash
 * and decode its documents while the chain's logs are still being read, and judge them once they are.
 */
export function judgeListing(
  record: ListingRecord | undefined,
  id: string,
  hash: `0x${string}`,
  doc: ListingDocument,
): VerifiedBytes {
  if (!record) throw new CatalogEntryRejectedError('unknown_listing', `no listing ${id} on chain`)
  if (!record.hashes.includes(hash))
    throw new CatalogEntryRejectedError('hash_mismatch', `document does not hash to listing ${id}'s content hash`)
  if (doc.seller.toLowerCase() !== record.seller.toLowerCase())
    throw new CatalogEntryRejectedError('seller_mismatch', `document names ${doc.seller}, chain ${record.seller}`)
  if (record.cancelled) return { doc, current: false, why: 'cancelled' }
  if (hash !== record.contentHash) return { doc, current: false, why: 'superseded' }
  return { doc, current: true }
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

/** Lower-case 0x hex (a table lookup per byte: called for every document of a snapshot). */
export function toHex(bytes: Uint8Array): `0x${string}` {
  let out = '0x'
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]
  return out as `0x${string}`
}

/** Auction phase from chain terms and time (what search facets on). */
export function statusOf(record: ListingRecord, now: number): AuctionStatus {
  if (record.cancelled) return 'cancelled'
  if (now < record.biddingEnd) return 'open'
  if (!record.buyNow && now < record.revealEnd) return 'revealing'
  return 'ended'
}

const ZERO = '0x0000000000000000000000000000000000000000'

/** What search indexes for a verified listing: the document's text, the chain's terms. */
export function searchEntryOf(record: ListingRecord, doc: ListingDocument, now: number): CatalogEntryInput {
  return {
    id: record.id,
    doc,
    state: {
      price: record.price,
      currency: record.token.toLowerCase() === ZERO ? 'ETH' : record.token,
      status: statusOf(record, now),
      biddingEnd: record.biddingEnd,
      bids: 0,
    },
  }
}
