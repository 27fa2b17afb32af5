/**
 * Network status for the UI: which relays are connected and hold a reservation for us, how many browsers
 * we talk to directly, how many we have seen, and how many bytes of blocks we keep.
 *
 * `snapshot` is always current; a `'change'` event fires whenever it changes (coalesced per microtask).
 */
import type { Libp2p } from '@libp2p/interface'
import type { RelayPool } from './relay-pool.ts'
import type { NodeStores } from './storage.ts'
import type { NetworkSnapshot as CoreNetworkSnapshot, RelayStatus } from '../core/status.ts'

export type NetworkState = CoreNetworkSnapshot['status']
export type { RelayStatus }

/**
 * The shape `<souk-app>` displays (`NetworkSnapshot` in src/core/status.ts) plus details for diagnostics.
 * `status` says what a shopper can do: `online` with at least one relay connected (listings, messages and
 * photos all travel through relays, so one is enough), `offline` with none once relays were reached or every
 * relay's dial failed (reconnecting with backoff, each relay's `retryAt` says when), `starting` before that.
 * Reservations are not part of it: they only let other browsers open a direct connection to this node, which
 * nothing a shopper does waits for (it once made the header say "partly connected" for minutes while messages
 * flowed); `reachable` and each relay's `reserving` report them for the diagnostics. `directPeers` counts
 * browsers with an open direct (e.g. WebRTC) connection; `peersSeen` the distinct other devices this node has
 * heard from since start: connected to, or the signed author of a gossip message (a listing, an announcement)
 * that arrived through a relay. Browsers rarely connect to each other, so counting connections alone said 0
 * with five browsers trading through one relay. `dials` lists browser-to-browser dials in progress with their
 * attempt number, and `dialRetries` counts attempts that had to be repeated.
 */
export interface NetworkSnapshot extends CoreNetworkSnapshot {
  relays: RelayDetail[]
  /** Relays holding a reservation for us. */
  reservations: number
  /** Reservations this node wants to hold. */
  reservationsWanted: number
  /** As many reservations held as wanted (or as relays are connected): other browsers can dial this node. */
  reachable: boolean
  /** Our own addresses (the relayed `/p2p-circuit` and `/webrtc` ones other browsers dial). */
  multiaddrs: string[]
  dials: DialStatus[]
  dialRetries: number
}

export interface RelayDetail extends RelayStatus {
  /** Connected but no reservation yet while one is wanted. */
  reserving: boolean
  /** Next redial (epoch ms) while disconnected and backing off. */
  retryAt?: number
  /** Times the connection was dropped and redialled because no reservation came on it. */
  reservationResets: number
}

/** A browser-to-browser dial in progress (`SoukNode.dialPeer`). */
export interface DialStatus {
  peerId: string
  /** 1-based attempt number, out of `attempts`. */
  attempt: number
  attempts: number
  /** The relay address the attempt goes through. */
  via: string
  /** Why the previous attempt failed. */
  lastError?: string
}

export interface NetworkStatusInit {
  libp2p: Libp2p
  pool: RelayPool
  stores: Pick<NodeStores, 'bytesStored' | 'events'>
  /** Reservations the node wants (default 2). */
  reservationsWanted?: number
}

/** libp2p events after which the snapshot is recomputed. */
const LIBP2P_EVENTS = [
  'peer:connect',
  'peer:disconnect',
  'connection:open',
  'connection:close',
  'self:peer:update',
] as const

export class NetworkStatus extends EventTarget {
  readonly #libp2p: Libp2p
  readonly #pool: RelayPool
  readonly #stores: NetworkStatusInit['stores']
  readonly #seen = new Set<string>()
  readonly #dials = new Map<string, DialStatus>()
  readonly #reservationsWanted: number
  #dialRetries = 0
  /** A relay was connected at some point: no relay now means offline, not still starting. */
  #reached = false
  #started = false
  #scheduled = false
  #snapshot: NetworkSnapshot
  #json = ''

