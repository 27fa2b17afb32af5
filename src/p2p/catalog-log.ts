/**
 * The catalog's OrbitDB log: its storages, the documents database, and what OrbitDB's error events mean.
 *
 * Bounds (with patches/@orbitdb+core+4.0.0.patch, which bounds the head exchange and the join pipeline): an
 * entry block that no peer serves within ENTRY_BLOCK_TIMEOUT_MS fails (OrbitDB waits 30 s), and the entry
 * that needed it is dropped and counted (`missing_entry`); its fetch runs before OrbitDB's join queue, so it
 * delays no other entry. See docs/catalog.md, "Limits under attack".
 */
import {
  ComposedStorage,
  createOrbitDB,
  IPFSBlockStorage,
  LevelStorage,
  LRUStorage,
  type AccessControllerFactory,
  type DocumentsDatabase,
  type OrbitDB,
  type OrbitStorage,
} from '@orbitdb/core'
import type { RejectReason } from '../core/catalog.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { CatalogHelia, ImportedSnapshot } from './catalog-types.ts'
import { CATALOG_DB_NAME } from './protocols.ts'

/** Longest wait for one log entry's block from the network before the entry needing it is dropped. */
export const ENTRY_BLOCK_TIMEOUT_MS = 5_000

export interface CatalogLog {
  orbit: OrbitDB
  db: DocumentsDatabase
  /** The log's own entry index (Level), without the snapshot's entries in front of it. */
  index: OrbitStorage
  /** True when the log holds this entry (or the snapshot it started from did). */
  holds(hash: string): Promise<boolean>
}

export interface OpenLogOptions {
  helia: CatalogHelia
  directory: string
  chainId: number
  snapshot?: ImportedSnapshot | undefined
  /** Entry hashes known to be in the log; every entry indexed from now on is added. */
  entries: Set<string>
  access: AccessControllerFactory
  entryBlockTimeoutMs?: number
}

export async function openCatalogLog(o: OpenLogOptions): Promise<CatalogLog> {
  const { helia, snapshot, entries } = o
  const orbit = await createOrbitDB({ ipfs: helia, id: 'souk-catalog', directory: o.directory })
  const dir = `${o.directory}/catalog-${o.chainId}`
  const headsStorage = await ComposedStorage(
    await LRUStorage({ size: 100 }),
    await LevelStorage({ path: `${dir}/heads` }),
  )
  if (snapshot && snapshot.heads.length > 0 && !(await headsStorage.get('heads'))) {
    const heads = snapshot.heads.map(({ hash, next }) => ({ hash, next }))
    await headsStorage.put('heads', new TextEncoder().encode(JSON.stringify(heads)))
  }
  const index = await ComposedStorage(await LRUStorage({ size: 1000 }), await LevelStorage({ path: `${dir}/index` }))
  // the log's "already have this entry" index answers yes for the snapshot's entries, so joining a newer head
  // stops there instead of fetching and re-checking the whole history one entry at a time
  const indexStorage: OrbitStorage = {
    ...index,
    get: async (hash) => (entries.has(hash) ? true : await index.get(hash)),
    put: async (hash, value) => {
      entries.add(hash)
      await index.put(hash, value)
    },
  }
  // OrbitDB's default, with a short wait for a block no peer has (its own is 30 s)
  const entryStorage = await ComposedStorage(
    await LRUStorage({ size: 1000 }),
    await IPFSBlockStorage({ ipfs: helia, pin: true, timeout: o.entryBlockTimeoutMs ?? ENTRY_BLOCK_TIMEOUT_MS }),
  )
  const db = await orbit.open(CATALOG_DB_NAME, {
    type: 'documents',
    AccessController: o.access,
    headsStorage,
    indexStorage,
    entryStorage,
    // entries point at the current heads only: references further back would have a peer that joined
    // from a snapshot fetch old entries it never needed
    referencesCount: 0,
  })
  return { orbit, db, index, holds: async (hash) => (await indexStorage.get(hash)) != null }
}

/** What an error event of OrbitDB's database means for the catalog. */
export type LogErrorKind =
  /** refused by the access controller, which counted it already */
  | { kind: 'refused' }
  /** an entry dropped for this reason */
  | { kind: 'dropped'; reason: RejectReason }
  /** a head exchange with a peer failed or overran its deadline (no entry lost: the next exchange retries) */
  | { kind: 'exchange'; reason: 'timeout' | 'busy' | 'error' }

/** Classifies OrbitDB's error events (their names are set by patches/@orbitdb+core+4.0.0.patch). */
export function classifyLogError(err: unknown): LogErrorKind {
  const e = err instanceof Error ? err : new Error(String(err))
  if (e.message.startsWith('Could not append entry')) return { kind: 'refused' }
  if (e.name === 'MissingEntryError') return { kind: 'dropped', reason: 'missing_entry' }
  if (e.name === 'HeadExchangeError')
    return { kind: 'exchange', reason: (e as Error & { timedOut?: boolean }).timedOut ? 'timeout' : 'error' }
  if (e.name === 'SyncLimitError')
    return e.message.includes('head exchange')
      ? { kind: 'exchange', reason: 'busy' }
      : { kind: 'dropped', reason: 'overloaded' }
  // a bad signature, an entry of another log, bytes that do not decode
  return { kind: 'dropped', reason: 'malformed' }
}

/**
 * Waits (at most `ms`) until some peer listens on the catalog's topic: gossip published before that is lost,
 * and a single new entry would then reach others only with the next one.
 */
export async function waitForSubscriber(pubsub: GossipSub, topic: string, ms: number): Promise<void> {
  if (pubsub.getSubscribers(topic).length > 0) return
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      pubsub.removeEventListener('subscription-change', check)
      resolve()
    }
    const check = (): void => {
      if (pubsub.getSubscribers(topic).length > 0) done()
    }
    const timer = setTimeout(done, ms)
    pubsub.addEventListener('subscription-change', check)
  })
}
