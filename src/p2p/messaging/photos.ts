/**
 * The device's part of message photos (docs/messaging.md "Photos"): downscale a picked photo, encrypt it with
 * a fresh key (src/core/message-photos.ts), add the ciphertext to IPFS and have relays pin it for as long as
 * they keep messages; and the reverse for a received photo: fetch by CID, check and decrypt. Runs in the
 * engine Worker (OffscreenCanvas, createImageBitmap, WebCrypto), beside the media store.
 */
import { BaseError } from 'viem'
import {
  decryptPhoto,
  encryptPhoto,
  MAX_PHOTO_BYTES,
  parsePhotoRef,
  PHOTO_MIMES,
  PHOTO_SIDE,
  type PhotoMime,
  type PhotoRef,
  type PlainPhoto,
} from '../../core/message-photos.ts'
import type { MediaStore } from '../media.ts'

/** A picked file that is not an image this browser can decode, or that came out too large. */
export class PhotoError extends BaseError {
  override name = 'PhotoError'
}

/** A received photo could not be fetched in time (nobody serves its CID). */
const FETCH_TIMEOUT_MS = 30_000
const QUALITY = 0.85

/** Decodes a picked photo (EXIF orientation applied) and re-encodes it with its longest side at most `maxSide`. */
export async function downscalePhoto(source: Blob, maxSide = PHOTO_SIDE): Promise<PlainPhoto> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(source, { imageOrientation: 'from-image' })
  } catch (err) {
    throw new PhotoError('This file is not a photo this browser can open.', { cause: err as Error })
  }
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height))
    const width = Math.max(1, Math.round(bitmap.width * scale))
    const height = Math.max(1, Math.round(bitmap.height * scale))
    const canvas = new OffscreenCanvas(width, height)
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new PhotoError('No canvas is available to resize the photo.')
    ctx.imageSmoothingQuality = 'high'
    ctx.drawImage(bitmap, 0, 0, width, height)
    // JPEG: every browser encodes it (Safari's OffscreenCanvas falls back to PNG for WebP)
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: QUALITY })
    if (!(PHOTO_MIMES as readonly string[]).includes(blob.type))
      throw new PhotoError(`This browser encoded the photo as ${blob.type}.`)
    return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type as PhotoMime, width, height }
  } finally {
    bitmap.close()
  }
}

export type PhotoMedia = Pick<MediaStore, 'addBytes' | 'pin' | 'fetch'>

/** Downscales, encrypts and adds one photo to the local blockstore (not pinned yet: `pinMessagePhotos`). */
export async function addMessagePhoto(media: PhotoMedia, source: Blob, signal?: AbortSignal): Promise<PhotoRef> {
  const plain = await downscalePhoto(source)
  signal?.throwIfAborted()
  const { ciphertext, ref } = await encryptPhoto(plain)
  const cid = await media.addBytes(ciphertext, signal ? { signal } : {})
  return { cid: cid.toString(), ...ref }
}

/**
 * Has at least one connected relay pin the photos, kept as message media (the relay's message retention, not
 * the 24 h grace of listing media). Rejects with `MediaPinError` saying each relay's answer.
 */
export async function pinMessagePhotos(media: PhotoMedia, cids: string[], signal?: AbortSignal): Promise<void> {
  await media.pin(cids, { minRelays: 1, keep: 'message', ...(signal && { signal }) })
}

/** Fetches and decrypts a photo a message names (validated again: the reference came from another device). */
export async function openMessagePhoto(media: PhotoMedia, value: PhotoRef, signal?: AbortSignal): Promise<Uint8Array> {
  const ref = parsePhotoRef(value)
  // a file of another size than the message says is not this photo: stop before fetching the rest
  const wrongSize = new AbortController()
  const bounded = AbortSignal.any([
    AbortSignal.timeout(FETCH_TIMEOUT_MS),
    wrongSize.signal,
    ...(signal ? [signal] : []),
  ])
  const ciphertext = await media.fetch(ref.cid, {
    signal: bounded,
    onProgress: ({ total, loaded }) => {
      if ((total !== undefined && total !== ref.size) || loaded > ref.size)
        wrongSize.abort(new PhotoError(`The photo's file is not the size its message names (${ref.size} bytes).`))
    },
  })
  if (ciphertext.byteLength > MAX_PHOTO_BYTES) throw new PhotoError('The photo is larger than allowed.')
  return await decryptPhoto(ref, ciphertext)
}
