/**
 * The typed message interface between the page and the engine Worker (Comlink). Only structured-clonable
 * values cross it; callbacks are Comlink proxies.
 */
import type { ProxyMarked } from 'comlink'
import type { NetworkSnapshot } from '../core/status.ts'
import type { SoukNodeOptions } from '../p2p/node.ts'
import type { CatalogEngineApi } from './catalog-api.ts'
import type { MessagingEngineApi } from './messaging-api.ts'

export interface EngineStartOptions {
  /** Relay multiaddrs from config.json. */
  relays: string[]
  /** Trustless HTTP gateways for media (config.json `gateways`), and whether http:// / private ones are allowed. */
  gateways?: string[]
  allowLocalGateways?: boolean
  /** IndexedDB name prefix of the node's identity and blocks (default `souk`). */
  storageName?: string
  /** Node tuning for tests (relays kept, reservations, reconnect backoff); defaults otherwise. */
  tuning?: Pick<SoukNodeOptions, 'maxRelays' | 'reservations' | 'backoff'>
}

export interface EngineApi extends CatalogEngineApi {
  /** Starts the node once (later calls, e.g. from another tab of a SharedWorker, reuse it). */
  start(options: EngineStartOptions): Promise<NetworkSnapshot>
  /** Calls `onChange` with every new network snapshot; returns a subscription id for `unsubscribe`. */
  subscribe(onChange: (snapshot: NetworkSnapshot) => void): Promise<number>
  unsubscribe(id: number): Promise<void>
  /** A file's bytes by CID (local store, peers or relays), reporting progress. */
  fetchMedia(cid: string, onProgress?: (loaded: number, total: number | undefined) => void): Promise<Uint8Array>
  stop(): Promise<void>
  /** Presence and end-to-end encrypted messages (src/engine/messaging-host.ts). */
  messaging: MessagingEngineApi & ProxyMarked
}
