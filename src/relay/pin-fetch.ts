/**
 * The walk of a pin (src/relay/pinning.ts): breadth first, every block fetched over bitswap into a staging map
 * in memory (never through Helia's locked blockstore), checked against its hash and against the caps before it
 * is kept. The root block is awaited only `pinProbeMs` (issue #24): the asking browser has just added what it
 * asks to pin and answers the want at once, so a root that does not come means the asker does not hold it.
 */
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'uint8arrays/equals'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { BaseError } from 'viem'
import { collectBytes } from '../p2p/bytes.ts'

/** A pin refused for a reason the asker should read ("file too large: …", "quota exceeded", …). */
export class Rejected extends BaseError {
  override name = 'Rejected'
}

/** The asking peer did not send the root block in time: it does not hold what it asks us to pin. */
export class NotProvided extends BaseError {
  override name = 'NotProvided'
}

/** Fetches one block from the network (the relay's bitswap broker), calling `validateFn` on what arrives. */
export type BlockRetriever = (
  cid: CID,
  options: { signal: AbortSignal; validateFn(block: Uint8Array): Promise<void> },
) => Promise<Uint8Array>

export interface StagingJob {
  /** Bytes staged so far; counted against quotas so parallel pins cannot overshoot them. */
  staged: number
}

export interface FetchMediaOptions {
  /** The blockstore under Helia (no lock, no network), read for blocks the relay already has. */
  store: Blockstore
  retrieve: BlockRetriever
  limits: { maxFileBytes: number; maxBlocks?: number; blockTimeoutMs: number; pinProbeMs: number }
  /** The most bytes this DAG may have now, and what bounds it (for the refusal message). */
  capFor(): { cap: number; bound: 'file' | 'quota' | 'total' }
  onMalformed(): void
  signal: AbortSignal
}

/** Largest trust document a relay pins (the app's own limits are 16 KiB for a profile, 8 KiB for a review). */
export const MAX_DOCUMENT_BYTES = 16 * 1024

/** Breadth-first walk fetching every block into staging; the cap is checked before a block is kept. */
export async function fetchMediaDag(
  root: CID,
  job: StagingJob,
  o: FetchMediaOptions,
): Promise<Map<string, [CID, Uint8Array]>> {
  const { limits, signal } = o
  const maxBlocks = limits.maxBlocks ?? Math.ceil(limits.maxFileBytes / 1024) + 16
  const staged = new Map<string, [CID, Uint8Array]>()
  const queue: CID[] = [root]
  const seen = new Set<string>()
  while (queue.length > 0) {
    const cid = queue.shift()!
    const k = cid.toString()
    if (seen.has(k)) continue
    seen.add(k)
    // a trust document (an arbiter's profile, a review) is one dag-cbor block of its own, never linked from media
    const document = cid.code === dagCbor.code && cid === root
    if (cid.code !== dagPb.code && cid.code !== raw.code && !document)
      throw new Rejected('unsupported codec: media must be UnixFS (dag-pb or raw), a document one dag-cbor block')
    if (cid.multihash.code !== sha256.code) throw new Rejected('unsupported hash: media must use sha2-256')
    if (seen.size > maxBlocks) throw new Rejected(`too many blocks: more than ${maxBlocks}`)
    const local = await o.store.has(cid, { signal })
    const block = local
      ? await collectBytes(o.store.get(cid, { signal }))
      : await fetchBlock(cid, o, cid === root ? limits.pinProbeMs : 0)
    const { cap, bound } = o.capFor()
    if (job.staged + block.byteLength > cap) {
      throw new Rejected(
        bound === 'file'
          ? `file too large: over ${limits.maxFileBytes} bytes`
          : bound === 'total'
            ? 'relay full: it pins no more media'
            : 'quota exceeded',
      )
    }
    if (document) {
      if (block.byteLength > MAX_DOCUMENT_BYTES)
        throw new Rejected(`document too large: over ${MAX_DOCUMENT_BYTES} bytes`)
      try {
        dagCbor.decode(block)
      } catch {
        o.onMalformed()
        throw new Rejected('malformed block: not dag-cbor')
      }
    }
    job.staged += block.byteLength
    if (!local) staged.set(k, [cid, block])
    if (cid.code === dagPb.code) {
      let node: dagPb.PBNode
      try {
        node = dagPb.decode(block)
      } catch {
        o.onMalformed()
        throw new Rejected('malformed block: not dag-pb')
      }
      for (const link of node.Links) queue.push(link.Hash)
    }
  }
  return staged
}

/**
 * One block from the network (bitswap), bounded by the block timeout and checked against its hash. With
 * `probeMs`, a shorter wait for a root block: bitswap sends the want to every connected peer, the asking peer
 * among them, and an honest asker holds the block; one that does not come in time is `NotProvided`.
 */
async function fetchBlock(cid: CID, o: FetchMediaOptions, probeMs: number): Promise<Uint8Array> {
  const probe = probeMs > 0 && probeMs < o.limits.blockTimeoutMs
  const timeout = AbortSignal.timeout(probe ? probeMs : o.limits.blockTimeoutMs)
  const bounded = AbortSignal.any([o.signal, timeout])
  const verify = async (block: Uint8Array): Promise<void> => {
    if (!equals((await sha256.digest(block)).bytes, cid.multihash.bytes))
      throw new Error(`block does not hash to ${cid.toString()}`)
  }
  try {
    const block = await o.retrieve(cid, { signal: bounded, validateFn: verify })
    await verify(block)
    return block
  } catch (err) {
    if (probe && timeout.aborted && !o.signal.aborted)
      throw new NotProvided(`not provided: the asking peer did not send the root block within ${probeMs} ms`)
    throw err
  }
}
