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
import { getAddress, type Address, type Hex } from 'viem'
import {
  BindingVerifier,
  conversationId,
  createDeviceKeys,
  MessagingError,
  openEnvelope,
  openLocal,
  parseBinding,
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
import { abortQuietly, FrameError } from '../frames.ts'
import {
  MESSAGE_DELIVER_PROTOCOL,
  MESSAGES_PROTOCOL,
  PRESENCE_INTERVAL_MS,
  PRESENCE_TOPIC,
  PRESENCE_TTL_MS,
  REQUEST_TIMEOUT_MS,
} from '../protocols.ts'
import type { RelayPool } from '../relay-pool.ts'
import { request, serverFrames } from './wire.ts'
import type { ChatMessage, ClientState, MessagingStorage, OutboxEntry } from './storage.ts'

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
  /**
   * Send a delivery receipt (an encrypted `delivered` payload, one per sender per `RECEIPT_DELAY_MS`) for
   * messages received, so the sender sees "delivered" through the relays too (default true).
   */
  deliveryReceipts?: boolean
}

export interface Conversation {
  conv: string
  peer: Address
  /** The listing the conversation is about, if any. */
  listing?: string
  last: ChatMessage
  unread: number
}

/** Messages received within this window share one delivery receipt per sender. */
const RECEIPT_DELAY_MS = 1_000

/** Relays' clocks differ; a pull starts this far before the cursor and dedupes the overlap. */
const PULL_LOOKBACK_MS = 60_000

