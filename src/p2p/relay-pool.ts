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
 *
 * Places (64): a relay (with a verifier) keeps at most a few verified relays per IP address and per network, and
 * a relay that other relays vouch for takes the place of one nobody vouches for (src/p2p/relay-admission.ts);
 * with `recheck`, each relay is checked again now and then, and dropped when it no longer passes. Browsers
 * prefer, among equals, relays that more peers named.
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
import { addVoucher, admit, Waiting } from './relay-admission.ts'
import type { RelayPoolOptions, RelayState } from './relay-pool-options.ts'

export type { BackoffOptions, PubSubLike, RelayPoolOptions, RelayState } from './relay-pool-options.ts'

interface Entry extends RelayState {
  timer?: ReturnType<typeof setTimeout>
  reserveTimer?: ReturnType<typeof setTimeout>
  dialing: boolean
  /** Last time an announcement by the relay itself cut its backoff short. */
  revivedAt?: number
  /** The IP address it was verified on (relays' per-address caps). */
  ip?: string
  /** Other peers that named it (bounded): relays prefer relays that several relays know. */
  vouchers: Set<string>
  /** Last time it was checked again (`recheck`). */
  checkedAt: number
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
  readonly #waiting = new Waiting<RelayRecord & { ip?: string }>()
  readonly #controller = new AbortController()
  #recheckTimer?: ReturnType<typeof setInterval>
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
    return [...this.#entries.values()].map(
      ({ timer: _t, reserveTimer: _r, dialing: _d, revivedAt: _v, ip: _i, vouchers: _o, checkedAt: _c, ...state }) => ({
        ...state,
        addrs: [...state.addrs],
      }),
    )
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
    const recheck = this.#opts.recheck
    if (recheck) {
      // one relay at a time, the one checked longest ago, so each is checked about every `everyMs`
      this.#recheckTimer = setInterval(
        () => void this.#recheckOne(recheck),
        Math.max(1_000, recheck.everyMs / MAX_RELAYS_LISTED),
      )
    }
    this.#fill()
  }

  stop(): void {
    if (!this.#started) return
    this.#started = false
    this.#controller.abort()
    clearInterval(this.#recheckTimer)
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

  /**
   * Adds a relay a verifier has checked (`ip`: the address it answered on), and dials it if there is room.
   * Without a place (per-address caps, full pool) it is parked and taken in once it ranks better.
   */
  addVerified(record: RelayRecord & { ip?: string }): void {
    if (this.#learn(record, 'learnt', true, record.ip)) this.#fill()
  }

  /** A relay heard of from `from`: to the verifier if there is one, else straight into the pool. */
  #candidate(record: RelayRecord, from: string): boolean {
    const self = this.#libp2p.peerId.toString()
    if (record.peerId === self) return false
    const e = this.#entries.get(record.peerId)
    const vouched =
      from !== record.peerId && from !== self
        ? e
          ? addVoucher(e.vouchers, from)
          : this.#waiting.vouch(record.peerId, from)
        : false
    if (!this.#opts.verifier) return this.#learn(record, 'learnt', false)
    if (e?.verified) return false
    // verified lately but without a place: a new voucher may earn it one, no new check needed
    const parked = this.#waiting.parked(record.peerId)
    if (parked) return vouched && this.#learn(parked, 'learnt', true, parked.ip)
    this.#opts.verifier.submit(record, from)
    return false
  }

  /** Forgets a relay (it lost its place, or failed a recheck: then also hung up). */
  #drop(e: Entry, hangUp: boolean): void {
    clearTimeout(e.timer)
    clearTimeout(e.reserveTimer)
    this.#entries.delete(e.peerId)
    if (hangUp) void this.#libp2p.hangUp(peerIdFromString(e.peerId)).catch(() => {})
    this.#changed(true)
  }

  /** Checks the learnt relay checked longest ago once more; drops it if it fails. */
  async #recheckOne(recheck: NonNullable<RelayPoolOptions['recheck']>): Promise<void> {
    let oldest: Entry | undefined
    for (const e of this.#entries.values())
      if (
        e.source === 'learnt' &&
        e.verified &&
        e.connected &&
        (oldest === undefined || e.checkedAt < oldest.checkedAt)
      )
        oldest = e
    if (!oldest || Date.now() - oldest.checkedAt < recheck.everyMs) return
    oldest.checkedAt = Date.now()
    const ok = await recheck.check({ peerId: oldest.peerId, addrs: [...oldest.addrs] }).catch(() => false)
    if (!ok && this.#started && this.#entries.get(oldest.peerId) === oldest) this.#drop(oldest, true)
  }

  #learn(record: RelayRecord, source: 'config' | 'learnt', verified: boolean, ip?: string): boolean {
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
      if (ip !== undefined) existing.ip = ip
      if (changed) this.#changed(true)
      return false
    }
    const vouchers = this.#waiting.vouchers(record.peerId)
    const admission = this.#opts.admission
    if (source === 'learnt') {
      const pool = [...this.#entries.values()]
      const decision = admit(pool, { ip, vouchers: vouchers.size }, MAX_RELAYS_LISTED, admission)
      if ('refused' in decision) {
        if (verified && admission) {
          this.#waiting.park({ ...record, addrs, ...(ip !== undefined ? { ip } : {}) })
          admission.onRefused?.(record, decision.refused)
        }
        return false
      }
      for (const worse of decision.drop) this.#drop(worse, false)
    }
    this.#waiting.admitted(record.peerId)
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
      ...(ip !== undefined ? { ip } : {}),
      vouchers,
      checkedAt: Date.now(),
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
      .sort(
        (a, b) =>
          a.failures - b.failures ||
          Number(b.source === 'config') - Number(a.source === 'config') ||
          b.vouchers.size - a.vouchers.size,
      )
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
