/**
 * What the chain says about every listing, kept current for the catalog: the market's listing logs are read
 * once from the deployment block in RPC-sized slices (`scanListingLogs`), then only the blocks since the last
 * scan. Lookups are local; `refresh()` calls are coalesced and rate limited, so a flood of entries naming
 * listings that do not exist cannot turn into a flood of RPC calls.
 */
import type { Address, PublicClient } from 'viem'
import type { LogCache } from '../chain/reads/logCache.ts'
import { scanListingLogs, type ListingLog } from '../chain/reads/scanListingLogs.ts'
import { applyListingLogs, type ListingRecord } from '../core/catalog.ts'

export interface ChainListingsOptions {
  client: PublicClient
  market: Address
  deployBlock: bigint
  /** Blocks per eth_getLogs call (default 2,000). */
  maxRange?: bigint
  /** Least time between two scans (default 250 ms); callers in between share the next one. */
  minIntervalMs?: number
  /** Poll the chain for new listing logs this often (default 2 s; 0 = only on demand). */
  pollMs?: number
  /** Keeps the logs read across restarts (`idbLogCache()` in the browser), so a reload reads only new blocks. */
  logCache?: LogCache<ListingLog>
}

export class ChainListings extends EventTarget {
  readonly #o: ChainListingsOptions
  readonly #records = new Map<string, ListingRecord>()
  #scanned: bigint
  #pending: Promise<void> | undefined
  #lastScan = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopped = false
  #started = false
  #seeded = false
  /** A scan has succeeded (the records are the chain's as of `scanned`, not only a seeded copy). */
  #scannedOnce = false
  /** The latest block seen: its timestamp (unix s) and when it was read (performance.now()). */
  #head: { timestamp: number; seenAt: number } | undefined
  readonly #abort = new AbortController()

  constructor(options: ChainListingsOptions) {
    super()
    this.#o = options
    this.#scanned = options.deployBlock - 1n
  }

  get market(): Address {
    return this.#o.market
  }

  get(id: string): ListingRecord | undefined {
    return this.#records.get(id)
  }

  get records(): ReadonlyMap<string, ListingRecord> {
    return this.#records
  }

  /**
   * The chain's time in unix seconds, for auction phases: the latest block's timestamp, advanced by the time
   * elapsed since it was read (blocks come every few seconds; a device clock may be off by hours). Before any
   * block has been read: the time given to `seed` if any, else the device clock. Dispatches `time` when a
   * newly read block's timestamp differs from the last one.
   */
  now(): number {
    if (!this.#head) return Math.floor(Date.now() / 1000)
    return this.#head.timestamp + Math.floor((performance.now() - this.#head.seenAt) / 1000)
  }

  /** The latest block's timestamp read (unix seconds), undefined before the first read. */
  get headTimestamp(): number | undefined {
    return this.#head?.timestamp
  }

  /** Last block whose logs are folded in. */
  get scannedBlock(): bigint {
    return this.#scanned
  }

  /**
   * Starts polling (when `pollMs` > 0) after a first scan. When the records were seeded from a saved copy
   * (`seed`), a first scan that fails (offline, RPC down) does not stop the start: the saved view serves
   * until the poll reaches the chain again, and the failure is dispatched as `error`.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#started) return
    this.#started = true
    try {
      // a scan made before (e.g. to check a snapshot) counts: the poll continues from it
      if (this.#pending) await this.#pending
      if (!this.#scannedOnce) await this.refresh(signal)
    } catch (err) {
      if (!this.#seeded || signal?.aborted) {
        this.#started = false
        throw err
      }
      this.dispatchEvent(new CustomEvent('error', { detail: err }))
    }
    this.#schedule()
  }

  /**
   * Loads a saved view of the chain (records folded up to block `scanned`) before `start`, so a reload can
   * show the catalog offline; the next scans continue after `scanned`. Ignored once started or scanned.
   * `time` (unix s) is the chain's time as the caller estimates it, used until a block is read.
   */
  seed(records: Iterable<ListingRecord>, scanned: bigint, time?: number): void {
    if (this.#started || this.#records.size > 0 || scanned <= this.#scanned) return
    for (const r of records) this.#records.set(r.id, r)
    this.#scanned = scanned
    this.#seeded = true
    // offline, until a block is read: the caller's estimate (a saved block time advanced by the time since)
    if (time !== undefined && Number.isFinite(time))
      this.#head = { timestamp: Math.floor(time), seenAt: performance.now() }
  }

  #schedule(): void {
    const every = this.#o.pollMs ?? 2_000
    if (this.#stopped || every <= 0) return
    this.#timer = setTimeout(() => {
      this.refresh().then(
        () => this.#schedule(),
        (err: unknown) => {
          this.dispatchEvent(new CustomEvent('error', { detail: err }))
          this.#schedule()
        },
      )
    }, every)
  }

  /**
   * Reads the logs of the blocks since the last scan; dispatches `change` (detail: the changed ids). Concurrent
   * callers share one scan.
   */
  refresh(signal?: AbortSignal): Promise<void> {
    if (this.#pending) return this.#pending
    const wait = Math.max(0, this.#lastScan + (this.#o.minIntervalMs ?? 250) - Date.now())
    this.#pending = (async () => {
      try {
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        const combined = signal ? AbortSignal.any([signal, this.#abort.signal]) : this.#abort.signal
        // the latest block, not just its number: its timestamp is the catalog's clock (`now()`)
        const block = await this.#o.client.getBlock({ blockTag: 'latest' })
        const timeChanged = block.timestamp !== BigInt(this.#head?.timestamp ?? -1)
        this.#head = { timestamp: Number(block.timestamp), seenAt: performance.now() }
        if (timeChanged) this.dispatchEvent(new CustomEvent('time', { detail: this.#head.timestamp }))
        const head = block.number
        if (head <= this.#scanned) {
          this.#scannedOnce = true
          return
        }
        const logs = await scanListingLogs(this.#o.client, {
          market: this.#o.market,
          fromBlock: this.#scanned + 1n,
          toBlock: head,
          signal: combined,
          ...(this.#o.maxRange ? { maxRange: this.#o.maxRange } : {}),
          ...(this.#o.logCache ? { cache: this.#o.logCache } : {}),
        })
        this.#scanned = head
        this.#scannedOnce = true
        const changed = applyListingLogs(this.#records, logs)
        if (changed.size > 0) this.dispatchEvent(new CustomEvent('change', { detail: changed }))
      } finally {
        this.#lastScan = Date.now()
        this.#pending = undefined
      }
    })()
    return this.#pending
  }

  /** Refreshes unless the last scan ended less than `ms` ago (then the caller waits for the poll instead). */
  async refreshIfOlderThan(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#pending) return await this.#pending
    if (Date.now() - this.#lastScan < ms) return
    await this.refresh(signal)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#abort.abort()
  }
}
