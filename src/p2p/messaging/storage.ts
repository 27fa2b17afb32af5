/**
 * What a device keeps about its conversations: its messaging keys, messages in and out, the outbox, the
 * ids it has seen (dedupe) and its pull cursor. IndexedDB in the browser (survives reloads and closing the
 * tab, so the outbox is retried on the next visit), memory for Node clients and tests.
 */
import { openDB, type IDBPDatabase } from 'idb'
import type { Address } from 'viem'
import type { DeviceBinding, DeviceKeys, Envelope, ShippingAddress } from '../../core/messaging.ts'
import type { PhotoRef } from '../../core/message-photos.ts'

/**
 * Outgoing: `waiting` (kept on this device until the recipient has a device key: they never set messaging up,
 * or this device could not ask the relays yet), `queued` (sealed, in the outbox), `sent`, `delivered`, `read`.
 * Incoming: `received`, then `read`.
 */
export type DeliveryState = 'waiting' | 'queued' | 'sent' | 'delivered' | 'read' | 'received'

export interface ChatMessage {
  id: string
  conv: string
  from: Address
  to: Address
  /** The other person in the conversation. */
  peer: Address
  text: string
  ts: number
  clock: number
  direction: 'in' | 'out'
  state: DeliveryState
  /** Outgoing: how many relays hold it, as their acknowledgements said (the store-and-forward copies). */
  relays?: number
  /**
   * Incoming: the path of its first arrival. Outgoing: `direct` once a device of the recipient acknowledged
   * it over a direct (WebRTC) connection; the relays hold a copy either way.
   */
  via?: 'direct' | 'relay'
  /** The listing the conversation is about (part of `conv`). */
  listing?: string
  /** What the message carries; absent means `text`. */
  kind?: 'text' | 'address'
  /** `text`: encrypted photos on IPFS with their keys (message-photos.ts), as the payload carried them. */
  photos?: PhotoRef[]
  /** `address`: the shipping address sealed with the device's local key (`sealLocal`); `text` is empty then. */
  sealed?: string
  /** `address`: opened in memory for the view by `MessagingClient.thread`, never stored. */
  address?: ShippingAddress
  /**
   * Outgoing, still queued: why the relays did not take it yet (e.g. the recipient's mailbox is full); or, for a
   * message that waited too long for its recipient's key (`expired`), why it was never sent.
   */
  refused?: { code: string; reason: string }
  /**
   * Outgoing, after waiting for the recipient's key: the id of the envelope it was sealed into (its own id was
   * chosen before); receipts name the envelope.
   */
  envelope?: string
}

export interface OutboxEntry {
  id: string
  envelope: Envelope
  /** The message this envelope carries, or undefined for a read receipt. */
  messageId?: string
  attempts: number
  created: number
  /** The last refusal by a relay's limits (`RefusalCode`); the entry stays and is retried. */
  refused?: { code: string; reason: string; at: number }
  /** The message that waited for its recipient's key before it was sealed into this envelope (`WaitingEntry.id`). */
  waited?: string
}

/**
 * A message kept in the outbox before it could be sealed: its recipient has no device key the relays know of
 * yet (docs/messaging.md, "A message to someone who never set up"). The content is the stored `ChatMessage`
 * with the same id (an address only sealed with the device key, as always); this entry says what waits.
 */
export interface WaitingEntry {
  kind: 'waiting'
  /** The waiting message's id (`w-…`, never an envelope id); it keeps it once sealed (`ChatMessage.envelope`). */
  id: string
  to: Address
  /** The conversation's Lamport clock taken when it was written, kept when it is sealed. */
  clock: number
  created: number
}

export interface ClientState {
  /** Highest relay `at` pulled so far. */
  cursor: number
  /** Lamport clock per conversation. */
  clocks: Record<string, number>
  /** Verified device bindings of the people written to, so a message written offline can still be sealed. */
  peers?: Record<string, DeviceBinding[]>
}

export interface MessagingStorage {
  loadKeys(address: Address): Promise<DeviceKeys | undefined>
  saveKeys(keys: DeviceKeys): Promise<void>
  loadState(): Promise<ClientState>
  saveState(state: ClientState): Promise<void>
  putMessage(m: ChatMessage): Promise<void>
  getMessage(id: string): Promise<ChatMessage | undefined>
  messages(): Promise<ChatMessage[]>
  /** Sealed envelopes waiting for a relay's acknowledgement. */
  outbox(): Promise<OutboxEntry[]>
  putOutbox(e: OutboxEntry): Promise<void>
  deleteOutbox(id: string): Promise<void>
  /** Messages waiting for their recipient's device key (kept in the same outbox). */
  waiting(): Promise<WaitingEntry[]>
  putWaiting(e: WaitingEntry): Promise<void>
  deleteWaiting(id: string): Promise<void>
  /** Records an id as seen; resolves false when it already was (a duplicate). */
  markSeen(id: string): Promise<boolean>
  close(): Promise<void>
}

