/**
 * Listing stats (bid counts, outcomes) for pages of cards: the ids asked for within a short window go to
 * `ChainService.listingStats` in one call (the chain Worker counts them from its cached event scans), and each
 * answer is kept until `forget` (a market event about that listing) or `ttlMs`. A caller's `signal` stops only
 * its own wait; a failed request is not kept.
 */
import type { ChainService, ListingStats } from './types.ts'
import { abortable } from '../core/abortable.ts'

type Source = Pick<ChainService, 'listingStats'>

export class StatsBatcher {
  readonly #source: Source
  readonly #windowMs: number
  readonly #ttlMs: number
  readonly #cache = new Map<string, { at: number; stats: Promise<ListingStats> }>()
  #queue: { id: string; resolve: (s: ListingStats) => void; reject: (e: unknown) => void }[] = []
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(source: Source, { windowMs = 40, ttlMs = 60_000 }: { windowMs?: number; ttlMs?: number } = {}) {
    this.#source = source
    this.#windowMs = windowMs
    this.#ttlMs = ttlMs
  }

  get(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<ListingStats> {
    signal?.throwIfAborted()
    let entry = this.#cache.get(id)
    if (!entry || Date.now() - entry.at >= this.#ttlMs) {
      const stats = new Promise<ListingStats>((resolve, reject) => this.#queue.push({ id, resolve, reject }))
      const kept = (entry = { at: Date.now(), stats })
      this.#cache.set(id, kept)
      stats.catch(() => this.#cache.get(id) === kept && this.#cache.delete(id))
      if (this.#timer === undefined) this.#timer = setTimeout(() => this.#flush(), this.#windowMs)
    }
    return abortable(entry.stats, signal)
  }

  /** The listing changed on chain: the next `get` asks again. */
  forget(id: string): void {
    this.#cache.delete(id)
  }

  #flush(): void {
    this.#timer = undefined
    const queue = this.#queue
    this.#queue = []
    // the worker answers at most 100 per call
    for (let i = 0; i < queue.length; i += 100) {
      const batch = queue.slice(i, i + 100)
      this.#source.listingStats(batch.map((w) => w.id)).then(
        (all) => batch.forEach((w, j) => (all[j] ? w.resolve(all[j]) : w.reject(new Error(`no stats for ${w.id}`)))),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
    }
  }
}

const batchers = new WeakMap<Source, StatsBatcher>()

/** The page's one stats batcher for `chain`. */
export function listingStats(chain: Source): StatsBatcher {
  let b = batchers.get(chain)
  if (!b) batchers.set(chain, (b = new StatsBatcher(chain)))
  return b
}
