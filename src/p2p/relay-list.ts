/**
 * Relay records: how relays tell browsers and each other which relays exist.
 *
 * A relay answers `RELAY_LIST_PROTOCOL` with the relays it knows (itself first) and announces itself on
 * `RELAYS_TOPIC`. Records from the network are untrusted: they are validated, capped and only ever used
 * as dial candidates (a "relay" that doesn't speak the circuit relay hop protocol simply gets no reservation).
 * Relays go further (`RelayVerifier`): a candidate is trusted only once it answered the relay-list protocol
 * from the address it announced, over a fresh connection, and never on a private, loopback or link-local
 * address outside a development config.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { isLinkLocal, isLoopback, isPrivate } from '@libp2p/utils'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { abortQuietly, frameStream, FrameError } from './frames.ts'
import {
  MAX_RELAY_ADDRS,
  MAX_RELAY_LIST_FRAME_BYTES,
  MAX_RELAYS_LISTED,
  RELAY_LIST_PROTOCOL,
  REQUEST_TIMEOUT_MS,
} from './protocols.ts'

export interface RelayRecord {
  peerId: string
  /** Dialable multiaddrs, each ending in `/p2p/<peerId>`. */
  addrs: string[]
}

/** True for addresses a browser can dial: WebSockets (ws or wss, also via dns/tls forms). */
export function isBrowserDialable(ma: Multiaddr): boolean {
  const names = ma.getComponents().map((c) => c.name)
  return names.includes('ws') || names.includes('wss') || (names.includes('tls') && names.includes('ws'))
}

/** True for addresses on private, loopback or link-local networks (or `localhost`), which relays never dial. */
export function isNonPublicAddr(ma: Multiaddr): boolean {
  return isPrivate(ma) || isLoopback(ma) || isLinkLocal(ma)
}

/** Validates one record; returns undefined if it is unusable. Addresses get `/p2p/<id>` appended if missing. */
export function parseRelayRecord(value: unknown): RelayRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.peerId !== 'string' || !Array.isArray(v.addrs)) return undefined
  let id: PeerId
  try {
    id = peerIdFromString(v.peerId)
  } catch {
    return undefined
  }
  const addrs: string[] = []
  for (const a of v.addrs.slice(0, MAX_RELAY_ADDRS)) {
    if (typeof a !== 'string' || a.length > 512) continue
    try {
      let ma = multiaddr(a)
      const p2p = ma.getComponents().filter((c) => c.name === 'p2p')
      if (p2p.length === 0) ma = ma.encapsulate(`/p2p/${id.toString()}`)
      else if (p2p.length > 1 || p2p[0]?.value !== id.toString()) continue
      if (ma.getComponents().some((c) => c.name === 'p2p-circuit')) continue
      addrs.push(ma.toString())
    } catch {
      continue
    }
  }
  if (addrs.length === 0) return undefined
  return { peerId: id.toString(), addrs }
}

export function parseRelayList(value: unknown): RelayRecord[] {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { relays?: unknown }).relays))
    throw new FrameError('malformed', 'relay list must be { relays: [...] }')
  const out: RelayRecord[] = []
  for (const r of (value as { relays: unknown[] }).relays.slice(0, MAX_RELAYS_LISTED)) {
    const rec = parseRelayRecord(r)
    if (rec) out.push(rec)
  }
  return out
}

/** Asks a connected relay which relays it knows. */
export async function fetchRelayList(
  libp2p: Libp2p,
  peer: PeerId,
  options: { signal?: AbortSignal } = {},
): Promise<RelayRecord[]> {
  const stream = await libp2p.dialProtocol(peer, RELAY_LIST_PROTOCOL, {
    signal: options.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const frames = frameStream(stream, { maxBytes: MAX_RELAY_LIST_FRAME_BYTES })
  try {
    await frames.write({ want: 'relays' })
    const reply = await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal: options.signal })
    await stream.close().catch(() => {})
    return parseRelayList(reply)
  } catch (err) {
    abortQuietly(stream, err as Error)
    throw err
  }
}

