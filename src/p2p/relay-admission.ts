/**
 * Which relays a relay pool keeps when relays compete for its places (issue #24, finding 7).
 *
 * Relay ids and processes are cheap; addresses and other relays' trust are not. So a relay keeps at most
 * `perIp` verified relays from one IP address and `perSubnet` from one /24 (IPv4) or /48 (IPv6), and ranks
 * relays by how many other relays vouched for them (named them in a relay list or a signed announcement): a
 * relay nobody else knows is the first to give way. A new relay takes a place from a worse one (one that keeps
 * failing, or fewer vouchers); on a tie the relay already there stays, so churning identities gains nothing.
 * Configured (bootstrap) relays are never dropped nor counted against the caps.
 */
import { subnetOf } from './relay-list.ts'

export interface AdmissionLimits {
  perIp: number
  perSubnet: number
}

export type AdmissionRefusal = 'per_ip' | 'per_subnet' | 'pool_full'

/** What admission reads of a relay in the pool. */
export interface Ranked {
  source: 'config' | 'learnt'
  /** The IP address it was verified on. */
  ip?: string
  /** Other relays that named it. */
  vouchers: ReadonlySet<string>
  connected: boolean
  dialing: boolean
  failures: number
}

/** A learnt relay that keeps failing: not connected, not being dialled, three failures or more in a row. */
export function failing(e: Ranked): boolean {
  return e.source === 'learnt' && !e.connected && !e.dialing && e.failures >= 3
}

/**
 * The relay to give up first among `entries` (in the order they were added): one that keeps failing (the most
 * failures), else the fewest vouchers, then the most failures, then the newest. Configured relays never.
 */
export function worstOf<T extends Ranked>(entries: Iterable<T>): T | undefined {
  let worst: T | undefined
  const worse = (a: T, b: T): boolean => {
    if (failing(a) !== failing(b)) return failing(a)
    if (failing(a)) return a.failures > b.failures
    if (a.vouchers.size !== b.vouchers.size) return a.vouchers.size < b.vouchers.size
    return a.failures >= b.failures // later entries win ties: the newest gives way first
  }
  for (const e of entries) if (e.source === 'learnt' && (worst === undefined || worse(e, worst))) worst = e
  return worst
}

/**
 * Whether a verified `candidate` gets a place in `pool` (at most `maxRelays`), and which relays it takes the
 * places of. Without `limits` (browsers) only a relay that keeps failing makes room, as before.
 */
export function admit<T extends Ranked>(
  pool: T[],
  candidate: { ip?: string; vouchers: number },
  maxRelays: number,
  limits?: AdmissionLimits,
): { drop: T[] } | { refused: AdmissionRefusal } {
  const drop = new Set<T>()
  const learnt = pool.filter((e) => e.source === 'learnt')
  const beats = (w: T): boolean => failing(w) || (limits !== undefined && candidate.vouchers > w.vouchers.size)
  const ip = candidate.ip
  if (limits && ip !== undefined) {
    const subnet = subnetOf(ip)
    const groups: [AdmissionRefusal, (e: T) => boolean, number][] = [
      ['per_ip', (e) => e.ip === ip, limits.perIp],
      ['per_subnet', (e) => e.ip !== undefined && subnetOf(e.ip) === subnet, limits.perSubnet],
    ]
    for (const [reason, same, cap] of groups) {
      const group = learnt.filter((e) => same(e) && !drop.has(e))
      if (group.length < cap) continue
      const worst = worstOf(group)
      if (worst === undefined || !beats(worst)) return { refused: reason }
      drop.add(worst)
    }
  }
  if (pool.length - drop.size >= maxRelays) {
    const worst = worstOf(learnt.filter((e) => !drop.has(e)))
    if (worst === undefined || !beats(worst)) return { refused: 'pool_full' }
    drop.add(worst)
  }
  return { drop: [...drop] }
}

/** Vouchers counted per relay, relays remembered before they are in the pool, and verified relays parked. */
const MAX_VOUCHERS = 8
const MAX_HEARD = 256
const MAX_PARKED = 64
/** A parked relay is taken in without a new check for this long (the verifier's failure memory is as long). */
const PARK_TTL_MS = 10 * 60_000

/** Adds `from` to a bounded voucher set; true if it was not there. */
export function addVoucher(vouchers: Set<string>, from: string): boolean {
  if (vouchers.has(from) || vouchers.size >= MAX_VOUCHERS) return false
  vouchers.add(from)
  return true
}

/**
 * Relays that are not in the pool (yet): who vouched for them while they wait for their check, and verified
 * relays refused a place for now, which take one as soon as they rank better (a new voucher) without being
 * checked again. Both bounded; the oldest is forgotten first.
 */
export class Waiting<R extends { peerId: string }> {
  readonly #heard = new Map<string, Set<string>>()
  readonly #parked = new Map<string, { record: R; at: number }>()

  /** Records that `from` named `peerId`; true if that is a new voucher. */
  vouch(peerId: string, from: string): boolean {
    let set = this.#heard.get(peerId)
    if (!set) {
      if (this.#heard.size >= MAX_HEARD) this.#heard.delete(this.#heard.keys().next().value!)
      set = new Set()
      this.#heard.set(peerId, set)
    }
    return addVoucher(set, from)
  }

  /** The vouchers heard for `peerId` so far (handed over to its pool entry). */
  vouchers(peerId: string): Set<string> {
    return this.#heard.get(peerId) ?? new Set()
  }

  park(record: R): void {
    this.#parked.delete(record.peerId)
    if (this.#parked.size >= MAX_PARKED) this.#parked.delete(this.#parked.keys().next().value!)
    this.#parked.set(record.peerId, { record, at: Date.now() })
  }

  /** A parked relay verified within the last ten minutes. */
  parked(peerId: string): R | undefined {
    const p = this.#parked.get(peerId)
    if (p && Date.now() - p.at < PARK_TTL_MS) return p.record
    this.#parked.delete(peerId)
    return undefined
  }

  /** Forgets a relay that got its place. */
  admitted(peerId: string): void {
    this.#parked.delete(peerId)
    this.#heard.delete(peerId)
  }
}
