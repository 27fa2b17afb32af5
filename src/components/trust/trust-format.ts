/** Words and styles the trust components share: scores, shares, durations, languages, amounts per currency. */
import { css } from 'lit'
import { msg, str } from '@lit/localize'
import { getLocale } from '../../i18n.ts'
import { formatAmount } from '../../services/format.ts'
import type { Score, TrustSummary } from '../../services/trust-types.ts'
import type { Currency } from '../../services/types.ts'
import { durationWords } from '../../services/windows.ts'

/** The largest fee a listing may pay its arbiter (the contract's MAX_ARBITER_FEE_BPS): 10 %. */
export const MAX_ARBITER_FEE_BPS = 1_000

export function scoreLabel(s: Score): string {
  switch (s) {
    case 'positive':
      return msg('Positive', { id: 'trust.score.positive' })
    case 'neutral':
      return msg('Neutral', { id: 'trust.score.neutral' })
    default:
      return msg('Negative', { id: 'trust.score.negative' })
  }
}

/** The tone of a score's dot (statusDot in styles.ts). */
export function scoreTone(s: Score): 'ok' | 'warn' | 'bad' {
  return s === 'positive' ? 'ok' : s === 'neutral' ? 'warn' : 'bad'
}

/** "98 %" (whole percent, rounded down so 99.6 % never reads 100 %) in the page's locale. */
export function percent(share: number): string {
  const p = Math.floor(Math.max(0, Math.min(1, share)) * 100)
  return getLocale() === 'zh-Hans' ? `${p}%` : `${p} %`
}

/** A fee in basis points as a percentage: 150 → "1.5 %". */
export function feePercent(bps: number): string {
  const p = (bps / 100).toString()
  return getLocale() === 'zh-Hans' ? `${p}%` : `${p} %`
}

/** A weighted score (−1..1) with its sign: "+0.95", "−0.20", "0.00". */
export function signedScore(score: number): string {
  const s = Math.max(-1, Math.min(1, score))
  const text = Math.abs(s).toFixed(2)
  return s > 0.004 ? `+${text}` : s < -0.004 ? `−${text}` : text
}

/** A duration in words in the page's language ("2 days", "2 天"). */
export function duration(seconds: number, units = 2): string {
  return durationWords(seconds, getLocale(), { units })
}

/** A language tag in the page's language ("zh-Hans" → "Chinese (Simplified)"), or the tag itself. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([getLocale()], { type: 'language' }).of(tag) ?? tag
  } catch {
    return tag
  }
}

/** Sentences one after the other: a space between them in English, none in Chinese (。 ends a sentence). */
export function sentences(...parts: string[]): string {
  return parts.join(getLocale() === 'zh-Hans' ? '' : ' ')
}

/** Items as the page's language lists them: "English, Simplified Chinese, and Spanish", "英语、简体中文和西班牙语". */
export function listOf(items: readonly string[]): string {
  return new Intl.ListFormat(getLocale(), { type: 'conjunction', style: 'long' }).format(items)
}

/** Amounts in several currencies, never added together: "1.2 ETH · 300 TUSD"; `none` when there are none. */
export function amounts(list: readonly { currency: Currency; amount: bigint }[], none = '—'): string {
  const shown = list.filter((x) => x.amount > 0n)
  return shown.length ? shown.map((x) => formatAmount(x.amount, x.currency, getLocale())).join(' · ') : none
}

/** A date (no time) in the page's locale. */
export function formatDate(unixSeconds: number): string {
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium' }).format(unixSeconds * 1000)
}

/** Ratings in a few words: "41 ratings · 98 % positive", or "No ratings yet". */
export function ratingsLine(r: TrustSummary['ratings']): string {
  if (r.count === 0 || r.sharePositive === undefined) return msg('No ratings yet', { id: 'trust.ratings.none' })
  const share = percent(r.sharePositive)
  return r.count === 1
    ? msg(str`1 rating · ${share} positive`, { id: 'trust.ratings.one' })
    : msg(str`${r.count} ratings · ${share} positive`, { id: 'trust.ratings.many' })
}

/** Card styles for one person's or arbiter's record. */
export const trustCard = css`
  .card h3 {
    margin-top: 0;
  }
  dl.terms {
    grid-template-columns: minmax(7rem, max-content) minmax(0, 1fr);
    align-items: baseline;
    line-height: 1.45;
  }
  /* narrow (a phone, a picker row): each term under its label, so neither column is squeezed */
  @container (max-width: 26rem) {
    dl.terms {
      grid-template-columns: minmax(0, 1fr);
      gap: 0;
    }
    dl.terms dd {
      margin-bottom: 0.4rem;
    }
  }
  .card {
    /* the terms below respond to the card's width (a picker row, a dialog, a page column), not the window's */
    container-type: inline-size;
    border: 1px solid var(--souk-border, #dedad0);
    border-radius: 0.5rem;
    padding: 0.6rem 0.75rem;
    background: var(--souk-surface, #fff);
    min-width: 0;
  }
  .badge {
    display: inline-block;
    font-size: 0.8rem;
    font-weight: 600;
    padding: 0.05rem 0.45rem;
    border-radius: 999px;
    border: 1px solid var(--souk-ok, #1b7a3a);
    color: var(--souk-ok, #1b7a3a);
    white-space: nowrap;
  }
  code {
    overflow-wrap: anywhere;
    font-size: 0.8rem;
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
`
