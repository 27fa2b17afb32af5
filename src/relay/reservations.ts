/**
 * Circuit relay reservations that cannot be hoarded: a reservation is freed as soon as its peer disconnects
 * (libp2p keeps it for its two-hour TTL otherwise), and peers behind one IP address, or one /24 (IPv4) or
 * /48 (IPv6), hold at most a few. Peer ids are free but addresses are not, so throwaway ids from one machine
 * or one small network cannot take the reservations honest browsers need.
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { CircuitRelayService, RelayReservation } from '@libp2p/circuit-relay-v2'
import { ipOf, isNonPublicAddr, subnetOf } from '../p2p/relay-list.ts'
import type { Metrics } from './metrics.ts'

/** Shared with the relay pool's per-address caps on relays (src/p2p/relay-list.ts). */
export { ipOf, subnetOf }

export interface ReservationLimits {
  reservationsPerIp: number
  reservationsPerSubnet: number
  /**
   * Development (every peer on 127.0.0.1): count loopback and private addresses too. On a public relay such an
   * address is the operator's reverse proxy (docs/operators.md: Caddy in front of the WebSocket port), which
   * every browser shares: counting it would leave all browsers together `reservationsPerIp` reservations.
   */
  allowPrivateAddrs?: boolean
}

export class ReservationGuard {
  readonly #limits: ReservationLimits
  #libp2p?: Libp2p<{ relay: CircuitRelayService }>
  readonly #refused: (labels: { reason: string }) => void
  readonly #freed: () => void
  readonly #where = new WeakMap<RelayReservation, { ip: string; subnet: string } | undefined>()

  constructor(limits: ReservationLimits, metrics: Metrics) {
    this.#limits = limits
    this.#refused = metrics.counter(
      'souk_relay_reservations_refused_total',
      'Reservation requests refused by the per-address caps, by reason',
      { reason: ['per_ip', 'per_subnet'] },
    )
    this.#freed = metrics.counter(
      'souk_relay_reservations_freed_total',
      'Reservations freed because their peer disconnected',
    )
  }

  /** Starts freeing reservations of peers that disconnect. */
  attach(libp2p: Libp2p<{ relay: CircuitRelayService }>): void {
    this.#libp2p = libp2p
    libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
  }

  detach(): void {
    this.#libp2p?.removeEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p = undefined
  }

  /** For the connection gater's `denyInboundRelayReservation`: true refuses the reservation. */
  readonly deny = (peer: PeerId): boolean => {
    const libp2p = this.#libp2p
    if (!libp2p) return true
    const conn = libp2p.getConnections(peer).find((c) => c.limits === undefined)
    const ip = conn ? ipOf(conn.remoteAddr) : undefined
    if (ip === undefined) return false // not over IP (e.g. a test transport): nothing to count by
    if (this.#limits.allowPrivateAddrs !== true && isNonPublicAddr(conn!.remoteAddr)) return false // the proxy
    const subnet = subnetOf(ip)
    let sameIp = 0
    let sameSubnet = 0
    for (const [holder, r] of libp2p.services.relay.reservations) {
      if (holder.equals(peer)) return false // a refresh of its own reservation
      const where = this.#whereOf(r)
      if (where === undefined) continue
      if (where.ip === ip) sameIp++
      if (where.subnet === subnet) sameSubnet++
    }
    if (sameIp >= this.#limits.reservationsPerIp) {
      this.#refused({ reason: 'per_ip' })
      return true
    }
    if (sameSubnet >= this.#limits.reservationsPerSubnet) {
      this.#refused({ reason: 'per_subnet' })
      return true
    }
    return false
  }

  /** Address and subnet of a reservation, parsed once (this runs for every reservation request). */
  #whereOf(r: RelayReservation): { ip: string; subnet: string } | undefined {
    let where = this.#where.get(r)
    if (where === undefined && !this.#where.has(r)) {
      const ip = ipOf(r.addr)
      where = ip === undefined ? undefined : { ip, subnet: subnetOf(ip) }
      this.#where.set(r, where)
    }
    return where
  }

  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const reservations = this.#libp2p?.services.relay.reservations
    const r = reservations?.get(evt.detail)
    if (!reservations || !r) return
    r.signal.clear()
    reservations.delete(evt.detail)
    this.#freed()
  }
}