/** Answers one relay-list request with `relays()`; `onDropped` is told why a bad request was dropped. */
export async function serveRelayList(
  stream: Stream,
  relays: () => RelayRecord[],
  onDropped: (reason: string) => void,
): Promise<void> {
  const frames = frameStream(stream, { maxBytes: MAX_RELAY_LIST_FRAME_BYTES })
  try {
    await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS })
    const list: RelayRecord[] = []
    let size = 16
    for (const r of relays().slice(0, MAX_RELAYS_LISTED)) {
      size += JSON.stringify(r).length + 1
      if (size > MAX_RELAY_LIST_FRAME_BYTES) break
      list.push(r)
    }
    await frames.write({ relays: list })
    await stream.close()
  } catch (err) {
    if (err instanceof FrameError) onDropped(err.reason)
    abortQuietly(stream, err as Error)
  }
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

/**
 * Gossip payload announcing a relay, with the other relays it is connected to. The gossip message is signed,
 * so the announcing record must be the sender's own (`peerId` equals `from`); the others are only candidates.
 */
export interface RelayAnnouncement {
  self: RelayRecord
  others: RelayRecord[]
}

const MAX_ANNOUNCED_OTHERS = 16

export function encodeRelayAnnouncement(self: RelayRecord, others: RelayRecord[] = []): Uint8Array {
  let out = textEncoder.encode(JSON.stringify({ ...self, relays: [] }))
  for (let n = Math.min(others.length, MAX_ANNOUNCED_OTHERS); n >= 0; n--) {
    out = textEncoder.encode(JSON.stringify({ ...self, relays: others.slice(0, n) }))
    if (out.byteLength <= MAX_RELAY_LIST_FRAME_BYTES) break
  }
  return out
}

export function decodeRelayAnnouncement(data: Uint8Array, from: PeerId | undefined): RelayAnnouncement | undefined {
  if (data.byteLength > MAX_RELAY_LIST_FRAME_BYTES || from === undefined) return undefined
  try {
    const value = JSON.parse(textDecoder.decode(data)) as { relays?: unknown }
    const self = parseRelayRecord(value)
    if (self === undefined || self.peerId !== from.toString()) return undefined
    const others = Array.isArray(value.relays)
      ? value.relays
          .slice(0, MAX_ANNOUNCED_OTHERS)
          .map((r) => parseRelayRecord(r))
          .filter((r): r is RelayRecord => r !== undefined)
      : []
    return { self, others }
  } catch {
    return undefined
  }
}

/** Why a relay candidate was not trusted; counted by the caller. */
export type RelayRejection =
  | 'private_address'
  | 'no_usable_address'
  | 'unreachable'
  | 'wrong_answer'
  | 'source_limit'
  | 'queue_full'
  | 'recently_failed'

/**
 * Checks that `record` is a relay: dials one of its announced addresses over a new connection (not one the
 * candidate opened to us) and asks it for its relay list, which a relay answers with itself first. Returns
 * the record reduced to the address that answered, or the reason it is not trusted.
 */
export async function verifyRelay(
  libp2p: Libp2p,
  record: RelayRecord,
  options: { signal: AbortSignal; allowPrivate: boolean; addrFilter?: (ma: Multiaddr) => boolean },
): Promise<RelayRecord | RelayRejection> {
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
      return { peerId: record.peerId, addrs: [ma.toString()] }
    } catch {
      result = result === 'wrong_answer' ? result : 'unreachable'
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
  /** Verifications running at once (default 2) and waiting (default 32; more are dropped). */
  concurrency?: number
  maxPending?: number
  /** Candidates one source (the peer that told us) may submit per window (default 8 per 10 minutes). */
  perSourceLimit?: number
  sourceWindowMs?: number
  /** How long a failed candidate is not tried again (default 10 minutes). */
  failureTtlMs?: number
  timeoutMs?: number
  onVerified(record: RelayRecord): void
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
    const result = await verifyRelay(this.#libp2p, record, {
      signal,
      allowPrivate: this.#opts.allowPrivate,
      addrFilter: this.#opts.addrFilter,
    }).catch((): RelayRejection => 'unreachable')
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
}
