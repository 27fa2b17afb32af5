/**
 * Keeps a node connected to relays: the ones from config, plus every relay it learns about from peers.
 *
 * Learning: a connected relay is asked for its relay list (`RELAY_LIST_PROTOCOL`), relays announce
 * themselves on `RELAYS_TOPIC`, and any peer whose identify shows it serves the relay list is a relay too.
 * Connecting: up to `maxConnected` relays are kept connected; a relay that goes away is redialled with
 * capped exponential backoff and jitter, for ever, while others fill in. Used by browsers (a few relays)
 * and by relays themselves (all relays, so several relays form one network).
 *
 * Reservations: a browser wants `reservations` of its relays to hold a circuit relay reservation for it (so
 * other browsers can reach it). The circuit relay transport makes them, but it only tries when a relay
 * connects (after identify); if that one attempt fails (the relay was still starting, the request timed out
 * on a loaded machine) nothing tries again, and the relay stays connected but useless for reachability.
 * The pool watches for that: a relay connected for `reserveTimeoutMs` without a reservation while we hold
 * fewer than we want is hung up and redialled through the normal backoff, which gives the transport a fresh
 * connection to reserve on. `reservationResets` counts how often that happened.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { IdentifyResult, Libp2p, PeerId } from '@libp2p/interface'
import type { Message } from '@libp2p/gossipsub'
import {
  decodeRelayAnnouncement,
  fetchRelayList,
  isBrowserDialable,
  parseRelayRecord,
  type RelayRecord,
} from './relay-list.ts'
import { MAX_RELAYS_LISTED, RELAY_LIST_PROTOCOL, RELAYS_TOPIC } from './protocols.ts'

export interface BackoffOptions {
  /** First retry delay in ms (default 500). */
  minMs?: number
  /** Longest delay in ms (default 30 000). */
  maxMs?: number
  factor?: number
}

/** The gossipsub service as far as the pool needs it. */
export interface PubSubLike {
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  addEventListener(type: 'message', listener: (evt: CustomEvent<Message>) => void): void
  removeEventListener(type: 'message', listener: (evt: CustomEvent<Message>) => void): void
}

export interface RelayPoolOptions {
  /** Multiaddrs (ending in /p2p/<id>) known up front, e.g. from config.json or --bootstrap. */
  relays: string[]
  /** Keep at most this many relays connected (default 3; relays use Infinity). */
  maxConnected?: number
  backoff?: BackoffOptions
  /** Dial timeout per attempt (default 10 s). */
  dialTimeoutMs?: number
  pubsub?: PubSubLike
  /** Only learn relays whose addresses a browser can dial (default true). */
  browserDialableOnly?: boolean
  /**
   * Checks relays heard of from the network before trusting them (relays pass a `RelayVerifier`, which calls
   * `addVerified`); without one, learnt relays are dial candidates at once.
   */
  verifier?: { submit(record: RelayRecord, source: string): void }
  /** Remembers learnt relays across restarts. */
  store?: { load(): Promise<RelayRecord[]>; save(records: RelayRecord[]): Promise<void> }
  /** Relays that should hold a circuit relay reservation for us (default 0: relays reserve nowhere). */
  reservations?: number
  /**
   * How long a connected relay may go without a reservation, while fewer than `reservations` are held,
   * before the pool hangs up and redials it (default 15 s; the transport gives one attempt 10 s).
   */
  reserveTimeoutMs?: number
}

export interface RelayState {
  peerId: string
  addrs: string[]
  source: 'config' | 'learnt'
  connected: boolean
  /** Holds a circuit relay reservation for us (our `/p2p-circuit` address through it is announced). */
  reservation: boolean
  /** Connected, a reservation is wanted and none is held yet (since `Date.now()` = this). */
  reservingSince?: number
  /** When the next redial is due (epoch ms) while the relay is backing off. */
  retryAt?: number
  /** Has been connected at least once (only such relays are passed on to others). */
  verified: boolean
  failures: number
  /** Times the pool dropped this relay's connection because no reservation came on it. */
  reservationResets: number
}

interface Entry extends RelayState {
  timer?: ReturnType<typeof setTimeout>
  reserveTimer?: ReturnType<typeof setTimeout>
  dialing: boolean
  /** Last time an announcement by the relay itself cut its backoff short. */
  revivedAt?: number
}

/** A relay's own announcements cut its reconnect backoff short at most this often. */
const REVIVE_MIN_INTERVAL_MS = 5_000

export class RelayPool extends EventTarget {
  readonly #libp2p: Libp2p
  readonly #opts: Required<
    Pick<
      RelayPoolOptions,
      'maxConnected' | 'dialTimeoutMs' | 'browserDialableOnly' | 'reservations' | 'reserveTimeoutMs'
    >
  > &
    RelayPoolOptions
  readonly #entries = new Map<string, Entry>()
  readonly #controller = new AbortController()
  #started = false

