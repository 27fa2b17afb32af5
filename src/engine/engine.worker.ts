/**
 * The long-lived engine, off the main thread: the libp2p node (WebSockets to relays, circuit relay,
 * gossipsub), Helia and media, in a SharedWorker (one for every tab of the origin) or, where the browser has
 * no SharedWorker, a dedicated Worker. Workers have WebSocket, IndexedDB and WebCrypto but no
 * RTCPeerConnection, so WebRTC is off here; a page that needs a direct connection starts it itself.
 */
import * as Comlink from 'comlink'
import { BaseError } from 'viem'
import type { NetworkSnapshot } from '../core/status.ts'
import { MediaStore } from '../p2p/media.ts'
import { createSoukNode, type SoukNode } from '../p2p/node.ts'
import { parseRelayRecord } from '../p2p/relay-list.ts'
import type { EngineApi, EngineStartOptions } from './api.ts'
import { catalogHost } from './catalog-host.ts'
import { createMessagingHost } from './messaging-host.ts'

/** A media request before `start()`: the page must start the engine first. */
export class EngineNotStartedError extends BaseError {
  override name = 'EngineNotStartedError'
  constructor() {
    super('The engine is not started yet.')
  }
}

let running: Promise<{ node: SoukNode; media: MediaStore }> | undefined
const listeners = new Map<number, (s: NetworkSnapshot) => void>()
let nextId = 1
const messaging = createMessagingHost()

function broadcast(snapshot: NetworkSnapshot): void {
  for (const [id, fn] of listeners)
    // a listener whose tab is gone throws or never answers; drop it on a throw
    Promise.resolve(fn(snapshot)).catch(() => listeners.delete(id))
}

const { stopCatalog, ...catalogApi } = catalogHost(() => running)

const api: EngineApi = {
  ...catalogApi,
  async start({ relays, storageName, gateways, allowLocalGateways, tuning }: EngineStartOptions) {
    if (running) {
      // a later start (another tab, or a reload that kept this SharedWorker) may bring relays chosen in #/settings
      const { node } = await running
      node.relays.add(
        relays.flatMap((a) => parseRelayRecord({ peerId: a.slice(a.lastIndexOf('/p2p/') + 5), addrs: [a] }) ?? []),
      )
      return node.status.snapshot
    }
    running ??= (async () => {
      const node = await createSoukNode({
        ...tuning,
        relays,
        webrtc: false,
        ...(storageName ? { storageName } : {}),
        ...(gateways ? { gateways, allowLocalGateways: allowLocalGateways === true } : {}),
      })
      node.status.addEventListener('change', () => broadcast(node.status.snapshot))
      const media = new MediaStore(node)
      messaging.attach(node, storageName ?? 'souk', media)
      return { node, media }
    })()
    running.catch(() => (running = undefined))
    return (await running).node.status.snapshot
  },
  async subscribe(onChange) {
    const id = nextId++
    listeners.set(id, onChange)
    if (running) onChange((await running).node.status.snapshot)
    return id
  },
  async unsubscribe(id) {
    listeners.delete(id)
  },
  async fetchMedia(cid, onProgress) {
    if (!running) throw new EngineNotStartedError()
    const { media } = await running
    const bytes = await media.fetch(cid, { onProgress: (p) => onProgress?.(p.loaded, p.total) })
    // a copy, so the cached bytes stay usable here after the transfer
    const copy = bytes.slice()
    return Comlink.transfer(copy, [copy.buffer])
  },
  async stop() {
    const r = running
    running = undefined
    listeners.clear()
    await stopCatalog()
    if (r) {
      const { node, media } = await r
      await messaging.detach()
      media.close()
      await node.stop()
    }
  },
  messaging: Comlink.proxy(messaging.api),
}

if ('SharedWorkerGlobalScope' in globalThis)
  Object.assign(globalThis, { onconnect: (e: MessageEvent) => Comlink.expose(api, e.ports[0]) })
else Comlink.expose(api)
