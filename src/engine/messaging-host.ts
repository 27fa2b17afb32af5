/**
 * Messaging in the engine Worker: one `MessagingClient` per wallet address on the engine's node, its keys,
 * messages, outbox, seen ids and cursor in IndexedDB (`<storage>-messaging-<address>`), shared by every tab
 * of a SharedWorker. The page passes the wallet's binding signature in (`open(address, sign)`); the worker
 * never sees a wallet. Direct WebRTC delivery is the page's (workers have no RTCPeerConnection); see
 * docs/messaging.md "Engine".
 */
import * as Comlink from 'comlink'
import { BaseError, getAddress, type Address, type Hex } from 'viem'
import { loadOrCreateKeys, MessagingClient } from '../p2p/messaging/client.ts'
import { addMessagePhoto, openMessagePhoto, pinMessagePhotos, type PhotoMedia } from '../p2p/messaging/photos.ts'
import { indexedDbStorage, type MessagingStorage } from '../p2p/messaging/storage.ts'
import type { SoukNode } from '../p2p/node.ts'
import type { MessagingEngineApi, MessagingEvent, MessagingSnapshot } from './messaging-api.ts'

/** Messaging asked for before the engine's node started, or for an address not opened yet. */
export class MessagingSetupError extends BaseError {
  override name = 'MessagingSetupError'
}

interface Opened {
  client: MessagingClient
  storage: MessagingStorage
  stop(): Promise<void>
}

/** Coalesces a burst of client changes (a pull of 50 messages) into one snapshot per this many ms. */
const CHANGE_COALESCE_MS = 30

export interface MessagingHost {
  api: MessagingEngineApi
  /** The engine's node started: messaging may open. */
  attach(node: SoukNode, storagePrefix: string, media?: PhotoMedia): void
  /** The engine stops: every client stops, its timers with it. */
  detach(): Promise<void>
}

