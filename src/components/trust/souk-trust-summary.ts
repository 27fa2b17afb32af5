import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { getLocale } from '../../i18n.ts'
import { formatAmount, formatCount } from '../../services/format.ts'
import type { TrustSummary } from '../../services/trust-types.ts'
import { shared, statusDot } from '../styles.ts'
import { amounts, formatDate, percent, ratingsLine, signedScore, trustCard } from './trust-format.ts'

/**
 * What anyone can check about an address, from the market's chain logs: the ratings it received (count,
 * share positive, the fee-weighted score per currency), its completed sales and their value, its purchases,
 * how many distinct people it traded with, and when it was first seen.
 *
 * `compact` is the one line of a listing card: "98 % positive · 41 sales", "No ratings yet · 2 sales", or
 * "No sales yet" for an address with neither.
 * Without `summary` it says the record is being read.
 */
@customElement('souk-trust-summary')
@localized()
export class SoukTrustSummary extends LitElement {
  static override styles = [
    shared,
    statusDot,
    trustCard,
    css`
      :host([compact]) {
        display: inline;
        font-size: 0.875rem;
      }
      .line {
        color: var(--souk-muted, #5e5a50);
      }
      .bar {
        display: flex;
        height: 0.5rem;
        border-radius: 999px;
        overflow: hidden;
        background: var(--souk-border, #dedad0);
        margin: 0.35rem 0 0.5rem;
      }
      .bar span[data-tone='ok'] {
        background: var(--souk-ok, #1b7a3a);
      }
      .bar span[data-tone='warn'] {
        background: var(--souk-warn, #8a5a00);
      }
      .bar span[data-tone='bad'] {
        background: var(--souk-bad, #a3261b);
      }
      .headline {
        font-weight: 600;
        margin: 0;
      }
      ul.counts {
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        padding: 0;
        margin: 0 0 0.5rem;
      }
      dl.terms {
        font-size: 0.95rem;
      }
      .explain {
        display: block;
        font-size: 0.875rem;
      }
    `,
  ]

  @property({ attribute: false }) summary: TrustSummary | undefined
  /** One line for a listing card. */
  @property({ type: Boolean, reflect: true }) compact = false
  /** The heading above the full record ("Seller" on the listing page); none by default. */
  @property() heading: string | undefined

  #compact(s: TrustSummary) {
    const r = s.ratings
    const sales =
      s.completedSales === 1
        ? msg('1 sale', { id: 'trust.sales.one' })
        : msg(str`${formatCount(s.completedSales, getLocale())} sales`, { id: 'trust.sales.many' })
    const rated =
      r.count > 0 && r.sharePositive !== undefined
        ? msg(str`${percent(r.sharePositive)} positive`, { id: 'trust.positive' })
        : msg('No ratings yet', { id: 'trust.ratings.none' })
    // nothing to report at all reads as one fact, not two empty counts
    if (r.count === 0 && s.completedSales === 0)
      return html`<span class="line" data-testid="trust-compact"
        >${msg('No sales yet', { id: 'trust.sales.none' })}</span
      >`
    return html`<span class="line" data-testid="trust-compact">${rated} · ${sales}</span>`
  }

  #bar(r: TrustSummary['ratings']) {
    if (r.count === 0) return nothing
    const part = (n: number, tone: string) =>
      n > 0 ? html`<span data-tone=${tone} style="flex: ${n} 1 0"></span>` : nothing
    return html`<div class="bar" aria-hidden="true">
      ${part(r.positive, 'ok')}${part(r.neutral, 'warn')}${part(r.negative, 'bad')}
    </div>`
  }

  override render() {
    const s = this.summary
    if (!s)
      return html`<span class="muted" role="status"
        >${msg('Reading the record from the chain…', { id: 'trust.loading' })}</span
      >`
    if (this.compact) return this.#compact(s)
    const r = s.ratings
    const locale = getLocale()
    return html`<section class="card" aria-label=${this.heading ?? msg('Trading record', { id: 'trust.record' })}>
      ${this.heading ? html`<h3>${this.heading}</h3>` : nothing}
      <p class="headline" data-testid="ratings">${ratingsLine(r)}</p>
      ${this.#bar(r)}
      ${
        r.count > 0
          ? html`<ul class="counts" data-testid="score-counts">
              <li>
                <span class="dot" data-tone="ok"></span
                >${msg(str`${r.positive} positive`, { id: 'trust.count.positive' })}
              </li>
              <li>
                <span class="dot" data-tone="warn"></span
                >${msg(str`${r.neutral} neutral`, { id: 'trust.count.neutral' })}
              </li>
              <li>
                <span class="dot" data-tone="bad"></span
                >${msg(str`${r.negative} negative`, { id: 'trust.count.negative' })}
              </li>
            </ul>`
          : nothing
      }
      <dl class="terms">
        ${r.weighted.map(
          (w) =>
            html`<dt>${msg(str`Score by fees paid (${w.currency.symbol})`, { id: 'trust.weighted' })}</dt>
              <dd data-testid="weighted" data-currency=${w.currency.symbol}>
                <strong class="num">${signedScore(w.score)}</strong>
                <span class="muted explain"
                  >${msg(str`from −1 to +1, over ${formatAmount(w.totalWeight, w.currency, locale)} in fees`, {
                    id: 'trust.weighted.over',
                  })}</span
                >
              </dd>`,
        )}
        <dt>${msg('Completed sales', { id: 'trust.completedSales' })}</dt>
        <dd class="num" data-testid="sales">${formatCount(s.completedSales, locale)}</dd>
        <dt>${msg('Value sold', { id: 'trust.salesValue' })}</dt>
        <dd data-testid="sales-value">${amounts(s.salesValue)}</dd>
        <dt>${msg('Purchases', { id: 'trust.purchases' })}</dt>
        <dd class="num">${formatCount(s.completedPurchases, locale)}</dd>
        <dt>${msg('Traded with', { id: 'trust.counterparties' })}</dt>
        <dd data-testid="counterparties">
          ${
            s.counterparties === 1
              ? msg('1 person', { id: 'trust.people.one' })
              : msg(str`${formatCount(s.counterparties, locale)} different people`, { id: 'trust.people.many' })
          }
        </dd>
        <dt>${msg('First seen', { id: 'trust.firstSeen' })}</dt>
        <dd data-testid="first-seen">
          ${s.firstSeen === undefined ? msg('Never on this market', { id: 'trust.firstSeen.never' }) : formatDate(s.firstSeen)}
        </dd>
      </dl>
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-trust-summary': SoukTrustSummary
  }
}
