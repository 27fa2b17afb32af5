/**
 * Display helpers shared by the views: amounts in a currency's units, short addresses, countdowns. Amount
 * parsing and formatting are viem's (`parseUnits` / `formatUnits`, pure functions, no client).
 */
import { formatUnits, parseUnits } from 'viem'
import type { Currency } from './types.ts'

// building an Intl.NumberFormat costs far more than formatting with one: a page of cards formats dozens
const groupingFormats = new Map<string, Intl.NumberFormat>()
function groupingFormat(locale: string | undefined): Intl.NumberFormat {
  let format = groupingFormats.get(locale ?? '')
  if (!format) groupingFormats.set(locale ?? '', (format = new Intl.NumberFormat(locale, { useGrouping: true })))
  return format
}

/** A count with the locale's grouping: "10,000". */
export function formatCount(n: number, locale?: string): string {
  return groupingFormat(locale).format(n)
}

/** "1.5 ETH", "12.00 TUSD": at most 6 decimals shown, trailing zeros dropped. */
export function formatAmount(amount: bigint, currency: Pick<Currency, 'symbol' | 'decimals'>, locale?: string): string {
  const text = formatUnits(amount, currency.decimals)
  const [whole = '0', frac = ''] = text.split('.')
  const shown = frac.slice(0, 6).replace(/0+$/, '')
  const grouped = groupingFormat(locale).format(BigInt(whole))
  return `${grouped}${shown ? `.${shown}` : ''} ${currency.symbol}`
}

/**
 * Why typed text is not an amount: `mixed` — both marks, or a comma that reads as a thousands separator
 * ("1,000.5", "1,000"), so it is not clear where the decimals start; `precision` — more decimals than the
 * currency has; `invalid` — not a number.
 */
export type AmountProblem = 'mixed' | 'precision' | 'invalid'

/**
 * Reads what a person typed into smallest units. The decimal mark may be a point or a comma ("0.3", "0,3",
 * as the reader's locale writes it); thousands separators are not taken, and a text that could mean either
 * ("1,000" is a thousand in English and one in German) is refused rather than guessed.
 */
export function readAmount(text: string, decimals: number): { amount: bigint } | { problem: AmountProblem } {
  const t = text.trim()
  if (t.includes('.') && t.includes(',')) return { problem: 'mixed' }
  const comma = /^(\d+),(\d+)$/.exec(t)
  // "1,000": a thousand or one? A leading zero ("0,300") can only be decimals.
  if (comma && comma[2]!.length === 3 && !/^0+$/.test(comma[1]!)) return { problem: 'mixed' }
  const plain = t.replace(',', '.')
  if (!/^\d+(\.\d+)?$/.test(plain)) return { problem: 'invalid' }
  const [, frac = ''] = plain.split('.')
  if (frac.length > decimals) return { problem: 'precision' }
  try {
    return { amount: parseUnits(plain, decimals) }
  } catch {
    return { problem: 'invalid' }
  }
}

/** `readAmount`'s amount, undefined when the text is not one. */
export function parseAmount(text: string, decimals: number): bigint | undefined {
  const r = readAmount(text, decimals)
  return 'amount' in r ? r.amount : undefined
}

export { shortAddress } from './address.ts'

/** "2d 03:04:05" / "03:04:05" / "04:05" for a number of seconds (never negative); `days` words the day part. */
export function formatCountdown(seconds: number, days: (d: number) => string = (d) => `${d}d`): string {
  const s = Math.max(0, Math.floor(seconds))
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3_600)
  const m = Math.floor((s % 3_600) / 60)
  const sec = s % 60
  const pad = (n: number): string => n.toString().padStart(2, '0')
  const clock = h > 0 || d > 0 ? `${pad(h)}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`
  return d > 0 ? `${days(d)} ${clock}` : clock
}

/** A date and time in the reader's locale. */
export function formatDateTime(unixSeconds: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(unixSeconds * 1000)
}

/** The currency a catalog row names (a symbol or an address), from the known currencies. */
export function currencyOf(code: string, currencies: readonly Currency[]): Currency | undefined {
  const c = code.toLowerCase()
  return currencies.find((x) => x.id.toLowerCase() === c || x.symbol.toLowerCase() === c)
}

/** An amount in a catalog currency; raw smallest units when the currency is not known here. */
export function formatCatalogPrice(
  amount: bigint,
  code: string,
  currencies: readonly Currency[],
  locale?: string,
): string {
  const currency = currencyOf(code, currencies)
  return currency ? formatAmount(amount, currency, locale) : `${amount} ${code}`
}

/** An amount as a person would type it back into a form (`1.5`, no grouping, no symbol). */
export function amountInput(amount: bigint, decimals: number): string {
  return formatUnits(amount, decimals)
}
