/**
 * A device's side of Souk messaging: announces its presence, sends end-to-end encrypted messages through an
 * outbox that retries until a relay (or the recipient) acknowledges, receives envelopes pushed by relays or
 * peers, pulls what it missed after its cursor from any relay, dedupes by id, and sends read receipts.
 *
 * Runs in the browser and in Node (benchmarks, tests). See docs/messaging.md for the protocol.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { GossipSub, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { BaseError, getAddress, type Address, type Hex } from 'viem'
import {
  BindingVerifier,
  conversationId,
  createDeviceKeys,
  envelopeId,
  MessagingError,
  openEnvelope,
  openLocal,
  parseBinding,
  parsePayload,
  parseShippingAddress,
  sealEnvelope,
  sealLocal,
  signPresence,
  signPull,
  verifyEnvelope,
  verifyPresence,
  type DeviceBinding,
  type DeviceKeys,
  type Envelope,
  type Payload,
  type PresenceRecord,
  type ShippingAddress,
} from '../../core/messaging.ts'
import type { PhotoRef } from '../../core/message-photos.ts'
import { abortQuietly, FrameError, withDeadline } from '../frames.ts'
import {
  MESSAGE_DELIVER_PROTOCOL,
  MESSAGES_PROTOCOL,
  PRESENCE_INTERVAL_MS,
  PRESENCE_TOPIC,
  PRESENCE_TTL_MS,
  REQUEST_TIMEOUT_MS,
} from '../protocols.ts'
import type { RelayPool } from '../relay-pool.ts'
import { isRefusal, request, serverFrames, type Nack, type PullPage, type Tally } from './wire.ts'
import type { ChatMessage, ClientState, MessagingStorage, OutboxEntry, WaitingEntry } from './storage.ts'
import { WaitingQueue, type WaitingLimits } from './waiting.ts'

export interface MessagingClientOptions {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  relays: Pick<RelayPool, 'relays' | 'addEventListener' | 'removeEventListener'>
  keys: DeviceKeys
  storage: MessagingStorage
  /** How many relays each message is handed to (default 2). */
  replicas?: number
  /** Outbox retry backoff (default 500 ms → 30 s). */
  retry?: { minMs: number; maxMs: number }
  /** How often presence is re-announced (default PRESENCE_INTERVAL_MS). */
  presenceIntervalMs?: number
  /** How often the client pulls even without a reconnect (default 30 s). */
  pullIntervalMs?: number
  /** Envelope bytes asked for per pull page (default 256 KiB; a relay serves at most 768 KiB). */
  pullPageBytes?: number
  /**
   * Send a delivery receipt (an encrypted `delivered` payload, one per sender per `RECEIPT_DELAY_MS`) for
   * messages received, so the sender sees "delivered" through the relays too (default true).
   */
  deliveryReceipts?: boolean
  /**
   * Messages to people without a device key yet wait on this device (bounded; `WaitingQueue`). Defaults in
   * `WAITING_LIMITS` (20 per recipient, 100 in all, 30 days, look-ups 2 s → 60 s).
   */
  waiting?: Partial<WaitingLimits>
  /** Pins a waiting message's photos again when it is sealed, so relays keep them from then on (photos.ts). */
  repin?: (photos: PhotoRef[]) => Promise<void>
}

export interface Conversation {
  conv: string
  peer: Address
  /** The listing the conversation is about, if any. */
  listing?: string
  last: ChatMessage
  unread: number
}

/**
 * A pull's progress (event `inbox`, and `client.inbox`): what the relay said waits after the cursor when the
 * pull began (count and envelope bytes), and what has come in since, page by page.
 */
export interface InboxProgress {
  relay: string
  waiting: Tally
  pulled: Tally
  done: boolean
}

/** A relay did not store a message (its limits, or the sender's); the outbox keeps it and tries again. */
export class RelayRefusedError extends BaseError {
  override name = 'RelayRefusedError'
  readonly code: string
  constructor(code: string, reason: string) {
    super(`A relay did not take the message: ${reason}`)
    this.code = code
  }
}

/** Messages received within this window share one delivery receipt per sender. */
const RECEIPT_DELAY_MS = 1_000

/** Relays' clocks differ; a pull starts this far before the cursor and dedupes the overlap. */
const PULL_LOOKBACK_MS = 60_000

export interface MessagingStats {
  received: number
  duplicates: number
  dropped: Record<string, number>
  /** Sends a relay refused, by code (`RefusalCode`): kept in the outbox and retried. */
  refused: Record<string, number>
  /**
   * The direct path (docs/messaging.md "Direct delivery"): envelopes a recipient's device acknowledged over a
   * direct connection, attempts that failed (the relay copy delivers those), and envelopes that arrived here
   * directly (duplicates of the relay copy included).
   */
  direct: { delivered: number; failed: number; received: number }
}

/**
 * A direct (WebRTC) path to other devices that the client's own node cannot open: the page's node, when the
 * client runs in a Worker (workers have no RTCPeerConnection). `peerId` is advertised in presence as `direct`.
 */
export interface DirectLink {
  readonly peerId: string
  /** Hands envelopes to the device whose page node is `peerId`; resolves with the ids it acknowledged. */
  deliver(peerId: string, envs: Envelope[]): Promise<string[]>
  /** Opens the direct connection ahead of the first message (best effort). */
  connect(peerId: string): Promise<void>
}

/** A direct delivery attempt that did not complete (the relays' copy delivers the message anyway). */
export class DirectPathError extends BaseError {
  override name = 'DirectPathError'
}

