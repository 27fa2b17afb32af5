/**
 * Photos in messages (issue #26, evidence for shipping and disputes): each photo is encrypted on the sender's
 * device with its own random AES-256-GCM key, the ciphertext added to IPFS and pinned by relays, and the
 * message's payload (itself end-to-end encrypted) carries the reference below. Relays hold only ciphertext;
 * whoever reads the payload holds the key. Pure code (WebCrypto only), shared by the page, the engine Worker
 * and Node tests.
 */
import { CID } from 'multiformats/cid'
import { fromString, toString } from 'uint8arrays'
import { MessagingError } from './messaging.ts'

/** How a message names one of its photos. `size`: ciphertext bytes (what the relays hold). */
export interface PhotoRef {
  cid: string
  /** AES-256-GCM key, base64url (32 bytes). */
  key: string
  /** AES-GCM IV, base64url (12 bytes). */
  iv: string
  mime: PhotoMime
  size: number
  width: number
  height: number
}

export const PHOTO_MIMES = ['image/jpeg', 'image/png', 'image/webp'] as const
export type PhotoMime = (typeof PHOTO_MIMES)[number]

/** Photos one message may carry. */
export const MAX_MESSAGE_PHOTOS = 4
/** Longest side a sender downscales to; a receiver accepts up to `MAX_PHOTO_SIDE`. */
export const PHOTO_SIDE = 1600
export const MAX_PHOTO_SIDE = 4096
/** Largest encrypted photo accepted (a 1600 px JPEG is ~0.2–0.8 MB; the relay's file cap is 8 MiB). */
export const MAX_PHOTO_BYTES = 4 * 1024 * 1024

const B64 = /^[A-Za-z0-9_-]+$/
const GCM_TAG_BYTES = 16

function bad(what: string): never {
  throw new MessagingError('malformed', `message photo ${what}`)
}

/** Checks one photo reference from untrusted input (a decrypted payload). Throws `MessagingError('malformed')`. */
export function parsePhotoRef(value: unknown): PhotoRef {
  const v = value as Record<string, unknown> | null
  if (typeof v !== 'object' || v === null) bad('is not an object')
  if (typeof v.cid !== 'string' || v.cid.length > 128) bad('has no CID')
  let cid: CID
  try {
    cid = CID.parse(v.cid)
  } catch {
    bad('has a malformed CID')
  }
  if (typeof v.key !== 'string' || v.key.length !== 43 || !B64.test(v.key)) bad('key is malformed')
  if (typeof v.iv !== 'string' || v.iv.length !== 16 || !B64.test(v.iv)) bad('IV is malformed')
  if (typeof v.mime !== 'string' || !(PHOTO_MIMES as readonly string[]).includes(v.mime))
    bad('type must be JPEG, PNG or WebP')
  const int = (n: unknown, min: number, max: number): n is number =>
    typeof n === 'number' && Number.isSafeInteger(n) && n >= min && n <= max
  if (!int(v.size, GCM_TAG_BYTES + 1, MAX_PHOTO_BYTES)) bad(`size must be at most ${MAX_PHOTO_BYTES} bytes`)
  if (!int(v.width, 1, MAX_PHOTO_SIDE) || !int(v.height, 1, MAX_PHOTO_SIDE))
    bad(`sides must be 1 to ${MAX_PHOTO_SIDE} px`)
  return {
    cid: cid.toString(),
    key: v.key,
    iv: v.iv,
    mime: v.mime as PhotoMime,
    size: v.size,
    width: v.width,
    height: v.height,
  }
}

/** A message's photo list from untrusted input: 1 to `MAX_MESSAGE_PHOTOS` valid references. */
export function parsePhotoRefs(value: unknown): PhotoRef[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MESSAGE_PHOTOS)
    bad(`list must hold 1 to ${MAX_MESSAGE_PHOTOS} photos`)
  return value.map(parsePhotoRef)
}

/** A decoded image ready to seal: its bytes, type and pixel size. */
export interface PlainPhoto {
  bytes: Uint8Array
  mime: PhotoMime
  width: number
  height: number
}

/** Encrypts a photo under a fresh random key; returns the ciphertext and its reference without the CID. */
export async function encryptPhoto(photo: PlainPhoto): Promise<{ ciphertext: Uint8Array; ref: Omit<PhotoRef, 'cid'> }> {
  const raw = crypto.getRandomValues(new Uint8Array(32))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt'])
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, photo.bytes as Uint8Array<ArrayBuffer>),
  )
  if (ciphertext.byteLength > MAX_PHOTO_BYTES)
    throw new MessagingError('oversized', `photo of ${ciphertext.byteLength} bytes exceeds ${MAX_PHOTO_BYTES}`)
  return {
    ciphertext,
    ref: {
      key: toString(raw, 'base64url'),
      iv: toString(iv, 'base64url'),
      mime: photo.mime,
      size: ciphertext.byteLength,
      width: photo.width,
      height: photo.height,
    },
  }
}

/**
 * Opens a fetched photo: the ciphertext must have the size the message names and pass AES-GCM's tag (so a
 * relay or peer that serves other bytes is caught). Throws `MessagingError('undecryptable')`.
 */
export async function decryptPhoto(ref: PhotoRef, ciphertext: Uint8Array): Promise<Uint8Array> {
  if (ciphertext.byteLength !== ref.size)
    throw new MessagingError('undecryptable', `photo is ${ciphertext.byteLength} bytes, the message says ${ref.size}`)
  try {
    const key = await crypto.subtle.importKey('raw', fromString(ref.key, 'base64url'), 'AES-GCM', false, ['decrypt'])
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromString(ref.iv, 'base64url') },
        key,
        ciphertext as Uint8Array<ArrayBuffer>,
      ),
    )
  } catch (err) {
    throw new MessagingError('undecryptable', 'photo could not be decrypted', { cause: err as Error })
  }
}
