/**
 * The listing document: what a seller publishes on IPFS (dag-cbor) and commits to on chain by its content hash.
 *
 * The chain stores only `contentHash` = the sha2-256 digest of the document's CIDv1 (dag-cbor), as bytes32;
 * anyone can recompute it from the document, so a catalog entry is accepted only when its hash matches the one
 * its seller put on chain. Pure code: no I/O, runs in the browser and in Node.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { BaseError } from 'viem'

export const LISTING_SCHEMA = 'souk/listing/1' as const

/** Categories the catalog facets on; the numeric id is what `list()` records on chain. */
export const CATEGORIES = [
  'other',
  'electronics',
  'fashion',
  'home',
  'collectibles',
  'art',
  'books',
  'sports',
  'toys',
  'vehicles',
] as const
export type Category = (typeof CATEGORIES)[number]

export const CONDITIONS = ['new', 'like-new', 'good', 'fair', 'for-parts'] as const
export type Condition = (typeof CONDITIONS)[number]

export const LIMITS = {
  title: 140,
  description: 10_000,
  images: 12,
  shippingNote: 500,
  /** Largest encoded document, in bytes; a relay or browser drops anything larger unread. */
  encodedBytes: 32 * 1024,
} as const

export interface ListingImage {
  /** unixfs CID of the full-size WebP (max 1600 px). */
  full: string
  /** unixfs CID of the 400 px thumbnail. */
  thumb: string
  width: number
  height: number
  alt?: string
}

export interface ListingDocument {
  schema: typeof LISTING_SCHEMA
  title: string
  description: string
  category: Category
  condition: Condition
  images: ListingImage[]
  shipping: { from: string; note?: string }
  /** BCP 47 language tag of title and description, e.g. `en` or `zh-Hans`. */
  language: string
  /** The seller's checksummed address. */
  seller: `0x${string}`
  /** Milliseconds since the epoch, set by the seller's browser. */
  createdAt: number
}

export class ListingValidationError extends BaseError {
  override name = 'ListingValidationError'
  readonly field: string
  constructor(field: string, message: string) {
    super(`${field}: ${message}`)
    this.field = field
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const LANGUAGE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/

function text(v: Record<string, unknown>, field: string, max: number, { required = true } = {}): string | undefined {
  const value = v[field]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string') throw new ListingValidationError(field, 'must be text')
  const trimmed = value.trim()
  if (required && trimmed.length === 0) throw new ListingValidationError(field, 'is required')
  if (trimmed.length > max) throw new ListingValidationError(field, `is longer than ${max} characters`)
  return trimmed
}

function cidString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ListingValidationError(field, 'must be a CID')
  try {
    return CID.parse(value).toV1().toString()
  } catch {
    throw new ListingValidationError(field, `is not a CID: ${value.slice(0, 80)}`)
  }
}

function dimension(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0 || (value as number) > 16_384)
    throw new ListingValidationError(field, 'must be a whole number of pixels')
  return value as number
}

/**
 * Checks an untrusted value (a draft from the form, or a document fetched from the network) and returns a
 * normalized document, or throws a ListingValidationError naming the bad field.
 */
export function validateListing(value: unknown): ListingDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ListingValidationError('listing', 'must be an object')
  const v = value as Record<string, unknown>
  if (v.schema !== LISTING_SCHEMA) throw new ListingValidationError('schema', `must be ${LISTING_SCHEMA}`)
  const category = v.category
  if (!CATEGORIES.includes(category as Category))
    throw new ListingValidationError('category', 'is not a known category')
  const condition = v.condition
  if (!CONDITIONS.includes(condition as Condition))
    throw new ListingValidationError('condition', 'is not a known condition')
  if (!Array.isArray(v.images)) throw new ListingValidationError('images', 'must be a list')
  if (v.images.length > LIMITS.images) throw new ListingValidationError('images', `at most ${LIMITS.images} photos`)
  const images = v.images.map((raw, i): ListingImage => {
    if (typeof raw !== 'object' || raw === null) throw new ListingValidationError(`images[${i}]`, 'must be an object')
    const img = raw as Record<string, unknown>
    const alt = text(img, 'alt', LIMITS.title, { required: false })
    return {
      full: cidString(img.full, `images[${i}].full`),
      thumb: cidString(img.thumb, `images[${i}].thumb`),
      width: dimension(img.width, `images[${i}].width`),
      height: dimension(img.height, `images[${i}].height`),
      ...(alt ? { alt } : {}),
    }
  })
  const shipping = v.shipping as Record<string, unknown> | undefined
  if (typeof shipping !== 'object' || shipping === null)
    throw new ListingValidationError('shipping', 'must be an object')
  const from = text(shipping, 'from', LIMITS.title)!
  const note = text(shipping, 'note', LIMITS.shippingNote, { required: false })
  if (typeof v.language !== 'string' || !LANGUAGE.test(v.language))
    throw new ListingValidationError('language', 'must be a language tag such as en or zh-Hans')
  if (typeof v.seller !== 'string' || !ADDRESS.test(v.seller))
    throw new ListingValidationError('seller', 'must be an address')
  if (!Number.isSafeInteger(v.createdAt) || (v.createdAt as number) < 0)
    throw new ListingValidationError('createdAt', 'must be a time in milliseconds')
  return {
    schema: LISTING_SCHEMA,
    title: text(v, 'title', LIMITS.title)!,
    description: text(v, 'description', LIMITS.description, { required: false }) ?? '',
    category: category as Category,
    condition: condition as Condition,
    images,
    shipping: { from, ...(note ? { note } : {}) },
    language: v.language,
    seller: v.seller as `0x${string}`,
    createdAt: v.createdAt as number,
  }
}