export function createMessagingHost(): MessagingHost {
  let node: SoukNode | undefined
  let media: PhotoMedia | undefined
  let prefix = 'souk'
  const needMedia = (): PhotoMedia => {
    if (!media) throw new MessagingSetupError('The engine is not started yet.')
    return media
  }
  const opened = new Map<Address, Promise<Opened>>()
  const watchers = new Map<number, { address: Address; fn: (e: MessagingEvent) => void }>()
  let nextId = 1

  const dbName = (address: Address): string => `${prefix}-messaging-${address.toLowerCase()}`

  function emit(address: Address, event: MessagingEvent): void {
    for (const [id, w] of watchers)
      if (w.address === address)
        // a listener whose tab is gone throws; drop it then
        Promise.resolve(w.fn(event)).catch(() => watchers.delete(id))
  }

  function snapshotOf(address: Address, client: MessagingClient): MessagingSnapshot {
    const conversations = client.conversations()
    return {
      address,
      conversations,
      pending: client.pending,
      waiting: client.waiting,
      unread: conversations.reduce((n, c) => n + c.unread, 0),
      relaysConnected: node?.relays.relays.filter((r) => r.connected).length ?? 0,
      deviceKey: client.keys.binding.box,
    }
  }

  async function start(address: Address, sign?: (text: string) => Promise<Hex>): Promise<Opened> {
    if (!node) throw new MessagingSetupError('The engine is not started yet.')
    const storage = await indexedDbStorage(dbName(address))
    try {
      const keys = await loadOrCreateKeys(storage, address, async (text) => {
        if (!sign) throw new MessagingSetupError('This device has no messaging key yet: the wallet must sign once.')
        return await sign(text)
      })
      const client = new MessagingClient({
        libp2p: node.libp2p,
        relays: node.relays,
        keys,
        storage,
        repin: async (photos) =>
          await pinMessagePhotos(
            needMedia(),
            photos.map((p) => p.cid),
          ),
      })
      let timer: ReturnType<typeof setTimeout> | undefined
      const onChange = (): void => {
        timer ??= setTimeout(() => {
          timer = undefined
          emit(address, { t: 'change', snapshot: snapshotOf(address, client) })
        }, CHANGE_COALESCE_MS)
      }
      const onMessage = (e: Event): void => emit(address, { t: 'message', message: (e as CustomEvent).detail })
      const onRelays = (): void => onChange()
      client.addEventListener('change', onChange)
      client.addEventListener('message', onMessage)
      node.relays.addEventListener('change', onRelays)
      const relays = node.relays
      await client.start()
      return {
        client,
        storage,
        async stop() {
          clearTimeout(timer)
          client.removeEventListener('change', onChange)
          client.removeEventListener('message', onMessage)
          relays.removeEventListener('change', onRelays)
          await client.stop()
          await storage.close()
        },
      }
    } catch (err) {
      await storage.close()
      throw err
    }
  }

  async function get(address: Address): Promise<Opened> {
    const o = opened.get(getAddress(address))
    if (!o) throw new MessagingSetupError(`Messaging is not open for ${address}.`)
    return await o
  }

  const api: MessagingEngineApi = {
    async hasKeys(address) {
      if (opened.has(getAddress(address))) return true
      const storage = await indexedDbStorage(dbName(getAddress(address)))
      try {
        return (await storage.loadKeys(getAddress(address))) !== undefined
      } finally {
        await storage.close()
      }
    },
    async open(address, sign) {
      const a = getAddress(address)
      let o = opened.get(a)
      if (!o) {
        o = start(a, sign)
        opened.set(a, o)
        // a failed start (no signature, wallet refused) may be tried again
        o.catch(() => opened.delete(a))
      }
      const { client } = await o
      return snapshotOf(a, client)
    },
    async watch(address, onEvent) {
      const id = nextId++
      watchers.set(id, { address: getAddress(address), fn: onEvent })
      return id
    },
    async unwatch(id) {
      watchers.delete(id)
    },
    async snapshot(address) {
      return snapshotOf(getAddress(address), (await get(address)).client)
    },
    async thread(address, conv) {
      return (await get(address)).client.thread(conv)
    },
    async send(address, to, text, listing, photos) {
      return await (
        await get(address)
      ).client.send(to, text, {
        ...(listing === undefined ? {} : { listing }),
        ...(photos && { photos }),
      })
    },
    async addPhoto(photo) {
      return await addMessagePhoto(needMedia(), photo)
    },
    async pinPhotos(cids) {
      await pinMessagePhotos(needMedia(), cids)
    },
    async openPhoto(ref) {
      const bytes = await openMessagePhoto(needMedia(), ref)
      return Comlink.transfer(bytes, [bytes.buffer])
    },
    async sendAddress(address, to, listing, shipping) {
      return await (await get(address)).client.sendAddress(to, listing, shipping)
    },
    async markRead(address, conv) {
      await (await get(address)).client.markRead(conv)
    },
    async pull(address) {
      await (await get(address)).client.pull()
    },
    async stats(address) {
      return structuredClone((await get(address)).client.stats)
    },
    async directRelays() {
      return node?.relays.relays.filter((r) => r.connected).flatMap((r) => r.addrs.slice(0, 1)) ?? []
    },
    async setDirect(address, peerId, port) {
      const { client } = await get(address)
      if (port)
        client.setDirect({ peerId, deliver: (p, envs) => port.deliver(p, envs), connect: (p) => port.connect(p) })
      // another tab's node may have taken over since: only the node that leaves is removed
      else if (client.directPeerId === peerId) client.setDirect(undefined)
    },
    async receiveDirect(address, envs) {
      return await (await get(address)).client.receiveDirect(Array.isArray(envs) ? envs : [])
    },
    async prepareDirect(address, peer) {
      await (await get(address)).client.prepareDirect(peer)
    },
  }

  return {
    api,
    attach(n, storagePrefix, m) {
      node = n
      media = m
      prefix = storagePrefix
    },
    async detach() {
      const all = [...opened.values()]
      opened.clear()
      watchers.clear()
      node = undefined
      media = undefined
      await Promise.allSettled(all.map(async (o) => await (await o).stop()))
    },
  }
}