  constructor({ libp2p, pool, stores, reservationsWanted = 2 }: NetworkStatusInit) {
    super()
    this.#libp2p = libp2p
    this.#pool = pool
    this.#stores = stores
    this.#reservationsWanted = reservationsWanted
    this.#snapshot = {
      peerId: libp2p.peerId.toString(),
      status: 'starting',
      relays: [],
      directPeers: 0,
      peersSeen: 0,
      bytesStored: 0,
      reservations: 0,
      reservationsWanted,
      reachable: false,
      multiaddrs: [],
      dials: [],
      dialRetries: 0,
    }
  }

  get snapshot(): NetworkSnapshot {
    return this.#snapshot
  }

  start(): void {
    if (this.#started) return
    this.#started = true
    for (const type of LIBP2P_EVENTS) this.#libp2p.addEventListener(type, this.#schedule)
    this.#pubsub()?.addEventListener('message', this.#onGossip)
    this.#pool.addEventListener('change', this.#schedule)
    this.#stores.events.addEventListener('change', this.#schedule)
    this.#update()
  }

  stop(): void {
    if (!this.#started) return
    this.#started = false
    for (const type of LIBP2P_EVENTS) this.#libp2p.removeEventListener(type, this.#schedule)
    this.#pubsub()?.removeEventListener('message', this.#onGossip)
    this.#pool.removeEventListener('change', this.#schedule)
    this.#stores.events.removeEventListener('change', this.#schedule)
    this.#snapshot = { ...this.#snapshot, status: 'offline' }
  }

  /** Records an attempt of a browser-to-browser dial; shown in `dials` until `dialEnded`. */
  dialAttempt(dial: DialStatus): void {
    if (dial.attempt > 1) this.#dialRetries++
    this.#dials.set(dial.peerId, { ...dial })
    this.#schedule()
  }

  dialEnded(peerId: string): void {
    if (this.#dials.delete(peerId)) this.#schedule()
  }

  /** The node's gossipsub, when it has one (relays' and browsers' nodes do; bare test nodes may not). */
  #pubsub(): EventTarget | undefined {
    const services = (this.#libp2p as Libp2p<{ pubsub?: unknown }>).services
    const pubsub = services?.pubsub
    return pubsub instanceof EventTarget ? pubsub : undefined
  }

  /** A signed gossip message names its author: another device heard from, unless it is a relay or us. */
  readonly #onGossip = (evt: Event): void => {
    const m = (evt as CustomEvent<{ type?: string; from?: { toString(): string } }>).detail
    if (m?.type !== 'signed' || m.from === undefined) return
    const id = m.from.toString()
    if (id === this.#libp2p.peerId.toString() || this.#pool.isRelay(id) || this.#seen.has(id)) return
    this.#seen.add(id)
    this.#schedule()
  }

  readonly #schedule = (): void => {
    if (this.#scheduled || !this.#started) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      if (this.#started) this.#update()
    })
  }

  #update(): void {
    const multiaddrs = this.#libp2p.getMultiaddrs().map((m) => m.toString())
    const relays: RelayDetail[] = this.#pool.relays.map((r) => ({
      peerId: r.peerId,
      addr: r.addrs[0] ?? '',
      connected: r.connected,
      reservation: r.reservation,
      reserving: r.reservingSince !== undefined,
      ...(r.retryAt !== undefined ? { retryAt: Math.round(r.retryAt) } : {}),
      reservationResets: r.reservationResets,
    }))
    let directPeers = 0
    const direct = new Set<string>()
    for (const c of this.#libp2p.getConnections()) {
      const id = c.remotePeer.toString()
      if (this.#pool.isRelay(id)) continue
      this.#seen.add(id)
      if (c.status === 'open' && c.limits === undefined && !direct.has(id)) {
        direct.add(id)
        directPeers++
      }
    }
    const connected = relays.filter((r) => r.connected).length
    const reservations = relays.filter((r) => r.reservation).length
    const reservationsWanted = Math.min(this.#reservationsWanted, connected)
    if (connected > 0) this.#reached = true
    const allFailed = relays.length === 0 || relays.every((r) => r.retryAt !== undefined)
    const status: NetworkState = connected > 0 ? 'online' : this.#reached || allFailed ? 'offline' : 'starting'
    const next: NetworkSnapshot = {
      peerId: this.#libp2p.peerId.toString(),
      status,
      relays,
      directPeers,
      peersSeen: this.#seen.size,
      bytesStored: this.#stores.bytesStored(),
      reservations,
      reservationsWanted: this.#reservationsWanted,
      reachable: reservations > 0 && reservations >= reservationsWanted,
      multiaddrs,
      dials: [...this.#dials.values()],
      dialRetries: this.#dialRetries,
    }
    const json = JSON.stringify(next)
    if (json === this.#json) return
    this.#json = json
    this.#snapshot = next
    this.dispatchEvent(new Event('change'))
  }
}
