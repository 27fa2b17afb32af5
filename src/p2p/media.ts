/**
 * Listing media: photos are resized in the browser, added to IPFS with @helia/unixfs, announced to relays
 * (which pin them, so they outlive the seller's tab) and fetched by CID with progress, cached.
 */
import { unixfs, type UnixFS } from '@helia/unixfs'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { concat } from 'uint8arrays/concat'
import { equals } from 'uint8arrays/equals'
import { sha256 } from 'multiformats/hashes/sha2'
import * as dagCbor from '@ipld/dag-cbor'
import { requestPin, type PinKeep, type PinResult } from './pin-protocol.ts'
import type { SoukNode } from './node.ts'
import { BaseError } from 'viem'
import { collectBytes } from './bytes.ts'

export interface ResizeOptions {
  /** Longest side of the full image in px (default 1600). */
  maxSize?: number
  /** Longest side of the thumbnail in px (default 400). */
  thumbSize?: number
  /** Encoder quality 0..1 (default 0.82). */
  quality?: number
  /** Output type (default image/webp). */
  type?: string
}

export interface ResizedImage {
  full: Blob
  thumb: Blob
  width: number
  height: number
  thumbWidth: number
  thumbHeight: number
}

/** Decodes a picked or captured photo (EXIF orientation applied) and encodes it at two sizes. */
export async function resizeImage(source: Blob, options: ResizeOptions = {}): Promise<ResizedImage> {
  const { maxSize = 1600, thumbSize = 400, quality = 0.82, type = 'image/webp' } = options
  const bitmap = await createImageBitmap(source, { imageOrientation: 'from-image' })
  try {
    const full = await encode(bitmap, maxSize, type, quality)
    const thumb = await encode(bitmap, thumbSize, type, quality)
    return {
      full: full.blob,
      thumb: thumb.blob,
      width: full.width,
      height: full.height,
      thumbWidth: thumb.width,
      thumbHeight: thumb.height,
    }
  } finally {
    bitmap.close()
  }
}

async function encode(
  bitmap: ImageBitmap,
  max: number,
  type: string,
  quality: number,
): Promise<{ blob: Blob; width: number; height: number }> {
  const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height))
  const width = Math.max(1, Math.round(bitmap.width * scale))
  const height = Math.max(1, Math.round(bitmap.height * scale))
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height)
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('no 2D canvas context available to resize the photo')
    ctx.imageSmoothingQuality = 'high'
    ctx.drawImage(bitmap, 0, 0, width, height)
    return { blob: await canvas.convertToBlob({ type, quality }), width, height }
  }
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2D canvas context available to resize the photo')
  ctx.imageSmoothingQuality = 'high'
  ctx.drawImage(bitmap, 0, 0, width, height)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality))
  if (!blob) throw new Error(`this browser cannot encode ${type}`)
  return { blob, width, height }
}

export interface AddedPhoto {
  cid: string
  thumbCid: string
  width: number
  height: number
  thumbWidth: number
  thumbHeight: number
  type: string
  bytes: number
  thumbBytes: number
}

export interface FetchProgress {
  loaded: number
  /** Size from the file's root block; undefined until it has arrived. */
  total: number | undefined
}

export interface RelayPinOutcome {
  relay: string
  results?: PinResult[]
  error?: string
}

export class MediaPinError extends BaseError {
  override name = 'MediaPinError'
  readonly outcomes: RelayPinOutcome[]
  constructor(message: string, outcomes: RelayPinOutcome[]) {
    super(message)
    this.outcomes = outcomes
  }
}

const MAX_CACHED = 64

export class MediaStore {
  readonly #node: Pick<SoukNode, 'helia' | 'libp2p' | 'relays'>
  readonly #fs: UnixFS
  readonly #cache = new Map<string, Promise<Uint8Array>>()
  readonly #urls = new Map<string, string>()

  constructor(node: Pick<SoukNode, 'helia' | 'libp2p' | 'relays'>) {
    this.#node = node
    this.#fs = unixfs(node.helia)
  }