export function categoryId(category: Category): number {
  return CATEGORIES.indexOf(category)
}

export interface EncodedListing {
  bytes: Uint8Array
  cid: CID
  /** bytes32 for `list(...)`: the sha2-256 digest inside the CID. */
  contentHash: `0x${string}`
}

function toHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** Validates, encodes as dag-cbor and computes the CID and on-chain content hash. */
export async function encodeListing(value: unknown): Promise<EncodedListing> {
  const doc = validateListing(value)
  const bytes = dagCbor.encode(doc)
  if (bytes.length > LIMITS.encodedBytes)
    throw new ListingValidationError('listing', `encodes to ${bytes.length} bytes, more than ${LIMITS.encodedBytes}`)
  const digest = await sha256.digest(bytes)
  return { bytes, cid: CID.createV1(dagCbor.code, digest), contentHash: toHex(digest.digest) }
}

/** The CID a content hash from chain stands for (dag-cbor, sha2-256), to fetch the document from IPFS. */
export function cidFromContentHash(contentHash: `0x${string}`): CID {
  if (!/^0x[0-9a-fA-F]{64}$/.test(contentHash)) throw new ListingValidationError('contentHash', 'must be 32 bytes')
  const bytes = Uint8Array.from(contentHash.slice(2).match(/../g)!, (h) => parseInt(h, 16))
  return CID.createV1(dagCbor.code, Digest.create(sha256.code, bytes))
}

/**
 * The on-chain hash of a dag-cbor document's CID (string or CID): the sha2-256 digest inside it, as bytes32 —
 * how a listing's `contentHash` and a rating's `review` are derived; `cidFromContentHash` turns it back. Throws
 * for a string that is not a CID, or a CID of another codec or hash.
 */
export function contentHashFromCid(cid: string | CID): `0x${string}` {
  let parsed: CID
  try {
    parsed = typeof cid === 'string' ? CID.parse(cid.trim()) : cid
  } catch {
    throw new ListingValidationError('cid', 'is not a CID')
  }
  if (parsed.code !== dagCbor.code || parsed.multihash.code !== sha256.code || parsed.multihash.digest.length !== 32)
    throw new ListingValidationError('cid', 'must be a dag-cbor document hashed with sha2-256')
  return toHex(parsed.multihash.digest)
}

/**
 * Decodes bytes received from the network and checks them against the content hash from chain: the only way
 * a document gets into the catalog. Throws on oversized, malformed or mismatching input.
 */
export async function decodeListing(bytes: Uint8Array, expectedContentHash: `0x${string}`): Promise<ListingDocument> {
  if (bytes.length > LIMITS.encodedBytes) throw new ListingValidationError('listing', 'is too large')
  const digest = await sha256.digest(bytes)
  if (toHex(digest.digest).toLowerCase() !== expectedContentHash.toLowerCase())
    throw new ListingValidationError('contentHash', 'does not match the document')
  let decoded: unknown
  try {
    decoded = dagCbor.decode(bytes)
  } catch (err) {
    throw new ListingValidationError('listing', `is not dag-cbor (${(err as Error).message})`)
  }
  return validateListing(decoded)
}
