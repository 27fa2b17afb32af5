/**
 * Messages to people who have not set messaging up yet: kept in the sender's outbox (`WaitingEntry`, IndexedDB)
 * before they can be sealed, and released — sealed to the recipient's devices and handed to the normal outbox —
 * as soon as a key look-up finds a device binding for the address. The look-up is the client's own (relays'
 * key directory, every binding verified with its wallet signature by `BindingVerifier`), so a key nobody's
 * wallet signed for that address is never used.
 *
 * Bounded: at most `perRecipient` messages wait for one address and `total` in all; one more is refused with
 * `WaitingFullError` (the sender sees why at once, nothing already kept is dropped). A message that waited
 * `maxAgeMs` is given up and its message says so. Look-ups per recipient back off from `retry.minMs` to
 * `retry.maxMs` and run again soon whenever a relay connects. Released oldest first (the conversation's clock).
 */
import type { Address } from 'viem'
import { MessagingError, type DeviceBinding } from '../../core/messaging.ts'
import type { MessagingStorage, WaitingEntry } from './storage.ts'

export interface WaitingLimits {
  /** Messages that may wait for one recipient (default 20). */
  perRecipient: number
  /** Messages that may wait in all, over every recipient (default 100). */
  total: number
  /** A message that waited this long is given up, visibly (default 30 days). */
  maxAgeMs: number
  /** Key look-ups per recipient: the first after `minMs`, doubling up to `maxMs` (default 2 s → 60 s). */
  retry: { minMs: number; maxMs: number }
}

export const WAITING_LIMITS: WaitingLimits = {
  perRecipient: 20,
  total: 100,
  maxAgeMs: 30 * 24 * 3600_000,
  retry: { minMs: 2_000, maxMs: 60_000 },
}

/** One more message may not wait: too many already wait for this recipient, or for everyone together. */
export class WaitingFullError extends MessagingError {
  /** `WaitingFullError` for one recipient, `WaitingTotalFullError` for everyone (the name crosses the worker). */
  override name: 'WaitingFullError' | 'WaitingTotalFullError'
  readonly to: Address
  readonly limit: number
  readonly scope: 'recipient' | 'total'
  constructor(to: Address, scope: 'recipient' | 'total', limit: number) {
    super(
      'waiting_full',
      scope === 'recipient'
        ? `${limit} messages already wait for ${to} to set up messaging; this one was not kept. It can be sent once they have.`
        : `${limit} messages already wait for people who have not set up messaging; this one was not kept.`,
    )
    this.name = scope === 'recipient' ? 'WaitingFullError' : 'WaitingTotalFullError'
    this.to = to
    this.limit = limit
    this.scope = scope
  }
}

export interface WaitingHooks {
  /** The recipient's verified device bindings, or undefined while none is known (or no relay answers). */
  lookup(to: Address, signal: AbortSignal): Promise<DeviceBinding[] | undefined>
  /** Seals the waiting message to `bindings` and moves it to the outbox (its message record included). */
  release(entry: WaitingEntry, bindings: DeviceBinding[]): Promise<void>
  /** The message waited `maxAgeMs`: mark it as given up. */
  expire(entry: WaitingEntry): Promise<void>
}

interface Recipient {
  attempts: number
  timer?: ReturnType<typeof setTimeout>
  running?: Promise<void>
}

export class WaitingQueue {
  readonly #entries = new Map<string, WaitingEntry>()
  readonly #recipients = new Map<Address, Recipient>()
  readonly #storage: Pick<MessagingStorage, 'putWaiting' | 'deleteWaiting'>
  readonly #hooks: WaitingHooks
  readonly #limits: WaitingLimits
  #signal: AbortSignal | undefined

  constructor(
    storage: Pick<MessagingStorage, 'putWaiting' | 'deleteWaiting'>,
    hooks: WaitingHooks,
    limits: Partial<WaitingLimits> = {},
  ) {
    this.#storage = storage
    this.#hooks = hooks
    this.#limits = { ...WAITING_LIMITS, ...limits }
  }

