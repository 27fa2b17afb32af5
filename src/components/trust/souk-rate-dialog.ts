import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { getLocale } from '../../i18n.ts'
import { TRUST_LIMITS } from '../../core/trust-limits.ts'
import { shortAddress } from '../../services/address.ts'
import { formatAmount, formatCount } from '../../services/format.ts'
import type { Score } from '../../services/trust-types.ts'
import type { Currency } from '../../services/types.ts'
import { shared, statusDot } from '../styles.ts'
import { dialogStyles } from './dialog-styles.ts'
import { scoreTone, sentences } from './trust-format.ts'

export interface RateConfirm {
  ofArbiter: boolean
  score: Score
  /** The review, trimmed; empty for none (then no review document is pinned). */
  text: string
}

const SCORES: readonly Score[] = ['positive', 'neutral', 'negative']

/**
 * Rating the other party of a closed escrow, or the arbiter after its decision: a score, an optional review
 * (≤ 2,000 characters, with a counter), and in words that the rating is public and permanent and weighs
 * what the trade paid in fees. Opens with `show()`; stays open while the integrator sends (`busy`, then
 * `error` or `close()`).
 *
 * @fires rate-confirm - detail `RateConfirm`, when a score is chosen
 * @fires rate-close - the dialog closed (Cancel, Escape, or `close()`)
 */
@customElement('souk-rate-dialog')
@localized()
export class SoukRateDialog extends LitElement {
  static override styles = [
    shared,
    statusDot,
    dialogStyles,
    css`
      .scores {
        display: grid;
        gap: 0.25rem;
      }
      .pick {
        font-weight: normal;
      }
      .pick strong {
        font-weight: 600;
      }
    `,
  ]

  /** Who is rated. */
  @property({ attribute: false }) subject: `0x${string}` | undefined
  /** Its name, when it has one (an arbiter's profile). */
  @property({ attribute: 'subject-name' }) subjectName: string | undefined
  /** Its part in the trade: the buyer, the seller, or the arbiter that decided the dispute. */
  @property({ attribute: 'subject-role' }) subjectRole: 'buyer' | 'seller' | 'arbiter' = 'seller'
  /** What the trade paid in fees beyond gas (the rating's weight), in `currency`'s smallest unit. */
  @property({ attribute: false }) weight = 0n
  @property({ attribute: false }) currency: Currency | undefined
  @property({ type: Boolean }) busy = false
  @property() error: string | undefined

  @state() private score: Score | undefined
  @state() private text = ''
  @state() private scoreError = false
  @query('dialog') private dialog!: HTMLDialogElement

  get open(): boolean {
    return this.dialog?.open ?? false
  }

  async show(): Promise<void> {
    this.score = undefined
    this.text = ''
    this.scoreError = false
    await this.updateComplete
    if (!this.dialog.open) this.dialog.showModal()
  }

  close(): void {
    this.dialog?.close()
  }

  #title(): string {
    const who = this.subjectName ?? (this.subject ? shortAddress(this.subject) : '')
    switch (this.subjectRole) {
      case 'buyer':
        return msg(str`Rate the buyer, ${who}`, { id: 'rate.title.buyer' })
      case 'arbiter':
        return msg(str`Rate the arbiter, ${who}`, { id: 'rate.title.arbiter' })
      default:
        return msg(str`Rate the seller, ${who}`, { id: 'rate.title.seller' })
    }
  }

  #label(s: Score) {
    switch (s) {
      case 'positive':
        return html`<strong>${msg('Positive', { id: 'trust.score.positive' })}</strong> —
          ${msg('it went as agreed', { id: 'rate.positive.hint' })}`
      case 'neutral':
        return html`<strong>${msg('Neutral', { id: 'trust.score.neutral' })}</strong> —
          ${msg('some trouble, but it was settled', { id: 'rate.neutral.hint' })}`
      default:
        return html`<strong>${msg('Negative', { id: 'trust.score.negative' })}</strong> —
          ${msg('it did not go as agreed', { id: 'rate.negative.hint' })}`
    }
  }

  #weight() {
    const c = this.currency
    if (this.weight === 0n || !c)
      return msg(
        'This trade paid no fees, so your rating adds to the count of ratings but not to the score weighed by fees.',
        { id: 'rate.weight.none' },
      )
    return msg(
      str`It weighs what this trade paid in fees, ${formatAmount(this.weight, c, getLocale())}: ratings from trades that paid more count more.`,
      { id: 'rate.weight' },
    )
  }

  #submit(e: Event): void {
    e.preventDefault()
    if (this.busy) return
    if (!this.score) {
      this.scoreError = true
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('input[name=score]')?.focus())
      return
    }
    this.dispatchEvent(
      new CustomEvent<RateConfirm>('rate-confirm', {
        detail: { ofArbiter: this.subjectRole === 'arbiter', score: this.score, text: this.text.trim() },
        bubbles: true,
        composed: true,
      }),
    )
  }

  override render() {
    const max = TRUST_LIMITS.review
    const locale = getLocale()
    return html`<dialog
      aria-labelledby="rate-title"
      @close=${() => this.dispatchEvent(new Event('rate-close', { bubbles: true, composed: true }))}
    >
      <form @submit=${this.#submit} novalidate>
        <h3 id="rate-title">${this.#title()}</h3>
        <p class="notice" data-testid="permanent">
          ${sentences(
            msg(
              'Your rating is public and permanent: it is recorded on the blockchain with your address, and nobody can change or remove it.',
              { id: 'rate.permanent' },
            ),
            this.#weight(),
          )}
        </p>
        <fieldset
          aria-invalid=${this.scoreError ? 'true' : 'false'}
          aria-describedby=${this.scoreError ? 'score-error' : nothing}
        >
          <legend>${msg('Your rating', { id: 'rate.legend' })}</legend>
          <div class="scores">
            ${SCORES.map(
              (s) =>
                html`<label class="pick">
                  <input
                    type="radio"
                    name="score"
                    .value=${s}
                    .checked=${this.score === s}
                    @change=${() => ((this.score = s), (this.scoreError = false))}
                  /><span class="dot" data-tone=${scoreTone(s)}></span><span>${this.#label(s)}</span>
                </label>`,
            )}
          </div>
          ${
            this.scoreError
              ? html`<p class="error" id="score-error">${msg('Choose a rating.', { id: 'rate.err.score' })}</p>`
              : nothing
          }
        </fieldset>
        <label for="review">${msg('Review (optional)', { id: 'rate.review' })}</label>
        <textarea
          id="review"
          maxlength=${max}
          aria-describedby="review-hint counter"
          .value=${this.text}
          @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)}
        ></textarea>
        <p class="hint counter" id="counter" data-testid="counter">
          ${msg(str`${formatCount(this.text.length, locale)} of ${formatCount(max, locale)} characters`, { id: 'rate.counter' })}
        </p>
        <p class="hint" id="review-hint">
          ${msg('Stored as a public document on the relays, linked from your rating.', { id: 'rate.review.hint' })}
        </p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="actions">
          <button
            class="primary"
            type="submit"
            data-action="confirm"
            ?disabled=${this.busy}
            aria-busy=${this.busy ? 'true' : 'false'}
          >
            ${this.busy ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Publish the rating', { id: 'rate.confirm' })}
          </button>
          <button type="button" data-action="cancel" ?disabled=${this.busy} @click=${() => this.close()}>
            ${msg('Cancel', { id: 'settings.cancel' })}
          </button>
        </div>
      </form>
    </dialog>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-rate-dialog': SoukRateDialog
  }
}