  constructor(libp2p: Libp2p, options: RelayPoolOptions) {
    super()
    this.#libp2p = libp2p
    this.#opts = {
      maxConnected: 3,
      dialTimeoutMs: 10_000,
      browserDialableOnly: true,
      reservations: 0,
      reserveTimeoutMs: 15_000,
      ...options,
    }
  }

  /** Every relay the pool knows, connected or not. */
  get relays(): RelayState[] {
    return [...this.#entries.values()].map(({ timer: _t, reserveTimer: _r, dialing: _d, revivedAt: _v, ...state }) => ({
      ...state,
      addrs: [...state.addrs],
    }))
  }

  /** Records of relays that have been reached at least once, to share with others. */
  verifiedRecords(): RelayRecord[] {
    return [...this.#entries.values()].filter((e) => e.verified).map((e) => ({ peerId: e.peerId, addrs: [...e.addrs] }))
  }

  isRelay(peerId: string): boolean {
    return this.#entries.has(peerId)
  }

  /**
   * True while a relay that went away waits for its next redial. Used by the connection gater so nobody
   * else (the circuit relay transport's own relay discovery, bitswap, ...) dials it meanwhile: a failed
   * dial makes the transport blacklist the relay for reservations, and it would then never reserve on the
   * relay again once it is back.
   */
  isBackingOff(peerId: string): boolean {
    const e = this.#entries.get(peerId)
    return e !== undefined && e.timer !== undefined && !e.dialing
  }

  async start(): Promise<void> {
    if (this.#started) return
    this.#started = true
    for (const addr of this.#opts.relays) {
      try {
        const ma = multiaddr(addr)
        const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value
        if (id === undefined) continue
        this.#learn({ peerId: id, addrs: [ma.toString()] }, 'config', false)
      } catch {
        /* a bad configured address is skipped; config validation reports it */
      }
    }
    for (const rec of (await this.#opts.store?.load().catch(() => [])) ?? []) {
      const parsed = parseRelayRecord(rec)
      if (parsed) this.#learn(parsed, 'learnt', false)
    }
    this.#libp2p.addEventListener('peer:connect', this.#onConnect)
    this.#libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.addEventListener('peer:identify', this.#onIdentify)
    this.#libp2p.addEventListener('self:peer:update', this.#onSelfUpdate)
    if (this.#opts.pubsub) {
      this.#opts.pubsub.subscribe(RELAYS_TOPIC)
      this.#opts.pubsub.addEventListener('message', this.#onMessage)
    }
    // relays connected before start (e.g. by bootstrap) count too
    for (const e of this.#entries.values()) e.connected = this.#isConnected(e.peerId)
    this.#fill()
  }

  stop(): void {
    if (!this.#started) return
    this.#started = false
    this.#controller.abort()
    for (const e of this.#entries.values()) {
      clearTimeout(e.timer)
      clearTimeout(e.reserveTimer)
      e.timer = undefined
      e.reserveTimer = undefined
      e.retryAt = undefined
    }
    this.#libp2p.removeEventListener('peer:connect', this.#onConnect)
    this.#libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.removeEventListener('peer:identify', this.#onIdentify)
    this.#libp2p.removeEventListener('self:peer:update', this.#onSelfUpdate)
    this.#opts.pubsub?.removeEventListener('message', this.#onMessage)
  }

  /** Adds relays (e.g. from a new config) and dials them if there is room. */
  add(records: RelayRecord[]): void {
    for (const r of records) this.#learn(r, 'learnt', false)
    this.#fill()
  }

  /** Adds a relay a verifier has checked, and dials it if there is room. */
  addVerified(record: RelayRecord): void {
    if (this.#learn(record, 'learnt', true)) this.#fill()
  }

  /** A relay heard of from `from`: to the verifier if there is one, else straight into the pool. */
  #candidate(record: RelayRecord, from: string): boolean {
    if (!this.#opts.verifier) return this.#learn(record, 'learnt', false)
    if (record.peerId !== this.#libp2p.peerId.toString() && !this.#entries.get(record.peerId)?.verified)
      this.#opts.verifier.submit(record, from)
    return false
  }

  /** Makes room for a new relay by forgetting a learnt one that keeps failing; false if none qualifies. */
  #evict(): boolean {
    let worst: Entry | undefined
    for (const e of this.#entries.values())
      if (e.source === 'learnt' && !e.connected && !e.dialing && e.failures >= 3 && e.failures > (worst?.failures ?? 0))
        worst = e
    if (!worst) return false
    clearTimeout(worst.timer)
    this.#entries.delete(worst.peerId)
    return true
  }

  #learn(record: RelayRecord, source: 'config' | 'learnt', verified: boolean): boolean {
    if (record.peerId === this.#libp2p.peerId.toString()) return false
    const addrs = this.#opts.browserDialableOnly
      ? record.addrs.filter((a) => isBrowserDialable(multiaddr(a)))
      : record.addrs
    if (addrs.length === 0) return false
    const existing = this.#entries.get(record.peerId)
    if (existing) {
      const merged = [...new Set([...existing.addrs, ...addrs])].slice(0, 8)
      const changed = merged.length !== existing.addrs.length || (verified && !existing.verified)
      existing.addrs = merged
      if (verified) existing.verified = true
      if (changed) this.#changed(true)
      return false
    }
    if (this.#entries.size >= MAX_RELAYS_LISTED && !this.#evict()) return false
    this.#entries.set(record.peerId, {
      peerId: record.peerId,
      addrs,
      source,
      connected: false,
      reservation: false,
      verified,
      failures: 0,
      reservationResets: 0,
      dialing: false,
    })
    this.#changed(verified)
    return true
  }

  #isConnected(peerId: string): boolean {
    return this.#libp2p
      .getConnections(peerIdFromString(peerId))
      .some((c) => c.status === 'open' && c.limits === undefined)
  }

  #connectedCount(): number {
    let n = 0
    for (const e of this.#entries.values()) if (e.connected || e.dialing) n++
    return n
  }

  /** Dials known relays until `maxConnected` are connected or being dialled; the rest wait. */
  #fill(): void {
    if (!this.#started) return
    const candidates = [...this.#entries.values()]
      .filter((e) => !e.connected && !e.dialing && e.timer === undefined)
      .sort((a, b) => a.failures - b.failures || Number(b.source === 'config') - Number(a.source === 'config'))
    for (const e of candidates) {
      if (this.#connectedCount() >= this.#opts.maxConnected) break
      void this.#dial(e)
    }
  }

  async #dial(e: Entry): Promise<void> {
    e.dialing = true
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(this.#opts.dialTimeoutMs), this.#controller.signal])
      await this.#libp2p.dial(
        e.addrs.map((a) => multiaddr(a)),
        { signal },
      )
      e.dialing = false
      e.connected = this.#isConnected(e.peerId)
      if (e.connected) this.#connected(e)
    } catch {
      e.dialing = false
      if (!this.#started) return
      e.failures++
      this.#schedule(e)
      this.#fill()
    }
  }

  #schedule(e: Entry): void {
    if (!this.#started || e.timer !== undefined) return
    const { minMs = 500, maxMs = 30_000, factor = 2 } = this.#opts.backoff ?? {}
    const base = Math.min(maxMs, minMs * factor ** Math.max(0, e.failures - 1))
    const delay = base / 2 + Math.random() * (base / 2)
    e.retryAt = Date.now() + delay
    e.timer = setTimeout(() => {
      e.timer = undefined
      e.retryAt = undefined
      if (!this.#started || e.connected || e.dialing) return
      // a relay that failed waits for room like any other, unless it is the only way out
      if (this.#connectedCount() < this.#opts.maxConnected) void this.#dial(e)
    }, delay)
    this.#changed(false)
  }

  #connected(e: Entry): void {
    const firstTime = !e.verified
    e.failures = 0
    e.verified = true
    clearTimeout(e.timer)
    e.timer = undefined
    e.retryAt = undefined
    // keep relays when the connection manager prunes
    void this.#libp2p.peerStore
      .merge(peerIdFromString(e.peerId), { tags: { 'souk-relay': { value: 100 } } })
      .catch(() => {})
    this.#checkReservations()
    this.#changed(firstTime)
    void this.#askForRelays(e.peerId)
  }

  /** Relays holding a reservation for us: the ones our announced `/p2p-circuit` addresses go through. */
  #reservedRelays(): Set<string> {
    const reserved = new Set<string>()
    for (const ma of this.#libp2p.getMultiaddrs()) {
      const parts = ma.getComponents()
      const circuit = parts.findIndex((c) => c.name === 'p2p-circuit')
      const relay = circuit > 0 ? parts[circuit - 1] : undefined
      if (relay?.name === 'p2p' && relay.value !== undefined) reserved.add(relay.value)
    }
    return reserved
  }

  /**
   * Updates each relay's `reservation` and arms or clears the watchdog of connected relays without one.
   * Returns whether anything visible changed.
   */
  #checkReservations(): boolean {
    if (!this.#started) return false
    const reserved = this.#reservedRelays()
    let changed = false
    let held = 0
    for (const e of this.#entries.values()) {
      const has = e.connected && reserved.has(e.peerId)
      if (has !== e.reservation) {
        e.reservation = has
        changed = true
      }
      if (has) held++
    }
    // with as many reservations as wanted, other connected relays are spares, not relays waiting for one
    const short = held < this.#opts.reservations
    for (const e of this.#entries.values()) {
      const waiting = short && e.connected && !e.reservation
      if (waiting && e.reservingSince === undefined) {
        e.reservingSince = Date.now()
        changed = true
        e.reserveTimer = setTimeout(() => this.#reservationOverdue(e), this.#opts.reserveTimeoutMs)
      } else if (!waiting && e.reservingSince !== undefined) {
        e.reservingSince = undefined
        clearTimeout(e.reserveTimer)
        e.reserveTimer = undefined
        changed = true
      }
    }
    return changed
  }

  /** A relay has been connected for `reserveTimeoutMs` without a reservation. */
  #reservationOverdue(e: Entry): void {
    e.reserveTimer = undefined
    if (!this.#started || !e.connected || e.reservation) return
    let held = 0
    for (const x of this.#entries.values()) if (x.reservation) held++
    if (held >= this.#opts.reservations) {
      // enough reservations elsewhere by now: this relay is a spare
      e.reservingSince = undefined
      this.#changed(false)
      return
    }
    // a fresh connection makes the transport try again (identify → hop topology → reservation)
    e.reservationResets++
    e.reservingSince = undefined
    this.#changed(false)
    void this.#libp2p.hangUp(peerIdFromString(e.peerId)).catch(() => {})
  }

  readonly #onSelfUpdate = (): void => {
    if (this.#checkReservations()) this.#changed(false)
  }

  async #askForRelays(peerId: string): Promise<void> {
    try {
      const records = await fetchRelayList(this.#libp2p, peerIdFromString(peerId), { signal: this.#controller.signal })
      let added = false
      for (const r of records) added = this.#candidate(r, peerId) || added
      if (added) this.#fill()
    } catch {
      /* an old relay without the list protocol, or it went away: nothing to learn */
    }
  }

  readonly #onConnect = (evt: CustomEvent<PeerId>): void => {
    const e = this.#entries.get(evt.detail.toString())
    if (!e || e.connected) return
    e.connected = this.#isConnected(e.peerId)
    if (e.connected) this.#connected(e)
  }

  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const e = this.#entries.get(evt.detail.toString())
    if (!e) return
    e.connected = false
    this.#checkReservations()
    e.failures++
    this.#changed(false)
    this.#schedule(e)
    this.#fill()
  }

  readonly #onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, listenAddrs, connection } = evt.detail
    if (!protocols.includes(RELAY_LIST_PROTOCOL) || connection.limits !== undefined) return
    const rec = parseRelayRecord({ peerId: peerId.toString(), addrs: listenAddrs.map((a) => a.toString()) })
    if (!rec) return
    const added = this.#opts.verifier ? this.#candidate(rec, rec.peerId) : this.#learn(rec, 'learnt', true)
    const e = this.#entries.get(rec.peerId)
    if (e && !e.connected && this.#isConnected(e.peerId)) {
      e.connected = true
      this.#connected(e)
    }
    if (added) this.#fill()
  }

  readonly #onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (msg.topic !== RELAYS_TOPIC) return
    const announced = decodeRelayAnnouncement(msg.data, msg.type === 'signed' ? msg.from : undefined)
    if (!announced) return
    let added = false
    const from = announced.self.peerId
    for (const rec of [announced.self, ...announced.others]) added = this.#candidate(rec, from) || added
    this.#revive(from)
    if (added) this.#fill()
  }

  /**
   * The relay itself just published (signed) on the relays topic, so it is up again. If it waits in backoff,
   * dial it now instead of at the end of a delay that grew while it was down (up to `maxMs`): a restarted
   * relay announces itself as soon as it has joined another relay, and browsers come back within seconds.
   */
  #revive(peerId: string): void {
    const e = this.#entries.get(peerId)
    if (!e || e.connected || e.dialing || e.timer === undefined) return
    const now = Date.now()
    if (e.revivedAt !== undefined && now - e.revivedAt < REVIVE_MIN_INTERVAL_MS) return
    e.revivedAt = now
    clearTimeout(e.timer)
    e.timer = undefined
    e.retryAt = undefined
    // without room it waits for one like any other relay (#fill takes relays that are not backing off)
    if (this.#connectedCount() < this.#opts.maxConnected) void this.#dial(e)
    this.#changed(false)
  }

  #changed(persist: boolean): void {
    this.dispatchEvent(new Event('change'))
    if (persist && this.#opts.store) void this.#opts.store.save(this.verifiedRecords()).catch(() => {})
  }
}
