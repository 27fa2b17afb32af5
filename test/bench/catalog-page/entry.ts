/**
 * Page for `npm run bench:catalog`: the real browser node and catalog (src/p2p), driven by playwright through
 * `window.soukCatalog`. Times are taken inside the page.
 */
import { createPublicClient, http, type Address } from 'viem'
import { createSoukNode, type SoukNode } from '../../../src/p2p/node.ts'
import { ChainListings } from '../../../src/p2p/catalog-chain.ts'
import { joinCatalog, type SnapshotTimings } from '../../../src/p2p/catalog-snapshot.ts'
import type { Catalog } from '../../../src/p2p/catalog.ts'
import type { SearchQuery } from '../../../src/core/search.ts'

export interface JoinOptions {
  relays: string[]
  rpcUrl: string
  chainId: number
  market: Address
  deployBlock: number
  snapshot: boolean
  name: string
  /** Resolve once this many listings are verified. */
  expect: number
  timeoutMs: number
}

export interface JoinResult {
  /** From the start of the node to `expect` listings searchable. */
  totalMs: number
  /** From a relay connection to `expect` listings searchable. */
  catalogMs: number
  verified: number
  stages: Record<string, number>
  /** Time spent in each bootstrap phase (snapshot fetch, CAR parse, chain logs, documents, index, heads, open). */
  phases: SnapshotTimings
}

let node: SoukNode | undefined
let catalog: Catalog | undefined
const listedAt = new Map<string, number>()

async function join(o: JoinOptions): Promise<JoinResult> {
  const t0 = performance.now()
  const stages: Record<string, number> = {}
  const phases: SnapshotTimings = {}
  // the chain's listing logs are read from the start, while the node starts and finds a relay (as the engine
  // does): they are needed to check the snapshot, not to fetch it
  const chain = new ChainListings({
    client: createPublicClient({ transport: http(o.rpcUrl, { maxResponseBodySize: 64 * 1024 * 1024 }) }),
    market: o.market,
    deployBlock: BigInt(o.deployBlock),
    pollMs: 250,
  })
  chain.refresh().then(
    () => (stages.scan = performance.now() - t0),
    () => {},
  )
  node = await createSoukNode({
    relays: o.relays,
    storage: 'indexeddb',
    storageName: o.name,
    webrtc: false,
    reservations: 0,
  })
  while (node.libp2p.getConnections().length === 0) await new Promise((r) => setTimeout(r, 20))
  const t1 = performance.now()
  stages.connected = t1 - t0
  console.log(`[${o.name}] connected at ${Math.round(t1 - t0)} ms`)
  catalog = await joinCatalog({
    helia: node.helia,
    chain,
    chainId: o.chainId,
    directory: `${o.name}-orbitdb`,
    snapshot: o.snapshot,
    timings: phases,
    onProgress: (stage) => {
      stages[stage] = performance.now() - t1
      console.log(`[${o.name}] ${stage} at ${Math.round(performance.now() - t0)} ms`)
    },
    onSnapshotError: (relay, err) => console.warn(`[${o.name}] no snapshot from ${relay.toString()}: ${err.message}`),
  })
  catalog.addEventListener('listing', (e) => listedAt.set((e as CustomEvent<{ id: string }>).detail.id, Date.now()))
  const deadline = performance.now() + o.timeoutMs
  while (catalog.verified.size < o.expect && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  const t2 = performance.now()
  console.log(`[${o.name}] verified ${catalog.verified.size} at ${Math.round(t2 - t0)} ms`)
  // "online": the log is open and subscribed, so new entries reach this browser as they are written
  await catalog.replicating
  stages.replicating = performance.now() - t1
  console.log(`[${o.name}] replicating at ${Math.round(performance.now() - t0)} ms`)
  return { totalMs: t2 - t0, catalogMs: t2 - t1, verified: catalog.verified.size, stages, phases }
}

function need(): Catalog {
  if (!catalog) throw new Error('join first')
  return catalog
}

/** Runs each query once, returns the time of each in ms. */
function searchTimes(queries: SearchQuery[]): { times: number[]; hits: number } {
  const c = need()
  const times: number[] = []
  let hits = 0
  for (const q of queries) {
    const t = performance.now()
    hits += c.search.search(q).total
    times.push(performance.now() - t)
  }
  return { times, hits }
}

async function put(id: string, bytes: number[]): Promise<number> {
  const t = Date.now()
  await need().put(id, { bytes: Uint8Array.from(bytes) })
  return t
}

async function listedTime(id: string, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs
  while (!listedAt.has(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  return listedAt.get(id)
}

function memory(): number | undefined {
  return (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize
}

async function stop(): Promise<void> {
  await catalog?.stop()
  await node?.stop()
}

function has(id: string): boolean {
  return need().verified.has(id)
}

const api = { join, searchTimes, put, listedTime, memory, stop, has }
export type CatalogPageApi = typeof api
declare global {
  var soukCatalog: CatalogPageApi
}
globalThis.soukCatalog = api
