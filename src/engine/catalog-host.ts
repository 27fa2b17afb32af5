/**
 * The catalog inside the engine Worker: the OrbitDB catalog over the engine's Helia/libp2p node (IndexedDB
 * for blocks, heads and entry index), checked against the chain through the RPC URL of config.json, feeding
 * the search index; plus the engine's part of publishing (photos added, pinned by relays, the entry put).
 *
 * Start-up, offline first:
 * - the chain's view (the listing records folded from the market's logs, and the block reached) is saved in
 *   IndexedDB (`<storage>-catalog-chain`) a moment after it changes. On a later start it seeds the chain
 *   view, so the documents already in the blockstore are verified and searchable again before (and without)
 *   any network: a reload, or a phone with no signal, browses the catalog it had;
 * - a first start (nothing saved) waits for a relay and imports its snapshot (`joinCatalog`: one transfer,
 *   checked against chain), then replicates what came after; without a relay it replicates the log;
 * - a later start does not fetch a snapshot again: the log reopens at its saved heads and replicates only
 *   what is new.
 *
 * The chain is read through every RPC URL of config.json, ranked once at open (`catalog-transport.ts`), and
 * auction phases in search follow the chain's clock (the latest block's time, `ChainListings.now`).
 */
import { createPublicClient, BaseError } from 'viem'
import { openDB, type IDBPDatabase } from 'idb'
import { REJECT_REASONS, type ListingRecord } from '../core/catalog.ts'
import { ChainListings } from '../p2p/catalog-chain.ts'
import { joinCatalog } from '../p2p/catalog-snapshot.ts'
import type { Catalog } from '../p2p/catalog.ts'
import type { MediaStore } from '../p2p/media.ts'
import type { SoukNode } from '../p2p/node.ts'
import type { CatalogEngineApi, CatalogOpenOptions, CatalogSyncState } from './catalog-api.ts'
import { catalogTransport, rankRpcUrls } from './catalog-transport.ts'
/** How long a first start waits for a relay before it opens the log without a snapshot. */
const RELAY_WAIT_MS = 15_000
/** A burst of changes (replication) is told to the pages once per this many ms. */
const NOTIFY_MS = 100
/** The chain view is saved at most this often while it changes. */
const SAVE_MS = 2_000

export class CatalogNotOpenError extends BaseError {
  override name = 'CatalogNotOpenError'
  constructor() {
    super('The catalog is not open in the engine yet.')
  }
}

interface SavedChain {
  scanned: bigint
  records: ListingRecord[]
  /** The chain's time when saved (unix s) and the device's (ms), so an offline start keeps the chain's clock. */
  time?: number
  savedAt?: number
}

type Running = Promise<{ node: SoukNode; media: MediaStore }> | undefined

function initialState(): CatalogSyncState {
  return {
    status: 'closed',
    stage: undefined,
    snapshotBytes: undefined,
    replicating: false,
    entries: 0,
    verified: 0,
    heldBack: 0,
    dropped: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as CatalogSyncState['dropped'],
    chainBlock: '0',
    fromCache: false,
    error: undefined,
  }
}

/**
 * The catalog's Comlink methods for the engine (spread into its `EngineApi`), and `stop` for the engine's own.
 * `running` gives the engine's started node and media store.
 */
