/**
 * Pinning listing media for browsers (`/souk/pin/1.0.0`, frames in src/p2p/pin-protocol.ts).
 *
 * A pin never blocks anyone's reads. Blocks are fetched over bitswap (from the asking browser, which has just
 * added them) straight from the block broker into a staging area in memory, never through Helia's locked
 * blockstore: each block is bounded by a short timeout, checked against its CID's hash, and counted against
 * the per-file cap and the remaining quotas before it is kept. Only a complete, accepted DAG is written to
 * the blockstore and pinned; a rejected one is simply forgotten, so nothing is ever deleted while another
 * pin or a reader is using the store (the relay-wide stall of issue #15). At most `pinConcurrency` pins fetch
 * at once relay-wide, which bounds the memory staging can take to `pinConcurrency × maxFileBytes`.
 *
 * Slots are shared fairly (issue #24): at most `pinsPerIp` pins of one address fetch at once, the others wait
 * in a bounded queue per address, served round-robin across addresses (src/relay/fair-queue.ts). And a pin
 * whose root block does not come within `pinProbeMs` fails then: the asking browser has just added the blocks
 * it asks for, so it answers the want at once; a peer that asks for CIDs it does not hold no longer holds a
 * slot for the whole block timeout.
 *
 * Quotas: bytes per peer id, per IP address (peer ids are free, addresses are not) and in total. Plug-in
 * admission checks (`addAdmissionCheck`) may refuse a CID before any byte is fetched, e.g. "is this CID
 * referenced by a listing on chain?".
 */
import * as dagCbor from '@ipld/dag-cbor'
import { Key } from 'interface-datastore'
import type { Helia } from 'helia'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import type { PeerId } from '@libp2p/interface'
import type { PinKeep, PinResult } from '../p2p/pin-protocol.ts'
import type { Metrics } from './metrics.ts'
import { FairQueue, QueueFullError } from './fair-queue.ts'
import { fetchMediaDag, NotProvided, Rejected, type BlockRetriever, type StagingJob } from './pin-fetch.ts'

export type { BlockRetriever }

export interface PinLimits {
  maxFileBytes: number
  peerQuotaBytes: number
  /** Bytes pinned for all peers behind one IP address. */
  ipQuotaBytes: number
  /** Bytes pinned in total. */
  totalQuotaBytes: number
  pinRatePerMinute: number
  pinConcurrency: number
  /** Longest wait for one block. */
  blockTimeoutMs: number
  /** Pins of one IP address (or peer, without one) fetching at once, and waiting for a slot. */
  pinsPerIp: number
  pinQueuePerIp: number
  /** Longest wait for the root block of a pin (the asker holds it); 0: the block timeout. */
  pinProbeMs: number
  /** Most blocks in one pinned DAG (default: enough for maxFileBytes in 1 KiB blocks). */
  maxBlocks?: number
}

/** Who asked for a pin: the peer id and, for direct connections, its IP address. */
export interface PinRequester {
  peer: PeerId
  ip?: string
  /** `message`: an encrypted message photo, kept for the message retention (catalog-pins.ts). */
  keep?: PinKeep
}

/** Returns a reason to refuse `cid` before anything is fetched, or undefined to let it through. */
export type PinAdmissionCheck = (cid: CID, from: PinRequester, signal: AbortSignal) => Promise<string | undefined>

interface PinRecord {
  peer: string
  ip?: string
  bytes: number
  at: number
  keep?: PinKeep
}

interface Inflight extends StagingJob {
  peer: string
  ip?: string
}

const PREFIX = '/souk/pins'
/** Peers behind one address (a household, an office NAT) share a larger request budget. */
const IP_RATE_FACTOR = 4
/** Pin requests waiting for a slot, all addresses together. */
const MAX_QUEUED = 1024

