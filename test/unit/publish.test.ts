/**
 * publishListing end to end on a real stack (anvil, two relay processes with the catalog role): photos pinned
 * on both relays, one `list()` with the document's real content hash, the entry verified by the relays and
 * searchable in another peer; a failed stage is retried without redoing or re-paying anything before it.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { unixfs } from '@helia/unixfs'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { getMarketEvents } from '../../src/chain/market.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import {
  memoryDraftStore,
  PublishError,
  publishListing,
  type ListingDraft,
  type PublishProgress,
} from '../../src/p2p/publish.ts'
import { ARBITER, catalogPeer, seller, type CatalogPeer } from '../helpers/catalog.ts'
import { waitFor } from '../helpers/wait.ts'
import { metric } from './relay-helpers.ts'

describe('publishListing', () => {
  let stack: Stack
  const peers: CatalogPeer[] = []
  before(async () => {
    // unreferenced media goes after 10 s here (a day by default); publishing takes a few seconds
    stack = await startStack({ relays: 2, relayEnv: { SOUK_RELAY_PIN_GRACE_MS: '10000', SOUK_RELAY_PIN_GC_MS: '500' } })
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await stack?.stop()
  })

  test('publishes, and a failed stage resumes without a second transaction', async () => {
    const carol = await seller(stack.config, 3)
    const a = await catalogPeer(stack.config)
    peers.push(a)
    const b = await catalogPeer(stack.config)
    peers.push(b)
    await waitFor('both relays connected', () => a.node.relays.relays.filter((r) => r.connected).length === 2, {
      timeout: 20_000,
    })
    const media = new MediaStore(a.node)
    const fs = unixfs(a.node.helia)
    // resizing needs a browser (createImageBitmap): here the photo bytes are added as they are
    const addPhoto = async (blob: Blob) => {
      const bytes = new Uint8Array(await blob.arrayBuffer())
      const cid = (await fs.addBytes(bytes, { rawLeaves: true, cidVersion: 1 })).toString()
      const thumbCid = (await fs.addBytes(bytes.slice(0, 1000), { rawLeaves: true, cidVersion: 1 })).toString()
      return {
        cid,
        thumbCid,
        width: 1600,
        height: 1200,
        thumbWidth: 400,
        thumbHeight: 300,
        type: 'image/webp',
        bytes: bytes.length,
        thumbBytes: 1000,
      }
    }
    const photo = crypto.getRandomValues(new Uint8Array(60_000))
    const draft: ListingDraft = {
      id: 'draft-1',
      listing: {
        title: '黄铜灯笼 Brass lantern',
        description: 'Hand-made, from the old town',
        category: 'home',
        condition: 'good',
        shipping: { from: 'Marrakesh' },
        language: 'zh-Hans',
      },
      photos: [{ blob: new Blob([photo]), alt: 'front' }],
      terms: {
        biddingEnd: Math.floor(Date.now() / 1000) + 86_400,
        revealEnd: Math.floor(Date.now() / 1000) + 172_800,
        price: 12_000_000n,
        arbiters: [ARBITER],
      },
    }
    const store = memoryDraftStore()
    // what the relays held before (the stack pins the dev arbiters' profiles when it starts)
    const pinsBefore = await Promise.all(stack.relays.map((r) => metric(r!.http, 'souk_relay_pins')))
    const progress: PublishProgress[] = []
    const onProgress = (p: PublishProgress): void => void progress.push(p)
    let failures = 1
    const flakyCatalog = {
      put: async (id: bigint | string, e: { bytes: Uint8Array }) => {
        if (failures-- > 0) throw new Error('catalog not reachable')
        await a.catalog.put(id, e)
      },
    }
    const deps = { wagmi: carol.wagmi, media: { pin: media.pin.bind(media), addPhoto }, catalog: flakyCatalog, store }
    await assert.rejects(publishListing(deps, draft, { onProgress }), (err: unknown) => {
      assert.ok(err instanceof PublishError)
      assert.equal(err.stage, 'catalog')
      return true
    })
    const photosPinned = await Promise.all(
      stack.relays.map(async (r, i) => (await metric(r!.http, 'souk_relay_pins')) - pinsBefore[i]!),
    )
    assert.deepEqual(photosPinned, [2, 2], 'full photo and thumbnail pinned on both relays before the transaction')

    // the page lost the transaction's result (a reload at the wrong moment): the chain still knows
    const kept = (await store.get('draft-1'))!
    delete kept.listingId
    await store.put('draft-1', kept)
    progress.length = 0
    const { listingId, contentHash } = await publishListing(deps, draft, { onProgress })
    assert.deepEqual(
      progress.filter((p) => p.status === 'skipped').map((p) => p.stage),
      ['photos', 'pin', 'encode'],
    )
    const created = await getMarketEvents(carol.wagmi, 'ListingCreated', { seller: carol.address })
    assert.equal(created.length, 1, 'one transaction only')
    assert.equal(created[0]!.args.terms?.contentHash, contentHash)

    const id = listingId.toString()
    await b.catalog.whenListed(id, AbortSignal.timeout(15_000))
    const hit = b.catalog.search.search({ text: '灯笼', now: Math.floor(Date.now() / 1000) }).hits[0]
    assert.equal(hit?.id, id)
    assert.equal(hit?.category, 'home')
    for (const r of stack.relays)
      await waitFor(
        'each relay to hold the listing',
        async () => (await metric(r!.http, 'souk_relay_catalog_listings')) === 1,
        { timeout: 15_000 },
      )

    // media no listing references is dropped after the grace period; the listing's photos stay
    const stray = await fs.addBytes(crypto.getRandomValues(new Uint8Array(5_000)), { rawLeaves: true, cidVersion: 1 })
    await media.pin([stray], { minRelays: 2 })
    for (const [i, r] of stack.relays.entries()) {
      await waitFor(
        'the stray pin to be dropped',
        async () => (await metric(r!.http, 'souk_relay_pins_unreferenced_total')) === 1,
        { timeout: 30_000 },
      )
      // the listing's photo and thumbnail stay, and so do the dev arbiters' profiles pinned at start
      assert.equal(
        (await metric(r!.http, 'souk_relay_pins')) - pinsBefore[i]!,
        2,
        "the listing's photo and thumbnail stay pinned",
      )
    }
  })
})
