/**
 * A job queue shared fairly between requesters (issue #24, finding 6): at most `concurrency` jobs run at once,
 * at most `perKey` of them for one key (an IP address), and a free slot goes to the next key in round-robin
 * order that has a job waiting and is below its share, so a few busy keys cannot hold every slot while another
 * key waits behind them. Each key may have `queuedPerKey` jobs waiting and all keys together `maxQueued`; beyond
 * that `add` refuses at once with `QueueFullError`, which the caller turns into a clear answer.
 */
import { BaseError } from 'viem'

export class QueueFullError extends BaseError {
  override name = 'QueueFullError'
  readonly scope: 'key' | 'all'
  constructor(scope: 'key' | 'all', message: string) {
    super(message)
    this.scope = scope
  }
}

export interface FairQueueOptions {
  concurrency: number
  perKey: number
  queuedPerKey: number
  maxQueued: number
}

interface Waiting {
  start(): void
}

interface KeyState {
  running: number
  waiting: Waiting[]
}

export class FairQueue {
  readonly #opts: FairQueueOptions
  /** Keys with jobs running or waiting; a key served is moved to the end (round-robin). */
  readonly #keys = new Map<string, KeyState>()
  #running = 0
  #queued = 0

  constructor(options: FairQueueOptions) {
    this.#opts = options
  }

  get running(): number {
    return this.#running
  }

  get queued(): number {
    return this.#queued
  }

  /** Jobs running for `key` now. */
  runningFor(key: string): number {
    return this.#keys.get(key)?.running ?? 0
  }

  /** Runs `job` when a slot is free for `key`; rejects at once when the queue is full, or when `signal` aborts. */
  async add<T>(key: string, job: () => Promise<T>, options: { signal: AbortSignal }): Promise<T> {
    options.signal.throwIfAborted()
    const state = this.#keys.get(key) ?? { running: 0, waiting: [] }
    if (state.running < this.#opts.perKey && this.#running < this.#opts.concurrency) {
      this.#keys.set(key, state)
      return await this.#run(key, state, job)
    }
    if (state.waiting.length >= this.#opts.queuedPerKey)
      throw new QueueFullError(
        'key',
        `queue full: ${state.waiting.length} requests from this address are waiting already; try again shortly`,
      )
    if (this.#queued >= this.#opts.maxQueued)
      throw new QueueFullError('all', `queue full: ${this.#queued} requests are waiting already; try again shortly`)
    this.#keys.set(key, state)
    return await new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = state.waiting.indexOf(entry)
        if (i >= 0) {
          state.waiting.splice(i, 1)
          this.#queued--
          this.#forget(key, state)
        }
        reject(options.signal.reason as Error)
      }
      const entry: Waiting = {
        start: () => {
          options.signal.removeEventListener('abort', onAbort)
          this.#run(key, state, job).then(resolve, reject)
        },
      }
      state.waiting.push(entry)
      this.#queued++
      options.signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  async #run<T>(key: string, state: KeyState, job: () => Promise<T>): Promise<T> {
    state.running++
    this.#running++
    try {
      return await job()
    } finally {
      state.running--
      this.#running--
      // the key just had its turn: to the back of the round (or gone when it has nothing left)
      if (this.#keys.get(key) === state) this.#keys.delete(key)
      if (state.running > 0 || state.waiting.length > 0) this.#keys.set(key, state)
      this.#pump()
    }
  }

  /** Gives free slots to waiting jobs, one key after the other. */
  #pump(): void {
    while (this.#running < this.#opts.concurrency) {
      let next: [string, KeyState] | undefined
      for (const entry of this.#keys) {
        if (entry[1].waiting.length > 0 && entry[1].running < this.#opts.perKey) {
          next = entry
          break
        }
      }
      if (!next) return
      const [key, state] = next
      const job = state.waiting.shift()!
      this.#queued--
      // to the back of the round
      this.#keys.delete(key)
      this.#keys.set(key, state)
      job.start()
    }
  }

  #forget(key: string, state: KeyState): void {
    if (state.running === 0 && state.waiting.length === 0 && this.#keys.get(key) === state) this.#keys.delete(key)
  }
}
