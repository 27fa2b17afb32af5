/**
 * `eth_getLogs` over a long block range the way public RPCs accept it: in slices (2,000 blocks to start
 * with), a few in flight, adapting to what the endpoint says. A slice refused as too wide ("block range too
 * large", "up to a 2K block range") or too full ("query returned more than 10000 results") is split — at the
 * range the error suggests when it names one, else in half — and later slices use the smaller width, growing
 * back after a run of successes. Rate limits (HTTP 429) and 5xx answers are retried by viem's HTTP transport
 * (it honours `Retry-After`); this file never retries them itself, so there is one retry path.
 *
 * Progress is reported as the finished prefix of the range grows (`onProgress`), so a caller can keep what was
 * read (`scanListingLogs` caches it) and resume there after an error, an abort or a closed tab.
 */
import { BaseError } from 'viem'

export interface ScanLogsParameters<T> {
  /** One `eth_getLogs` call (e.g. `client.getLogs` or wagmi's `getContractEvents`) over `[fromBlock, toBlock]`. */
  getLogs: (fromBlock: bigint, toBlock: bigint) => Promise<T[]>
  fromBlock: bigint
  toBlock: bigint
  /** Widest slice asked for (default 2,000 blocks: accepted by the common public RPCs). */
  maxRange?: bigint
  /** Calls in flight at once (default 4). */
  concurrency?: number
  signal?: AbortSignal
  /**
   * Called whenever the contiguous finished part `[fromBlock, doneTo]` grows, with the logs of the part that
   * was added (in chain order). The scan waits for it, so a cache write is not overtaken by the next one.
   */
  onProgress?: (doneTo: bigint, logs: T[]) => void | Promise<void>
}

/** Why a slice was refused, and the width the endpoint suggested, if it named one. */
export interface RangeRefusal {
  reason: 'range' | 'results'
  /** Blocks per call the endpoint says it accepts. */
  suggested?: bigint
}

const RANGE_REFUSED = [
  /block range (?:is )?(?:too (?:large|wide|big)|greater than|exceeds?|limit)/i,
  /range (?:is )?too (?:large|wide|big)/i,
  /up to (?:a )?[\d.,]+\s*k? block range/i,
  /max(?:imum)? (?:block )?range/i,
  /ranges? over [\d,]+ blocks/i,
  /limited to (?:a )?[\d,]+ ?(?:k )?(?:block|range)/i,
  /exceed(?:s|ed)? (?:the )?(?:max(?:imum)? )?(?:block )?range/i,
]
const RESULTS_REFUSED = [
  /(?:query )?returned more than [\d,]+ results/i,
  /too many (?:results|logs)/i,
  /log response size exceeded/i,
  /response (?:size|body) (?:is )?(?:too large|exceed)/i,
  /results? (?:cap|limit) (?:exceeded|reached)/i,
]
const RATE_LIMITED = /rate limit|too many requests|\b429\b|request limit/i

/** The messages of an error and its causes (viem wraps the node's answer several times). */
function messagesOf(err: unknown): string {
  const parts: string[] = []
  let e: unknown = err
  for (let i = 0; e && i < 10; i++) {
    const o = e as { message?: unknown; details?: unknown; shortMessage?: unknown; cause?: unknown }
    for (const m of [o.shortMessage, o.details, o.message]) if (typeof m === 'string') parts.push(m)
    e = o.cause
  }
  return parts.join('\n')
}

