/**
 * The trust index: the market's trust logs (scan.ts) folded (fold.ts) incrementally, and kept in a `LogCache`
 * (IndexedDB in the browser: `idbLogCache`; memory in Node), like `scanListingLogs`:
 *
 * - the first refresh loads the cache and folds it, then asks the RPC only for the blocks after it;
 * - what a scan reads is cached and folded as its finished prefix grows, so an error, an abort or a closed tab
 *   loses nothing, and the next refresh resumes there;
 * - blocks within `confirmations` of the head are folded but never cached: the next refresh reads them again,
 *   and if a log folded from them changed or vanished (a reorganisation), the fold is rebuilt from the cache;
 * - refreshes are shared: callers arriving while one runs, or within `freshMs` after it, get that one.
 */
import type { Address, PublicClient } from 'viem'
import { memoryLogCache, type LogCache } from '../reads/logCache.ts'
import { TrustFold } from './fold.ts'
import { scanTrustLogs } from './scan.ts'
import { positionKey, type TrustLog } from './trust-log.ts'
import { abortable } from '../../core/abortable.ts'

export interface TrustIndexOptions {
  client: PublicClient
  market: Address
  deployBlock: bigint
  /** Default: a memory cache (lives as long as the index). */
  cache?: LogCache<TrustLog> | undefined
  /** Default `<chain id>:<market>:<deploy block>:trust-v1`. */
  cacheKey?: string | undefined
  /** Blocks below the head left out of the cache (default 64). */
  confirmations?: bigint | undefined
  maxRange?: bigint | undefined
  concurrency?: number | undefined
  /** A refresh finished less than this many ms ago is reused (default 2,000). */
  freshMs?: number | undefined
}

/** JSON of a record, bigints as strings: two reads of one log position compare equal iff the log is the same. */
function fingerprint(log: TrustLog): string {
  return JSON.stringify(log, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

export class TrustIndex {
  #fold = new TrustFold()
  readonly #o: TrustIndexOptions
  readonly #cache: LogCache<TrustLog>
  readonly #confirmations: bigint
  #key: string | undefined
  /** The cache (and the fold) hold every log up to this block. */
  #cachedTo: bigint | undefined
  /** Logs folded from blocks after `#cachedTo` (not cached; read again next time). */
  #tail = new Map<string, string>()
  #tailTo = -1n
  #running: Promise<void> | undefined
  #finishedAt = -Infinity
  /** The head block the index has read up to. */
  head = -1n

  constructor(options: TrustIndexOptions) {
    this.#o = options
    this.#cache = options.cache ?? memoryLogCache<TrustLog>()
    this.#confirmations = options.confirmations ?? 64n
  }

  /** The folded state (read it right after `refresh`). */
  get fold(): TrustFold {
    return this.#fold
  }

  /** Brings the fold up to the chain's head (see the file comment); `signal` stops this caller's wait only. */
  async refresh({ signal }: { signal?: AbortSignal | undefined } = {}): Promise<TrustFold> {
    if (!this.#running && performance.now() - this.#finishedAt >= (this.#o.freshMs ?? 2_000)) {
      const run = this.#refresh().finally(() => {
        this.#running = undefined
        this.#finishedAt = performance.now()
      })
      this.#running = run
      // a failed refresh is not "fresh": the next caller tries again
      run.catch(() => (this.#finishedAt = -Infinity))
    }
    if (this.#running) await abortable(this.#running, signal)
    return this.#fold
  }

  async #keyOf(): Promise<string> {
    const chainId = this.#o.client.chain?.id ?? (await this.#o.client.getChainId())
    return (this.#key ??=
      this.#o.cacheKey ?? `${chainId}:${this.#o.market.toLowerCase()}:${this.#o.deployBlock}:trust-v1`)
  }

  async #load(key: string): Promise<void> {
    let entry = await this.#cache.load(key)
    if (entry && entry.fromBlock !== this.#o.deployBlock) {
      await this.#cache.clear(key)
      entry = undefined
    }
    this.#fold = new TrustFold()
    if (entry) this.#fold.add(entry.items)
    this.#cachedTo = entry ? entry.toBlock : this.#o.deployBlock - 1n
  }

  async #refresh(): Promise<void> {
    const key = await this.#keyOf()
    if (this.#cachedTo === undefined) await this.#load(key)
    const head = await this.#o.client.getBlockNumber({ cacheTime: 0 })
    const start = this.#cachedTo! + 1n
    const safeTo = head - this.#confirmations
    const logs =
      start > head
        ? []
        : await scanTrustLogs(this.#o.client, {
            market: this.#o.market,
            fromBlock: start,
            toBlock: head,
            maxRange: this.#o.maxRange,
            concurrency: this.#o.concurrency,
            onProgress: async (doneTo, added) => {
              const from = this.#cachedTo!
              const to = doneTo < safeTo ? doneTo : safeTo
              if (to <= from) return
              const confirmed = added.filter((l) => l.blockNumber > from && l.blockNumber <= to)
              await this.#cache.append(key, this.#o.deployBlock, to, confirmed)
              this.#cachedTo = to
              this.#fold.add(confirmed)
            },
          })
    // the blocks read last time but not cached must read the same now, or the fold is rebuilt
    const now = new Map(logs.map((l) => [positionKey(l), fingerprint(l)]))
    const changed = this.#tailTo > head || [...this.#tail].some(([k, f]) => now.get(k) !== f)
    const tail = logs.filter((l) => l.blockNumber > this.#cachedTo!)
    if (changed) await this.#load(key)
    this.#fold.add(tail)
    this.#tail = new Map(tail.map((l) => [positionKey(l), fingerprint(l)]))
    this.#tailTo = head
    this.head = head
  }
}