export interface MessagingStats {
  received: number
  duplicates: number
  dropped: Record<string, number>
}

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
  readonly stats: MessagingStats = { received: 0, duplicates: 0, dropped: {} }
  readonly #o: Required<Omit<MessagingClientOptions, 'retry'>> & { retry: { minMs: number; maxMs: number } }
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
  #started = false
  readonly #receipts = new Map<Address, Set<string>>()
  #receiptTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: MessagingClientOptions) {
    super()
    this.#o = {
      replicas: 2,
      presenceIntervalMs: PRESENCE_INTERVAL_MS,
      pullIntervalMs: 30_000,
      deliveryReceipts: true,
      ...options,
      retry: options.retry ?? { minMs: 500, maxMs: 30_000 },
    }
    this.address = options.keys.binding.address
  }

  get keys(): DeviceKeys {
    return this.#o.keys
  }

  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    this.#state = await this.#o.storage.loadState()
    for (const m of await this.#o.storage.messages()) this.#messages.set(m.id, m)
    for (const e of await this.#o.storage.outbox()) this.#outbox.set(e.id, e)
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
    this.#o.relays.removeEventListener('change', this.#onRelaysChange)
    this.#o.libp2p.services.pubsub.removeEventListener('subscription-change', this.#onSubscription)
    clearTimeout(this.#announceTimer)
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

  // ---------------------------------------------------------------- sending

  /**
   * Encrypts `text` to every device of `to` and queues it; resolves once it is in the outbox. With `listing`
   * the message belongs to that listing's conversation.
   */
  async send(
    to: Address,
    text: string,
    { signal, listing }: { signal?: AbortSignal; listing?: string } = {},
  ): Promise<ChatMessage> {
    return await this.#sendPayload(
      to,
      listing === undefined ? { t: 'text', text } : { t: 'text', text, listing },
      signal,
    )
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
    const { bindings } = await this.#lookup(peer, signal)
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
    await this.#o.storage.markSeen(id)
    await this.#o.storage.putMessage(m)
    await this.#o.storage.saveState(this.#state)
    this.#messages.set(id, m)
    await this.#enqueue({ id, envelope, messageId: id, attempts: 0, created: Date.now() })
    this.#changed()
    return m.sealed === undefined ? m : { ...m, address: this.#openAddress(m.sealed) }
  }

  /** The stored fields of a message's content: text in clear, an address only sealed. */
  #content(
    payload: Extract<Payload, { t: 'text' | 'address' }>,
  ): Pick<ChatMessage, 'text' | 'listing' | 'kind' | 'sealed'> {
    const listing = payload.listing === undefined ? {} : { listing: payload.listing }
    if (payload.t === 'text') return { text: payload.text, ...listing }
    return { text: '', ...listing, kind: 'address', sealed: sealLocal(this.#o.keys, payload.address) }
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

  async #enqueue(e: OutboxEntry): Promise<void> {
    await this.#o.storage.putOutbox(e)
    this.#outbox.set(e.id, e)
    void this.#flush(e.id)
  }

  /** The recipient's device keys and live presence, from a connected relay (cached for a minute). */
  async #lookup(
    peer: Address,
    signal?: AbortSignal,
  ): Promise<{ bindings: DeviceBinding[]; presence: PresenceRecord[] }> {
    const cached = this.#directory.get(peer)
    if (cached && Date.now() - cached.at < 60_000 && cached.bindings.length > 0) return cached
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
        )) as {
          t?: string
          reason?: string
          stored?: unknown
        }
        if (answer?.t !== 'ack')
          throw new MessagingError('malformed', `relay refused the message: ${answer?.reason ?? 'no reason'}`)
        const copies = typeof answer.stored === 'number' && answer.stored >= 1 ? Math.min(answer.stored, 64) : 1
        return { copies }
      })
      const direct = this.#deliverDirect(e, signal)
      const [relayResults, directResult] = await Promise.all([
        Promise.allSettled(toRelays),
        direct.catch(() => 'skipped' as const),
      ])
      const acks = relayResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value.copies] : []))
      const stored = acks.length > 0
      const delivered = directResult === 'delivered'
      if (e.messageId && stored) await this.#setRelays(e.messageId, Math.max(acks.length, ...acks))
      if (stored || delivered) {
        if (e.messageId) await this.#setState(e.messageId, delivered ? 'delivered' : 'sent')
      }
      if (stored) {
        this.#outbox.delete(id)
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

  /** Sends to the recipient's devices this device is already directly connected to (WebRTC or otherwise). */
  async #deliverDirect(e: OutboxEntry, signal: AbortSignal): Promise<'delivered' | 'skipped'> {
    const entry = this.#directory.get(e.envelope.to)
    const peers = new Set((entry?.presence ?? []).filter((p) => p.expires > Date.now()).map((p) => p.peerId))
    const open = this.#o.libp2p
      .getConnections()
      .filter((c) => peers.has(c.remotePeer.toString()) && c.status === 'open' && c.limits === undefined)
    if (open.length === 0) return 'skipped'
    const answer = (await request(
      this.#o.libp2p,
      open[0]!.remotePeer,
      MESSAGE_DELIVER_PROTOCOL,
      { t: 'deliver', envs: [e.envelope] },
      { signal },
    )) as {
      ids?: unknown
    }
    return Array.isArray(answer?.ids) && answer.ids.includes(e.id) ? 'delivered' : 'skipped'
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
    const rank = { queued: 0, sent: 1, delivered: 2, read: 3, received: 0 }
    if (!m || rank[state] <= rank[m.state]) return
    m.state = state
    await this.#o.storage.putMessage(m)
    this.#changed()
  }

  // ---------------------------------------------------------------- receiving

  async #serveDeliver(stream: Stream, _connection: Connection): Promise<void> {
    const frames = serverFrames(stream)
    try {
      const req = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal: this.#controller.signal })) as {
        t?: string
        envs?: unknown
      }
      if (req?.t !== 'deliver' || !Array.isArray(req.envs) || req.envs.length > 1_000)
        throw new FrameError('malformed', 'bad delivery')
      const ids: string[] = []
      for (const env of req.envs) {
        const id = await this.#receive(env)
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
  async #receive(value: unknown): Promise<string | undefined> {
    let envelope: Envelope
    let id: string
    try {
      ;({ envelope, id } = await verifyEnvelope(value, { bindings: this.#bindings }))
      if (envelope.to !== this.address) throw new MessagingError('not_for_me', 'message for another address')
    } catch (err) {
      this.#drop(err instanceof MessagingError ? err.reason : 'malformed')
      return undefined
    }
    if (!(await this.#o.storage.markSeen(id))) {
      this.stats.duplicates++
      return id
    }
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
        const m = this.#messages.get(seen)
        if (m && m.direction === 'out' && m.to === peer) await this.#setState(seen, payload.t)
      }
      await this.#o.storage.saveState(this.#state)
      return id
    }
    const m: ChatMessage = {
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
    await this.#o.storage.putMessage(m)
    await this.#o.storage.saveState(this.#state)
    this.stats.received++
    this.#queueReceipt(peer, id)
    this.dispatchEvent(new CustomEvent('message', { detail: m }))
    this.#changed()
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

  async #pullOnce(): Promise<void> {
    const signal = this.#controller.signal
    let lastError: unknown
    for (const relay of this.#connectedRelays()) {
      try {
        let after = Math.max(0, this.#state.cursor - PULL_LOOKBACK_MS)
        let cursor = this.#state.cursor
        for (let page = 0; page < 1_000; page++) {
          const answer = (await request(
            this.#o.libp2p,
            peerIdFromString(relay),
            MESSAGES_PROTOCOL,
            await signPull(this.#o.keys, after),
            {
              signal,
              timeoutMs: 30_000,
            },
          )) as { t?: string; items?: { env?: unknown; at?: unknown }[]; more?: boolean; reason?: string }
          if (answer?.t !== 'page' || !Array.isArray(answer.items))
            throw new MessagingError('malformed', `pull refused: ${answer?.reason}`)
          for (const item of answer.items) {
            await this.#receive(item?.env)
            if (typeof item?.at === 'number') {
              after = Math.max(after, item.at)
              cursor = Math.max(cursor, item.at)
            }
          }
          if (!answer.more || answer.items.length === 0) break
        }
        this.#state.cursor = cursor
        await this.#o.storage.saveState(this.#state)
        return
      } catch (err) {
        lastError = err
        if (signal.aborted) return
      }
    }
    if (lastError) throw lastError
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
