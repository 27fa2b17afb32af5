import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { SellDraft } from '../../services/drafts.ts'
import type { ArbiterTrust } from '../../services/trust-types.ts'
import { DAY, HOUR, MAX_WINDOW, MIN_CONFIRM_WINDOW, MIN_REVEAL_WINDOW } from '../../services/windows.ts'
import { shared } from '../styles.ts'
import { duration } from '../trust/trust-format.ts'
import type { ArbitersChange } from '../trust/souk-arbiter-picker.ts'
import '../trust/souk-arbiter-picker.ts'
import { draftTerms, type SellErrors, type SellField } from './sell-check.ts'

const LENGTHS = [HOUR, DAY, 3 * DAY, 7 * DAY]
const SALE_LENGTHS = [DAY, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY]
const REVEALS = [HOUR, 6 * HOUR, DAY, 2 * DAY]
const WINDOWS = [DAY, 2 * DAY, 3 * DAY, 5 * DAY, 7 * DAY, 14 * DAY, 30 * DAY]

/** What changed in the draft; `auto` for the picker's first choice (the recommended arbiters), not the seller's. */
export interface TermsChange {
  patch: Partial<SellDraft>
  auto: boolean
}

/** The choices offered, with the current value and the least allowed one among them, in order. */
function choices(standard: readonly number[], current: number, min: number): number[] {
  return [...new Set([...standard, current, min])].filter((s) => s <= MAX_WINDOW).sort((a, b) => a - b)
}

/**
 * The sell form's terms of the sale: how long bidding and the reveals last, the arbiters (`<souk-arbiter-picker>`),
 * the fee within their terms (their minimum unless the seller types another), the buyer's time to confirm and
 * the arbiter's time to decide — each window said in words. Choices below a limit are offered disabled; a draft
 * that still holds one shows the problem at its field when the view checks (`errors`).
 *
 * @fires terms-change - detail `TermsChange` (a patch of the draft) on every change
 */