  get size(): number {
    return this.#entries.size
  }

  /** Messages waiting for `to`. */
  count(to: Address): number {
    let n = 0
    for (const e of this.#entries.values()) if (e.to === to) n++
    return n
  }

  /** Starts looking up keys for what waits (`entries`, loaded from storage); `signal` ends it. */
  start(entries: WaitingEntry[], signal: AbortSignal): void {
    this.#signal = signal
    for (const e of entries) this.#entries.set(e.id, e)
    for (const to of new Set(entries.map((e) => e.to))) this.#schedule(to, this.#limits.retry.minMs / 4)
  }

  stop(): void {
    for (const r of this.#recipients.values()) clearTimeout(r.timer)
    this.#recipients.clear()
    this.#entries.clear()
    this.#signal = undefined
  }

  /** Throws `WaitingFullError` when one more message to `to` may not wait. */
  admit(to: Address): void {
    if (this.count(to) >= this.#limits.perRecipient)
      throw new WaitingFullError(to, 'recipient', this.#limits.perRecipient)
    if (this.#entries.size >= this.#limits.total) throw new WaitingFullError(to, 'total', this.#limits.total)
  }

  /** Keeps `e` (checked with `admit` first) and looks up its recipient's key soon. */
  async add(e: WaitingEntry): Promise<void> {
    this.admit(e.to)
    this.#entries.set(e.id, e)
    await this.#storage.putWaiting(e)
    this.#schedule(e.to, this.#limits.retry.minMs / 4)
  }

  /** A relay connected: every recipient is looked up again soon, whatever its backoff. */
  poke(): void {
    for (const [to, r] of this.#recipients) if (!r.running) this.#schedule(to, 0, true)
  }

  #schedule(to: Address, delay: number, sooner = false): void {
    if (!this.#signal || this.#signal.aborted) return
    let r = this.#recipients.get(to)
    if (!r) this.#recipients.set(to, (r = { attempts: 0 }))
    if (r.timer !== undefined) {
      if (!sooner) return
      clearTimeout(r.timer)
    }
    r.timer = setTimeout(() => {
      r.timer = undefined
      void this.#attempt(to)
    }, delay)
  }

  /** Oldest first: the conversation's clock, then when it was written. */
  #waitingFor(to: Address): WaitingEntry[] {
    return [...this.#entries.values()]
      .filter((e) => e.to === to)
      .sort((a, b) => a.clock - b.clock || a.created - b.created)
  }

  async #attempt(to: Address): Promise<void> {
    const r = this.#recipients.get(to)
    const signal = this.#signal
    if (!r || r.running || !signal || signal.aborted) return
    r.running = (async () => {
      for (const e of this.#waitingFor(to))
        if (Date.now() - e.created >= this.#limits.maxAgeMs) {
          await this.#hooks.expire(e)
          await this.#drop(e)
        }
      if (this.#waitingFor(to).length === 0) return
      const bindings = await this.#hooks.lookup(to, signal).catch(() => undefined)
      if (signal.aborted) return
      if (!bindings || bindings.length === 0) {
        r.attempts++
        return
      }
      r.attempts = 0
      for (const e of this.#waitingFor(to)) {
        await this.#hooks.release(e, bindings)
        await this.#drop(e)
      }
    })()
      .catch(() => {
        r.attempts++ // a write or a seal failed: the rest waits for the next round
      })
      .finally(() => {
        r.running = undefined
        if (this.#recipients.get(to) !== r) return
        if (this.#waitingFor(to).length === 0) {
          clearTimeout(r.timer)
          this.#recipients.delete(to)
          return
        }
        const { minMs, maxMs } = this.#limits.retry
        const base = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(0, r.attempts - 1), 20))
        this.#schedule(to, base * (0.75 + Math.random() / 2))
      })
    await r.running
  }

  async #drop(e: WaitingEntry): Promise<void> {
    this.#entries.delete(e.id)
    await this.#storage.deleteWaiting(e.id)
  }
}
