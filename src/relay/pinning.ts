/**
 * Pinning listing media for browsers (`/souk/pin/1.0.0`, frames in src/p2p/pin-protocol.ts).
 *
 * A request names CIDs; the relay walks each DAG, fetching blocks over bitswap (from the asking browser,
 * which has just added them), and stops as soon as the file is bigger than the per-file cap or the peer's
 * remaining quota, or a block is not valid dag-pb/raw. Only then is the root pinned and charged to the
 * peer. Blocks fetched for a rejected DAG are deleted again.
 */
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { Key } from 'interface-datastore'
import type { Helia } from 'helia'
import type { CID } from 'multiformats/cid'
import type { PeerId } from '@libp2p/interface'
import type { PinResult } from '../p2p/pin-protocol.ts'
import type { Metrics } from './metrics.ts'
import { collectBytes } from '../p2p/bytes.ts'

export interface PinLimits {
  maxFileBytes: number
  peerQuotaBytes: number
  pinRatePerMinute: number
  /** Bytes pinned for everybody together (a global disk cap besides the per-peer quota); none by default. */
  maxTotalBytes?: number
  /** Most blocks in one pinned DAG (default: enough for maxFileBytes in 1 KiB blocks). */
  maxBlocks?: number
}

interface PinRecord {
  peer: string
  bytes: number
  at: number
}

class Rejected extends Error {
  override name = 'Rejected'
}

const PREFIX = '/souk/pins'

export class PinService {
  readonly #helia: Helia
  readonly #limits: PinLimits
  readonly #usage = new Map<string, number>()
  readonly #inflight = new Map<string, Promise<PinResult>>()
  readonly #windows = new Map<string, { start: number; count: number }>()
  #pinnedBytes = 0
  #pins = 0
  readonly #rejected: (labels: { reason: string }) => void
  readonly #malformed: () => void
  readonly #pinned: () => void

