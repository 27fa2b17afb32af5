/**
 * Listing media by CID in Cache Storage, shared by the page and the service worker. A CID names its bytes,
 * so an entry never goes stale: it is served cache-first and never revalidated, and leaves only by the
 * budget (least recently used beyond MEDIA_MAX_ENTRIES, or unused for MEDIA_MAX_AGE_SECONDS), kept by
 * workbox-expiration. Media comes through the engine Worker (bitswap, not HTTP), so the page stores the bytes
 * it got under `<origin>/ipfs/<cid>`; the service worker answers that URL from the same cache, so
 * `<img src="/ipfs/<cid>">` also works offline.
 */
import { CacheExpiration } from 'workbox-expiration'

export const MEDIA_CACHE = 'souk-media'
/** ≈ 400 listing photos (each ≤ 1 MB after the sell form resizes them). */
export const MEDIA_MAX_ENTRIES = 400
export const MEDIA_MAX_AGE_SECONDS = 60 * 24 * 60 * 60
export const MEDIA_PATH = /\/ipfs\/(b[a-z2-7]{20,}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/

/** The cache key of `cid`: `ipfs/<cid>` next to the app (inside the service worker's scope). */
export function mediaKey(cid: string): string {
  return new URL(`ipfs/${cid}`, globalThis.location.href).href
}

let expiration: CacheExpiration | undefined
function budget(): CacheExpiration {
  expiration ??= new CacheExpiration(MEDIA_CACHE, {
    maxEntries: MEDIA_MAX_ENTRIES,
    maxAgeSeconds: MEDIA_MAX_AGE_SECONDS,
  })
  return expiration
}

const available = (): boolean => typeof caches !== 'undefined' && typeof indexedDB !== 'undefined'

/**
 * The bytes of `cid` as a Blob: from the cache, else from `fetch` (the engine), then kept for next time.
 */
export async function mediaThroughCache(cid: string, type: string, fetch: () => Promise<Uint8Array>): Promise<Blob> {
  const hit = await cachedMedia(cid)
  if (hit) return hit
  const bytes = new Uint8Array(await fetch())
  void storeMedia(cid, bytes, type)
  return new Blob([bytes], { type })
}

/** The cached bytes of `cid`, or undefined. Never throws: a broken cache is a miss. */
export async function cachedMedia(cid: string): Promise<Blob | undefined> {
  if (!available()) return undefined
  try {
    const hit = await (await caches.open(MEDIA_CACHE)).match(mediaKey(cid))
    if (!hit) return undefined
    void budget()
      .updateTimestamp(mediaKey(cid))
      .catch(() => undefined)
    return await hit.blob()
  } catch {
    return undefined
  }
}

/** Keeps the bytes of `cid` within the budget. A full disk or a private window is logged, never thrown. */
export async function storeMedia(cid: string, bytes: Uint8Array<ArrayBuffer>, type: string): Promise<void> {
  if (!available()) return
  try {
    const key = mediaKey(cid)
    await (
      await caches.open(MEDIA_CACHE)
    ).put(
      key,
      new Response(bytes, {
        headers: { 'content-type': type, 'content-length': String(bytes.byteLength), 'cache-control': 'immutable' },
      }),
    )
    await budget().updateTimestamp(key)
    await budget().expireEntries()
  } catch (err) {
    console.warn('souk: could not keep media in the cache', err)
  }
}
