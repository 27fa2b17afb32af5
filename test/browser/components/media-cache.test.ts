import { expect } from '@open-wc/testing'

// workbox reads process.env.NODE_ENV, which Vite replaces at build time; this runner serves modules as they are
Object.assign(globalThis, { process: { env: { NODE_ENV: 'production' } } })
const { cachedMedia, MEDIA_CACHE, MEDIA_MAX_ENTRIES, mediaKey, mediaThroughCache, storeMedia } =
  await import('../../../src/pwa/media-cache.ts')

// CIDv1 raw + sha2-256 shape, i written in base32 ('a' is its zero, so the padding keeps them distinct); the
// cache does not decode them, only keys by them
const B32 = 'abcdefghijklmnopqrstuvwxyz234567'
const cid = (i: number): string =>
  `bafkrei${[...i.toString(32)]
    .map((d) => B32[parseInt(d, 32)])
    .join('')
    .padStart(52, 'a')}`

describe('media cached by CID (Cache Storage, budget by workbox-expiration)', () => {
  beforeEach(async () => {
    await caches.delete(MEDIA_CACHE)
  })

  it('fetches once through the engine, then answers from the cache with the same bytes and type', async () => {
    let fetches = 0
    const bytes = new Uint8Array([1, 2, 3, 4, 5])
    const fetch = async (): Promise<Uint8Array> => {
      fetches++
      return bytes
    }
    const first = await mediaThroughCache(cid(1), 'image/webp', fetch)
    expect(new Uint8Array(await first.arrayBuffer())).to.deep.equal(bytes)
    // the write is not awaited by the caller: wait for the entry itself
    for (let i = 0; i < 100 && !(await (await caches.open(MEDIA_CACHE)).match(mediaKey(cid(1)))); i++)
      await new Promise((r) => requestAnimationFrame(r))
    const second = await mediaThroughCache(cid(1), 'image/webp', fetch)
    expect(fetches).to.equal(1)
    expect(second.type).to.equal('image/webp')
    expect(new Uint8Array(await second.arrayBuffer())).to.deep.equal(bytes)
    expect(mediaKey(cid(1))).to.match(/\/ipfs\/bafkrei/)
  })

  it('keeps at most the budget, dropping the least recently used', async () => {
    const one = new Uint8Array([7])
    for (let i = 0; i <= MEDIA_MAX_ENTRIES; i++) await storeMedia(cid(i), one, 'image/webp')
    const keys = await (await caches.open(MEDIA_CACHE)).keys()
    expect(keys.length).to.equal(MEDIA_MAX_ENTRIES)
    expect(await cachedMedia(cid(0))).to.equal(undefined)
    expect(await cachedMedia(cid(MEDIA_MAX_ENTRIES))).to.not.equal(undefined)
  })
})