function isWaiting(e: OutboxEntry | WaitingEntry): e is WaitingEntry {
  return (e as WaitingEntry).kind === 'waiting'
}

function isSealed(e: OutboxEntry | WaitingEntry): e is OutboxEntry {
  return !isWaiting(e)
}

const EMPTY_STATE = (): ClientState => ({ cursor: 0, clocks: {} })

export function memoryStorage(): MessagingStorage {
  const keys = new Map<string, DeviceKeys>()
  const messages = new Map<string, ChatMessage>()
  const outbox = new Map<string, OutboxEntry | WaitingEntry>()
  const seen = new Set<string>()
  let state = EMPTY_STATE()
  return {
    loadKeys: async (a) => keys.get(a.toLowerCase()),
    saveKeys: async (k) => void keys.set(k.binding.address.toLowerCase(), k),
    loadState: async () => structuredClone(state),
    saveState: async (s) => void (state = structuredClone(s)),
    putMessage: async (m) => void messages.set(m.id, { ...m }),
    getMessage: async (id) => messages.get(id),
    messages: async () => [...messages.values()],
    outbox: async () => [...outbox.values()].filter(isSealed),
    putOutbox: async (e) => void outbox.set(e.id, e),
    deleteOutbox: async (id) => void outbox.delete(id),
    waiting: async () => [...outbox.values()].filter(isWaiting),
    putWaiting: async (e) => void outbox.set(e.id, structuredClone(e)),
    deleteWaiting: async (id) => void outbox.delete(id),
    markSeen: async (id) => {
      if (seen.has(id)) return false
      seen.add(id)
      return true
    },
    close: async () => {},
  }
}

interface Schema {
  keys: {
    key: string
    value: { address: string; binding: DeviceKeys['binding']; signSecret: Uint8Array; boxSecret: Uint8Array }
  }
  state: { key: string; value: ClientState }
  messages: { key: string; value: ChatMessage }
  outbox: { key: string; value: OutboxEntry | WaitingEntry }
  seen: { key: string; value: number }
}

/** IndexedDB storage, one database per wallet address on this device. */
export async function indexedDbStorage(name: string): Promise<MessagingStorage> {
  const db: IDBPDatabase<Schema> = await openDB<Schema>(name, 1, {
    upgrade(d) {
      d.createObjectStore('keys', { keyPath: 'address' })
      d.createObjectStore('state')
      d.createObjectStore('messages', { keyPath: 'id' })
      d.createObjectStore('outbox', { keyPath: 'id' })
      d.createObjectStore('seen')
    },
  })
  return {
    async loadKeys(a) {
      const k = await db.get('keys', a.toLowerCase())
      return k ? { binding: k.binding, signSecret: k.signSecret, boxSecret: k.boxSecret } : undefined
    },
    async saveKeys(k) {
      await db.put('keys', { address: k.binding.address.toLowerCase(), ...k })
    },
    loadState: async () => (await db.get('state', 'state')) ?? EMPTY_STATE(),
    saveState: async (s) => void (await db.put('state', s, 'state')),
    putMessage: async (m) => void (await db.put('messages', m)),
    getMessage: async (id) => await db.get('messages', id),
    messages: async () => await db.getAll('messages'),
    outbox: async () => (await db.getAll('outbox')).filter(isSealed),
    putOutbox: async (e) => void (await db.put('outbox', e)),
    deleteOutbox: async (id) => void (await db.delete('outbox', id)),
    waiting: async () => (await db.getAll('outbox')).filter(isWaiting),
    putWaiting: async (e) => void (await db.put('outbox', e)),
    deleteWaiting: async (id) => void (await db.delete('outbox', id)),
    async markSeen(id) {
      const tx = db.transaction('seen', 'readwrite')
      const had = (await tx.store.getKey(id)) !== undefined
      if (!had) await tx.store.put(Date.now(), id)
      await tx.done
      return !had
    },
    close: async () => db.close(),
  }
}
