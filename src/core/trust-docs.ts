/**
 * The two IPFS documents of the trust layer (issue #25), as src/core/listing.ts does the listing document:
 * the arbiter's profile (its CID is registered on chain with `registerArbiter`) and a rating's review (the
 * sha2-256 digest of its CID is in the `Rated` event). Both are dag-cbor; both arrive from strangers, so
 * decoding checks the size before parsing, the CID against the bytes, and every field's type and length.
 * Pure code: no I/O, runs in the browser and in Node.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { BaseError, getAddress, isAddress } from 'viem'
import type { ArbiterProfile, ReviewDocument } from '../services/trust-types.ts'
import { TRUST_LIMITS } from './trust-limits.ts'

export { TRUST_LIMITS }

export class TrustDocError extends BaseError {
  override name = 'TrustDocError'
  readonly field: string
  constructor(field: string, message: string) {
    super(`${field}: ${message}`)
    this.field = field
  }
}

const LANGUAGE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/
const LISTING_ID = /^[1-9][0-9]{0,77}$/
// C0 and C1 controls except tab and newline; bidirectional embeddings, overrides and isolates (a name that
// reads differently from what it is); the byte-order mark
// eslint-disable-next-line no-control-regex
const FORBIDDEN_MULTILINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/
// eslint-disable-next-line no-control-regex
const FORBIDDEN_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array)
    throw new TrustDocError(what, 'must be a map')
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) throw new TrustDocError(what, 'must be a plain map')
  return value as Record<string, unknown>
}

/** An own field only: a decoded `__proto__` key or a polluted prototype never stands in for a missing one. */
function field(v: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(v, key) ? v[key] : undefined
}

function text(
  v: Record<string, unknown>,
  key: string,
  max: number,
  { multiline = false, required = true } = {},
): string {
  const value = field(v, key)
  if (typeof value !== 'string') throw new TrustDocError(key, 'must be text')
  const trimmed = multiline ? value.replace(/\r\n?/g, '\n').trim() : value.trim()
  if (required && trimmed.length === 0) throw new TrustDocError(key, 'is required')
  if (trimmed.length > max) throw new TrustDocError(key, `is longer than ${max} characters`)
  if ((multiline ? FORBIDDEN_MULTILINE : FORBIDDEN_LINE).test(trimmed))
    throw new TrustDocError(key, 'contains control or direction-changing characters')
  return trimmed
}

function language(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.length > TRUST_LIMITS.languageTag || !LANGUAGE.test(value))
    throw new TrustDocError(key, 'must be a language tag such as en or zh-Hans')
  return value
}

function version(v: Record<string, unknown>): 1 {
  if (field(v, 'v') !== 1) throw new TrustDocError('v', 'must be 1')
  return 1
}

/**
 * Checks an untrusted profile (the form's, or one fetched from the network) and returns it normalized (text
 * trimmed, languages without duplicates, the contact checksummed), or throws a TrustDocError naming the field.
 * Unknown fields are dropped.
 */
export function validateArbiterProfile(value: unknown): ArbiterProfile {
  const v = record(value, 'profile')
  version(v)
  const name = text(v, 'name', TRUST_LIMITS.name)
  const langs = field(v, 'languages')
  if (!Array.isArray(langs) || langs.length === 0) throw new TrustDocError('languages', 'must list at least one')
  if (langs.length > TRUST_LIMITS.languages)
    throw new TrustDocError('languages', `at most ${TRUST_LIMITS.languages} languages`)
  const languages: string[] = []
  langs.forEach((l, i) => {
    const tag = language(l, `languages[${i}]`)
    if (!languages.some((t) => t.toLowerCase() === tag.toLowerCase())) languages.push(tag)
  })
  const rules = text(v, 'rules', TRUST_LIMITS.rules, { multiline: true })
  const contact = field(v, 'contact')
  // viem's check: 20 bytes of hex, and a mixed-case address must carry a valid checksum
  if (typeof contact !== 'string' || !isAddress(contact)) throw new TrustDocError('contact', 'must be an address')
  return { v: 1, name, languages, rules, contact: getAddress(contact) }
}

/** Checks an untrusted review document; see `validateArbiterProfile`. */
export function validateReview(value: unknown): ReviewDocument {
  const v = record(value, 'review')
  version(v)
  const listingId = field(v, 'listingId')
  if (typeof listingId !== 'string' || !LISTING_ID.test(listingId))
    throw new TrustDocError('listingId', 'must be a listing number')
  const reviewText = text(v, 'text', TRUST_LIMITS.review, { multiline: true })
  return { v: 1, listingId, text: reviewText, lang: language(field(v, 'lang'), 'lang') }
}

