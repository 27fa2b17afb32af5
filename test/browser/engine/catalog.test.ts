/**
 * The catalog in the engine Worker, end to end on the test stack (anvil + two relays, all real): a listing
 * published through the real publish service (photos added and pinned by both relays, `createListing` with
 * the document's content hash through the dev wallet, the entry put in the Worker's catalog) is searchable in
 * a second engine that joined through the relays, and stays searchable in the first engine's IndexedDB after
 * the engine is stopped and started again with no relay and no reachable chain (offline browsing). The second
 * engine's first RPC URL is dead, so it verifies through the next one.
 */
import { expect } from '@open-wc/testing'
import { deleteDB } from 'idb'
import { getTransactionCount } from '@wagmi/core'
import type { SoukConfig } from '../../../src/core/config.ts'
import { startEngine, type Engine } from '../../../src/engine/client.ts'
import type { PublishBackend } from '../../../src/engine/catalog-client.ts'
import { EnginePublishService } from '../../../src/services/publish-service.ts'
import type { ListingDraft, PublishProgress } from '../../../src/services/types.ts'
import { waitFor, within } from '../../helpers/wait.ts'
import { chainStack, person } from '../chain/helpers.ts'

async function photo(color: string): Promise<File> {
  const canvas = new OffscreenCanvas(320, 240)
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = color
  ctx.fillRect(0, 0, 320, 240)
  return new File([await canvas.convertToBlob({ type: 'image/png' })], `${color}.png`, { type: 'image/png' })
}