/** Longest a direct attempt may take before the relay copy alone counts (it is delivered either way). */
const DIRECT_TIMEOUT_MS = 20_000
/** A directory entry without a direct peer is looked up again after this long when a direct link is open. */
const DIRECT_REFRESH_MS = 5_000

/** Loads this device's keys for `address`, or makes them and asks the wallet for the binding signature. */
export async function loadOrCreateKeys(
  storage: MessagingStorage,
  address: Address,
  signMessage: (text: string) => Promise<Hex>,
): Promise<DeviceKeys> {
  const existing = await storage.loadKeys(address)
  if (existing) return existing
  const keys = await createDeviceKeys(address, signMessage)
  await storage.saveKeys(keys)
  return keys
}

/**
 * Events: `message` (CustomEvent<ChatMessage>, a new incoming message), `change` (any message or state
 * changed; re-read `conversations()` / `thread()`).
 */
export class MessagingClient extends EventTarget {
  readonly address: Address
  readonly stats: MessagingStats = {
    received: 0,
    duplicates: 0,
    dropped: {},
    refused: {},
    direct: { delivered: 0, failed: 0, received: 0 },
  }
  readonly #o: Required<Omit<MessagingClientOptions, 'retry' | 'waiting' | 'repin'>> &
    Pick<MessagingClientOptions, 'repin'> & { retry: { minMs: number; maxMs: number } }
  readonly #bindings = new BindingVerifier()
  readonly #messages = new Map<string, ChatMessage>()
  readonly #outbox = new Map<string, OutboxEntry>()
  readonly #flushing = new Set<string>()
  readonly #retryTimers = new Map<string, ReturnType<typeof setTimeout>>()
  readonly #directory = new Map<string, { bindings: DeviceBinding[]; presence: PresenceRecord[]; at: number }>()
  #state: ClientState = { cursor: 0, clocks: {} }
  #controller = new AbortController()
  #timers: ReturnType<typeof setInterval>[] = []
  #pulling: Promise<void> | undefined
  #pullAgain = false
  #inbox: InboxProgress | undefined
  #started = false
  readonly #receipts = new Map<Address, Set<string>>()
  #receiptTimer: ReturnType<typeof setTimeout> | undefined
  #link: DirectLink | undefined
  /** Ids received in this session (with `#messages`, the in-memory dedupe). */
  readonly #seen = new Set<string>()
  /** Envelope ids already tried on the direct path (once each: the relays are the retry path). */
  readonly #directTried = new Set<string>()
  /** Messages kept until their recipient has a device key (waiting.ts). */
  readonly #waiting: WaitingQueue
  /** Envelope id → message id, for messages that waited for a key (their id was chosen before sealing). */
  readonly #byEnvelope = new Map<string, string>()

