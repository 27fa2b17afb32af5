/**
 * The time windows of a listing (contracts v3, issue #25): the limits the contract enforces, a check the sell
 * form runs before anything is sent, and durations in words ("1 day 6 hours", "1 天 6 小时") for the listing page,
 * the sell form and the trust components. Pure code: no Lit, no I/O, so Node's tests run it as it is.
 */

export const MINUTE = 60
export const HOUR = 3_600
export const DAY = 86_400

/** Shortest reveal window (a bidder needs time to come back and reveal): 1 hour. */
export const MIN_REVEAL_WINDOW = HOUR
/** Shortest confirm window (the buyer's time to receive and check the item after `markShipped`): 1 day. */
export const MIN_CONFIRM_WINDOW = DAY
/** Shortest dispute window (the chosen arbiter's time to decide): 1 day. */
export const MIN_DISPUTE_WINDOW = DAY
/** Longest of any window: 365 days. */
export const MAX_WINDOW = 365 * DAY

export type WindowKind = 'reveal' | 'confirm' | 'dispute'

/** The contract's minimum for a window (without the arbiters' own minimums). */
export function minimumWindow(kind: WindowKind): number {
  return kind === 'reveal' ? MIN_REVEAL_WINDOW : kind === 'confirm' ? MIN_CONFIRM_WINDOW : MIN_DISPUTE_WINDOW
}

export interface ListingWindows {
  /** Seconds between the end of bidding and the end of the reveals; absent for a buy-now listing. */
  reveal?: number
  confirm: number
  dispute: number
}

export interface WindowProblem {
  kind: WindowKind
  /** `whole`: not a whole, finite number of seconds. */
  reason: 'whole' | 'too-short' | 'too-long'
  /** The limits that applied, seconds. */
  min: number
  max: number
}

/**
 * What the contract would refuse in these windows (`WindowTooShort` / `WindowTooLong`), one problem per window,
 * in the order reveal, confirm, dispute; empty when the listing may be sent. `arbiterMinDispute` is the largest
 * `minDisputeWindow` of the chosen arbiters (the dispute window must meet every one of them).
 */
export function checkWindows(windows: ListingWindows, { arbiterMinDispute = 0 } = {}): WindowProblem[] {
  const problems: WindowProblem[] = []
  const check = (kind: WindowKind, value: number, min: number): void => {
    const max = MAX_WINDOW
    if (!Number.isSafeInteger(value)) problems.push({ kind, reason: 'whole', min, max })
    else if (value < min) problems.push({ kind, reason: 'too-short', min, max })
    else if (value > max) problems.push({ kind, reason: 'too-long', min, max })
  }
  if (windows.reveal !== undefined) check('reveal', windows.reveal, MIN_REVEAL_WINDOW)
  check('confirm', windows.confirm, MIN_CONFIRM_WINDOW)
  check('dispute', windows.dispute, Math.max(MIN_DISPUTE_WINDOW, arbiterMinDispute))
  return problems
}

/** The windows at (or, for a listing from before v3, below) the contract's minimum, in the order reveal, confirm, dispute. */
export function windowsAtMinimum(windows: ListingWindows): WindowKind[] {
  const at: WindowKind[] = []
  if (windows.reveal !== undefined && windows.reveal <= MIN_REVEAL_WINDOW) at.push('reveal')
  if (windows.confirm <= MIN_CONFIRM_WINDOW) at.push('confirm')
  if (windows.dispute <= MIN_DISPUTE_WINDOW) at.push('dispute')
  return at
}

const UNITS = [
  { seconds: DAY, en: ['day', 'days'], zh: '天' },
  { seconds: HOUR, en: ['hour', 'hours'], zh: '小时' },
  { seconds: MINUTE, en: ['minute', 'minutes'], zh: '分钟' },
  { seconds: 1, en: ['second', 'seconds'], zh: '秒' },
] as const

/**
 * A duration in words: "1 hour", "2 days", "1 day 6 hours"; in Chinese "1 小时", "2 天", "1 天 6 小时". At most
 * `units` (default 2) adjacent units are named, the largest first; what is left below them is dropped (rounded
 * down): 1 day 2 hours 5 minutes reads "1 day 2 hours", and 1 day 30 seconds reads "1 day".
 * Negative or fractional seconds count as their whole part of zero or more; 0 is "0 seconds" / "0 秒".
 * `locale` is a UI locale ('en', 'zh-Hans'); any `zh…` tag reads Chinese, anything else English.
 */
export function durationWords(seconds: number, locale: string, { units = 2 }: { units?: number } = {}): string {
  const zh = locale.toLowerCase().startsWith('zh')
  let rest = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0
  const parts: string[] = []
  for (const unit of UNITS) {
    if (parts.length >= units) break
    const n = Math.floor(rest / unit.seconds)
    rest -= n * unit.seconds
    if (n > 0) parts.push(zh ? `${n} ${unit.zh}` : `${n} ${n === 1 ? unit.en[0] : unit.en[1]}`)
    // after the first named unit the next one counts even when it is zero (1 day 0 hours 5 minutes reads
    // "1 day", not "1 day 5 minutes")
    else if (parts.length > 0) break
  }
  if (parts.length === 0) return zh ? '0 秒' : '0 seconds'
  return parts.join(' ')
}
