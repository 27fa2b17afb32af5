/**
 * The page's side of the engine Worker: starts it (a SharedWorker when the browser has one, else a Worker)
 * and turns its message interface back into the services the views use — a live `StatusSource` of the
 * network and a `MediaService` that makes object URLs from the bytes the worker fetched.
 */
import * as Comlink from 'comlink'
import type { SoukConfig } from '../core/config.ts'
import type { NetworkSnapshot, StatusSource } from '../core/status.ts'
import type { MediaService } from '../services/types.ts'
import { mediaThroughCache } from '../pwa/media-cache.ts'
import type { EngineApi } from './api.ts'
import { EngineCatalog } from './catalog-client.ts'
import type { MessagingEngineApi } from './messaging-api.ts'

export interface Engine {
  status: StatusSource<NetworkSnapshot>
  media: MediaService
  /** The catalog in the Worker, and the engine's part of publishing (src/engine/catalog-client.ts). */
  catalog: EngineCatalog
  /** The engine's messaging (wrap it with `EngineMessagingService` of src/services/messaging-service.ts). */
  messaging: Comlink.Remote<MessagingEngineApi>
  /** Stops listening; with a SharedWorker the node keeps running for the other tabs. */
  close(): Promise<void>
  /** Stops the node itself (tests, or a dedicated Worker). */
  stop(): Promise<void>
}

const STARTING: NetworkSnapshot = {
  peerId: '',
  status: 'starting',
  relays: [],
  directPeers: 0,
  peersSeen: 0,
  bytesStored: 0,
}

class EngineStatus extends EventTarget implements StatusSource<NetworkSnapshot> {
  snapshot: NetworkSnapshot = STARTING
  set(next: NetworkSnapshot): void {
    this.snapshot = next
    this.dispatchEvent(new Event('change'))
  }
}

export interface StartEngineOptions {
  /** Use a dedicated Worker even where SharedWorker exists (tests that need their own node). */
  dedicated?: boolean
  /** SharedWorker name: one node per name and origin. */
  name?: string
  /** IndexedDB name prefix of the node (default `souk`). */
  storageName?: string
}

export async function startEngine(config: SoukConfig, options: StartEngineOptions = {}): Promise<Engine> {
  const shared = !options.dedicated && typeof SharedWorker === 'function'
  const name = options.name ?? 'souk-engine'
  let worker: Worker | undefined
  let port: MessagePort | undefined
  // written out in full, so Vite sees the worker entry and bundles it
  if (shared) {
    port = new SharedWorker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name }).port
    port.start()
  } else worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name })
  const remote = Comlink.wrap<EngineApi>((port ?? worker)!)
  const status = new EngineStatus()
  const subscription = await remote.subscribe(Comlink.proxy((s: NetworkSnapshot) => status.set(s)))
  status.set(
    // http:// and loopback gateways only on the development chain (a https page cannot fetch http anyway)
    await remote.start({
      relays: config.relays,
      ...(config.gateways ? { gateways: config.gateways, allowLocalGateways: config.chain.id === 31337 } : {}),
      ...(options.storageName ? { storageName: options.storageName } : {}),
    }),
  )

  const catalog = new EngineCatalog(remote, config, options.storageName)
  const urls = new Map<string, Promise<string>>()
  const media: MediaService = {
    objectUrl(cid, type = 'image/webp', { signal, onProgress } = {}) {
      let pending = urls.get(cid)
      if (!pending) {
        pending = mediaThroughCache(cid, type, () =>
          remote.fetchMedia(
            cid,
            Comlink.proxy((loaded: number, total: number | undefined) => onProgress?.({ loaded, total })),
          ),
        ).then((blob) => URL.createObjectURL(blob))
        urls.set(cid, pending)
        pending.catch(() => urls.delete(cid))
      }
      return signal ? Promise.race([pending, aborted(signal)]) : pending
    },
  }
  const close = async (): Promise<void> => {
    await remote.unsubscribe(subscription).catch(() => undefined)
    await catalog.close()
    for (const u of urls.values())
      void u.then(
        (x) => URL.revokeObjectURL(x),
        () => undefined,
      )
    urls.clear()
    remote[Comlink.releaseProxy]()
    port?.close()
  }
  return {
    status,
    media,
    catalog,
    messaging: remote.messaging,
    close,
    async stop() {
      await remote.stop()
      await close()
      worker?.terminate()
    },
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}
