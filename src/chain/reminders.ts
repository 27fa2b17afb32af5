/**
 * Reveal reminders: tells the UI when a tracked bid's reveal window opens and before it closes, so a
 * sealed bid is not lost by forgetting to reveal it.
 *
 * Policy: one `reveal-open` when the window opens (or at once, if it is already open when tracking starts),
 * then one `reveal-closing` at each threshold before the deadline (default 1 h and 10 min) — only the latest
 * threshold already passed fires on start, never a burst of stale ones — and `reveal-closed` once it is over.
 * Time is the chain's time (`syncClock(blockTimestamp)`), not only the device's clock: anvil and L2s drift.
 * `tick()` re-evaluates at once (call it on each new block); timers cover the rest; `stop()` leaves none.
 */

export interface RevealTimeline {
  /** Reveals open at this unix second (the auction's `biddingEnd`). */
  biddingEnd: number
  /** Reveals close at this unix second (exclusive). */
  revealEnd: number
}

export interface TrackedReveal extends RevealTimeline {
  /** Identifies what is tracked, e.g. the commitment; tracking the same key again replaces it. */
  key: string
  listingId: bigint
}

export type ReminderKind = 'reveal-open' | 'reveal-closing' | 'reveal-closed'

export interface ReminderDetail {
  kind: ReminderKind
  key: string
  listingId: bigint
  revealEnd: number
  /** Seconds until the reveal window closes (<= 0 once closed). */
  secondsLeft: number
}

export class ReminderEvent extends Event {
  readonly detail: ReminderDetail
  constructor(detail: ReminderDetail) {
    super(detail.kind)
    this.detail = detail
  }
}

export interface RevealRemindersOptions {
  /** Seconds before the deadline at which to remind (default [3600, 600]). */
  before?: readonly number[]
  /** The device clock in unix seconds (tests can replace it). */
  now?: () => number
}

interface State extends TrackedReveal {
  opened: boolean
  /** Thresholds already announced. */
  announced: Set<number>
  closed: boolean
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1

export class RevealReminders extends EventTarget {
  readonly before: readonly number[]
  readonly #deviceNow: () => number
  #offset = 0
  readonly #tracked = new Map<string, State>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopped = false

  constructor({ before = [3_600, 600], now = () => Date.now() / 1_000 }: RevealRemindersOptions = {}) {
    super()
    this.before = [...before].sort((a, b) => b - a)
    this.#deviceNow = now
  }

  /** The chain's current time in unix seconds, as far as this object knows. */
  now(): number {
    return this.#deviceNow() + this.#offset
  }

  /** Aligns with the chain: pass the latest block's timestamp. */
  syncClock(chainTimestamp: number | bigint): void {
    this.#offset = Number(chainTimestamp) - this.#deviceNow()
    this.tick()
  }

  track(reveal: TrackedReveal): void {
    this.#tracked.set(reveal.key, { ...reveal, opened: false, announced: new Set(), closed: false })
    this.tick()
  }

  untrack(key: string): void {
    this.#tracked.delete(key)
    this.#arm()
  }

  get tracked(): string[] {
    return [...this.#tracked.keys()]
  }

  /** Fires whatever is due now and arms the timer for the next reminder. */
  tick(): void {
    if (this.#stopped) return
    const now = this.now()
    for (const s of this.#tracked.values()) {
      const left = s.revealEnd - now
      const fire = (kind: ReminderKind): void => {
        this.dispatchEvent(
          new ReminderEvent({ kind, key: s.key, listingId: s.listingId, revealEnd: s.revealEnd, secondsLeft: left }),
        )
      }
      if (now < s.biddingEnd) continue
      if (left <= 0) {
        if (!s.closed) {
          s.closed = true
          fire('reveal-closed')
        }
        continue
      }
      if (!s.opened) {
        s.opened = true
        // a threshold earlier than the opening itself would only repeat "reveal-open"
        for (const t of this.before) if (s.revealEnd - t <= s.biddingEnd) s.announced.add(t)
        fire('reveal-open')
      }
      // thresholds already passed: announce only the nearest one, mark the older ones as done
      const passed = this.before.filter((t) => left <= t && !s.announced.has(t))
      if (passed.length) {
        for (const t of passed) s.announced.add(t)
        fire('reveal-closing')
      }
    }
    this.#arm()
  }

  #nextDue(now: number): number | undefined {
    let next: number | undefined
    for (const s of this.#tracked.values()) {
      if (s.closed) continue
      const candidates = [s.opened ? undefined : s.biddingEnd, s.revealEnd]
      for (const t of this.before) if (!s.announced.has(t)) candidates.push(s.revealEnd - t)
      for (const c of candidates) if (c !== undefined && c > now && (next === undefined || c < next)) next = c
    }
    return next
  }

  #arm(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#stopped) return
    const now = this.now()
    const due = this.#nextDue(now)
    if (due === undefined) return
    const ms = Math.min(MAX_TIMEOUT_MS, Math.max(0, (due - now) * 1_000) + 50)
    this.#timer = setTimeout(() => this.tick(), ms)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#tracked.clear()
  }
}