export function catalogHost(running: () => Running): CatalogEngineApi & { stopCatalog(): Promise<void> } {
  let opening: Promise<Catalog> | undefined
  let catalog: Catalog | undefined
  let state = initialState()
  const listeners = new Map<number, (s: CatalogSyncState) => void>()
  let nextId = 1
  let notifyTimer: ReturnType<typeof setTimeout> | undefined
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  let db: IDBPDatabase | undefined
  let chainKey = ''
  let chain: ChainListings | undefined
  let stopped = false

  const snapshotState = (): CatalogSyncState => {
    if (catalog)
      state = {
        ...state,
        entries: catalog.entries.size,
        verified: catalog.verified.size,
        heldBack: catalog.heldBack,
        dropped: { ...catalog.dropped },
        chainBlock: catalog.scannedBlock.toString(),
      }
    return state
  }
  const notify = (): void => {
    if (notifyTimer !== undefined || stopped) return
    notifyTimer = setTimeout(() => {
      notifyTimer = undefined
      const s = snapshotState()
      for (const [id, fn] of listeners)
        // a listener whose tab is gone throws or never answers; drop it on a throw
        Promise.resolve(fn(s)).catch(() => listeners.delete(id))
    }, NOTIFY_MS)
  }
  const set = (patch: Partial<CatalogSyncState>): void => {
    state = { ...state, ...patch }
    notify()
  }

  const save = async (): Promise<void> => {
    if (!db || !chain) return
    const saved: SavedChain = {
      scanned: chain.scannedBlock,
      records: [...chain.records.values()],
      time: chain.now(),
      savedAt: Date.now(),
    }
    await db.put('chain', saved, chainKey)
  }
  const scheduleSave = (): void => {
    if (saveTimer !== undefined || stopped) return
    saveTimer = setTimeout(() => {
      saveTimer = undefined
      save().catch((err: unknown) => console.warn('souk: could not save the catalog’s chain view', err))
    }, SAVE_MS)
  }

  async function open(o: CatalogOpenOptions): Promise<Catalog> {
    const engine = await running()
    if (!engine) throw new CatalogNotOpenError()
    const { node } = engine
    const name = o.storageName ?? 'souk'
    set({ status: 'opening', stage: 'chain' })
    db = await openDB(`${name}-catalog-chain`, 1, {
      upgrade(d) {
        d.createObjectStore('chain')
      },
    })
    chainKey = `${o.chainId}:${o.market.toLowerCase()}`
    const saved = (await db.get('chain', chainKey)) as SavedChain | undefined
    // every configured RPC, best first: a dead or rate-limited first endpoint does not stop verification
    const ranked = await rankRpcUrls(o.rpcUrls)
    chain = new ChainListings({
      client: createPublicClient({ transport: catalogTransport(ranked) }),
      market: o.market,
      deployBlock: BigInt(o.deployBlock),
    })
    if (saved)
      chain.seed(
        saved.records,
        saved.scanned,
        saved.time === undefined || saved.savedAt === undefined
          ? undefined
          : saved.time + Math.max(0, Math.floor((Date.now() - saved.savedAt) / 1000)),
      )
    chain.addEventListener('change', scheduleSave)
    chain.addEventListener('error', (e) => set({ error: String((e as CustomEvent<Error>).detail?.message ?? e) }))
    const fromCache = saved !== undefined && saved.records.length > 0
    // a first start reads the chain's listing logs while it waits for a relay and its snapshot (joinCatalog
    // joins this scan): they are what the snapshot is checked against
    if (!fromCache) chain.refresh().catch(() => {})
    if (!fromCache && node.status.snapshot.relays.length > 0) {
      set({ status: 'bootstrapping' })
      await relayConnected(node, RELAY_WAIT_MS)
    }
    const c = await joinCatalog({
      helia: node.helia,
      chain,
      chainId: o.chainId,
      directory: `${name}-orbitdb`,
      snapshot: !fromCache,
      onProgress: (stage, detail) =>
        set({ stage, ...(stage === 'snapshot-fetched' ? { snapshotBytes: detail?.bytes } : {}) }),
    })
    if (stopped) {
      await c.stop()
      throw new CatalogNotOpenError()
    }
    catalog = c
    for (const type of ['listing', 'removed', 'dropped']) c.addEventListener(type, notify)
    set({ status: 'ready', fromCache, error: undefined })
    scheduleSave()
    c.replicating.then(
      () => set({ replicating: true }),
      (err: unknown) => set({ error: `the catalog log did not open: ${(err as Error).message}` }),
    )
    return c
  }

  const need = async (): Promise<Catalog> => {
    if (!opening) throw new CatalogNotOpenError()
    return await opening
  }

  return {
    async catalogOpen(o) {
      if (!opening) {
        stopped = false
        opening = open(o)
        opening.catch((err: unknown) => {
          opening = undefined
          // what the failed attempt opened goes, so the page's next attempt starts clean
          chain?.removeEventListener('change', scheduleSave)
          chain?.stop()
          chain = undefined
          db?.close()
          db = undefined
          set({ status: 'failed', error: (err as Error).message })
        })
      }
      await opening
      return snapshotState()
    },
    async catalogState() {
      return snapshotState()
    },
    async catalogSubscribe(onChange) {
      const id = nextId++
      listeners.set(id, onChange)
      onChange(snapshotState())
      return id
    },
    async catalogUnsubscribe(id) {
      listeners.delete(id)
    },
    async catalogSearch(query) {
      const c = await need()
      // phases and "ending soon" are the chain's: its latest block's time, not this device's clock
      return c.search.search({ ...query, now: c.now })
    },
    async catalogGet(id) {
      const c = await need()
      const v = c.verified.get(id)
      const summary = c.search.get(id)
      return v && summary ? { id, doc: v.doc, summary } : undefined
    },
    async catalogPut(listingId, bytes) {
      await (await need()).put(listingId, { bytes })
      notify()
    },
    async addPhoto(photo) {
      const engine = await running()
      if (!engine) throw new CatalogNotOpenError()
      return await engine.media.addPhoto(photo)
    },
    async pinMedia(cids, minRelays) {
      const engine = await running()
      if (!engine) throw new CatalogNotOpenError()
      await engine.media.pin(cids, { minRelays })
    },
    async addDocument(cid, bytes) {
      const engine = await running()
      if (!engine) throw new CatalogNotOpenError()
      await engine.media.addDocument(cid, bytes)
    },
    async getDocument(cid, maxBytes) {
      const engine = await running()
      if (!engine) throw new CatalogNotOpenError()
      return await engine.media.getDocument(cid, { maxBytes })
    },
    async stopCatalog() {
      stopped = true
      clearTimeout(notifyTimer)
      notifyTimer = undefined
      clearTimeout(saveTimer)
      saveTimer = undefined
      listeners.clear()
      const c = await opening?.catch(() => undefined)
      opening = undefined
      catalog = undefined
      chain?.removeEventListener('change', scheduleSave)
      await save().catch(() => {})
      await c?.stop()
      chain?.stop()
      chain = undefined
      db?.close()
      db = undefined
      state = initialState()
    },
  }
}

/** Resolves when the node has a relay connection, or after `ms` (then the log is opened without a snapshot). */
async function relayConnected(node: SoukNode, ms: number): Promise<void> {
  const connected = (): boolean => node.status.snapshot.relays.some((r) => r.connected)
  if (connected()) return
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      node.status.removeEventListener('change', check)
      resolve()
    }
    const check = (): void => {
      if (connected()) done()
    }
    const timer = setTimeout(done, ms)
    node.status.addEventListener('change', check)
  })
}
