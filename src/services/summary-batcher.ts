/**
 * Sellers' trust summaries for lists of listing cards (issue #25). A result page of 20 cards names up to 20
 * sellers; asking the chain Worker once per card would queue 20 round trips (each refreshing the trust index).
 * The batcher collects the addresses asked for within a short window (`windowMs`, after the cards painted),
 * asks `ChainService.trustSummaries` once for all of them, and keeps each answer for `ttlMs`, so the next
 * page, a card seen again, or the listing page opened from a card answers from memory.
 *
 * A caller's `signal` stops only its own wait: the shared request goes on for the others (and fills the cache).
 * A failed request is not kept, so the next ask tries again.
 */
import type { TrustSummary } from './trust-types.ts'
import type { ChainService } from './types.ts'

export interface SummaryBatcherOptions {
  /** How long to collect addresses before asking (ms); default 40. */
  windowMs?: number
  /** How long an answer is reused (ms); default 60,000. */
  ttlMs?: number
  /** The most addresses in one request (the worker takes 100); default 50. */
  maxBatch?: number
  /** The most answers kept (oldest dropped first); default 500. */
  maxCached?: number
  /** The clock (tests). */
  now?: () => number
}

type Source = Pick<ChainService, 'trustSummaries'>

interface Waiting {
  address: `0x${string}`
  resolve: (s: TrustSummary) => void
  reject: (e: unknown) => void
}

export class SummaryBatcher {
  readonly #source: Source
  readonly #o: Required<SummaryBatcherOptions>
  readonly #cache = new Map<string, { at: number; summary: Promise<TrustSummary> }>()
  #queue: Waiting[] = []
  #timer: ReturnType<typeof setTimeout> | undefined
  /** Requests sent to the source (tests, the bench). */
  requests = 0

  constructor(source: Source, options: SummaryBatcherOptions = {}) {
    this.#source = source
    this.#o = {
      windowMs: options.windowMs ?? 40,
      ttlMs: options.ttlMs ?? 60_000,
      maxBatch: options.maxBatch ?? 50,
      maxCached: options.maxCached ?? 500,
      now: options.now ?? (() => Date.now()),
    }
  }

  /** The summary of `address`, from memory when asked within `ttlMs`, else in the next batch. */
  get(address: `0x${string}`, { signal }: { signal?: AbortSignal } = {}): Promise<TrustSummary> {
    signal?.throwIfAborted()
    const key = address.toLowerCase()
    const now = this.#o.now()
    let entry = this.#cache.get(key)
    if (!entry || now - entry.at >= this.#o.ttlMs) {
      const summary = new Promise<TrustSummary>((resolve, reject) => this.#queue.push({ address, resolve, reject }))
      entry = { at: now, summary }
      this.#cache.delete(key)
      this.#cache.set(key, entry)
      const kept = entry
      summary.catch(() => this.#cache.get(key) === kept && this.#cache.delete(key))
      while (this.#cache.size > this.#o.maxCached) this.#cache.delete(this.#cache.keys().next().value as string)
      if (this.#timer === undefined) this.#timer = setTimeout(() => this.#flush(), this.#o.windowMs)
    }
    return signal ? raceAbort(entry.summary, signal) : entry.summary
  }

  /** The answer kept for `address`, if it is fresh and already in (for a first render without a wait). */
  peek(address: `0x${string}`): Promise<TrustSummary> | undefined {
    const entry = this.#cache.get(address.toLowerCase())
    return entry && this.#o.now() - entry.at < this.#o.ttlMs ? entry.summary : undefined
  }

  /** Forgets every answer (after the person rated someone, say). */
  clear(): void {
    this.#cache.clear()
  }

  #flush(): void {
    this.#timer = undefined
    const queue = this.#queue
    this.#queue = []
    for (let i = 0; i < queue.length; i += this.#o.maxBatch) {
      const batch = queue.slice(i, i + this.#o.maxBatch)
      this.requests++
      this.#source.trustSummaries(batch.map((w) => w.address)).then(
        (summaries) =>
          batch.forEach((w, j) => {
            const s = summaries[j]
            if (s) w.resolve(s)
            else w.reject(new Error(`no trust summary came back for ${w.address}`))
          }),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
    }
  }
}

const batchers = new WeakMap<Source, SummaryBatcher>()

/** The page's one batcher for `chain` (cards, the listing page and the seller page share its answers). */
export function sellerSummaries(chain: Source): SummaryBatcher {
  let b = batchers.get(chain)
  if (!b) batchers.set(chain, (b = new SummaryBatcher(chain)))
  return b
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
