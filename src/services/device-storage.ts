/**
 * What Souk keeps on this device, for the settings view: the browser's own estimate (`navigator.storage`),
 * the IndexedDB databases sorted into Souk's stores by name, the media cache measured entry by entry, and
 * clearing a store.
 *
 * Browsers tell the size of IndexedDB as a whole (Chromium's `usageDetails`), not per database, so a store's
 * size is shown only where it can be measured (the media cache); the others show which databases they are.
 * A database open in the engine Worker cannot be deleted under it: the deletion then waits ("blocked") until
 * Souk closes it, which `clearStore` reports, and happens when Souk next starts.
 */
import { BaseError } from 'viem'
import { MEDIA_CACHE } from '../pwa/media-cache.ts'
import { DEFAULT_VAULT_NAME } from '../chain/vault.ts'

export type StoreName = 'catalog' | 'media' | 'messages' | 'drafts' | 'vault'

export interface StoreUsage {
  name: StoreName
  /** IndexedDB databases of the store. */
  databases: string[]
  /** Bytes, where they can be counted (the media cache). */
  bytes?: number
  /** Entries, where they can be counted (media: files). */
  entries?: number
}

export interface DeviceUsage {
  /** Bytes used and available to this origin (the browser's estimate), when the browser tells. */
  usage?: number
  quota?: number
  /** Chromium's breakdown: indexedDB, caches, serviceWorkerRegistrations. */
  details?: Record<string, number>
  /** Granted persistent storage (not evicted under pressure). */
  persisted?: boolean
  stores: StoreUsage[]
}

export class StorageClearError extends BaseError {
  override name = 'StorageClearError'
}

export interface StorageNames {
  /** IndexedDB prefix of the engine (default `souk`). */
  prefix?: string
  vault?: string
  drafts?: string[]
  media?: string
}

function names(o: StorageNames = {}): Required<StorageNames> {
  return {
    prefix: o.prefix ?? 'souk',
    vault: o.vault ?? DEFAULT_VAULT_NAME,
    drafts: o.drafts ?? ['souk-drafts', 'souk-publish'],
    media: o.media ?? MEDIA_CACHE,
  }
}

/** Which store an IndexedDB database belongs to (undefined: the node's identity and blocks, or not Souk's). */
export function storeOf(db: string, o: StorageNames = {}): StoreName | undefined {
  const n = names(o)
  if (db === n.vault) return 'vault'
  if (n.drafts.includes(db)) return 'drafts'
  if (db.startsWith(`${n.prefix}-messaging-`)) return 'messages'
  if (db === `${n.prefix}-catalog-chain` || db.includes(`${n.prefix}-orbitdb`)) return 'catalog'
  return undefined
}

async function databases(): Promise<string[]> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return []
  return (await indexedDB.databases()).flatMap((d) => (d.name ? [d.name] : []))
}

async function mediaUsage(cacheName: string, signal?: AbortSignal): Promise<{ bytes: number; entries: number }> {
  if (typeof caches === 'undefined' || !(await caches.has(cacheName))) return { bytes: 0, entries: 0 }
  const cache = await caches.open(cacheName)
  let bytes = 0
  const keys = await cache.keys()
  for (const key of keys) {
    signal?.throwIfAborted()
    const res = await cache.match(key)
    const length = Number(res?.headers.get('content-length'))
    bytes += Number.isFinite(length) && length > 0 ? length : ((await res?.blob())?.size ?? 0)
  }
  return { bytes, entries: keys.length }
}

/** How much this origin stores, and Souk's stores in it. */
export async function deviceUsage(
  o: StorageNames = {},
  { signal }: { signal?: AbortSignal } = {},
): Promise<DeviceUsage> {
  const n = names(o)
  const estimate = (await navigator.storage?.estimate?.()) as
    (StorageEstimate & { usageDetails?: Record<string, number> }) | undefined
  const persisted = await navigator.storage?.persisted?.()
  const all = await databases()
  const stores: StoreUsage[] = (['catalog', 'media', 'messages', 'drafts', 'vault'] as const).map((name) => ({
    name,
    databases: all.filter((d) => storeOf(d, o) === name),
  }))
  const media = stores.find((s) => s.name === 'media')!
  Object.assign(media, await mediaUsage(n.media, signal))
  return {
    ...(estimate?.usage !== undefined ? { usage: estimate.usage } : {}),
    ...(estimate?.quota !== undefined ? { quota: estimate.quota } : {}),
    ...(estimate?.usageDetails ? { details: estimate.usageDetails } : {}),
    ...(persisted !== undefined ? { persisted } : {}),
    stores,
  }
}

/**
 * Deletes one IndexedDB database. Resolves `deleted`, or `blocked` when a connection (the engine's) keeps it
 * open: the deletion is then queued by the browser and happens once that connection closes.
 */
export function deleteDatabase(name: string, { timeoutMs = 5_000 } = {}): Promise<'deleted' | 'blocked'> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name)
    const timer = setTimeout(() => resolve('blocked'), timeoutMs)
    req.onsuccess = () => {
      clearTimeout(timer)
      resolve('deleted')
    }
    req.onerror = () => {
      clearTimeout(timer)
      reject(new StorageClearError(`Could not delete ${name}.`, req.error ? { cause: req.error } : {}))
    }
    req.onblocked = () => {
      clearTimeout(timer)
      resolve('blocked')
    }
  })
}

/**
 * Clears one store. The bid vault is refused unless `vault: true` is passed (the view asks separately, after
 * offering an export). Resolves `blocked` when some database waits for Souk to close it.
 */
export async function clearStore(
  store: StoreName,
  o: StorageNames & { confirmVault?: boolean } = {},
): Promise<'cleared' | 'blocked'> {
  const n = names(o)
  if (store === 'vault' && o.confirmVault !== true)
    throw new StorageClearError('The bid vault is cleared only with its own confirmation.')
  if (store === 'media') {
    if (typeof caches !== 'undefined') await caches.delete(n.media)
    return 'cleared'
  }
  const targets = (await databases()).filter((d) => storeOf(d, o) === store)
  const results = await Promise.all(targets.map((d) => deleteDatabase(d)))
  return results.includes('blocked') ? 'blocked' : 'cleared'
}
