/**
 * The relay's catalog role: it replicates and keeps the catalog with the same chain checks as every browser
 * (so junk is not carried further), pins the verified listing documents, and serves the snapshot a fresh
 * browser bootstraps from (`/souk/catalog-snapshot/1.0.0`).
 *
 * Enabled when the relay knows the chain: `--rpc-url`, `--market` and optionally `--deploy-block` (or
 * `SOUK_RELAY_RPC_URL`, `SOUK_RELAY_MARKET`, `SOUK_RELAY_DEPLOY_BLOCK`, like every relay option; see
 * config.ts). Without them the relay runs as before.
 */
import { join } from 'node:path'
import { createPublicClient, http } from 'viem'
import type { Connection, Stream } from '@libp2p/interface'
import { REJECT_REASONS } from '../core/catalog.ts'
import { Catalog, type CatalogHelia } from '../p2p/catalog.ts'
import { ChainListings } from '../p2p/catalog-chain.ts'
import { buildSnapshot, serveCatalogSnapshot } from '../p2p/catalog-snapshot.ts'
import { CATALOG_SNAPSHOT_PROTOCOL } from '../p2p/protocols.ts'
import { parseCatalogConfig, type RelayCatalogConfig } from './config.ts'
import type { Metrics } from './metrics.ts'
import type { PinService } from './pinning.ts'
import { pinGcFromEnv, startPinGc } from './catalog-pins.ts'

/** Largest eth_getLogs answer accepted (viem's default is 10 MiB): a dense block range of listings is bigger. */
const LOG_RESPONSE_BYTES = 64 * 1024 * 1024
/** The snapshot is rebuilt this long after the catalog last changed (a burst of listings costs one build). */
const SNAPSHOT_REBUILD_MS = 1_000

export { RelayCatalogConfigError, type RelayCatalogConfig } from './config.ts'

/** The catalog role's chain from the environment alone (a relay started without parsed flags). */
export function catalogConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RelayCatalogConfig | undefined {
  return parseCatalogConfig(
    env.SOUK_RELAY_RPC_URL,
    env.SOUK_RELAY_MARKET,
    env.SOUK_RELAY_DEPLOY_BLOCK,
    env.SOUK_RELAY_CATALOG_GOSSIP_RATE,
  )
}

export interface RelayCatalog {
  catalog: Catalog
  stop(): Promise<void>
}