@customElement('souk-sell-terms')
@localized()
export class SoukSellTerms extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
        min-width: 0;
      }
      .row {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
        gap: 0 0.75rem;
      }
      .words {
        margin: 0.25rem 0 0.5rem;
      }
      /* over the shared input styles' :not() chain */
      input[aria-invalid='true']:not([type='checkbox']):not([type='radio']):not([type='file']),
      select[aria-invalid='true'] {
        border-color: var(--souk-bad, #a3261b);
        box-shadow: 0 0 0 1px var(--souk-bad, #a3261b);
      }
      .error {
        margin: 0.25rem 0 0.5rem;
      }
      .kind {
        margin-bottom: 0.75rem;
      }
      .kind legend {
        font-weight: 600;
      }
      .pick {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        min-height: 2.75rem;
        margin: 0;
      }
      .pick input {
        width: 1.4rem;
        height: 1.4rem;
        margin: 0;
        flex: none;
      }
      souk-arbiter-picker {
        display: block;
        margin: 1rem 0 0.5rem;
      }
    `,
  ]

  /** The draft whose terms are shown. */
  @property({ attribute: false }) draft: SellDraft | undefined
  /** Every registered arbiter (profiles filled in where read); undefined while loading. */
  @property({ attribute: false }) arbiters: readonly ArbiterTrust[] | undefined
  /** The restored draft's arbiters, given to the picker once (undefined: the recommended ones). */
  @property({ attribute: false }) initialArbiters: readonly `0x${string}`[] | undefined
  /** The connected account: never offered as an arbiter. */
  @property({ attribute: false }) seller: `0x${string}` | undefined
  @property({ attribute: false }) errors: SellErrors = {}
  /** The chain's clock (unix seconds), for the arbiters' age. */
  @property({ type: Number }) now = Math.floor(Date.now() / 1000)

  /** Moves the focus to a field of this section. */
  focusField(field: SellField): void {
    if (field === 'arbiters') {
      const picker = this.renderRoot.querySelector('souk-arbiter-picker')
      const box = picker?.shadowRoot?.querySelector<HTMLInputElement>('input:not([disabled])')
      ;(box ?? picker)?.focus()
      picker?.scrollIntoView({ block: 'center' })
      return
    }
    this.renderRoot.querySelector<HTMLElement>(`#${field}`)?.focus()
  }

  #change(patch: Partial<SellDraft>, auto = false): void {
    this.dispatchEvent(
      new CustomEvent<TermsChange>('terms-change', { detail: { patch, auto }, bubbles: true, composed: true }),
    )
  }

  #onArbiters(e: CustomEvent<ArbitersChange>): void {
    e.stopPropagation()
    this.#change({ arbiters: e.detail.arbiters }, this.draft?.arbiters === undefined)
  }

  #error(field: SellField) {
    const text = this.errors[field]
    // none chosen: the picker says so itself, in its summary
    if (field === 'arbiters' && this.arbiters?.length && !this.draft?.arbiters?.length) return nothing
    return text ? html`<p class="error" id="${field}-error" data-testid="${field}-error">${text()}</p>` : nothing
  }

  #described(field: SellField, words: string): string {
    return [words, this.errors[field] ? `${field}-error` : ''].filter(Boolean).join(' ')
  }

  #select(
    field: 'length' | 'reveal' | 'confirm' | 'dispute',
    label: string,
    options: number[],
    value: number,
    min: number,
    words: string | undefined,
    key: keyof SellDraft,
  ) {
    return html`<div>
      <label for=${field}>${label}</label>
      <select
        id=${field}
        aria-invalid=${this.errors[field] ? 'true' : 'false'}
        aria-describedby=${this.#described(field, words ? `${field}-words` : '')}
        @change=${(e: Event) => this.#change({ [key]: Number((e.target as HTMLSelectElement).value) })}
      >
        ${options.map(
          (s) =>
            html`<option value=${s} ?selected=${s === value} ?disabled=${s < min && s !== value}>
              ${duration(s)}
            </option>`,
        )}
      </select>
      ${words ? html`<p class="hint words" id="${field}-words" data-testid="${field}-words">${words}</p>` : nothing}
      ${this.#error(field)}
    </div>`
  }

  override render() {
    const d = this.draft
    if (!d) return nothing
    const t = draftTerms(d, this.arbiters ?? [])
    return html`<fieldset>
      <fieldset class="kind">
        <legend>${msg('How it sells', { id: 'sell.kind' })}</legend>
        <label class="pick"
          ><input
            type="radio"
            name="kind"
            value="auction"
            .checked=${!d.buyNow}
            @change=${() => this.#change({ buyNow: false })}
          />${msg('Sealed-bid auction', { id: 'sell.kind.auction' })}</label
        >
        <label class="pick"
          ><input
            type="radio"
            name="kind"
            value="buy-now"
            .checked=${d.buyNow === true}
            @change=${() => this.#change({ buyNow: true })}
          />${msg('Buy it now at a fixed price', { id: 'sell.kind.buyNow' })}</label
        >
        <p class="hint">
          ${msg('Buy it now sells to the first buyer at your price; an auction sells to the highest sealed bid. A listing is one or the other.', { id: 'sell.kind.hint.v2' })}
        </p>
      </fieldset>
      <div class="row">
        ${
          d.buyNow
            ? this.#select(
                'length',
                msg('On sale for', { id: 'sell.onSaleFor' }),
                choices(SALE_LENGTHS, d.biddingSeconds, HOUR),
                d.biddingSeconds,
                0,
                undefined,
                'biddingSeconds',
              )
            : html`${this.#select('length', msg('Bidding lasts', { id: 'sell.length' }), choices(LENGTHS, d.biddingSeconds, HOUR), d.biddingSeconds, 0, undefined, 'biddingSeconds')}
              ${this.#select(
                'reveal',
                msg('Then bids are revealed for', { id: 'sell.reveal' }),
                choices(REVEALS, d.revealSeconds, MIN_REVEAL_WINDOW),
                d.revealSeconds,
                MIN_REVEAL_WINDOW,
                msg(
                  str`When bidding ends, bidders have ${duration(d.revealSeconds)} to reveal their bids; a bid not revealed in time loses 1 % of its deposit.`,
                  { id: 'sell.reveal.words' },
                ),
                'revealSeconds',
              )}`
        }
      </div>
      ${
        this.arbiters
          ? html`<souk-arbiter-picker
              .arbiters=${this.arbiters}
              .seller=${this.seller}
              .now=${this.now}
              .selected=${this.initialArbiters}
              @arbiters-change=${this.#onArbiters}
            ></souk-arbiter-picker>`
          : html`<p class="hint" role="status" data-testid="arbiters-loading">
              ${msg('Reading the registered arbiters…', { id: 'sell.arbiters.loading' })}
            </p>`
      }
      ${this.#error('arbiters')}
      <label for="fee">${msg('Fee to the arbiter (% of the price)', { id: 'sell.fee' })}</label>
      <input
        id="fee"
        inputmode="decimal"
        autocomplete="off"
        aria-invalid=${this.errors.fee ? 'true' : 'false'}
        aria-describedby=${this.#described('fee', 'fee-words')}
        .value=${t.feeText}
        @input=${(e: Event) => this.#change({ feePercent: (e.target as HTMLInputElement).value.trim() })}
      />
      <p class="hint words" id="fee-words" data-testid="fee-words">
        ${msg('Within the range above. Only the arbiter who decides a dispute is paid, out of the price; nothing if there is no dispute.', { id: 'sell.fee.paid' })}
      </p>
      ${this.#error('fee')}
      <div class="row">
        ${this.#select(
          'confirm',
          msg('Buyer’s time to confirm', { id: 'sell.confirm' }),
          choices(WINDOWS, t.confirm, MIN_CONFIRM_WINDOW),
          t.confirm,
          MIN_CONFIRM_WINDOW,
          msg(
            str`Buyers have ${duration(t.confirm)} to confirm or dispute after you ship; if they do neither, you can claim the payment.`,
            { id: 'sell.confirm.words' },
          ),
          'confirmSeconds',
        )}
        ${this.#select(
          'dispute',
          msg('Arbiter’s time to decide', { id: 'sell.dispute' }),
          choices(WINDOWS, t.dispute, t.minDisputeWindow),
          t.dispute,
          t.minDisputeWindow,
          msg(
            str`If a buyer disputes, the arbiter they choose has ${duration(t.dispute)} to decide; if it does not decide in time, the buyer is refunded.`,
            { id: 'sell.dispute.words' },
          ),
          'disputeSeconds',
        )}
      </div>
    </fieldset>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-sell-terms': SoukSellTerms
  }
}
