/**
 * Relays trust only relays they have checked (docs/p2p.md, "Relays trust only relays they have checked").
 *
 * `verifyRelay` dials a candidate at an address it announced, over a new connection, asks for its relay list
 * (a relay answers with itself first) and, for relays, asks it for a circuit relay v2 reservation (issue #24:
 * a fake that only answers the relay list is not a relay; a real one grants the reservation browsers need).
 * `RelayVerifier` runs such checks a few at a time with bounds per source and a memory of failures.
 */
import { lpStream } from '@libp2p/utils'
import { RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Connection, Libp2p } from '@libp2p/interface'
import { frameStream } from './frames.ts'
import { MAX_RELAY_LIST_FRAME_BYTES, RELAY_LIST_PROTOCOL, REQUEST_TIMEOUT_MS } from './protocols.ts'
import { ipOf, isNonPublicAddr, parseRelayList, type RelayRecord } from './relay-list.ts'

/** Why a relay candidate was not trusted; counted by the caller. */
export type RelayRejection =
  | 'private_address'
  | 'no_usable_address'
  | 'unreachable'
  | 'wrong_answer'
  | 'source_limit'
  | 'queue_full'
  | 'recently_failed'
  | 'no_reservation'

/** A relay that passed the check: the address that answered, and the IP address it was reached on. */
export interface VerifiedRelay extends RelayRecord {
  ip?: string
}

/** Circuit relay v2 `HopMessage { type: RESERVE }` (field 1, varint 0) and the `OK` status (100). */
const HOP_RESERVE = Uint8Array.of(0x08, 0x00)
const HOP_STATUS_OK = 100
/** RESERVATION_REFUSED, RESOURCE_LIMIT_EXCEEDED, PERMISSION_DENIED: a relay that is full, or caps our address. */
const HOP_STATUS_AT_LIMIT = new Set([200, 201, 202])

/** Reads `HopMessage.status` (field 5, a varint) from a protobuf message; undefined if it is not there. */
function hopStatus(bytes: Uint8Array): number | undefined {
  let i = 0
  const varint = (): number => {
    let n = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const b = bytes[i++]
      if (b === undefined) throw new Error('truncated varint')
      n += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return n
    }
    throw new Error('varint too long')
  }
  let status: number | undefined
  while (i < bytes.length) {
    const key = varint()
    const wire = key & 7
    if (wire === 0) {
      const value = varint()
      if (key >>> 3 === 5) status = value
    } else if (wire === 2) {
      const length = varint() // read before `i` is: `i += varint()` would add to the old offset
      i += length
    } else return undefined
  }
  return status
}

/**
 * Asks the peer on `conn` for a circuit relay reservation: true when it grants one (status OK), or with
 * `orAtLimit` when it answers as a relay at one of its limits does (a relay already trusted that filled up is
 * still a relay; a newcomer must grant one).
 */
export async function grantsReservation(conn: Connection, signal: AbortSignal, orAtLimit = false): Promise<boolean> {
  const stream = await conn.newStream(RELAY_V2_HOP_CODEC, { signal })
  const lp = lpStream(stream, { maxDataLength: 4_096 })
  try {
    await lp.write(HOP_RESERVE, { signal })
    const reply = await lp.read({ signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) })
    await stream.close().catch(() => {})
    const status = hopStatus(reply.subarray())
    return status === HOP_STATUS_OK || (orAtLimit && status !== undefined && HOP_STATUS_AT_LIMIT.has(status))
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/**
 * Checks that `record` is a relay: dials one of its announced addresses over a new connection (not one the
 * candidate opened to us) and asks it for its relay list, which a relay answers with itself first, and with
 * `requireReservation` for a circuit relay reservation. Returns the record reduced to the address that
 * answered, with the IP address it was reached on, or the reason it is not trusted.
 */
export async function verifyRelay(
  libp2p: Libp2p,
  record: RelayRecord,
  options: {
    signal: AbortSignal
    allowPrivate: boolean
    addrFilter?: (ma: Multiaddr) => boolean
    requireReservation?: boolean
    /** With `requireReservation`: a refusal for lack of room passes too (rechecks of trusted relays). */
    atLimitPasses?: boolean
  },
): Promise<VerifiedRelay | RelayRejection> {
  const addrs = record.addrs.map((a) => multiaddr(a)).filter((ma) => options.addrFilter?.(ma) ?? true)
  if (addrs.length === 0) return 'no_usable_address'
  const allowed = options.allowPrivate ? addrs : addrs.filter((ma) => !isNonPublicAddr(ma))
  if (allowed.length === 0) return 'private_address'
  let result: RelayRejection = 'unreachable'
  for (const ma of allowed.slice(0, 2)) {
    let conn: Connection | undefined
    try {
      conn = await libp2p.dial(ma, { signal: options.signal, force: true })
      if (conn.remotePeer.toString() !== record.peerId) {
        result = 'wrong_answer'
        continue
      }
      const stream = await conn.newStream(RELAY_LIST_PROTOCOL, { signal: options.signal })
      const frames = frameStream(stream, { maxBytes: MAX_RELAY_LIST_FRAME_BYTES })
      await frames.write({ want: 'relays' }, { signal: options.signal })
      const list = parseRelayList(await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal: options.signal }))
      await stream.close().catch(() => {})
      if (list[0]?.peerId !== record.peerId) {
        result = 'wrong_answer'
        continue
      }
      const reserve = async (c: Connection): Promise<boolean> =>
        await grantsReservation(c, options.signal, options.atLimitPasses).catch(() => false)
      if (options.requireReservation && !(await reserve(conn))) {
        result = 'no_reservation'
        continue
      }
      const ip = ipOf(conn.remoteAddr) ?? ipOf(ma)
      return { peerId: record.peerId, addrs: [ma.toString()], ...(ip !== undefined ? { ip } : {}) }
    } catch {
      result = result === 'wrong_answer' || result === 'no_reservation' ? result : 'unreachable'
    } finally {
      // the check needed its own connection; keep it only if it is the one connection to the relay
      if (conn && libp2p.getConnections(conn.remotePeer).some((c) => c.id !== conn!.id && c.status === 'open'))
        await conn.close().catch(() => {})
    }
  }
  return result
}