/** Reads an RPC's "too wide / too many" refusal; undefined for any other failure (rate limits included). */
export function rangeRefusal(err: unknown, [from, to]: readonly [bigint, bigint]): RangeRefusal | undefined {
  const text = messagesOf(err)
  if (RATE_LIMITED.test(text) && !RESULTS_REFUSED.some((r) => r.test(text))) return undefined
  const results = RESULTS_REFUSED.some((r) => r.test(text))
  if (!results && !RANGE_REFUSED.some((r) => r.test(text))) return undefined
  const reason = results ? 'results' : 'range'
  // "this block range should work: [0x1a, 0x7e9]" (Alchemy), "Try with this block range [0x…, 0x…]" (Infura)
  const pair = /\[\s*(0x[0-9a-f]+)\s*,\s*(0x[0-9a-f]+)\s*\]/i.exec(text)
  if (pair) {
    const [a, b] = [BigInt(pair[1]!), BigInt(pair[2]!)]
    if (a === from && b >= a && b < to) return { reason, suggested: b - a + 1n }
  }
  // "up to a 2K block range", "max block range 500", "limited to 10,000 blocks"
  const size =
    /(?:up to (?:a )?|max(?:imum)? (?:block )?range(?: is| of)?:? |limited to (?:a )?|over )([\d,.]+)\s*(k)?/i.exec(
      text,
    )
  if (size) {
    const n = Number(size[1]!.replaceAll(',', '')) * (size[2] ? 1_000 : 1)
    if (Number.isSafeInteger(n) && n > 0) return { reason, suggested: BigInt(n) }
  }
  return { reason }
}

/** The logs of `[fromBlock, toBlock]` in chain order. Throws the RPC's error when a one-block slice is refused. */
export async function scanLogs<T>(p: ScanLogsParameters<T>): Promise<T[]> {
  const ceiling = p.maxRange ?? 2_000n
  if (ceiling < 1n) throw new RangeError('maxRange must be at least 1 block')
  let width = ceiling
  let streak = 0
  let cursor = p.fromBlock
  /** Slices handed back after a refusal, taken before new ones. */
  const again: [bigint, bigint][] = []
  const done = new Map<bigint, { to: bigint; logs: T[] }>()
  let doneTo = p.fromBlock - 1n
  const collected: T[] = []
  let reporting = Promise.resolve()

  const take = (): [bigint, bigint] | undefined => {
    const slice = again.shift()
    // a handed-back remainder wider than the current width is cut now, at the width learnt since
    if (slice && slice[1] - slice[0] + 1n > width) {
      again.unshift([slice[0] + width, slice[1]])
      return [slice[0], slice[0] + width - 1n]
    }
    if (slice) return slice
    if (cursor > p.toBlock) return undefined
    const to = cursor + width - 1n < p.toBlock ? cursor + width - 1n : p.toBlock
    const out: [bigint, bigint] = [cursor, to]
    cursor = to + 1n
    return out
  }

  const finish = (from: bigint, to: bigint, logs: T[]): void => {
    done.set(from, { to, logs })
    const added: T[] = []
    for (let next = done.get(doneTo + 1n); next; next = done.get(doneTo + 1n)) {
      done.delete(doneTo + 1n)
      added.push(...next.logs)
      doneTo = next.to
    }
    if (added.length === 0 && doneTo < from) return
    collected.push(...added)
    const reached = doneTo
    if (p.onProgress) reporting = reporting.then(() => p.onProgress!(reached, added))
  }

  let failed = false
  const worker = async (): Promise<void> => {
    // after one worker's failure the others take no new slice (the scan has failed; its progress is reported)
    for (let slice = take(); slice && !failed; slice = take()) {
      p.signal?.throwIfAborted()
      const [from, to] = slice
      try {
        const logs = await p.getLogs(from, to)
        if (++streak >= 8 && width < ceiling) {
          width = width * 2n < ceiling ? width * 2n : ceiling
          streak = 0
        }
        finish(from, to, logs)
      } catch (err) {
        const refusal = to > from ? rangeRefusal(err, [from, to]) : undefined
        if (!refusal) {
          failed = true
          throw err
        }
        streak = 0
        const span = to - from + 1n
        const first = refusal.suggested !== undefined && refusal.suggested < span ? refusal.suggested : span / 2n
        // a block-range cap holds for every later slice; a results cap only for this dense stretch
        if (refusal.reason === 'range' || width > first) width = first
        again.unshift([from, from + first - 1n], [from + first, to])
      }
    }
  }
  // a worker may find the queue empty while another is about to hand a slice back: run rounds until all done
  while (doneTo < p.toBlock) {
    const before = doneTo
    await Promise.all(Array.from({ length: Math.max(1, p.concurrency ?? 4) }, worker))
    await reporting
    if (doneTo === before && again.length === 0 && cursor > p.toBlock)
      throw new BaseError(`log scan stopped at block ${doneTo} of ${p.toBlock}`)
  }
  await reporting
  return collected
}