  constructor(helia: Helia, limits: PinLimits, metrics: Metrics) {
    this.#helia = helia
    this.#limits = limits
    metrics.gauge('souk_relay_pinned_bytes', 'Bytes of listing media pinned', () => this.#pinnedBytes)
    metrics.gauge('souk_relay_pins', 'Media DAGs pinned', () => this.#pins)
    this.#pinned = metrics.counter('souk_relay_pin_requests_pinned_total', 'Media DAGs newly pinned')
    const rejected = metrics.counter('souk_relay_pins_rejected_total', 'Pin requests refused, by reason')
    this.#rejected = (labels) => rejected(labels)
    const malformed = metrics.counter(
      'souk_relay_malformed_blocks_total',
      'Blocks fetched for a pin that did not decode',
    )
    this.#malformed = () => malformed()
  }

  get pinnedBytes(): number {
    return this.#pinnedBytes
  }

  /** Reads the pin records left by earlier runs, so quotas and totals survive restarts. */
  async load(): Promise<void> {
    for await (const { key, value } of this.#helia.datastore.query({ prefix: PREFIX })) {
      try {
        const rec = JSON.parse(new TextDecoder().decode(value)) as PinRecord
        this.#usage.set(rec.peer, (this.#usage.get(rec.peer) ?? 0) + rec.bytes)
        this.#pinnedBytes += rec.bytes
        this.#pins++
      } catch {
        await this.#helia.datastore.delete(key)
      }
    }
  }

  /** Fixed one-minute window per peer; false means the request is dropped as a flood. */
  allow(peer: PeerId): boolean {
    const id = peer.toString()
    const now = Date.now()
    let w = this.#windows.get(id)
    if (!w || now - w.start >= 60_000) {
      if (this.#windows.size > 10_000)
        for (const [k, v] of this.#windows) if (now - v.start >= 60_000) this.#windows.delete(k)
      w = { start: now, count: 0 }
      this.#windows.set(id, w)
    }
    w.count++
    return w.count <= this.#limits.pinRatePerMinute
  }

  readonly handle = async (cid: CID, from: PeerId, signal: AbortSignal): Promise<PinResult> => {
    const key = cid.toString()
    const running = this.#inflight.get(key)
    if (running) return await running
    const p = this.#pin(cid, from, signal).finally(() => this.#inflight.delete(key))
    this.#inflight.set(key, p)
    return await p
  }

  async #pin(cid: CID, from: PeerId, signal: AbortSignal): Promise<PinResult> {
    const id = cid.toString()
    const existing = await this.#record(cid)
    if (existing) return { cid: id, status: 'pinned', bytes: existing.bytes }
    const peer = from.toString()
    const remaining = Math.min(
      this.#limits.peerQuotaBytes - (this.#usage.get(peer) ?? 0),
      (this.#limits.maxTotalBytes ?? Number.POSITIVE_INFINITY) - this.#pinnedBytes,
    )
    const cap = Math.min(this.#limits.maxFileBytes, remaining)
    const fetched: CID[] = []
    try {
      if (remaining <= 0) throw new Rejected('quota exceeded')
      const bytes = await this.#fetchDag(cid, cap, remaining < this.#limits.maxFileBytes, fetched, signal)
      for await (const _ of this.#helia.pins.add(cid, { signal, metadata: { peer } })) {
        /* walks the now local DAG */
      }
      const rec: PinRecord = { peer, bytes, at: Date.now() }
      await this.#helia.datastore.put(new Key(`${PREFIX}/${id}`), new TextEncoder().encode(JSON.stringify(rec)))
      this.#usage.set(peer, (this.#usage.get(peer) ?? 0) + bytes)
      this.#pinnedBytes += bytes
      this.#pins++
      this.#pinned()
      return { cid: id, status: 'pinned', bytes }
    } catch (err) {
      await this.#discard(fetched)
      if (err instanceof Rejected) {
        this.#rejected({ reason: err.message.split(':')[0] ?? 'rejected' })
        return { cid: id, status: 'rejected', reason: err.message }
      }
      this.#rejected({ reason: signal.aborted ? 'timeout' : 'fetch failed' })
      return {
        cid: id,
        status: 'failed',
        reason: signal.aborted ? 'timed out fetching the blocks' : 'could not fetch the blocks',
      }
    }
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
  async *records(): AsyncIterable<{ cid: string; peer: string; bytes: number; at: number }> {
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
    await this.#discard(blocks)
    await this.#helia.datastore.delete(new Key(`${PREFIX}/${cid.toString()}`))
    this.#usage.set(rec.peer, Math.max(0, (this.#usage.get(rec.peer) ?? 0) - rec.bytes))
    this.#pinnedBytes -= rec.bytes
    this.#pins--
  }

  /** Breadth-first walk fetching every block; returns the DAG's total block bytes. */
  async #fetchDag(root: CID, cap: number, quotaBound: boolean, fetched: CID[], signal: AbortSignal): Promise<number> {
    const maxBlocks = this.#limits.maxBlocks ?? Math.ceil(this.#limits.maxFileBytes / 1024) + 16
    const queue: CID[] = [root]
    const seen = new Set<string>()
    let total = 0
    while (queue.length > 0) {
      const cid = queue.shift()!
      const k = cid.toString()
      if (seen.has(k)) continue
      seen.add(k)
      if (cid.code !== dagPb.code && cid.code !== raw.code)
        throw new Rejected('unsupported codec: media must be UnixFS (dag-pb or raw)')
      if (seen.size > maxBlocks) throw new Rejected(`too many blocks: more than ${maxBlocks}`)
      const had = await this.#helia.blockstore.has(cid)
      const block = await this.#getBlock(cid, signal)
      if (!had) fetched.push(cid)
      total += block.byteLength
      if (total > cap) {
        throw new Rejected(quotaBound ? 'quota exceeded' : `file too large: over ${this.#limits.maxFileBytes} bytes`)
      }
      if (cid.code === dagPb.code) {
        let node: dagPb.PBNode
        try {
          node = dagPb.decode(block)
        } catch {
          this.#malformed()
          throw new Rejected('malformed block: not dag-pb')
        }
        for (const link of node.Links) queue.push(link.Hash)
      }
    }
    return total
  }

  async #getBlock(cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    return await collectBytes(this.#helia.blockstore.get(cid, { signal }))
  }

  async #discard(cids: CID[]): Promise<void> {
    for (const cid of cids) {
      try {
        if (!(await this.#helia.pins.isPinned(cid))) await this.#helia.blockstore.delete(cid)
      } catch {
        /* best effort */
      }
    }
  }
}
