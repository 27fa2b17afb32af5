import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import * as dagCbor from '@ipld/dag-cbor'
import {
  LIMITS,
  ListingValidationError,
  categoryId,
  cidFromContentHash,
  decodeListing,
  encodeListing,
  validateListing,
} from '../../src/core/listing.ts'

const IMG = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const draft = () => ({
  schema: 'souk/listing/1',
  title: '  Brass lantern  ',
  description: 'Hand-made, 30 cm.',
  category: 'home',
  condition: 'good',
  images: [{ full: IMG, thumb: IMG, width: 1600, height: 1200, alt: 'the lantern' }],
  shipping: { from: 'Marrakesh, MA' },
  language: 'en',
  seller: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  createdAt: 1_764_000_000_000,
})

describe('listing documents', () => {
  it('normalizes a valid draft (trimmed text, CIDv1 strings)', () => {
    const doc = validateListing(draft())
    assert.equal(doc.title, 'Brass lantern')
    assert.equal(doc.images[0]!.full, IMG)
    assert.equal(categoryId(doc.category), 3)
  })

  it('encodes to a dag-cbor CID whose digest is the on-chain content hash, and back', async () => {
    const { bytes, cid, contentHash } = await encodeListing(draft())
    assert.equal(cid.code, dagCbor.code)
    assert.match(contentHash, /^0x[0-9a-f]{64}$/)
    assert.equal(cidFromContentHash(contentHash).toString(), cid.toString())
    const back = await decodeListing(bytes, contentHash)
    assert.equal(back.title, 'Brass lantern')
  })

  it('gives the same hash for the same document whatever the key order', async () => {
    const a = await encodeListing(draft())
    const reordered = Object.fromEntries(Object.entries(draft()).reverse())
    const b = await encodeListing(reordered)
    assert.equal(a.contentHash, b.contentHash)
  })

  it('rejects a document that does not match the content hash from chain', async () => {
    const { bytes } = await encodeListing(draft())
    const other = await encodeListing({ ...draft(), title: 'Something else' })
    await assert.rejects(decodeListing(bytes, other.contentHash), /contentHash: does not match/)
  })

  it('rejects bytes that are not dag-cbor even when the hash matches', async () => {
    const garbage = new Uint8Array([0xff, 0xff, 0x00])
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', garbage))
    const hash = `0x${Buffer.from(digest).toString('hex')}` as const
    await assert.rejects(decodeListing(garbage, hash), /is not dag-cbor/)
  })

  for (const [field, patch, message] of [
    ['title', { title: '   ' }, 'title: is required'],
    ['title', { title: 'x'.repeat(LIMITS.title + 1) }, 'title: is longer than'],
    ['category', { category: 'weapons' }, 'category: is not a known category'],
    ['images', { images: [{ full: 'not-a-cid', thumb: IMG, width: 1, height: 1 }] }, 'images[0].full: is not a CID'],
    ['images', { images: Array(LIMITS.images + 1).fill({ full: IMG, thumb: IMG, width: 1, height: 1 }) }, 'at most'],
    ['seller', { seller: '0x123' }, 'seller: must be an address'],
    ['language', { language: 'english!' }, 'language: must be a language tag'],
    ['schema', { schema: 'souk/listing/0' }, 'schema: must be souk/listing/1'],
  ] as const) {
    it(`rejects a bad ${field} with a message naming it (${message})`, () => {
      assert.throws(
        () => validateListing({ ...draft(), ...patch }),
        (err: unknown) => err instanceof ListingValidationError && err.message.includes(message),
      )
    })
  }

  it('refuses oversized bytes from the network unread', async () => {
    await assert.rejects(decodeListing(new Uint8Array(LIMITS.encodedBytes + 1), `0x${'00'.repeat(32)}`), /is too large/)
  })
})
