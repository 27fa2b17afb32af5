import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { getLocale } from '../i18n.ts'
import type { TrustSummary } from '../services/trust-types.ts'
import { shared } from './styles.ts'
import './trust/souk-trust-summary.ts'

/**
 * One line near a listing's bid form (issue #25): the seller's record and how many warnings the trust section
 * raised, with a button to that section, so a buyer on a phone sees them before bidding rather than only at
 * the end of the page. Its height is the same loading or loaded (one line of text, one button), so the bid
 * form below never moves.
 *
 * @fires souk-trust-jump - the person asked to see the trust section
 */
@customElement('souk-trust-glance')
@localized()
export class SoukTrustGlance extends LitElement {
  static override styles = [
    shared,
    css`
      /* phone: the record on one line, the button and the warnings under it; wide: all on one line. Either
         way one line of text and one button high, loading or loaded. */
      .glance {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        grid-template-areas: 'line line' 'button warn';
        gap: 0.25rem 0.75rem;
        align-items: center;
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        padding: 0.4rem 0.75rem;
        background: var(--souk-surface, #fff);
      }
      @media (min-width: 40rem) {
        .glance {
          grid-template-columns: minmax(0, 1fr) auto auto;
          grid-template-areas: 'line warn button';
        }
      }
      .line {
        grid-area: line;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        line-height: 1.5rem;
      }
      .warnings {
        grid-area: warn;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .warn {
        color: var(--souk-warn, #8a5a00);
        font-weight: 600;
      }
      button {
        grid-area: button;
        justify-self: start;
      }
    `,
  ]

  /** The seller's record; undefined while it is read. */
  @property({ attribute: false }) summary: TrustSummary | undefined
  /** How many warnings the trust section shows; undefined while it is read. */
  @property({ type: Number }) warnings: number | undefined
  /** A fixed-price listing: the button says "before you buy". */
  @property({ type: Boolean }) buy = false

  #warnings(n: number) {
    if (n === 0) return msg('No warning', { id: 'glance.noWarning' })
    return html`<span class="warn"
      >${n === 1 ? msg('1 warning', { id: 'glance.warning' }) : msg(str`${n} warnings`, { id: 'glance.warnings' })}</span
    >`
  }

  override render() {
    const s = this.summary
    return html`<div class="glance" data-testid="trust-glance" data-state=${s ? 'ready' : 'loading'}>
      <span class="line"
        >${
          s
            ? // "Seller: 97 % positive" in English, "卖家：97% 好评" in Chinese (no space after the colon)
              html`${msg('Seller:', { id: 'glance.seller' })}${getLocale() === 'zh-Hans' ? '' : ' '}<souk-trust-summary
                  compact
                  .summary=${s}
                ></souk-trust-summary>`
            : html`<span class="muted">${msg('Reading the seller’s record…', { id: 'glance.loading' })}</span>`
        }</span
      >
      <span class="warnings" data-testid="warnings"
        >${this.warnings === undefined ? '' : this.#warnings(this.warnings)}</span
      >
      <button type="button" @click=${() => this.dispatchEvent(new Event('souk-trust-jump'))}>
        ${this.buy ? msg('Check before you buy', { id: 'glance.jumpBuy' }) : msg('Check before you bid', { id: 'glance.jump' })}
      </button>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-trust-glance': SoukTrustGlance
  }
}
