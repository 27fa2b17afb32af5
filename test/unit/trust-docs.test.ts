/**
 * The arbiter profile and review documents (issue #25): round trips, and the malformed, oversized and hostile
 * documents a stranger can pin, each refused with the field it is about.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as dagCbor from '@ipld/dag-cbor'
import { encode as cborEncode } from 'cborg'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  TRUST_LIMITS,
  TrustDocError,
  decodeArbiterProfile,
  decodeReview,
  encodeArbiterProfile,
  encodeReview,
  parseDocumentCid,
  reviewCidFromDigest,
  validateArbiterProfile,
  validateReview,
} from '../../src/core/trust-docs.ts'

const CONTACT = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const PROFILE = {
  v: 1,
  name: 'Lin Mediation',
  languages: ['en', 'zh-Hans'],
  rules: 'Photos of the parcel.',
  contact: CONTACT,
}
const REVIEW = { v: 1, listingId: '42', text: 'Fast shipping, as described.', lang: 'en' }

function refuses(fn: () => unknown, field: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TrustDocError, `a TrustDocError, got ${String(err)}`)
    if (typeof field === 'string') assert.equal(err.field, field)
    else assert.match(err.field, field)
    return true
  })
}

async function refusesAsync(p: Promise<unknown>, field: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof TrustDocError && err.field === field)
}

test('a profile round-trips through dag-cbor and its CID; normalized on the way', async () => {
  const { bytes, cid, digest } = await encodeArbiterProfile({
    ...PROFILE,
    name: '  Lin Mediation ',
    languages: ['en', 'zh-Hans', 'EN'],
    rules: 'Line one\r\nline two',
    contact: CONTACT.toLowerCase(),
    extra: 'dropped',
  })
  assert.equal(cid.code, dagCbor.code)
  assert.equal(digest.length, 66)
  const doc = await decodeArbiterProfile(bytes, cid.toString())
  assert.deepEqual(doc, { ...PROFILE, rules: 'Line one\nline two' })
  assert.equal(doc.contact, CONTACT, 'checksummed')
})

test('a review round-trips, and the Rated event’s digest gives its CID back', async () => {
  const { bytes, cid, digest } = await encodeReview(REVIEW)
  assert.deepEqual(await decodeReview(bytes, cid), REVIEW)
  assert.equal(reviewCidFromDigest(digest)?.toString(), cid.toString())
  assert.equal(reviewCidFromDigest(`0x${'0'.repeat(64)}`), undefined)
  refuses(() => reviewCidFromDigest('0x1234'), 'review')
})

test('profiles with wrong types, missing or overlong fields are refused, naming the field', () => {
  refuses(() => validateArbiterProfile(null), 'profile')
  refuses(() => validateArbiterProfile([PROFILE]), 'profile')
  refuses(() => validateArbiterProfile('profile'), 'profile')
  refuses(() => validateArbiterProfile(new Uint8Array(4)), 'profile')
  refuses(() => validateArbiterProfile({ ...PROFILE, v: 2 }), 'v')
  refuses(() => validateArbiterProfile({ ...PROFILE, v: '1' }), 'v')
  refuses(() => validateArbiterProfile({ ...PROFILE, name: '   ' }), 'name')
  refuses(() => validateArbiterProfile({ ...PROFILE, name: 7 }), 'name')
  refuses(() => validateArbiterProfile({ ...PROFILE, name: 'x'.repeat(TRUST_LIMITS.name + 1) }), 'name')
  assert.equal(validateArbiterProfile({ ...PROFILE, name: 'x'.repeat(TRUST_LIMITS.name) }).name.length, 80)
  refuses(() => validateArbiterProfile({ ...PROFILE, languages: [] }), 'languages')
  refuses(() => validateArbiterProfile({ ...PROFILE, languages: 'en' }), 'languages')
  refuses(() => validateArbiterProfile({ ...PROFILE, languages: Array(13).fill('en') }), 'languages')
  refuses(() => validateArbiterProfile({ ...PROFILE, languages: ['en', 'english!'] }), 'languages[1]')
  refuses(() => validateArbiterProfile({ ...PROFILE, languages: [`en-${'a'.repeat(40)}`] }), 'languages[0]')
  refuses(() => validateArbiterProfile({ ...PROFILE, languages: [{ tag: 'en' }] }), 'languages[0]')
  refuses(() => validateArbiterProfile({ ...PROFILE, rules: '' }), 'rules')
  refuses(() => validateArbiterProfile({ ...PROFILE, rules: 'r'.repeat(TRUST_LIMITS.rules + 1) }), 'rules')
  assert.equal(validateArbiterProfile({ ...PROFILE, rules: '规'.repeat(4_000) }).rules.length, 4_000)
  const { name: _name, ...noName } = PROFILE
  refuses(() => validateArbiterProfile(noName), 'name')
})

test('addresses: viem’s check, with the checksum', () => {
  refuses(() => validateArbiterProfile({ ...PROFILE, contact: '0x1234' }), 'contact')
  refuses(() => validateArbiterProfile({ ...PROFILE, contact: CONTACT.slice(2) }), 'contact')
  refuses(() => validateArbiterProfile({ ...PROFILE, contact: `${CONTACT}00` }), 'contact')
  refuses(() => validateArbiterProfile({ ...PROFILE, contact: `0x${'g'.repeat(40)}` }), 'contact')
  // one letter's case flipped: a typo the checksum catches
  const flipped = CONTACT.replace('F79', 'f79')
  refuses(() => validateArbiterProfile({ ...PROFILE, contact: flipped }), 'contact')
  refuses(() => validateArbiterProfile({ ...PROFILE, contact: 0x90f79bf6eb2c4f870365e785982e1f101e93b906n }), 'contact')
})

test('hostile text: control characters, direction overrides, a BOM; newlines only where text may have lines', () => {
  refuses(() => validateArbiterProfile({ ...PROFILE, name: 'Lin\u202Egnp.exe' }), 'name')
  refuses(() => validateArbiterProfile({ ...PROFILE, name: 'Lin\u2066x\u2069' }), 'name')
  refuses(() => validateArbiterProfile({ ...PROFILE, name: 'Lin\nMediation' }), 'name')
  refuses(() => validateArbiterProfile({ ...PROFILE, name: 'Lin\u0000' }), 'name')
  refuses(() => validateArbiterProfile({ ...PROFILE, rules: 'ok\u0007bell' }), 'rules')
  refuses(() => validateArbiterProfile({ ...PROFILE, rules: 'ru\uFEFFles' }), 'rules')
  assert.equal(validateArbiterProfile({ ...PROFILE, rules: 'a\n\tb' }).rules, 'a\n\tb')
  // markup is text: it is rendered as text, never as HTML
  assert.equal(validateReview({ ...REVIEW, text: '<img src=x onerror=alert(1)>' }).text, '<img src=x onerror=alert(1)>')
})

test('reviews: listing ids, text length at the limit, language', () => {
  for (const id of ['0', '007', '-1', '1e3', ' 1', 'x', '1'.repeat(79), 42])
    refuses(() => validateReview({ ...REVIEW, listingId: id }), 'listingId')
  assert.equal(validateReview({ ...REVIEW, listingId: '1'.repeat(78) }).listingId.length, 78)
  assert.equal(validateReview({ ...REVIEW, text: 't'.repeat(TRUST_LIMITS.review) }).text.length, 2_000)
  refuses(() => validateReview({ ...REVIEW, text: 't'.repeat(TRUST_LIMITS.review + 1) }), 'text')
  refuses(() => validateReview({ ...REVIEW, text: '' }), 'text')
  refuses(() => validateReview({ ...REVIEW, lang: 'chinese please' }), 'lang')
  refuses(() => validateReview({ ...REVIEW, lang: undefined }), 'lang')
})

test('a decoded __proto__ key or a polluted prototype never stands in for a field', async () => {
  const bytes = cborEncode(
    new Map<string, unknown>([
      ['__proto__', { name: 'from the prototype', languages: ['en'], rules: 'r', contact: CONTACT }],
      ['v', 1],
    ]),
  )
  await refusesAsync(decodeArbiterProfile(bytes), 'name')
  const polluted = Object.create({ name: 'inherited' }) as Record<string, unknown>
  Object.assign(polluted, { v: 1, languages: ['en'], rules: 'r', contact: CONTACT })
  refuses(() => validateArbiterProfile(polluted), 'profile')
})

test('malformed, oversized and mismatching bytes are refused before or while decoding', async () => {
  await refusesAsync(decodeArbiterProfile(Uint8Array.from([0xff, 0x00, 0x13])), 'profile')
  await refusesAsync(decodeArbiterProfile(new Uint8Array(0)), 'profile')
  // a repeated key (dag-cbor is strict)
  await refusesAsync(decodeReview(Uint8Array.from([0xa2, 0x61, 0x76, 0x01, 0x61, 0x76, 0x01])), 'review')
  // too large: refused by its size, unread
  const big = dagCbor.encode({ ...REVIEW, text: 'x'.repeat(TRUST_LIMITS.reviewBytes) })
  await refusesAsync(decodeReview(big), 'review')
  // a full-length Chinese profile still fits
  const full = await encodeArbiterProfile({ ...PROFILE, rules: '规'.repeat(4_000), name: '名'.repeat(80) })
  assert.ok(full.bytes.length <= TRUST_LIMITS.profileBytes)
  // deep nesting within the size limit
  const deep = new Uint8Array(TRUST_LIMITS.reviewBytes).fill(0x81)
  deep[deep.length - 1] = 0x01
  await refusesAsync(decodeReview(deep), 'review')
  // a document that is not a map
  await refusesAsync(decodeReview(dagCbor.encode(['v', 1])), 'review')
  await refusesAsync(
    decodeReview(dagCbor.encode(CID.parse('bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'))),
    'review',
  )
  // bytes that are not what the CID names
  const { cid } = await encodeReview(REVIEW)
  const other = await encodeReview({ ...REVIEW, text: 'Something else' })
  await refusesAsync(decodeReview(other.bytes, cid), 'cid')
  // a raw-codec CID with the right digest is still not the document's CID
  const raw = CID.createV1(0x55, await sha256.digest(other.bytes))
  await refusesAsync(decodeReview(other.bytes, raw), 'cid')
  await refusesAsync(decodeReview('not bytes' as unknown as Uint8Array), 'review')
})

test('the profile CID a person pastes: only a dag-cbor CID, at most 128 characters', async () => {
  const { cid } = await encodeArbiterProfile(PROFILE)
  assert.equal(parseDocumentCid(` ${cid.toString()} `).toString(), cid.toString())
  for (const bad of ['', '   ', 'hello', 'bafy…', 'Qm' + 'x'.repeat(44), `${cid.toString()}x`, 'b'.repeat(129)])
    refuses(() => parseDocumentCid(bad), 'cid')
  // a real CID, but of a file (dag-pb / raw), not a dag-cbor document
  refuses(() => parseDocumentCid('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG'), 'cid')
  refuses(() => parseDocumentCid('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'), 'cid')
})