/** Starts the catalog role on a relay node; undefined when the relay is not configured for a chain. */
export async function startRelayCatalog(
  node: { helia: CatalogHelia; metrics: Metrics; pins?: PinService; messageRetentionMs?: number },
  dataDir: string,
  config: RelayCatalogConfig | undefined = catalogConfigFromEnv(),
): Promise<RelayCatalog | undefined> {
  if (!config) return undefined
  const { helia, metrics } = node
  const client = createPublicClient({
    transport: http(config.rpcUrl, { retryCount: 2, maxResponseBodySize: LOG_RESPONSE_BYTES }),
  })
  const chainId = await client.getChainId()
  const chain = new ChainListings({ client, market: config.market, deployBlock: config.deployBlock, pollMs: 1_000 })
  const catalog = await Catalog.open({
    helia,
    chain,
    chainId,
    directory: join(dataDir, 'orbitdb'),
    pinDocuments: true,
    indexLocalLog: true,
    ...(config.gossipRate !== undefined ? { gossipRate: config.gossipRate } : {}),
  })
  await catalog.replicating
  const dropped = metrics.counter('souk_relay_catalog_dropped_total', 'Catalog entries rejected, by reason', {
    reason: REJECT_REASONS,
  })
  const onDropped = (e: Event): void => dropped({ reason: (e as CustomEvent<{ reason: string }>).detail.reason })
  catalog.addEventListener('dropped', onDropped)
  metrics.gauge('souk_relay_catalog_chain_block', 'Last block whose listing logs the catalog applied', () =>
    Number(catalog.scannedBlock),
  )
  metrics.gauge('souk_relay_catalog_listings', 'Verified listings in the catalog', () => catalog.verified.size)
  metrics.gauge('souk_relay_catalog_held_back', 'Catalog entries waiting for their listing on chain', () => {
    return catalog.heldBack
  })
  metrics.gauge('souk_relay_catalog_entries', 'Entries in the catalog log', () => catalog.entries.size)
  const gossipRejected = metrics.counter(
    'souk_relay_catalog_gossip_rejected_total',
    'Messages on the catalog topic refused before OrbitDB saw them, by reason',
    { reason: ['oversized', 'malformed', 'foreign_log', 'rate', 'duplicate'] },
  )
  const onGossipRejected = (e: Event): void =>
    gossipRejected({ reason: (e as CustomEvent<{ reason: string }>).detail.reason })
  catalog.addEventListener('gossip-rejected', onGossipRejected)
  const exchangesFailed = metrics.counter(
    'souk_relay_catalog_head_exchanges_failed_total',
    'Catalog head exchanges with a peer that failed, overran their deadline or were refused as too many, by reason',
    { reason: ['timeout', 'busy', 'error'] },
  )
  const onExchangeFailed = (e: Event): void =>
    exchangesFailed({ reason: (e as CustomEvent<{ reason: string }>).detail.reason })
  catalog.addEventListener('exchange-failed', onExchangeFailed)

  // One snapshot is built at a time and reused until the catalog changes. It is built ahead, a moment after the
  // catalog settles (SNAPSHOT_REBUILD_MS), so a browser asking for it does not wait for the build (at 10,000
  // listings: the index serialised, every document written into a CAR); one asking while it is out of date
  // still waits for a current one.
  let cached: { bytes: Promise<Uint8Array>; version: number } | undefined
  let version = 0
  let rebuild: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const snapshot = (): Promise<Uint8Array> => {
    if (!cached || cached.version !== version) {
      const bytes = buildSnapshot(catalog, chainId, config.market)
      cached = { bytes, version }
      bytes.catch(() => (cached = undefined))
    }
    return cached.bytes
  }
  const scheduleBuild = (): void => {
    if (stopped) return
    clearTimeout(rebuild)
    rebuild = setTimeout(() => {
      rebuild = undefined
      snapshot().catch(() => {})
    }, SNAPSHOT_REBUILD_MS)
  }
  const bump = (): void => {
    version++
    scheduleBuild()
  }
  catalog.addEventListener('listing', bump)
  catalog.addEventListener('removed', bump)
  // a joined entry moves the log's heads even when no listing changes (a superseded document, a repeat from
  // before repeats were refused): a snapshot with old heads would have every fresh browser fetch the rest
  catalog.addEventListener('update', bump)
  scheduleBuild()
  const stopGc = node.pins
    ? startPinGc(node.pins, catalog, metrics, pinGcFromEnv(process.env, node.messageRetentionMs))
    : () => {}
  await helia.libp2p.handle(
    CATALOG_SNAPSHOT_PROTOCOL,
    (stream: Stream, connection: Connection) => {
      if (connection.limits !== undefined) {
        stream.abort(new Error('snapshots are served over direct connections only'))
        return
      }
      void serveCatalogSnapshot(stream, snapshot)
    },
    { maxInboundStreams: 4 },
  )
  return {
    catalog,
    async stop() {
      stopped = true
      clearTimeout(rebuild)
      catalog.removeEventListener('listing', bump)
      catalog.removeEventListener('removed', bump)
      catalog.removeEventListener('update', bump)
      catalog.removeEventListener('gossip-rejected', onGossipRejected)
      catalog.removeEventListener('exchange-failed', onExchangeFailed)
      stopGc()
      await helia.libp2p.unhandle(CATALOG_SNAPSHOT_PROTOCOL)
      catalog.removeEventListener('dropped', onDropped)
      await catalog.stop()
    },
  }
}
