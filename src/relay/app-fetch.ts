/**
 * Fetching the app's DAG by CID for a relay's `--app` (src/relay/app-host.ts): many blocks at once, a block
 * whose want was lost asked for again, and caps on blocks, bytes and depth so a hostile CID cannot fill the
 * mirror's disk (issue #24, finding 8).
 */
import * as dagPb from '@ipld/dag-pb'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { BaseError } from 'viem'
import { collectBytes } from '../p2p/bytes.ts'
import { sleep } from '../p2p/messaging/wire.ts'

export class AppHostError extends BaseError {
  constructor(message: string) {
    super(message, { name: 'AppHostError' })
  }
}

/**
 * How many blocks of the app are fetched at once, and how long one may take before it is wanted afresh: longer
 * than bitswap's 5 s "do not resend" window, within which the peer takes a repeated want for a duplicate.
 */
const FETCH_CONCURRENCY = 16
const BLOCK_TIMEOUT_MS = 6_000

export interface FetchDagOptions {
  signal: AbortSignal
  concurrency?: number
  /** A block that has not come within this long is asked for again. */
  blockTimeoutMs?: number
  /** Caps (issue #24): blocks in the DAG, bytes of all its blocks, links from the root to the deepest block. */
  maxBlocks?: number
  maxBytes?: number
  maxDepth?: number
  /** A block arrived; `fetched` is false when it was local already (known only with a store that has `has`). */
  onBlock?(bytes: number, cid: CID, fetched: boolean): void
  onRetry?(cid: CID, attempt: number, err: unknown): void
}

/** A DAG over one of the caps of `fetchDag`. */
export class DagTooLargeError extends AppHostError {}

/** Defaults that comfortably fit the app build (~70 files, ~4 MB CAR without source maps). */
export const APP_DAG_LIMITS = { maxBlocks: 4_096, maxBytes: 64 * 1024 * 1024, maxDepth: 32 }

/** The links of a UnixFS block (dag-pb nodes link, raw leaves do not). */
function links(cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code === raw.code) return []
  if (cid.code !== dagPb.code)
    throw new AppHostError(
      `app refused: block ${cid.toString()} is neither dag-pb nor raw (0x${cid.code.toString(16)})`,
    )
  try {
    return dagPb.decode(bytes).Links.map((l) => l.Hash)
  } catch {
    throw new AppHostError(`app refused: block ${cid.toString()} does not decode as dag-pb`)
  }
}

/**
 * Brings every block of the DAG under `root` into the blockstore (a networked one fetches what it lacks over
 * bitswap and keeps it), `concurrency` blocks at a time: Helia's own DAG walk asks for one block after the
 * other, a round trip each. Bitswap never asks again for a block whose want or reply was lost on the way (a
 * peer too busy to take the stream in time), so a block that has not come within `blockTimeoutMs` is wanted
 * afresh, until `signal` aborts. Blocks already local cost nothing, so a cut fetch goes on from where it was.
 * A DAG with more blocks, bytes or depth than the caps is refused (`DagTooLargeError`) as soon as that shows;
 * on any failure the gets still running are aborted and waited for, so nothing is written after it rejects.
 */
export async function fetchDag(
  blockstore: Pick<Blockstore, 'get'> & Partial<Pick<Blockstore, 'has'>>,
  root: CID,
  o: FetchDagOptions,
): Promise<{ blocks: number; bytes: number }> {
  const concurrency = o.concurrency ?? FETCH_CONCURRENCY
  const blockTimeoutMs = o.blockTimeoutMs ?? BLOCK_TIMEOUT_MS
  const { maxBlocks, maxBytes, maxDepth } = { ...APP_DAG_LIMITS, ...o }
  const stop = new AbortController()
  const signal = AbortSignal.any([o.signal, stop.signal])
  const get = async (cid: CID): Promise<{ block: Uint8Array; fetched: boolean }> => {
    const local = (await blockstore.has?.(cid, { signal })) ?? false
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted()
      try {
        const bounded = AbortSignal.any([signal, AbortSignal.timeout(blockTimeoutMs)])
        return { block: await collectBytes(blockstore.get(cid, { signal: bounded })), fetched: !local }
      } catch (err) {
        if (signal.aborted) throw err
        o.onRetry?.(cid, attempt, err)
        await sleep(Math.min(200 * 2 ** attempt, 2_000), signal)
      }
    }
  }
  const depth = new Map([[root.toString(), 0]])
  const queue = [root]
  let active = 0
  let blocks = 0
  let bytes = 0
  await new Promise<void>((resolve, reject) => {
    let failure: Error | undefined
    const fail = (err: Error): void => {
      failure ??= err
      stop.abort(failure)
      if (active === 0) reject(failure)
    }
    const take = (cid: CID, block: Uint8Array): void => {
      blocks++
      bytes += block.byteLength
      if (bytes > maxBytes) throw new DagTooLargeError(`app refused: the DAG has more than ${maxBytes} bytes`)
      const d = depth.get(cid.toString())! + 1
      for (const link of links(cid, block)) {
        const key = link.toString()
        if (depth.has(key)) continue
        if (d > maxDepth) throw new DagTooLargeError(`app refused: the DAG is deeper than ${maxDepth} links`)
        depth.set(key, d)
        if (depth.size > maxBlocks) throw new DagTooLargeError(`app refused: the DAG has more than ${maxBlocks} blocks`)
        queue.push(link)
      }
    }
    const pump = (): void => {
      if (failure) return void (active === 0 && reject(failure))
      if (queue.length === 0 && active === 0) return resolve()
      while (active < concurrency && queue.length > 0) {
        const cid = queue.shift()!
        active++
        get(cid).then(
          ({ block, fetched }) => {
            active--
            try {
              o.onBlock?.(block.byteLength, cid, fetched)
              if (!failure) take(cid, block)
            } catch (err) {
              return fail(err as Error)
            }
            pump()
          },
          (err: unknown) => {
            active--
            fail(err instanceof Error ? err : new AppHostError(String(err)))
          },
        )
      }
    }
    pump()
  })
  return { blocks, bytes }
}