  async addBytes(bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<CID> {
    return await this.#fs.addBytes(bytes, { signal: options.signal, rawLeaves: true, cidVersion: 1 })
  }

  /**
   * Adds a small document block (a trust document: an arbiter profile or a review, dag-cbor) under its CID,
   * which the caller computed from the bytes (trust-docs.ts); refuses bytes that do not hash to it.
   */
  async addDocument(cid: CID | string, bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<CID> {
    const c = typeof cid === 'string' ? CID.parse(cid) : cid
    const digest = await sha256.digest(bytes)
    if (c.code !== dagCbor.code || !equals(c.multihash.bytes, digest.bytes))
      throw new MediaPinError(`the document's bytes do not match ${c.toString()}`, [])
    await this.#node.helia.blockstore.put(c, bytes, { signal: options.signal })
    return c
  }

  /**
   * A document block by CID (from the local store, peers or relays), at most `maxBytes`; the blockstore checks
   * the bytes against the CID. Times out after `timeoutMs` (default 15 s) if nobody has it.
   */
  async getDocument(
    cid: CID | string,
    options: { signal?: AbortSignal; maxBytes: number; timeoutMs?: number },
  ): Promise<Uint8Array> {
    const c = typeof cid === 'string' ? CID.parse(cid) : cid
    const signal = AbortSignal.any([
      AbortSignal.timeout(options.timeoutMs ?? 15_000),
      ...(options.signal ? [options.signal] : []),
    ])
    const bytes = await collectBytes(this.#node.helia.blockstore.get(c, { signal }))
    if (bytes.byteLength > options.maxBytes)
      throw new MediaPinError(`document ${c.toString()} is ${bytes.byteLength} bytes, over ${options.maxBytes}`, [])
    return bytes
  }

  /** Resizes a photo and adds the full image and its thumbnail. */
  async addPhoto(source: Blob, options: ResizeOptions & { signal?: AbortSignal } = {}): Promise<AddedPhoto> {
    const img = await resizeImage(source, options)
    const [full, thumb] = await Promise.all([
      img.full.arrayBuffer().then((b) => new Uint8Array(b)),
      img.thumb.arrayBuffer().then((b) => new Uint8Array(b)),
    ])
    const cid = await this.addBytes(full, options)
    const thumbCid = await this.addBytes(thumb, options)
    return {
      cid: cid.toString(),
      thumbCid: thumbCid.toString(),
      width: img.width,
      height: img.height,
      thumbWidth: img.thumbWidth,
      thumbHeight: img.thumbHeight,
      type: img.full.type,
      bytes: full.byteLength,
      thumbBytes: thumb.byteLength,
    }
  }

  /**
   * Announces media to every connected relay, which fetches and pins it. Resolves once at least
   * `minRelays` relays pinned all of it; otherwise rejects with each relay's answer.
   */
  async pin(
    cids: (CID | string)[],
    options: { minRelays?: number; signal?: AbortSignal; timeoutMs?: number; keep?: PinKeep } = {},
  ): Promise<RelayPinOutcome[]> {
    const list = cids.map((c) => (typeof c === 'string' ? CID.parse(c) : c))
    const relays = this.#node.relays.relays.filter((r) => r.connected)
    const outcomes = await Promise.all(
      relays.map(async (r): Promise<RelayPinOutcome> => {
        try {
          const results = await requestPin(this.#node.libp2p, peerIdFromString(r.peerId), list, options)
          return { relay: r.peerId, results }
        } catch (err) {
          return {
            relay: r.peerId,
            error: err instanceof BaseError ? err.shortMessage : err instanceof Error ? err.message : String(err),
          }
        }
      }),
    )
    const ok = outcomes.filter(
      (o) => o.results?.length === list.length && o.results.every((x) => x.status === 'pinned'),
    ).length
    if (ok < (options.minRelays ?? 1)) {
      const why = outcomes.map(
        (o) => `${o.relay.slice(-6)}: ${o.error ?? o.results?.map((x) => x.reason ?? x.status).join(', ')}`,
      )
      throw new MediaPinError(
        `media pinned by ${ok} of ${relays.length} relays (${why.join('; ') || 'no relay connected'})`,
        outcomes,
      )
    }
    return outcomes
  }

  /** Fetches a file by CID (from the local store, peers or relays), reporting progress. Cached by CID. */
  async fetch(
    cid: CID | string,
    options: { signal?: AbortSignal; onProgress?: (p: FetchProgress) => void } = {},
  ): Promise<Uint8Array> {
    const key = cid.toString()
    const cached = this.#cache.get(key)
    if (cached) {
      const bytes = await cached
      options.onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength })
      return bytes
    }
    const pending = this.#load(typeof cid === 'string' ? CID.parse(cid) : cid, options)
    this.#cache.set(key, pending)
    pending.catch(() => this.#cache.delete(key))
    if (this.#cache.size > MAX_CACHED) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    return await pending
  }

  /** An object URL for an image CID, created once per CID. */
  async objectUrl(
    cid: CID | string,
    type = 'image/webp',
    options: { signal?: AbortSignal; onProgress?: (p: FetchProgress) => void } = {},
  ): Promise<string> {
    const key = cid.toString()
    const existing = this.#urls.get(key)
    if (existing) return existing
    const bytes = await this.fetch(cid, options)
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }))
    this.#urls.set(key, url)
    return url
  }

  close(): void {
    for (const url of this.#urls.values()) URL.revokeObjectURL(url)
    this.#urls.clear()
    this.#cache.clear()
  }

  async #load(
    cid: CID,
    options: { signal?: AbortSignal; onProgress?: (p: FetchProgress) => void },
  ): Promise<Uint8Array> {
    const stat = await this.#fs.stat(cid, { signal: options.signal })
    const total = Number(stat.size)
    const chunks: Uint8Array[] = []
    let loaded = 0
    options.onProgress?.({ loaded, total })
    for await (const chunk of this.#fs.cat(cid, { signal: options.signal })) {
      chunks.push(chunk)
      loaded += chunk.byteLength
      options.onProgress?.({ loaded, total })
    }
    return concat(chunks, loaded)
  }
}