  constructor(options: MessagingClientOptions) {
    super()
    const { waiting, ...rest } = options
    this.#o = {
      replicas: 2,
      presenceIntervalMs: PRESENCE_INTERVAL_MS,
      pullIntervalMs: 30_000,
      pullPageBytes: 256 * 1024,
      deliveryReceipts: true,
      ...rest,
      retry: options.retry ?? { minMs: 500, maxMs: 30_000 },
    }
    this.address = options.keys.binding.address
    this.#waiting = new WaitingQueue(
      options.storage,
      {
        lookup: async (to, signal) => (await this.#lookup(to, signal).catch(() => undefined))?.bindings,
        release: (entry, bindings) => this.#release(entry, bindings),
        expire: (entry) => this.#expire(entry),
      },
      waiting,
    )
  }

  get keys(): DeviceKeys {
    return this.#o.keys
  }

  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    this.#state = await this.#o.storage.loadState()
    for (const m of await this.#o.storage.messages()) {
      this.#messages.set(m.id, m)
      if (m.envelope) this.#byEnvelope.set(m.envelope, m.id)
    }
    for (const e of await this.#o.storage.outbox()) this.#outbox.set(e.id, e)
    this.#waiting.start(await this.#loadWaiting(), this.#controller.signal)
    const { libp2p } = this.#o
    await libp2p.handle(
      MESSAGE_DELIVER_PROTOCOL,
      (stream: Stream, connection: Connection) => {
        void this.#serveDeliver(stream, connection)
      },
      // small frames, so they may cross a relayed (limited) connection between two browsers
      { maxInboundStreams: 16, runOnLimitedConnection: true },
    )
    libp2p.services.pubsub.addEventListener('subscription-change', this.#onSubscription)
    this.#o.relays.addEventListener('change', this.#onRelaysChange)
    this.#timers.push(setInterval(() => this.#announce(), this.#o.presenceIntervalMs))
    this.#timers.push(setInterval(() => void this.pull().catch(() => {}), this.#o.pullIntervalMs))
    this.#onRelaysChange()
  }

  async stop(): Promise<void> {
    if (!this.#started) return
    this.#started = false
    this.#controller.abort(new Error('messaging stopped'))
    this.#controller = new AbortController()
    for (const t of this.#timers) clearInterval(t)
    this.#timers = []
    for (const t of this.#retryTimers.values()) clearTimeout(t)
    this.#retryTimers.clear()
    this.#waiting.stop()
    this.#o.relays.removeEventListener('change', this.#onRelaysChange)
    this.#o.libp2p.services.pubsub.removeEventListener('subscription-change', this.#onSubscription)
    clearTimeout(this.#announceTimer)
    this.#link = undefined
    clearTimeout(this.#receiptTimer)
    this.#receiptTimer = undefined
    this.#receipts.clear()
    await this.#pulling?.catch(() => {})
    await this.#o.libp2p.unhandle(MESSAGE_DELIVER_PROTOCOL).catch(() => {})
  }

  // ---------------------------------------------------------------- reading

  conversations(): Conversation[] {
    const by = new Map<string, Conversation>()
    for (const m of this.#messages.values()) {
      const c = by.get(m.conv)
      const unread = m.direction === 'in' && m.state === 'received' ? 1 : 0
      if (!c)
        by.set(m.conv, {
          conv: m.conv,
          peer: m.peer,
          ...(m.listing === undefined ? {} : { listing: m.listing }),
          last: m,
          unread,
        })
      else {
        c.unread += unread
        if (order(m, c.last) > 0) c.last = m
      }
    }
    return [...by.values()].sort((a, b) => b.last.ts - a.last.ts)
  }

  /** One conversation in thread order; shipping addresses opened (in memory only) from their sealed copy. */
  thread(conv: string): ChatMessage[] {
    return [...this.#messages.values()]
      .filter((m) => m.conv === conv)
      .sort(order)
      .map((m) => (m.sealed === undefined ? m : { ...m, address: this.#openAddress(m.sealed) }))
  }

  #openAddress(sealed: string): ShippingAddress | undefined {
    try {
      return parseShippingAddress(openLocal(this.#o.keys, sealed))
    } catch {
      return undefined
    }
  }

  get pending(): number {
    return this.#outbox.size
  }

  /** Messages kept until their recipients set up messaging (state `waiting`). */
  get waiting(): number {
    return this.#waiting.size
  }

  // ---------------------------------------------------------------- sending

  /**
   * Encrypts `text` to every device of `to` and queues it; resolves once it is in the outbox. With `listing`
   * the message belongs to that listing's conversation.
   */
  async send(
    to: Address,
    text: string,
    { signal, listing, photos }: { signal?: AbortSignal; listing?: string; photos?: PhotoRef[] } = {},
  ): Promise<ChatMessage> {
    const payload = parsePayload({ t: 'text', text, listing, photos: photos?.length ? photos : undefined })
    return await this.#sendPayload(to, payload as Extract<Payload, { t: 'text' }>, signal)
  }

  /**
   * Sends a shipping address (validated here too) in the listing's conversation. The local copy is kept sealed
   * with the device key (`sealLocal`), never in clear.
   */
  async sendAddress(
    to: Address,
    listing: string,
    address: ShippingAddress,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<ChatMessage> {
    return await this.#sendPayload(to, { t: 'address', v: 1, listing, address: parseShippingAddress(address) }, signal)
  }

  async #sendPayload(
    to: Address,
    payload: Extract<Payload, { t: 'text' | 'address' }>,
    signal: AbortSignal | undefined,
  ): Promise<ChatMessage> {
    const peer = getAddress(to)
    let bindings: DeviceBinding[]
    try {
      ;({ bindings } = await this.#lookup(peer, signal))
    } catch (err) {
      signal?.throwIfAborted()
      // nobody's key known for the address (or no relay to ask): kept until one appears (waiting.ts)
      if (err instanceof MessagingError && (err.reason === 'not_for_me' || err.reason === 'offline'))
        return await this.#keep(peer, payload)
      throw err
    }
    const conv = conversationId(this.address, peer, payload.listing)
    const clock = (this.#state.clocks[conv] ?? 0) + 1
    this.#state.clocks[conv] = clock
    const { envelope, id } = await sealEnvelope({ from: this.#o.keys, to: peer, devices: bindings, payload, clock })
    const m: ChatMessage = {
      id,
      conv,
      from: this.address,
      to: peer,
      peer,
      ...this.#content(payload),
      ts: envelope.ts,
      clock,
      direction: 'out',
      state: 'queued',
    }
    this.#messages.set(id, m)
    // the network hand-off starts at once; the writes (one IndexedDB transaction each) run beside it, and
    // the outbox entry is only deleted once its own write is done (see #enqueue)
    const storage = this.#o.storage
    await Promise.all([
      storage.markSeen(id),
      storage.putMessage({ ...m }),
      storage.saveState(this.#state),
      this.#enqueue({ id, envelope, messageId: id, attempts: 0, created: Date.now() }),
    ])
    this.#changed()
    return m.sealed === undefined ? m : { ...m, address: this.#openAddress(m.sealed) }
  }

  /** The stored fields of a message's content: text in clear, an address only sealed. */
  #content(
    payload: Extract<Payload, { t: 'text' | 'address' }>,
  ): Pick<ChatMessage, 'text' | 'listing' | 'kind' | 'sealed'> {
    const listing = payload.listing === undefined ? {} : { listing: payload.listing }
    if (payload.t === 'text')
      return { text: payload.text, ...listing, ...(payload.photos && { photos: payload.photos }) }
    return { text: '', ...listing, kind: 'address', sealed: sealLocal(this.#o.keys, payload.address) }
  }

  // ---------------------------------------------------------------- waiting for a recipient's key

  /** Keeps a message for someone without a device key yet (bounded: `WaitingFullError` when full). */
  async #keep(peer: Address, payload: Extract<Payload, { t: 'text' | 'address' }>): Promise<ChatMessage> {
    this.#waiting.admit(peer)
    const conv = conversationId(this.address, peer, payload.listing)
    const clock = (this.#state.clocks[conv] ?? 0) + 1
    this.#state.clocks[conv] = clock
    const m: ChatMessage = {
      id: `w-${crypto.randomUUID()}`,
      conv,
      from: this.address,
      to: peer,
      peer,
      ...this.#content(payload),
      ts: Date.now(),
      clock,
      direction: 'out',
      state: 'waiting',
    }
    this.#messages.set(m.id, m)
    await Promise.all([this.#o.storage.putMessage({ ...m }), this.#o.storage.saveState(this.#state)])
    await this.#waiting.add({ kind: 'waiting', id: m.id, to: peer, clock, created: m.ts })
    this.#changed()
    return m.sealed === undefined ? m : { ...m, address: this.#openAddress(m.sealed) }
  }

  /**
   * What waits, from storage, tidied after a crash: an entry whose message was sealed already (its message left
   * the `waiting` state, or an outbox entry names it) or is gone is removed; a waiting message that lost its
   * entry gets one again.
   */
  async #loadWaiting(): Promise<WaitingEntry[]> {
    const storage = this.#o.storage
    const sealed = new Map([...this.#outbox.values()].flatMap((e) => (e.waited ? [[e.waited, e.id] as const] : [])))
    const entries: WaitingEntry[] = []
    for (const w of await storage.waiting()) {
      const m = this.#messages.get(w.id)
      const envelope = sealed.get(w.id)
      if (m?.state === 'waiting' && envelope) await this.#sealedAs(m, envelope)
      if (m?.state === 'waiting') entries.push(w)
      else await storage.deleteWaiting(w.id)
    }
    const kept = new Set(entries.map((e) => e.id))
    for (const m of this.#messages.values())
      if (m.state === 'waiting' && !m.refused && !kept.has(m.id)) {
        const w: WaitingEntry = { kind: 'waiting', id: m.id, to: m.to, clock: m.clock, created: m.ts }
        await storage.putWaiting(w)
        entries.push(w)
      }
    return entries
  }

  /** The waiting message `m` now travels as envelope `envelope` (same message id; receipts name the envelope). */
  async #sealedAs(m: ChatMessage, envelope: string): Promise<void> {
    m.state = 'queued'
    m.envelope = envelope
    delete m.refused
    this.#byEnvelope.set(envelope, m.id)
    await this.#o.storage.putMessage({ ...m })
  }

  /** The recipient has a key now: seal the waiting message to it and hand it to the outbox. */
  async #release(w: WaitingEntry, bindings: DeviceBinding[]): Promise<void> {
    const m = this.#messages.get(w.id)
    if (!m || m.state !== 'waiting') return
    const listing = m.listing === undefined ? {} : { listing: m.listing }
    const payload: Extract<Payload, { t: 'text' | 'address' }> =
      m.kind === 'address'
        ? {
            t: 'address',
            v: 1,
            listing: m.listing ?? '',
            address: parseShippingAddress(openLocal(this.#o.keys, m.sealed ?? '')),
          }
        : { t: 'text', text: m.text, ...listing, ...(m.photos && { photos: m.photos }) }
    const { envelope, id } = await sealEnvelope({
      from: this.#o.keys,
      to: w.to,
      devices: bindings,
      payload,
      clock: w.clock,
    })
    const entry: OutboxEntry = { id, envelope, messageId: m.id, attempts: 0, created: Date.now(), waited: m.id }
    // the outbox entry first: a crash before the message record is updated is repaired by #loadWaiting
    await this.#o.storage.markSeen(id)
    await this.#o.storage.putOutbox(entry)
    await this.#sealedAs(m, id)
    this.#outbox.set(id, entry)
    this.#changed()
    void this.#flush(id)
    if (m.photos) void this.#o.repin?.(m.photos).catch(() => this.#drop('repin_failed'))
  }

  /** A message waited `maxAgeMs` for a key: given up, and its record says so. */
  async #expire(w: WaitingEntry): Promise<void> {
    const m = this.#messages.get(w.id)
    if (!m) return
    const days = Math.round((Date.now() - w.created) / 86_400_000)
    m.refused = { code: 'expired', reason: `${w.to} did not set up messaging within ${days} days; this was not sent.` }
    await this.#o.storage.putMessage({ ...m })
    this.#changed()
  }

  /** Marks every incoming message of `conv` read and tells the sender (one receipt). */
  async markRead(conv: string, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    const unread = this.thread(conv).filter((m) => m.direction === 'in' && m.state === 'received')
    if (unread.length === 0) return
    for (const m of unread) {
      m.state = 'read'
      await this.#o.storage.putMessage(m)
    }
    this.#changed()
    const peer = unread[0]!.peer
    const { bindings } = await this.#lookup(peer, signal)
    const clock = this.#state.clocks[conv] ?? 0
    const { envelope, id } = await sealEnvelope({
      from: this.#o.keys,
      to: peer,
      devices: bindings,
      payload: { t: 'read', ids: unread.map((m) => m.id).slice(0, 256) },
      clock,
    })
    await this.#o.storage.markSeen(id)
    await this.#enqueue({ id, envelope, attempts: 0, created: Date.now() })
  }

  /** Written outbox entries, by id: an ack that arrives before the write must not delete before it. */
  readonly #written = new Map<string, Promise<void>>()

  async #enqueue(e: OutboxEntry): Promise<void> {
    const written = this.#o.storage.putOutbox(e)
    this.#written.set(e.id, written)
    this.#outbox.set(e.id, e)
    void this.#flush(e.id)
    try {
      await written
    } finally {
      if (this.#written.get(e.id) === written) this.#written.delete(e.id)
    }
  }

  /** The recipient's device keys and live presence, from a connected relay (cached for a minute). */
  async #lookup(
    peer: Address,
    signal?: AbortSignal,
    maxAgeMs = 60_000,
  ): Promise<{ bindings: DeviceBinding[]; presence: PresenceRecord[] }> {
    const cached = this.#directory.get(peer)
    if (cached && Date.now() - cached.at < maxAgeMs && cached.bindings.length > 0) return cached
    const errors: unknown[] = []
    for (const relay of this.#connectedRelays()) {
      try {
        const answer = (await request(
          this.#o.libp2p,
          peerIdFromString(relay),
          MESSAGES_PROTOCOL,
          { t: 'keys', address: peer },
          { signal },
        )) as {
          bindings?: unknown[]
          presence?: unknown[]
        }
        const bindings: DeviceBinding[] = []
        for (const b of answer?.bindings ?? []) {
          try {
            const binding = parseBinding(b)
            await this.#bindings.verify(binding)
            if (binding.address === peer) bindings.push(binding)
          } catch {
            this.#drop('bad_binding')
          }
        }
        const presence: PresenceRecord[] = []
        for (const p of answer?.presence ?? []) {
          try {
            const r = await verifyPresence(p, { bindings: this.#bindings })
            if (r.device.address === peer) presence.push(r)
          } catch {
            /* expired or forged: ignore */
          }
        }
        if (bindings.length === 0) continue
        const entry = { bindings, presence, at: Date.now() }
        this.#directory.set(peer, entry)
        await this.#rememberPeer(peer, bindings)
        return entry
      } catch (err) {
        errors.push(err)
      }
    }
    if (cached && cached.bindings.length > 0) return cached
    // offline (or relays failing): the keys known from an earlier lookup still seal the message for the outbox
    const known = this.#state.peers?.[peer]
    if (known && known.length > 0) return { bindings: known, presence: [] }
    if (this.#connectedRelays().length === 0)
      throw new MessagingError(
        'offline',
        'No relay is connected, so the recipient’s messaging keys cannot be looked up yet.',
      )
    throw new MessagingError('not_for_me', `${peer} has not set up messaging yet (no device key known to the relays)`, {
      ...(errors[0] instanceof Error ? { cause: errors[0] } : {}),
    })
  }

  /** Keeps a peer's verified device bindings in the client state (IndexedDB), for sending while offline. */
  async #rememberPeer(peer: Address, bindings: DeviceBinding[]): Promise<void> {
    const known = this.#state.peers?.[peer] ?? []
    if (known.length === bindings.length && known.every((b, i) => b.sig === bindings[i]!.sig)) return
    this.#state.peers = { ...this.#state.peers, [peer]: bindings }
    await this.#o.storage.saveState(this.#state)
  }

  /** One delivery attempt of an outbox entry: to `replicas` relays and, when online, to the recipient directly. */
  async #flush(id: string): Promise<void> {
    const e = this.#outbox.get(id)
    if (!e || this.#flushing.has(id) || !this.#started) return
    this.#flushing.add(id)
    clearTimeout(this.#retryTimers.get(id))
    this.#retryTimers.delete(id)
    const signal = this.#controller.signal
    try {
      const relays = this.#connectedRelays().slice(0, this.#o.replicas)
      const toRelays = relays.map(async (r) => {
        const answer = (await request(
          this.#o.libp2p,
          peerIdFromString(r),
          MESSAGES_PROTOCOL,
          { t: 'put', env: e.envelope },
          { signal },
        )) as { t?: string; stored?: unknown; code?: unknown; reason?: unknown }
        if (answer?.t !== 'ack')
          throw new RelayRefusedError(
            typeof answer?.code === 'string' ? answer.code.slice(0, 32) : 'error',
            typeof answer?.reason === 'string' ? answer.reason.slice(0, 200) : 'no reason given',
          )
        const copies = typeof answer.stored === 'number' && answer.stored >= 1 ? Math.min(answer.stored, 64) : 1
        return { copies }
      })
      // the direct path runs beside the relays and never holds them up: a WebRTC dial that fails late
      // changes nothing, the relays' copy is the one that counts (store-and-forward stays the source of truth)
      if (!this.#directTried.has(id)) {
        this.#directTried.add(id)
        void this.#deliverDirect(e, signal)
      }
      const relayResults = await Promise.allSettled(toRelays)
      const acks = relayResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value.copies] : []))
      const stored = acks.length > 0
      if (!stored) await this.#refused(e, relayResults)
      if (e.messageId && stored) {
        await this.#setRelays(e.messageId, Math.max(acks.length, ...acks))
        await this.#setState(e.messageId, 'sent')
      }
      if (stored) {
        this.#outbox.delete(id)
        this.#directTried.delete(id)
        await this.#written.get(id)?.catch(() => {})
        await this.#o.storage.deleteOutbox(id)
        this.#changed()
        return
      }
      e.attempts++
      await this.#o.storage.putOutbox(e)
      const delay = Math.min(this.#o.retry.maxMs, this.#o.retry.minMs * 2 ** Math.min(e.attempts - 1, 10))
      if (this.#started)
        this.#retryTimers.set(
          id,
          setTimeout(() => void this.#flush(id), delay * (0.75 + Math.random() / 2)),
        )
    } finally {
      this.#flushing.delete(id)
    }
  }

  /**
   * No relay took `e`: a refusal for a limit (the recipient's mailbox is full, too much from this network…) is
   * kept on the entry and its message, and counted, so the person sees why it waits; the outbox retries it.
   */
  async #refused(e: OutboxEntry, results: PromiseSettledResult<unknown>[]): Promise<void> {
    const refusal = results.flatMap((r) =>
      r.status === 'rejected' && r.reason instanceof RelayRefusedError && isRefusal(r.reason.code) ? [r.reason] : [],
    )[0]
    if (!refusal) return
    const reason = refusal.shortMessage.replace(/^A relay did not take the message: /, '')
    e.refused = { code: refusal.code, reason, at: Date.now() }
    this.stats.refused[refusal.code] = (this.stats.refused[refusal.code] ?? 0) + 1
    const m = e.messageId ? this.#messages.get(e.messageId) : undefined
    if (m && m.refused?.reason !== reason) {
      m.refused = { code: refusal.code, reason }
      await this.#o.storage.putMessage({ ...m })
      this.#changed()
    }
  }

  /**
   * Sends to the recipient's devices directly: through the direct link (the page's WebRTC node) to devices
   * that advertise a `direct` peer, or over a non-relayed connection this client's own node already has.
   * An acknowledgement makes the message `delivered` with `via: 'direct'`.
   */
  async #deliverDirect(e: OutboxEntry, signal: AbortSignal): Promise<void> {
    const to = e.envelope.to
    try {
      let entry = this.#directory.get(to)
      const live = (): PresenceRecord[] => (entry?.presence ?? []).filter((p) => p.expires > Date.now())
      // the recipient may have opened the app since the keys were looked up: ask again, not more than every 5 s
      if (this.#link && !live().some((p) => p.direct) && entry && Date.now() - entry.at > DIRECT_REFRESH_MS) {
        await this.#lookup(to, signal, DIRECT_REFRESH_MS).catch(() => undefined)
        entry = this.#directory.get(to)
      }
      const presence = live()
      const link = this.#link
      const viaLink = link ? presence.flatMap((p) => (p.direct && p.direct !== link.peerId ? [p.direct] : [])) : []
      const peers = new Set(presence.map((p) => p.peerId))
      const open = this.#o.libp2p
        .getConnections()
        .filter((c) => peers.has(c.remotePeer.toString()) && c.status === 'open' && c.limits === undefined)
      if (viaLink.length === 0 && open.length === 0) return
      const attempts: Promise<string[]>[] = viaLink.map((p) => withTimeout(link!.deliver(p, [e.envelope]), signal))
      if (open.length > 0)
        attempts.push(
          request(
            this.#o.libp2p,
            open[0]!.remotePeer,
            MESSAGE_DELIVER_PROTOCOL,
            { t: 'deliver', envs: [e.envelope] },
            { signal },
          ).then((a) => {
            const ids = (a as { ids?: unknown })?.ids
            return Array.isArray(ids) ? ids.filter((i): i is string => typeof i === 'string') : []
          }),
        )
      const results = await Promise.allSettled(attempts)
      const acked = results.some((r) => r.status === 'fulfilled' && r.value.includes(e.id))
      if (acked) {
        this.stats.direct.delivered++
        if (e.messageId) await this.#setDirect(e.messageId)
      } else this.stats.direct.failed++
    } catch {
      this.stats.direct.failed++
    }
  }

  /** The recipient's device acknowledged over a direct connection. */
  async #setDirect(id: string): Promise<void> {
    const m = this.#messages.get(id)
    if (m && m.via !== 'direct') m.via = 'direct'
    await this.#setState(id, 'delivered')
    if (m) await this.#o.storage.putMessage({ ...m })
  }

  // ---------------------------------------------------------------- the direct link

  /**
   * Sets (or clears) the direct path of a client whose node has no WebRTC (the Worker's): presence then
   * advertises `link.peerId`, and messages go to devices that advertise theirs over it, beside the relays.
   */
  setDirect(link: DirectLink | undefined): void {
    if (this.#link?.peerId === link?.peerId) return
    this.#link = link
    this.#announce()
  }

  /** The peer id of the direct link in use, if any. */
  get directPeerId(): string | undefined {
    return this.#link?.peerId
  }

  /** Envelopes that reached the page's direct node; resolves with the ids accepted (acknowledged to the sender). */
  async receiveDirect(envs: unknown[]): Promise<string[]> {
    const ids: string[] = []
    for (const env of envs.slice(0, 1_000)) {
      const id = await this.#receive(env, 'direct')
      if (id) ids.push(id)
    }
    return ids
  }

  /** Opens the direct connection to `peer`'s devices ahead of the first message (a conversation was opened). */
  async prepareDirect(peer: Address, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    const link = this.#link
    if (!link) return
    const { presence } = await this.#lookup(getAddress(peer), signal, DIRECT_REFRESH_MS)
    await Promise.allSettled(
      presence
        .filter((p) => p.direct && p.direct !== link.peerId && p.expires > Date.now())
        .map((p) => withTimeout(link.connect(p.direct!), signal)),
    )
  }

  async #setRelays(id: string, relays: number): Promise<void> {
    const m = this.#messages.get(id)
    if (!m || relays <= (m.relays ?? 0)) return
    m.relays = relays
    await this.#o.storage.putMessage(m)
    this.#changed()
  }

  async #setState(id: string, state: ChatMessage['state']): Promise<void> {
    const m = this.#messages.get(id)
    const rank = { waiting: 0, queued: 0, sent: 1, delivered: 2, read: 3, received: 0 }
    if (!m || rank[state] <= rank[m.state]) return
    m.state = state
    delete m.refused
    await this.#o.storage.putMessage(m)
    this.#changed()
  }

  // ---------------------------------------------------------------- receiving

  async #serveDeliver(stream: Stream, connection: Connection): Promise<void> {
    const frames = serverFrames(stream)
    try {
      const req = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal: this.#controller.signal })) as {
        t?: string
        envs?: unknown
      }
      if (req?.t !== 'deliver' || !Array.isArray(req.envs) || req.envs.length > 1_000)
        throw new FrameError('malformed', 'bad delivery')
      const ids: string[] = []
      const via = this.#relaySet().has(connection.remotePeer.toString()) ? 'relay' : 'direct'
      for (const env of req.envs) {
        const id = await this.#receive(env, via)
        if (id) ids.push(id)
      }
      await frames.write({ t: 'ack', ids })
      await stream.close()
    } catch (err) {
      if (err instanceof FrameError) this.#drop(err.reason)
      abortQuietly(stream, err as Error)
    }
  }

  /** Verifies, dedupes, decrypts and stores one envelope. Returns its id when it is (or was) accepted. */
  async #receive(value: unknown, via: 'direct' | 'relay' = 'relay'): Promise<string | undefined> {
    if (via === 'direct') this.stats.direct.received++
    // the second copy of a message (relay after direct, or the other relay) is known by its id before any
    // signature check: the id hashes the signed bytes, so it names the same content
    const early = idOf(value)
    if (early !== undefined && this.#isSeen(early)) {
      this.stats.duplicates++
      // verified before (same id, same signed content), so its sender is genuine
      if (via === 'direct') this.#sawDirect((value as Envelope).from?.address)
      return early
    }
    let envelope: Envelope
    let id: string
    try {
      ;({ envelope, id } = await verifyEnvelope(value, { bindings: this.#bindings }))
      if (envelope.to !== this.address) throw new MessagingError('not_for_me', 'message for another address')
    } catch (err) {
      this.#drop(err instanceof MessagingError ? err.reason : 'malformed')
      return undefined
    }
    // deduplicated in memory (messages are loaded at start, ids seen in this session kept), so no IndexedDB
    // transaction stands between arrival and display; the seen id is written in the background. A receipt
    // seen again after a restart changes nothing (states only move forward).
    if (this.#isSeen(id)) {
      this.stats.duplicates++
      return id
    }
    this.#seen.add(id)
    void this.#o.storage.markSeen(id).catch(() => {})
    const payload = await openEnvelope(envelope, this.#o.keys).catch((err: unknown) => {
      this.#drop(err instanceof MessagingError ? err.reason : 'undecryptable')
      return undefined
    })
    if (!payload) return id
    const peer = envelope.from.address
    const conv = conversationId(
      this.address,
      peer,
      payload.t === 'text' || payload.t === 'address' ? payload.listing : undefined,
    )
    this.#state.clocks[conv] = Math.max(this.#state.clocks[conv] ?? 0, envelope.clock)
    if (payload.t !== 'text' && payload.t !== 'address') {
      for (const seen of payload.ids) {
        // a message that waited for a key keeps its id; the receipt names the envelope it was sealed into
        const mid = this.#messages.has(seen) ? seen : this.#byEnvelope.get(seen)
        const m = mid === undefined ? undefined : this.#messages.get(mid)
        if (m && mid && m.direction === 'out' && m.to === peer) await this.#setState(mid, payload.t)
      }
      await this.#o.storage.saveState(this.#state)
      return id
    }
    const m: ChatMessage = {
      via,
      id,
      conv,
      from: peer,
      to: this.address,
      peer,
      ...this.#content(payload),
      ts: envelope.ts,
      clock: envelope.clock,
      direction: 'in',
      state: 'received',
    }
    this.#messages.set(id, m)
    this.stats.received++
    if (via === 'direct') this.#sawDirect(peer)
    this.#queueReceipt(peer, id)
    // shown at once; the writes follow (the id is already marked seen, and a message lost by a crash right
    // here is pulled again, since the cursor only moves after a pull)
    this.dispatchEvent(new CustomEvent('message', { detail: m }))
    this.#changed()
    await Promise.all([this.#o.storage.putMessage({ ...m }), this.#o.storage.saveState(this.#state)])
    return id
  }

  /** Collects received ids; one `delivered` receipt per sender leaves after `RECEIPT_DELAY_MS`. */
  #queueReceipt(peer: Address, id: string): void {
    if (!this.#o.deliveryReceipts || peer === this.address || !this.#started) return
    let ids = this.#receipts.get(peer)
    if (!ids) this.#receipts.set(peer, (ids = new Set()))
    ids.add(id)
    this.#receiptTimer ??= setTimeout(() => {
      this.#receiptTimer = undefined
      void this.#sendReceipts()
    }, RECEIPT_DELAY_MS)
  }

  async #sendReceipts(): Promise<void> {
    const batch = [...this.#receipts]
    this.#receipts.clear()
    for (const [peer, ids] of batch) {
      try {
        const { bindings } = await this.#lookup(peer, this.#controller.signal)
        const conv = conversationId(this.address, peer)
        const all = [...ids]
        for (let i = 0; i < all.length; i += 256) {
          const { envelope, id } = await sealEnvelope({
            from: this.#o.keys,
            to: peer,
            devices: bindings,
            payload: { t: 'delivered', ids: all.slice(i, i + 256) },
            clock: this.#state.clocks[conv] ?? 0,
          })
          await this.#o.storage.markSeen(id)
          await this.#enqueue({ id, envelope, attempts: 0, created: Date.now() })
        }
      } catch {
        // best effort: the read receipt (or nothing) tells the sender later
        this.#drop('receipt_failed')
      }
    }
  }

  /** Pulls everything stored for this address after the cursor from one connected relay (then the next on failure). */
  pull(): Promise<void> {
    if (this.#pulling) {
      this.#pullAgain = true
      return this.#pulling
    }
    this.#pulling = (async () => {
      do {
        this.#pullAgain = false
        await this.#pullOnce()
      } while (this.#pullAgain && this.#started)
    })().finally(() => {
      this.#pulling = undefined
    })
    return this.#pulling
  }

  /** The latest pull's progress (what waited, what came in), undefined before the first pull. */
  get inbox(): InboxProgress | undefined {
    return this.#inbox
  }

  /**
   * Pulls from one relay page by page (`pullPageBytes` each), each page handled before the next is asked for;
   * the relay's first answer says how much waits, so `inbox` events show progress. The cursor is saved after
   * every page, so a pull cut short goes on from there.
   */
  async #pullOnce(): Promise<void> {
    const signal = this.#controller.signal
    let lastError: unknown
    for (const relay of this.#connectedRelays()) {
      try {
        let after = Math.max(0, this.#state.cursor - PULL_LOOKBACK_MS)
        let progress: InboxProgress | undefined
        for (let page = 0; page < 10_000; page++) {
          const answer = (await request(
            this.#o.libp2p,
            peerIdFromString(relay),
            MESSAGES_PROTOCOL,
            { ...(await signPull(this.#o.keys, after)), max: this.#o.pullPageBytes },
            { signal, timeoutMs: 30_000 },
          )) as Partial<PullPage> & Partial<Nack>
          if (answer?.t !== 'page' || !Array.isArray(answer.items))
            throw new MessagingError('malformed', `pull refused: ${answer?.reason}`)
          if (!progress) {
            const w = answer.waiting
            const waiting =
              typeof w?.count === 'number' && typeof w.bytes === 'number'
                ? { count: w.count, bytes: w.bytes }
                : { count: answer.items.length, bytes: 0 }
            progress = { relay, waiting, pulled: { count: 0, bytes: 0 }, done: false }
            this.#progress(progress)
          }
          let cursor = this.#state.cursor
          for (const item of answer.items) {
            await this.#receive(item?.env)
            progress.pulled.count++
            progress.pulled.bytes += JSON.stringify(item?.env ?? null).length
            if (typeof item?.at === 'number') {
              after = Math.max(after, item.at)
              cursor = Math.max(cursor, item.at)
            }
          }
          progress.done = !answer.more || answer.items.length === 0
          if (cursor > this.#state.cursor) {
            this.#state.cursor = cursor
            await this.#o.storage.saveState(this.#state)
          }
          this.#progress(progress)
          if (progress.done) break
        }
        return
      } catch (err) {
        lastError = err
        if (signal.aborted) return
      }
    }
    if (lastError) throw lastError
  }

  #progress(p: InboxProgress): void {
    this.#inbox = { relay: p.relay, waiting: { ...p.waiting }, pulled: { ...p.pulled }, done: p.done }
    this.dispatchEvent(new CustomEvent('inbox', { detail: this.#inbox }))
  }

  // ---------------------------------------------------------------- presence and relays

  #announceTimer: ReturnType<typeof setTimeout> | undefined

  /** Publishes this device's presence (coalesced: many triggers within 50 ms make one announcement). */
  #announce(): void {
    if (this.#announceTimer !== undefined || !this.#started) return
    this.#announceTimer = setTimeout(() => {
      this.#announceTimer = undefined
      const relays = this.#connectedRelays()
      if (relays.length === 0) return
      void signPresence(this.#o.keys, {
        peerId: this.#o.libp2p.peerId.toString(),
        relays,
        ttlMs: PRESENCE_TTL_MS,
        ...(this.#link ? { direct: this.#link.peerId } : {}),
      })
        .then((record) =>
          this.#o.libp2p.services.pubsub.publish(PRESENCE_TOPIC, new TextEncoder().encode(JSON.stringify(record))),
        )
        .catch(() => {})
    }, 50)
  }

  readonly #onSubscription = (event: CustomEvent<SubscriptionChangeData>): void => {
    if (event.detail.subscriptions.some((s) => s.topic === PRESENCE_TOPIC && s.subscribe)) this.#announce()
  }

  readonly #onRelaysChange = (): void => {
    if (!this.#started) return
    this.#announce()
    if (this.#connectedRelays().length === 0) return
    void this.pull().catch(() => {})
    for (const id of this.#outbox.keys()) void this.#flush(id)
    this.#waiting.poke()
  }

  /**
   * A message came directly: its sender has a page node open, so receipts and answers can go back directly
   * too once the sender's presence (with its direct peer) is looked up again.
   */
  #sawDirect(sender: unknown): void {
    if (!this.#link || typeof sender !== 'string') return
    let peer: Address
    try {
      peer = getAddress(sender)
    } catch {
      return
    }
    if ((this.#directory.get(peer)?.presence ?? []).some((p) => p.direct && p.expires > Date.now())) return
    void this.#lookup(peer, this.#controller.signal, 1_000).catch(() => {})
  }

  #isSeen(id: string): boolean {
    return this.#seen.has(id) || this.#messages.has(id)
  }

  #relaySet(): Set<string> {
    return new Set(this.#o.relays.relays.map((r) => r.peerId))
  }

  #connectedRelays(): string[] {
    return this.#o.relays.relays.filter((r) => r.connected).map((r) => r.peerId)
  }

  #drop(reason: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'))
  }
}

/** Thread order: the conversation's Lamport clock, then time, then id (a total order every device agrees on). */
function order(a: ChatMessage, b: ChatMessage): number {
  return a.clock - b.clock || a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** A direct attempt may not outlast `DIRECT_TIMEOUT_MS` (a closed tab never answers a Comlink call). */
function withTimeout<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  const deadline = withDeadline(DIRECT_TIMEOUT_MS, signal)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DirectPathError('The direct path did not answer in time.'))
    if (deadline.aborted) return onAbort()
    deadline.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort))
  })
}

/** The id of an envelope not verified yet (undefined when it is not even shaped like one). */
function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  try {
    return envelopeId(value as Envelope)
  } catch {
    return undefined
  }
}