export class PinService {
  readonly #helia: Helia
  readonly #store: Blockstore
  readonly #retrieve: BlockRetriever
  readonly #limits: PinLimits
  readonly #usage = new Map<string, number>()
  readonly #ipUsage = new Map<string, number>()
  readonly #running = new Map<string, Promise<PinResult>>()
  readonly #inflight = new Set<Inflight>()
  readonly #windows = new Map<string, { start: number; count: number }>()
  readonly #queue: FairQueue
  readonly #checks: PinAdmissionCheck[] = []
  #pinnedBytes = 0
  #pins = 0
  readonly #rejected: (labels: { reason: string }) => void
  readonly #malformed: () => void
  readonly #pinned: () => void
  readonly #pinSeconds: (s: number, labels: { outcome: string }) => void

  /**
   * `store` is the blockstore under Helia (no lock, no network), read for blocks the relay already has;
   * `retrieve` fetches the others without storing them.
   */
  constructor(helia: Helia, store: Blockstore, retrieve: BlockRetriever, limits: PinLimits, metrics: Metrics) {
    this.#helia = helia
    this.#store = store
    this.#retrieve = retrieve
    this.#limits = limits
    this.#queue = new FairQueue({
      concurrency: limits.pinConcurrency,
      perKey: limits.pinsPerIp,
      queuedPerKey: limits.pinQueuePerIp,
      maxQueued: MAX_QUEUED,
    })
    metrics.gauge('souk_relay_pinned_bytes', 'Bytes of listing media pinned', () => this.#pinnedBytes)
    metrics.gauge('souk_relay_pins', 'Media DAGs pinned', () => this.#pins)
    metrics.gauge('souk_relay_pins_fetching', 'Pins fetching blocks now', () => this.#queue.running)
    metrics.gauge('souk_relay_pins_queued', 'Pins waiting for a fetch slot', () => this.#queue.queued)
    metrics.gauge('souk_relay_pin_staged_bytes', 'Bytes held in staging by running pins', () => this.#stagedTotal())
    this.#pinned = metrics.counter('souk_relay_pin_requests_pinned_total', 'Media DAGs newly pinned')
    // the reason is the refusal's text up to its first colon; texts not listed here count as "other"
    this.#rejected = metrics.counter('souk_relay_pins_rejected_total', 'Pin requests refused, by reason', {
      reason: [
        'relay full',
        'quota exceeded',
        'unsupported codec',
        'unsupported hash',
        'too many blocks',
        'file too large',
        'malformed block',
        'timeout',
        'fetch failed',
        'queue full',
        'not provided',
      ],
    })
    this.#malformed = metrics.counter(
      'souk_relay_malformed_blocks_total',
      'Blocks fetched for a pin that did not decode',
    )
    this.#pinSeconds = metrics.histogram('souk_relay_pin_duration_seconds', 'Time to fetch and pin one DAG', {
      labels: { outcome: ['pinned', 'rejected', 'failed'] },
    })
  }

  get pinnedBytes(): number {
    return this.#pinnedBytes
  }

  /** Adds a check run before any block of a pin is fetched (the first reason returned refuses the pin). */
  addAdmissionCheck(check: PinAdmissionCheck): void {
    this.#checks.push(check)
  }

  /** Reads the pin records left by earlier runs, so quotas and totals survive restarts. */
  async load(): Promise<void> {
    for await (const { key, value } of this.#helia.datastore.query({ prefix: PREFIX })) {
      try {
        const rec = JSON.parse(new TextDecoder().decode(value)) as PinRecord
        this.#charge(rec.peer, rec.ip, rec.bytes)
        this.#pins++
      } catch {
        await this.#helia.datastore.delete(key)
      }
    }
  }

  /** Fixed one-minute windows per peer and per IP; false means the request is dropped as a flood. */
  allow(peer: PeerId, ip?: string): boolean {
    const now = Date.now()
    const hit = (key: string, limit: number): boolean => {
      let w = this.#windows.get(key)
      if (!w || now - w.start >= 60_000) {
        if (this.#windows.size > 10_000)
          for (const [k, v] of this.#windows) if (now - v.start >= 60_000) this.#windows.delete(k)
        w = { start: now, count: 0 }
        this.#windows.set(key, w)
      }
      w.count++
      return w.count <= limit
    }
    const byPeer = hit(`peer:${peer.toString()}`, this.#limits.pinRatePerMinute)
    const byIp = ip === undefined || hit(`ip:${ip}`, this.#limits.pinRatePerMinute * IP_RATE_FACTOR)
    return byPeer && byIp
  }

  /** True when `cid` is the root of a pinned DAG or one of its blocks. */
  async isPinned(cid: CID, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return await this.#helia.pins.isPinned(cid, options)
  }

  readonly handle = async (cid: CID, from: PinRequester, signal: AbortSignal): Promise<PinResult> => {
    const key = cid.toString()
    const running = this.#running.get(key)
    if (running) return await running
    const p = this.#pin(cid, from, signal).finally(() => this.#running.delete(key))
    this.#running.set(key, p)
    return await p
  }

  async #pin(cid: CID, from: PinRequester, signal: AbortSignal): Promise<PinResult> {
    const id = cid.toString()
    const existing = await this.#record(cid)
    if (existing) {
      // a message photo asked again (its message waited for the recipient's key) is kept from now on
      if (from.keep === 'message' && existing.keep === 'message') await this.#save(id, { ...existing, at: Date.now() })
      return { cid: id, status: 'pinned', bytes: existing.bytes }
    }
    const started = performance.now()
    const outcome = (result: PinResult): PinResult => {
      this.#pinSeconds((performance.now() - started) / 1000, { outcome: result.status })
      return result
    }
    try {
      for (const check of this.#checks) {
        const reason = await check(cid, from, signal)
        if (reason !== undefined) throw new Rejected(reason)
      }
      this.#capFor(from) // refuse at once when a quota is already used up, before waiting for a slot
      const key = from.ip ?? `peer:${from.peer.toString()}`
      return outcome(await this.#queue.add(key, async () => await this.#fetchAndPin(cid, from, signal), { signal }))
    } catch (err) {
      if (err instanceof Rejected || err instanceof QueueFullError) {
        this.#rejected({ reason: err.shortMessage.split(':')[0] ?? 'rejected' })
        return outcome({ cid: id, status: 'rejected', reason: err.shortMessage })
      }
      if (err instanceof NotProvided) {
        this.#rejected({ reason: 'not provided' })
        return outcome({ cid: id, status: 'failed', reason: err.shortMessage })
      }
      const timedOut = signal.aborted || (err as Error).name === 'TimeoutError'
      this.#rejected({ reason: timedOut ? 'timeout' : 'fetch failed' })
      return outcome({
        cid: id,
        status: 'failed',
        reason: timedOut ? 'timed out fetching the blocks' : 'could not fetch the blocks',
      })
    }
  }

  async #fetchAndPin(cid: CID, from: PinRequester, signal: AbortSignal): Promise<PinResult> {
    const id = cid.toString()
    const job: Inflight = { peer: from.peer.toString(), ip: from.ip, staged: 0 }
    this.#inflight.add(job)
    try {
      const staged = await fetchMediaDag(cid, job, {
        store: this.#store,
        retrieve: this.#retrieve,
        limits: this.#limits,
        capFor: () => this.#capFor(from, job),
        onMalformed: this.#malformed,
        signal,
      })
      // the whole DAG is here and accepted: only now does any byte reach the blockstore
      for await (const _ of this.#helia.blockstore.putMany(
        (function* () {
          for (const [c, bytes] of staged.values()) yield { cid: c, bytes }
        })(),
        { signal },
      )) {
        /* drain */
      }
      // a trust document is its one block (its links, if any, are not the relay's to fetch)
      const depth = cid.code === dagCbor.code ? { depth: 0 } : {}
      for await (const _ of this.#helia.pins.add(cid, { signal, ...depth, metadata: { peer: job.peer } })) {
        /* walks the now local DAG */
      }
      const rec: PinRecord = { peer: job.peer, ip: job.ip, bytes: job.staged, at: Date.now(), keep: from.keep }
      await this.#save(id, rec)
      this.#charge(job.peer, job.ip, job.staged)
      this.#pins++
      this.#pinned()
      return { cid: id, status: 'pinned', bytes: job.staged }
    } finally {
      this.#inflight.delete(job)
    }
  }

  #charge(peer: string, ip: string | undefined, bytes: number): void {
    this.#usage.set(peer, (this.#usage.get(peer) ?? 0) + bytes)
    if (ip !== undefined) this.#ipUsage.set(ip, (this.#ipUsage.get(ip) ?? 0) + bytes)
    this.#pinnedBytes += bytes
  }

  #stagedTotal(): number {
    let n = 0
    for (const j of this.#inflight) n += j.staged
    return n
  }

  /** The most bytes this requester's next DAG may have, and what bounds it (for the refusal message). */
  #capFor(from: PinRequester, self?: Inflight): { cap: number; bound: 'file' | 'quota' | 'total' } {
    const peer = from.peer.toString()
    let peerStaged = 0
    let ipStaged = 0
    let allStaged = 0
    for (const j of this.#inflight) {
      if (j === self) continue
      allStaged += j.staged
      if (j.peer === peer) peerStaged += j.staged
      if (from.ip !== undefined && j.ip === from.ip) ipStaged += j.staged
    }
    const peerLeft = this.#limits.peerQuotaBytes - (this.#usage.get(peer) ?? 0) - peerStaged
    const ipLeft =
      from.ip === undefined ? Infinity : this.#limits.ipQuotaBytes - (this.#ipUsage.get(from.ip) ?? 0) - ipStaged
    const totalLeft = this.#limits.totalQuotaBytes - this.#pinnedBytes - allStaged
    if (totalLeft <= 0) throw new Rejected('relay full: it pins no more media')
    if (peerLeft <= 0 || ipLeft <= 0) throw new Rejected('quota exceeded')
    const quota = Math.min(peerLeft, ipLeft)
    const cap = Math.min(this.#limits.maxFileBytes, quota, totalLeft)
    const bound =
      cap === this.#limits.maxFileBytes ? 'file' : cap === totalLeft && totalLeft < quota ? 'total' : 'quota'
    return { cap, bound }
  }

  async #save(id: string, rec: PinRecord): Promise<void> {
    await this.#helia.datastore.put(new Key(`${PREFIX}/${id}`), new TextEncoder().encode(JSON.stringify(rec)))
  }

  async #record(cid: CID): Promise<PinRecord | undefined> {
    try {
      return JSON.parse(
        new TextDecoder().decode(await this.#helia.datastore.get(new Key(`${PREFIX}/${cid.toString()}`))),
      ) as PinRecord
    } catch {
      return undefined
    }
  }

  /** Every pin record (root CID, requesting peer, bytes, when), for the reference check in catalog-pins.ts. */
  async *records(): AsyncIterable<{ cid: string; peer: string; bytes: number; at: number; keep?: PinKeep }> {
    for await (const { key, value } of this.#helia.datastore.query({ prefix: PREFIX })) {
      try {
        const rec = JSON.parse(new TextDecoder().decode(value)) as PinRecord
        yield { cid: key.toString().slice(PREFIX.length + 1), ...rec }
      } catch {
        /* removed by load() on the next start */
      }
    }
  }

  /** Drops a pin, its blocks and its record, and gives the bytes back to the peer's quota. */
  async unpin(cid: CID): Promise<void> {
    const rec = await this.#record(cid)
    if (!rec) return
    const blocks: CID[] = []
    for await (const block of this.#helia.pins.rm(cid)) blocks.push(block)
    // reads never wait on these deletes: pins fetch into staging, not through the locked blockstore
    for (const block of blocks) {
      try {
        if (!(await this.#helia.pins.isPinned(block))) await this.#helia.blockstore.delete(block)
      } catch {
        /* best effort: an orphan block only costs disk until the next unpin of a DAG that shares it */
      }
    }
    await this.#helia.datastore.delete(new Key(`${PREFIX}/${cid.toString()}`))
    this.#charge(rec.peer, rec.ip, -rec.bytes)
    this.#pins--
  }
}
