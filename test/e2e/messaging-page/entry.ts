/**
 * Test page for the messaging e2e tests, driven through `window.soukMsg` by playwright. Two ways to run a
 * device, both the real code:
 * - `engine` (default): the app's engine Worker (src/engine/engine.worker.ts, bundled next to this page) runs
 *   the node and the messaging client; keys, outbox, seen ids and cursor in the worker's IndexedDB. The
 *   wallet's binding signature is made here on the page and passed in, as the app does.
 * - `page`: node (with WebRTC) and `MessagingClient` on the main thread, for direct WebRTC delivery, which
 *   workers cannot do (no RTCPeerConnection).
 * - `app`: as `engine`, through the app's `EngineMessagingService` (wallet given by a stand-in of the chain
 *   service), whose `DirectDelivery` starts the page's WebRTC node while a thread is open (`openThread`).
 */
import * as Comlink from 'comlink'
import { mnemonicToAccount } from 'viem/accounts'
import type { Address } from 'viem'
import type { EngineApi } from '../../../src/engine/api.ts'
import type { MessagingStats } from '../../../src/p2p/messaging/client.ts'
import type { ChatMessage } from '../../../src/p2p/messaging/storage.ts'
import { createSoukNode, type SoukNode } from '../../../src/p2p/node.ts'
import { loadOrCreateKeys, MessagingClient } from '../../../src/p2p/messaging/client.ts'
import { indexedDbStorage, type MessagingStorage } from '../../../src/p2p/messaging/storage.ts'
import { EngineMessagingService } from '../../../src/services/messaging-service.ts'
import type { DirectNodeStats } from '../../../src/services/messaging-direct-node.ts'
import type { ChainService, WalletView } from '../../../src/services/types.ts'

export interface MsgStartOptions {
  relays: string[]
  /** Index of anvil's public dev account that owns this device. */
  account: number
  storageName: string
  maxRelays?: number
  reservations?: number
  mode?: 'engine' | 'page' | 'app'
}

const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'

/** What the tests ask of a device, whichever way it runs. */
interface DeviceDriver {
  peerId: string
  address: Address
  relaysConnected(): Promise<number>
  reservations(): Promise<number>
  send(to: Address, text: string): Promise<ChatMessage>
  pull(): Promise<void>
  pending(): Promise<number>
  messages(): Promise<ChatMessage[]>
  markRead(conv: string): Promise<void>
  stats(): Promise<MessagingStats>
  dial(peerId: string): Promise<{ addr: string; limited: boolean }>
  /** `app` mode: shows the thread with `peer` (the URL the app uses), which starts the direct node. */
  openThread?(peer: Address | undefined): Promise<void>
  direct?(): Promise<{ peerId: string; stats: DirectNodeStats } | undefined>
  /** Resolves with the page's clock (`performance.timeOrigin + now()`) when the message `text` arrives. */
  arrival?(text: string): Promise<number>
  stop(): Promise<void>
}

async function pageDevice(o: MsgStartOptions, sign: (text: string) => Promise<`0x${string}`>, address: Address) {
  const node: SoukNode = await createSoukNode({
    relays: o.relays,
    storage: 'memory',
    maxRelays: o.maxRelays ?? 2,
    reservations: o.reservations ?? 1,
    backoff: { minMs: 200, maxMs: 1_000 },
  })
  const storage: MessagingStorage = await indexedDbStorage(o.storageName)
  const keys = await loadOrCreateKeys(storage, address, sign)
  const client = new MessagingClient({
    libp2p: node.libp2p,
    relays: node.relays,
    keys,
    storage,
    retry: { minMs: 200, maxMs: 1_000 },
    // "delivered" then comes only from the recipient's direct acknowledgement, which the WebRTC test checks
    deliveryReceipts: false,
  })
  await client.start()
  const driver: DeviceDriver = {
    peerId: node.peerId,
    address,
    relaysConnected: async () => node.relays.relays.filter((r) => r.connected).length,
    reservations: async () => node.status.snapshot.reservations,
    send: (to, text) => client.send(to, text),
    pull: () => client.pull(),
    pending: async () => client.pending,
    messages: async () => client.conversations().flatMap((c) => client.thread(c.conv)),
    markRead: (conv) => client.markRead(conv),
    stats: async () => structuredClone(client.stats),
    async dial(peerId) {
      const c = await node.dialPeer(peerId)
      return { addr: c.remoteAddr.toString(), limited: c.limits !== undefined }
    },
    async stop() {
      await client.stop()
      await node.stop()
      await storage.close()
    },
  }
  return driver
}

async function engineDevice(o: MsgStartOptions, sign: (text: string) => Promise<`0x${string}`>, address: Address) {
  const worker = new Worker('/engine.worker.js', { type: 'module', name: o.storageName })
  const engine = Comlink.wrap<EngineApi>(worker)
  engineRemote = engine
  const snapshot = await engine.start({
    relays: o.relays,
    storageName: o.storageName,
    tuning: {
      maxRelays: o.maxRelays ?? 2,
      reservations: o.reservations ?? 1,
      backoff: { minMs: 200, maxMs: 1_000 },
    },
  })
  await engine.messaging.open(address, Comlink.proxy(sign))
  const m = engine.messaging
  const driver: DeviceDriver = {
    peerId: snapshot.peerId,
    address,
    relaysConnected: async () => (await m.snapshot(address)).relaysConnected,
    async reservations() {
      throw new Error('not reported by the engine; use mode "page"')
    },
    send: (to, text) => m.send(address, to, text),
    pull: () => m.pull(address),
    pending: async () => (await m.snapshot(address)).pending,
    async messages() {
      const { conversations } = await m.snapshot(address)
      return (await Promise.all(conversations.map((c) => m.thread(address, c.conv)))).flat()
    },
    markRead: (conv) => m.markRead(address, conv),
    stats: () => m.stats(address),
    async dial() {
      throw new Error('the engine Worker has no WebRTC; use mode "page"')
    },
    async stop() {
      await engine.stop()
      engine[Comlink.releaseProxy]()
      worker.terminate()
    },
  }
  return driver
}