export interface EncodedDocument {
  bytes: Uint8Array
  cid: CID
  /** bytes32: the sha2-256 digest inside the CID (the `Rated` event's `review`). */
  digest: `0x${string}`
}

function toHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

async function encode(doc: object, max: number, what: string): Promise<EncodedDocument> {
  const bytes = dagCbor.encode(doc)
  if (bytes.length > max) throw new TrustDocError(what, `encodes to ${bytes.length} bytes, more than ${max}`)
  const digest = await sha256.digest(bytes)
  return { bytes, cid: CID.createV1(dagCbor.code, digest), digest: toHex(digest.digest) }
}

/** Validates and encodes a profile for pinning; its `cid` is what `registerArbiter` records. */
export async function encodeArbiterProfile(value: unknown): Promise<EncodedDocument> {
  return await encode(validateArbiterProfile(value), TRUST_LIMITS.profileBytes, 'profile')
}

/** Validates and encodes a review for pinning; its `digest` goes into `rate`. */
export async function encodeReview(value: unknown): Promise<EncodedDocument> {
  return await encode(validateReview(value), TRUST_LIMITS.reviewBytes, 'review')
}

async function decode(bytes: Uint8Array, expected: CID | string | undefined, max: number, what: string) {
  if (!(bytes instanceof Uint8Array)) throw new TrustDocError(what, 'must be bytes')
  if (bytes.length > max) throw new TrustDocError(what, `is larger than ${max} bytes`)
  if (expected !== undefined) {
    const cid = typeof expected === 'string' ? parseDocumentCid(expected) : expected
    if (cid.code !== dagCbor.code || cid.multihash.code !== sha256.code)
      throw new TrustDocError('cid', 'is not a dag-cbor, sha2-256 CID')
    const digest = await sha256.digest(bytes)
    if (toHex(digest.digest) !== toHex(cid.multihash.digest)) throw new TrustDocError('cid', 'does not match the bytes')
  }
  try {
    return dagCbor.decode<unknown>(bytes)
  } catch (err) {
    // malformed CBOR, non-canonical dag-cbor, repeated keys, nesting deep enough to exhaust the stack
    throw new TrustDocError(what, `is not dag-cbor (${err instanceof Error ? err.message.slice(0, 80) : 'unreadable'})`)
  }
}

/**
 * Decodes a profile received from the network, checked against the CID it was fetched by (the one registered
 * on chain); throws a TrustDocError on oversized, malformed, mismatching or invalid input.
 */
export async function decodeArbiterProfile(bytes: Uint8Array, expected?: CID | string): Promise<ArbiterProfile> {
  return validateArbiterProfile(await decode(bytes, expected, TRUST_LIMITS.profileBytes, 'profile'))
}

/** Decodes a review received from the network, checked against its CID (from `reviewCid`); see above. */
export async function decodeReview(bytes: Uint8Array, expected?: CID | string): Promise<ReviewDocument> {
  return validateReview(await decode(bytes, expected, TRUST_LIMITS.reviewBytes, 'review'))
}

/**
 * A CID typed or pasted by a person (the profile form's "I already have a profile CID") or read from chain:
 * multiformats' parser, at most 128 characters (the contract's limit), and dag-cbor with sha2-256, since a
 * profile is a dag-cbor document; throws a TrustDocError with field `cid` otherwise.
 */
export function parseDocumentCid(text: string): CID {
  const t = text.trim()
  if (t.length === 0) throw new TrustDocError('cid', 'is required')
  if (t.length > TRUST_LIMITS.cidText)
    throw new TrustDocError('cid', `is longer than ${TRUST_LIMITS.cidText} characters`)
  let cid: CID
  try {
    cid = CID.parse(t)
  } catch {
    throw new TrustDocError('cid', 'is not a CID')
  }
  if (cid.code !== dagCbor.code || cid.multihash.code !== sha256.code)
    throw new TrustDocError('cid', 'is not a dag-cbor document')
  return cid
}

/** The review CID a `Rated` event's bytes32 stands for (zero: no review). */
export function reviewCidFromDigest(digest: `0x${string}`): CID | undefined {
  if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) throw new TrustDocError('review', 'must be 32 bytes')
  if (/^0x0{64}$/.test(digest)) return undefined
  const bytes = Uint8Array.from(digest.slice(2).match(/../g)!, (h) => parseInt(h, 16))
  return CID.createV1(dagCbor.code, Digest.create(sha256.code, bytes))
}