describe('the catalog in the engine Worker', function () {
  this.timeout(180_000)
  const names = [`souk-test-a-${crypto.randomUUID()}`, `souk-test-b-${crypto.randomUUID()}`]
  const engines: Engine[] = []
  let config: SoukConfig

  async function engine(name: string, c: SoukConfig = config): Promise<Engine> {
    const e = await startEngine(c, { dedicated: true, storageName: name })
    engines.push(e)
    return e
  }

  before(async () => {
    config = (await chainStack()).config
  })
  after(async () => {
    for (const e of engines.splice(0)) await e.stop().catch(() => {})
    for (const n of names)
      for (const suffix of ['-blocks', '-data', '-catalog-chain', '-publish']) await deleteDB(n + suffix)
  })

  it('publishes from one engine, finds it in another, and keeps it offline across a restart', async () => {
    // engine B's first RPC is dead: its catalog reads the chain through the next one (ranked fallback)
    const deadFirst: SoukConfig = {
      ...config,
      chain: { ...config.chain, rpcUrls: ['http://127.0.0.1:9/', ...config.chain.rpcUrls] },
    }
    const [a, b] = await Promise.all([engine(names[0]!), engine(names[1]!, deadFirst)])
    await within('engine A’s catalog to be ready', a.catalog.ready, 60_000)
    await within('engine B’s catalog to be ready', b.catalog.ready, 60_000)
    expect(a.catalog.state?.status).to.equal('ready')

    const { wagmi } = await person(config, 7)
    const publisher = new EnginePublishService(wagmi, a.catalog, { minRelays: 2, storeName: `${names[0]}-publish` })
    const title = `Walnut writing desk ${crypto.randomUUID().slice(0, 8)}`
    const progress: PublishProgress[] = []
    const result = await within(
      'the publication',
      publisher.publish(
        {
          title,
          description: 'Solid walnut, three drawers, a few scratches on the top.',
          category: 'home',
          condition: 'good',
          photos: [await photo('sienna')],
          reserve: 10n ** 17n,
          currency: 'ETH',
          biddingSeconds: 3_600,
          revealSeconds: 3_600,
          arbiters: [config.recommendedArbiters![0]!],
          shippingFrom: 'Porto',
          language: 'en',
        },
        { onProgress: (p) => progress.push(p) },
      ),
      120_000,
    )
    publisher.close()
    expect(result.txHash).to.match(/^0x[0-9a-f]{64}$/)
    // every stage ran, in the order the sell view shows them
    const finished = progress.filter((p) => p.done === p.total).map((p) => p.stage)
    expect([...new Set(finished)]).to.deep.equal(['photos', 'pinning', 'document', 'transaction', 'catalog'])

    const own = await a.catalog.get(result.listingId)
    expect(own?.doc.title).to.equal(title)
    expect(own?.doc.images).to.have.length(1)
    expect(
      (await a.catalog.search({ text: 'walnut desk', now: Math.floor(Date.now() / 1000) })).hits.map((h) => h.id),
    ).to.include(result.listingId)

    // the other engine learns it through the relays, checked against the chain there too
    const seen = await waitFor(
      'the listing in engine B’s search',
      async () => {
        const r = await b.catalog.search({ text: title, now: Math.floor(Date.now() / 1000) })
        return r.hits.find((h) => h.id === result.listingId)
      },
      { timeout: 60_000, interval: 200 },
    )
    expect(seen.title).to.equal(title)
    // the sync state the pages follow counts it too (sent a moment after the change, coalesced)
    await waitFor('engine B’s sync state to count a verified listing', () => (b.catalog.state?.verified ?? 0) > 0)
    expect(b.catalog.state?.status).to.equal('ready')

    // restart A with no relay and a chain that answers nothing: the saved copy is searchable at once
    await a.stop()
    engines.splice(engines.indexOf(a), 1)
    const offline: SoukConfig = { ...config, relays: [], chain: { ...config.chain, rpcUrls: ['http://127.0.0.1:9/'] } }
    const again = await engine(names[0]!, offline)
    await within('the offline catalog to be ready', again.catalog.ready, 30_000)
    expect(again.catalog.state?.fromCache).to.equal(true)
    const hits = await again.catalog.search({ text: 'walnut', now: Math.floor(Date.now() / 1000) })
    expect(hits.hits.map((h) => h.id)).to.include(result.listingId)
    expect((await again.catalog.get(result.listingId))?.doc.shipping.from).to.equal('Porto')
  })

  it('a stage that fails is retried from where it stopped, keeping the draft and sending one transaction', async () => {
    const name = `souk-test-c-${crypto.randomUUID()}`
    names.push(name)
    const e = await engine(name)
    await within('the catalog to be ready', e.catalog.ready, 60_000)
    const { wagmi, address } = await person(config, 8)
    const storeName = `${name}-publish`
    // the real engine, except that the first catalog put fails (a relay gone, the tab closing…)
    let puts = 0
    const flaky: PublishBackend = {
      addPhoto: (p, o) => e.catalog.addPhoto(p, o),
      pin: (c, o) => e.catalog.pin(c, o),
      put: async (id, bytes, o) => {
        if (puts++ === 0) throw new Error('the catalog went away')
        await e.catalog.put(id, bytes, o)
      },
    }
    const draft: ListingDraft = {
      title: `Enamel teapot ${crypto.randomUUID().slice(0, 8)}`,
      description: 'Blue enamel, 1.5 l.',
      category: 'home',
      condition: 'like-new',
      photos: [await photo('steelblue')],
      reserve: 0n,
      currency: 'ETH',
      biddingSeconds: 3_600,
      revealSeconds: 3_600,
      arbiters: [config.recommendedArbiters![0]!],
      shippingFrom: 'Braga',
      language: 'en',
    }
    const nonce = (): Promise<number> => getTransactionCount(wagmi, { address, blockTag: 'latest' })
    const before = await nonce()
    const first = new EnginePublishService(wagmi, flaky, { minRelays: 2, storeName })
    const failed = await first.publish(draft).then(
      () => undefined,
      (err: unknown) => err as Error & { stage?: string },
    )
    first.close()
    expect(failed?.name).to.equal('PublishError')
    expect(failed?.stage, failed?.message).to.equal('catalog')
    expect(await nonce()).to.equal(before + 1)

    // the same draft again (a new page, a new service): photos, pins and the transaction are not redone
    const progress: PublishProgress[] = []
    const again = new EnginePublishService(wagmi, flaky, { minRelays: 2, storeName })
    const result = await within(
      'the retried publication',
      again.publish({ ...draft, photos: [await photo('steelblue')] }, { onProgress: (p) => progress.push(p) }),
      60_000,
    )
    again.close()
    expect(await nonce()).to.equal(before + 1, 'a second transaction was sent')
    expect(progress.filter((p) => p.done === 0).map((p) => p.stage)).to.deep.equal(['catalog'])
    expect((await e.catalog.get(result.listingId))?.doc.title).to.equal(draft.title)
  })

  it('a first start with no chain reachable says so, keeps trying, and stops trying when closed', async () => {
    const name = `souk-test-d-${crypto.randomUUID()}`
    names.push(name)
    const offline: SoukConfig = { ...config, relays: [], chain: { ...config.chain, rpcUrls: ['http://127.0.0.1:9/'] } }
    const e = await engine(name, offline)
    let settled = false
    const ready = e.catalog.ready.then(
      () => 'opened',
      (err: Error) => err.name,
    )
    void ready.then(() => (settled = true))
    await waitFor('the catalog to report that it could not open', () => e.catalog.state?.status === 'failed', {
      timeout: 30_000,
    })
    expect(e.catalog.state?.error).to.be.a('string')
    expect(settled, 'ready settled although nothing could be opened').to.equal(false)
    await e.stop()
    engines.splice(engines.indexOf(e), 1)
    expect(await within('ready to give up once the engine is closed', ready, 5_000)).to.equal('CatalogUnavailableError')
  })
})