export interface RelayVerifierOptions {
  /** Development only: trust relays on private, loopback and link-local addresses. */
  allowPrivate: boolean
  /** Extra address filter (e.g. browser-dialable only). */
  addrFilter?: (ma: Multiaddr) => boolean
  /** Require a circuit relay reservation from the candidate (relays checking relays). */
  requireReservation?: boolean
  /** Verifications running at once (default 2) and waiting (default 32; more are dropped). */
  concurrency?: number
  maxPending?: number
  /** Candidates one source (the peer that told us) may submit per window (default 8 per 10 minutes). */
  perSourceLimit?: number
  sourceWindowMs?: number
  /** How long a failed candidate is not tried again (default 10 minutes). */
  failureTtlMs?: number
  timeoutMs?: number
  onVerified(record: VerifiedRelay): void
  onRejected?(record: RelayRecord, reason: RelayRejection): void
}

/**
 * Turns relay candidates heard from the network (identify, gossip, other relays' lists) into trusted relays,
 * a few at a time: each one is checked with `verifyRelay`, each source may submit only so many candidates,
 * and a candidate that failed is not retried for a while. Nothing unverified reaches the relay pool.
 */
export class RelayVerifier {
  readonly #libp2p: Libp2p
  readonly #opts: RelayVerifierOptions
  readonly #pending: { record: RelayRecord; source: string }[] = []
  readonly #busy = new Set<string>()
  readonly #failed = new Map<string, number>()
  readonly #sources = new Map<string, { start: number; count: number }>()
  readonly #controller = new AbortController()
  #running = 0

  constructor(libp2p: Libp2p, options: RelayVerifierOptions) {
    this.#libp2p = libp2p
    this.#opts = options
  }

  get pending(): number {
    return this.#pending.length + this.#running
  }

  /** Queues `record` for verification; `source` is the peer id that told us about it. */
  submit(record: RelayRecord, source: string): void {
    if (this.#controller.signal.aborted || this.#busy.has(record.peerId)) return
    const now = Date.now()
    const failedAt = this.#failed.get(record.peerId)
    if (failedAt !== undefined && now - failedAt < (this.#opts.failureTtlMs ?? 600_000))
      return this.#opts.onRejected?.(record, 'recently_failed')
    if (source !== record.peerId) {
      // a peer vouching for itself is bounded by the queue; vouching for others is bounded per source
      const windowMs = this.#opts.sourceWindowMs ?? 600_000
      let w = this.#sources.get(source)
      if (!w || now - w.start >= windowMs) {
        if (this.#sources.size > 4096) this.#sources.clear()
        w = { start: now, count: 0 }
        this.#sources.set(source, w)
      }
      if (++w.count > (this.#opts.perSourceLimit ?? 8)) return this.#opts.onRejected?.(record, 'source_limit')
    }
    if (this.#pending.length >= (this.#opts.maxPending ?? 32)) return this.#opts.onRejected?.(record, 'queue_full')
    this.#busy.add(record.peerId)
    this.#pending.push({ record, source })
    this.#next()
  }

  stop(): void {
    this.#controller.abort()
    this.#pending.length = 0
  }

  #next(): void {
    while (this.#running < (this.#opts.concurrency ?? 2) && this.#pending.length > 0) {
      const { record } = this.#pending.shift()!
      this.#running++
      void this.#verify(record).finally(() => {
        this.#running--
        this.#busy.delete(record.peerId)
        this.#next()
      })
    }
  }

  async #verify(record: RelayRecord): Promise<void> {
    const signal = AbortSignal.any([this.#controller.signal, AbortSignal.timeout(this.#opts.timeoutMs ?? 10_000)])
    const result = await this.#check(record, signal)
    if (this.#controller.signal.aborted) return
    if (typeof result === 'string') {
      if (this.#failed.size > 4096) this.#failed.clear()
      this.#failed.set(record.peerId, Date.now())
      this.#opts.onRejected?.(record, result)
      return
    }
    this.#failed.delete(record.peerId)
    this.#opts.onVerified(result)
  }

  /** Checks a relay already trusted once more (the pool's recheck): true if it still passes. */
  async recheck(record: RelayRecord): Promise<boolean> {
    const signal = AbortSignal.any([this.#controller.signal, AbortSignal.timeout(this.#opts.timeoutMs ?? 10_000)])
    const result = await this.#check(record, signal, true)
    if (typeof result !== 'string') return true
    if (this.#failed.size > 4096) this.#failed.clear()
    this.#failed.set(record.peerId, Date.now())
    this.#opts.onRejected?.(record, result)
    return false
  }

  async #check(record: RelayRecord, signal: AbortSignal, recheck = false): Promise<VerifiedRelay | RelayRejection> {
    return await verifyRelay(this.#libp2p, record, {
      signal,
      allowPrivate: this.#opts.allowPrivate,
      addrFilter: this.#opts.addrFilter,
      requireReservation: this.#opts.requireReservation,
      atLimitPasses: recheck,
    }).catch((): RelayRejection => 'unreachable')
  }
}
