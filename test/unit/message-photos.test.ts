/**
 * Photos in messages (issue #26): the encryption round trip with a fresh key per photo, the payload's photo
 * references checked as untrusted input (size, type, CID, key, sides, count), and a relay's collector keeping
 * message photos for the message retention while unreferenced listing media goes after its grace period.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import {
  decryptPhoto,
  encryptPhoto,
  MAX_PHOTO_BYTES,
  parsePhotoRef,
  type PhotoRef,
} from '../../src/core/message-photos.ts'
import { MessagingError, parsePayload, RETENTION_MS } from '../../src/core/messaging.ts'
import { collectUnreferencedPins } from '../../src/relay/catalog-pins.ts'
import type { Catalog } from '../../src/p2p/catalog.ts'
import type { PinService } from '../../src/relay/pinning.ts'

async function cidOf(bytes: Uint8Array): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(bytes)).toString()
}

async function sealed(bytes = new Uint8Array(5_000).map((_, i) => i % 251)): Promise<{
  ref: PhotoRef
  ciphertext: Uint8Array
  plain: Uint8Array
}> {
  const { ciphertext, ref } = await encryptPhoto({ bytes, mime: 'image/jpeg', width: 1600, height: 1200 })
  return { ref: { cid: await cidOf(ciphertext), ...ref }, ciphertext, plain: bytes }
}

const malformed = (err: unknown): boolean => err instanceof MessagingError && err.reason === 'malformed'

test('a photo decrypts with its own key; another key, a changed byte or a wrong size fail clearly', async () => {
  const a = await sealed()
  const b = await sealed()
  assert.notEqual(a.ref.key, b.ref.key, 'every photo has a fresh key')
  assert.notDeepEqual(a.ciphertext, a.plain)
  assert.deepEqual(await decryptPhoto(parsePhotoRef(a.ref), a.ciphertext), a.plain)
  const undecryptable = (err: unknown): boolean => err instanceof MessagingError && err.reason === 'undecryptable'
  await assert.rejects(decryptPhoto({ ...a.ref, key: b.ref.key }, a.ciphertext), undecryptable)
  const flipped = a.ciphertext.slice()
  flipped[10]! ^= 1
  await assert.rejects(decryptPhoto(a.ref, flipped), undecryptable)
  await assert.rejects(decryptPhoto(a.ref, a.ciphertext.subarray(1)), undecryptable)
})

test('photo references from a payload are checked: size, type, CID, key, sides and count', async () => {
  const { ref } = await sealed()
  const text = (photos: unknown): unknown => parsePayload({ t: 'text', text: '', listing: '7', photos })
  assert.deepEqual(text([ref]), { t: 'text', text: '', listing: '7', photos: [ref] })
  assert.deepEqual(parsePayload({ t: 'text', text: 'no photos' }), { t: 'text', text: 'no photos' })
  const bad: [string, unknown][] = [
    ['oversized', { ...ref, size: MAX_PHOTO_BYTES + 1 }],
    ['wrong mime', { ...ref, mime: 'image/svg+xml' }],
    ['text/html', { ...ref, mime: 'text/html' }],
    ['bad cid', { ...ref, cid: 'not-a-cid' }],
    ['cid too long', { ...ref, cid: `b${'a'.repeat(200)}` }],
    ['short key', { ...ref, key: ref.key.slice(1) }],
    ['bad iv', { ...ref, iv: '!!!!!!!!!!!!!!!!' }],
    ['huge width', { ...ref, width: 100_000 }],
    ['fractional height', { ...ref, height: 10.5 }],
    ['negative size', { ...ref, size: -1 }],
    ['not an object', 'photo'],
  ]
  for (const [what, photo] of bad) assert.throws(() => text([photo]), malformed, what)
  assert.throws(() => text([ref, ref, ref, ref, ref]), malformed, 'five photos')
  assert.throws(() => text([]), malformed, 'an empty list')
  assert.throws(() => text(ref), malformed, 'not a list')
  // unknown fields are dropped, so nothing else rides along into storage
  assert.deepEqual(parsePhotoRef({ ...ref, extra: 'x' }), ref)
})

test('a relay keeps message photos for the message retention, listing media only for the grace period', async () => {
  const hour = 3_600_000
  const now = Date.now()
  const cids = await Promise.all([1, 2, 3, 4].map((i) => cidOf(new Uint8Array([i]))))
  const records = [
    { cid: cids[0]!, peer: 'p', bytes: 1, at: now - 2 * 24 * hour }, // listing media, unreferenced, 2 days old
    { cid: cids[1]!, peer: 'p', bytes: 1, at: now - 2 * 24 * hour, keep: 'message' as const }, // photo, 2 days
    { cid: cids[2]!, peer: 'p', bytes: 1, at: now - RETENTION_MS - hour, keep: 'message' as const }, // past retention
    { cid: cids[3]!, peer: 'p', bytes: 1, at: now - hour }, // listing media within its grace
  ]
  const dropped: string[] = []
  const pins = {
    async *records() {
      yield* records
    },
    async unpin(cid: CID) {
      dropped.push(cid.toString())
    },
  } as unknown as PinService
  const catalog = { verified: new Map() } as unknown as Catalog
  assert.equal(await collectUnreferencedPins(pins, catalog, 24 * hour, RETENTION_MS), 2)
  assert.deepEqual(dropped.sort(), [cids[0]!, cids[2]!].sort())
})
