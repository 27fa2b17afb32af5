/**
 * The messaging part of the engine's message interface (Comlink): the page asks the engine Worker, which runs
 * one `MessagingClient` per wallet address on the shared node. Only structured-clonable values cross it;
 * callbacks (the wallet's signature, event listeners) are Comlink proxies.
 */
import type { Address, Hex } from 'viem'
import type { Envelope, ShippingAddress } from '../core/messaging.ts'
import type { PhotoRef } from '../core/message-photos.ts'
import type { Conversation, MessagingStats } from '../p2p/messaging/client.ts'
import type { ChatMessage } from '../p2p/messaging/storage.ts'

export interface MessagingSnapshot {
  address: Address
  conversations: Conversation[]
  /** Outbox entries not yet acknowledged by any relay. */
  pending: number
  /** Messages kept until their recipients set up messaging (state `waiting`). */
  waiting: number
  /** Incoming messages not yet read, over all conversations. */
  unread: number
  /** Relays the engine's node is connected to now. */
  relaysConnected: number
  /** This device's messaging (encryption) public key for `address`, as in its binding. */
  deviceKey?: string
}

/**
 * The page's direct (WebRTC) node as the worker sees it (a Comlink proxy): the worker's client hands it
 * envelopes for devices that advertise a direct peer, and asks it to connect ahead of the first message.
 */
export interface DirectPort {
  deliver(peerId: string, envs: Envelope[]): Promise<string[]>
  connect(peerId: string): Promise<void>
}

export type MessagingEvent = { t: 'change'; snapshot: MessagingSnapshot } | { t: 'message'; message: ChatMessage }

export interface MessagingEngineApi {
  /** True when this device already holds messaging keys for `address` (no signature needed to open). */
  hasKeys(address: Address): Promise<boolean>
  /**
   * Starts messaging for `address` (once; later calls, e.g. from another tab, reuse it). A device without keys
   * makes them and calls `sign` once for the wallet's binding signature; without `sign` it fails with
   * `MessagingSetupError`.
   */
  open(address: Address, sign?: (text: string) => Promise<Hex>): Promise<MessagingSnapshot>
  /** Calls `onEvent` with every change and incoming message of `address`; returns an id for `unwatch`. */
  watch(address: Address, onEvent: (e: MessagingEvent) => void): Promise<number>
  unwatch(id: number): Promise<void>
  snapshot(address: Address): Promise<MessagingSnapshot>
  thread(address: Address, conv: string): Promise<ChatMessage[]>
  /** A text message; `photos` were added and pinned first (`addPhoto`, `pinPhotos`). */
  send(address: Address, to: Address, text: string, listing?: string, photos?: PhotoRef[]): Promise<ChatMessage>
  /** Downscales, encrypts (a fresh key) and adds a photo for a message; not pinned yet. */
  addPhoto(photo: Blob): Promise<PhotoRef>
  /** Has a relay pin message photos for as long as relays keep messages. */
  pinPhotos(cids: string[]): Promise<void>
  /** A received (or sent) message photo, fetched and decrypted: the image's bytes. */
  openPhoto(ref: PhotoRef): Promise<Uint8Array>
  /** A shipping address in the listing's conversation (kept sealed at rest). */
  sendAddress(address: Address, to: Address, listing: string, shipping: ShippingAddress): Promise<ChatMessage>
  markRead(address: Address, conv: string): Promise<void>
  pull(address: Address): Promise<void>
  stats(address: Address): Promise<MessagingStats>
  // ---- direct delivery (docs/messaging.md "Direct delivery"): the page's WebRTC node
  /** Multiaddrs of the relays the engine's node is connected to, for the page's node to dial. */
  directRelays(): Promise<string[]>
  /**
   * Registers the page's direct node `peerId` for `address` (the latest tab's wins), or, without `port`,
   * removes it if it is still the registered one.
   */
  setDirect(address: Address, peerId: string, port?: DirectPort): Promise<void>
  /** Envelopes that reached the page's direct node; resolves with the ids to acknowledge. */
  receiveDirect(address: Address, envs: unknown[]): Promise<string[]>
  /** Connects the page's node to `peer`'s devices ahead of the first message (a conversation was opened). */
  prepareDirect(address: Address, peer: Address): Promise<void>
}
