/**
 * Test page for the messaging e2e tests: the real browser node, messaging client (keys and outbox in
 * IndexedDB) and conversations view, driven through `window.soukMsg` by playwright.
 */
import { mnemonicToAccount } from 'viem/accounts'
import type { Address } from 'viem'
import { createSoukNode, type SoukNode } from '../../../src/p2p/node.ts'
import { loadOrCreateKeys, MessagingClient } from '../../../src/p2p/messaging/client.ts'
import { indexedDbStorage, type MessagingStorage } from '../../../src/p2p/messaging/storage.ts'
import '../../../src/components/souk-conversations.ts'

export interface MsgStartOptions {
  relays: string[]
  /** Index of anvil's public dev account that owns this device. */
  account: number
  storageName: string
  maxRelays?: number
  reservations?: number
}

const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'
let node: SoukNode | undefined
let client: MessagingClient | undefined
let storage: MessagingStorage | undefined
const notifications: string[] = []

function need(): { node: SoukNode; client: MessagingClient } {
  if (!node || !client) throw new Error('call soukMsg.start() first')
  return { node, client }
}

// record system notifications the view raises (the real Notification still shows)
if ('Notification' in globalThis) {
  const Real = Notification
  globalThis.Notification = class extends Real {
    static override get permission(): NotificationPermission {
      return Real.permission
    }
    static override requestPermission = Real.requestPermission.bind(Real)
    constructor(title: string, options?: NotificationOptions) {
      super(title, options)
      notifications.push(`${title}|${options?.body ?? ''}`)
    }
  } as typeof Notification
}

const api = {
  async start(o: MsgStartOptions): Promise<{ peerId: string; address: Address }> {
    const account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: o.account })
    node = await createSoukNode({
      relays: o.relays,
      storage: 'memory',
      maxRelays: o.maxRelays ?? 2,
      reservations: o.reservations ?? 1,
      backoff: { minMs: 200, maxMs: 1_000 },
    })
    storage = await indexedDbStorage(o.storageName)
    const keys = await loadOrCreateKeys(storage, account.address, (message) => account.signMessage({ message }))
    client = new MessagingClient({
      libp2p: node.libp2p,
      relays: node.relays,
      keys,
      storage,
      retry: { minMs: 200, maxMs: 1_000 },
    })
    await client.start()
    return { peerId: node.peerId, address: account.address }
  },
  relaysConnected: (): number => need().node.relays.relays.filter((r) => r.connected).length,
  reservations: (): number => need().node.status.snapshot.reservations,
  async send(to: Address, text: string): Promise<{ id: string; conv: string; state: string }> {
    const m = await need().client.send(to, text)
    return { id: m.id, conv: m.conv, state: m.state }
  },
  pull: (): Promise<void> => need().client.pull(),
  pending: (): number => need().client.pending,
  incoming(): string[] {
    const c = need().client
    return c.conversations().flatMap((x) =>
      c
        .thread(x.conv)
        .filter((m) => m.direction === 'in')
        .map((m) => m.text),
    )
  },
  stateOf(id: string): string | undefined {
    const c = need().client
    for (const x of c.conversations()) for (const m of c.thread(x.conv)) if (m.id === id) return m.state
    return undefined
  },
  conversations: (): string[] =>
    need()
      .client.conversations()
      .map((c) => c.conv),
  markRead: (conv: string): Promise<void> => need().client.markRead(conv),
  stats: () => structuredClone(need().client.stats),
  async dial(peerId: string): Promise<{ addr: string; limited: boolean }> {
    const c = await need().node.dialPeer(peerId)
    return { addr: c.remoteAddr.toString(), limited: c.limits !== undefined }
  },
  mountView(): void {
    const el = document.createElement('souk-conversations')
    el.source = need().client
    document.body.append(el)
  },
  notifications: (): string[] => [...notifications],
  async stop(): Promise<void> {
    await client?.stop()
    await node?.stop()
    await storage?.close()
    client = undefined
    node = undefined
  },
}

export type SoukMsgPageApi = typeof api
;(globalThis as unknown as { soukMsg: SoukMsgPageApi }).soukMsg = api
document.title = 'souk messaging test page'
document.body.dataset.ready = 'true'