/** The page's clock, comparable between pages of one browser (benchmark timings). */
const now = (): number => performance.timeOrigin + performance.now()

async function appDevice(o: MsgStartOptions, sign: (text: string) => Promise<`0x${string}`>, address: Address) {
  const engine = await engineDevice(o, sign, address)
  const worker = engineRemote!
  // the chain service as the messaging service sees it: a connected wallet that signs with the dev account
  class DevWallet extends EventTarget implements Pick<ChainService, 'wallet' | 'signMessage'> {
    wallet(): WalletView {
      return {
        status: 'connected',
        address,
        chainId: 31337,
        onConfiguredChain: true,
        walletName: 'dev account',
        isDevWallet: true,
      }
    }
    signMessage = sign
  }
  const chain = new DevWallet()
  const service = new EngineMessagingService(worker.messaging, chain)
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (service.status === 'ready') resolve()
      else if (service.status === 'unavailable') reject(new Error(service.error))
    }
    service.addEventListener('change', check)
    check()
  })
  const arrivals = new Map<string, number>()
  const waiting = new Map<string, (t: number) => void>()
  service.addEventListener('message', (e) => {
    const { text } = (e as CustomEvent<ChatMessage>).detail
    const t = now()
    arrivals.set(text, t)
    waiting.get(text)?.(t)
  })
  const driver: DeviceDriver = {
    ...engine,
    send: (to, text) => service.send(to, text),
    async openThread(peer) {
      location.hash = peer ? `#/messages/${peer}` : '#/messages'
      service.direct.update()
    },
    async direct() {
      const n = await service.direct.current()
      return n ? { peerId: n.peerId, stats: structuredClone(n.stats) } : undefined
    },
    arrival(text) {
      const t = arrivals.get(text)
      if (t !== undefined) return Promise.resolve(t)
      return new Promise((resolve) => waiting.set(text, resolve))
    },
    async stop() {
      service.stop()
      await engine.stop()
    },
  }
  return driver
}

let engineRemote: Comlink.Remote<EngineApi> | undefined
let device: DeviceDriver | undefined
function need(): DeviceDriver {
  if (!device) throw new Error('call soukMsg.start() first')
  return device
}

const api = {
  async start(o: MsgStartOptions): Promise<{ peerId: string; address: Address }> {
    const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: o.account })
    const sign = (message: string) => account.signMessage({ message })
    const make = o.mode === 'page' ? pageDevice : o.mode === 'app' ? appDevice : engineDevice
    device = await make(o, sign, account.address)
    return { peerId: device.peerId, address: account.address }
  },
  relaysConnected: () => need().relaysConnected(),
  reservations: () => need().reservations(),
  async send(to: Address, text: string): Promise<{ id: string; conv: string; state: string }> {
    const m = await need().send(to, text)
    return { id: m.id, conv: m.conv, state: m.state }
  },
  pull: () => need().pull(),
  pending: () => need().pending(),
  /** Incoming messages with the path each first arrived by. */
  incomingVia: async (): Promise<{ text: string; via?: string }[]> =>
    (await need().messages())
      .filter((m) => m.direction === 'in')
      .map((m) => ({ text: m.text, ...(m.via ? { via: m.via } : {}) })),
  incoming: async (): Promise<string[]> =>
    (await need().messages()).filter((m) => m.direction === 'in').map((m) => m.text),
  stateOf: async (id: string): Promise<string | undefined> => (await need().messages()).find((m) => m.id === id)?.state,
  conversations: async (): Promise<string[]> => [...new Set((await need().messages()).map((m) => m.conv))],
  markRead: (conv: string) => need().markRead(conv),
  stats: () => need().stats(),
  dial: (peerId: string) => need().dial(peerId),
  /** The message with `id` as this device holds it (state, path). */
  message: async (id: string): Promise<{ state: string; via?: string; relays?: number } | undefined> => {
    const m = (await need().messages()).find((x) => x.id === id)
    return m
      ? { state: m.state, ...(m.via ? { via: m.via } : {}), ...(m.relays ? { relays: m.relays } : {}) }
      : undefined
  },
  openThread: (peer: Address | undefined) => need().openThread!(peer),
  direct: () => need().direct!(),
  /** Sends and returns the page clock just before the hand-off (benchmark). */
  async timedSend(to: Address, text: string): Promise<number> {
    const t0 = now()
    await need().send(to, text)
    return t0
  },
  arrival: (text: string) => need().arrival!(text),
  async stop(): Promise<void> {
    await device?.stop()
    device = undefined
  },
}

export type SoukMsgPageApi = typeof api
declare global {
  interface Window {
    /** The test page's API, driven by playwright. */
    soukMsg: SoukMsgPageApi
  }
}
window.soukMsg = api
document.title = 'souk messaging test page'
document.body.dataset.ready = 'true'
