import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { getLocale } from '../../i18n.ts'
import { shortAddress } from '../../services/address.ts'
import { formatAmount } from '../../services/format.ts'
import type { ArbiterTrust } from '../../services/trust-types.ts'
import type { Currency } from '../../services/types.ts'
import { shared } from '../styles.ts'
import { duration, feePercent, sentences } from './trust-format.ts'
import { dialogStyles } from './dialog-styles.ts'
import './souk-arbiter-record.ts'

export interface DisputeConfirm {
  arbiter: `0x${string}`
  /** What went wrong, trimmed; the integrator sends it to the arbiter as a message. */
  reason: string
}

const REASON_MAX = 2_000

/**
 * The buyer's confirmation before `dispute(listingId, arbiter)`: what happens in words (the price stays held
 * until the chosen arbiter decides within the window, or comes back to the buyer after it), the reason, and
 * the arbiter, chosen from the listing's set with each one's record. The buyer's own address is never
 * selectable. Opens with `show()`; stays open while the integrator sends (`busy`, then `error` or `close()`).
 *
 * @fires dispute-confirm - detail `DisputeConfirm`, when the form is complete
 * @fires dispute-close - the dialog closed (Cancel, Escape, or `close()`)
 */
@customElement('souk-dispute-dialog')
@localized()
export class SoukDisputeDialog extends LitElement {
  static override styles = [
    shared,
    dialogStyles,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0.25rem 0;
        display: grid;
        gap: 0.6rem;
      }
    `,
  ]

  /** The listing's set of arbiters. */
  @property({ attribute: false }) arbiters: readonly ArbiterTrust[] = []
  /** The buyer (the connected account). */
  @property({ attribute: false }) buyer: `0x${string}` | undefined
  @property({ attribute: false }) price = 0n
  @property({ attribute: false }) currency: Currency | undefined
  @property({ type: Number, attribute: 'fee-bps' }) feeBps = 0
  /** The listing's dispute window, seconds. */
  @property({ type: Number, attribute: 'dispute-window' }) disputeWindow = 0
  @property({ type: Number }) now = Math.floor(Date.now() / 1000)
  @property({ attribute: 'listing-id' }) listingId: string | undefined
  /** The dispute is being sent: the buttons are disabled. */
  @property({ type: Boolean }) busy = false
  /** Why sending failed (a sentence from `errorSentence`). */
  @property() error: string | undefined

  @state() private arbiter: string | undefined
  @state() private reason = ''
  /** Which fields are wrong (worded at render time, so a language switch rewords them). */
  @state() private errors: { arbiter?: boolean; reason?: boolean } = {}
  @query('dialog') private dialog!: HTMLDialogElement

  get open(): boolean {
    return this.dialog?.open ?? false
  }

  #selectable(a: ArbiterTrust): boolean {
    return !this.buyer || a.address.toLowerCase() !== this.buyer.toLowerCase()
  }

  /** Opens the dialog (modal), with a fresh form; an only selectable arbiter is chosen. */
  async show(): Promise<void> {
    const selectable = this.arbiters.filter((a) => this.#selectable(a))
    this.arbiter = selectable.length === 1 ? selectable[0]!.address : undefined
    this.reason = ''
    this.errors = {}
    await this.updateComplete
    if (!this.dialog.open) this.dialog.showModal()
  }

  close(): void {
    this.dialog?.close()
  }

  #submit(e: Event): void {
    e.preventDefault()
    if (this.busy) return
    const reason = this.reason.trim()
    const chosen = this.arbiters.find((a) => a.address === this.arbiter && this.#selectable(a))
    const errors: typeof this.errors = {}
    if (!chosen) errors.arbiter = true
    if (!reason) errors.reason = true
    this.errors = errors
    if (!chosen || !reason) {
      void this.updateComplete.then(() =>
        this.renderRoot
          .querySelector<HTMLElement>(errors.arbiter ? 'input[name=arbiter]:not(:disabled)' : '#reason')
          ?.focus(),
      )
      return
    }
    this.dispatchEvent(
      new CustomEvent<DisputeConfirm>('dispute-confirm', {
        detail: { arbiter: chosen.address, reason },
        bubbles: true,
        composed: true,
      }),
    )
  }

  #cancel(): void {
    this.close()
  }

  #explanation() {
    const price = this.currency ? formatAmount(this.price, this.currency, getLocale()) : ''
    const window = duration(this.disputeWindow)
    return html`<p data-testid="what-happens">
        ${msg(
          str`The price, ${price}, stays held in the escrow. The arbiter you choose has ${window} to decide: to pay the seller, refund you, or split it. It takes its fee of ${feePercent(this.feeBps)} only if it decides.`,
          { id: 'dispute.explain' },
        )}
      </p>
      <p>
        ${sentences(
          msg(str`If it has not decided within ${window}, you can take the whole price back.`, {
            id: 'dispute.timeout',
          }),
          msg('The seller can still refund you at any time.', { id: 'dispute.refund' }),
        )}
      </p>`
  }

  #arbiterChoice(a: ArbiterTrust) {
    const me = !this.#selectable(a)
    const name = a.profile?.name ?? shortAddress(a.address)
    return html`<li data-address=${a.address} ?data-self=${me}>
      <label class="pick">
        <input
          type="radio"
          name="arbiter"
          .value=${a.address}
          .checked=${this.arbiter === a.address}
          ?disabled=${me}
          aria-describedby=${me ? 'self-note' : nothing}
          @change=${() => ((this.arbiter = a.address), (this.errors = { ...this.errors, arbiter: undefined }))}
        />
        ${msg(str`Choose ${name}`, { id: 'dispute.choose' })}
      </label>
      ${
        me
          ? html`<p class="hint" id="self-note">
              ${msg('This is you: you cannot decide your own dispute.', { id: 'dispute.self' })}
            </p>`
          : nothing
      }
      <souk-arbiter-record
        compact
        .arbiter=${a}
        .now=${this.now}
        listing-id=${this.listingId ?? nothing}
      ></souk-arbiter-record>
    </li>`
  }

  override render() {
    const errors = this.errors
    return html`<dialog
      aria-labelledby="dispute-title"
      @close=${() => this.dispatchEvent(new Event('dispute-close', { bubbles: true, composed: true }))}
    >
      <form @submit=${this.#submit} novalidate>
        <h3 id="dispute-title">${msg('Open a dispute', { id: 'order.dispute' })}</h3>
        ${this.#explanation()}
        <fieldset
          aria-invalid=${errors.arbiter ? 'true' : 'false'}
          aria-describedby=${errors.arbiter ? 'arbiter-error' : nothing}
        >
          <legend>${msg('Who decides', { id: 'dispute.legend' })}</legend>
          <ul>
            ${this.arbiters.map((a) => this.#arbiterChoice(a))}
          </ul>
          ${
            errors.arbiter
              ? html`<p class="error" id="arbiter-error">
                  ${msg('Choose the arbiter who will decide.', { id: 'dispute.err.arbiter' })}
                </p>`
              : nothing
          }
        </fieldset>
        <label for="reason">${msg('What went wrong', { id: 'dispute.reason' })}</label>
        <textarea
          id="reason"
          maxlength=${REASON_MAX}
          required
          aria-invalid=${errors.reason ? 'true' : 'false'}
          aria-describedby="reason-hint${errors.reason ? ' reason-error' : ''}"
          .value=${this.reason}
          @input=${(e: Event) => ((this.reason = (e.target as HTMLTextAreaElement).value), (this.errors = { ...this.errors, reason: undefined }))}
        ></textarea>
        <p class="hint" id="reason-hint">
          ${msg('Sent as a message to the arbiter you choose and to the seller.', { id: 'dispute.reason.hint' })}
        </p>
        ${
          errors.reason
            ? html`<p class="error" id="reason-error">${msg('Say what went wrong.', { id: 'dispute.err.reason' })}</p>`
            : nothing
        }
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="actions">
          <button
            class="primary"
            type="submit"
            data-action="confirm"
            ?disabled=${this.busy}
            aria-busy=${this.busy ? 'true' : 'false'}
          >
            ${this.busy ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Open the dispute', { id: 'dispute.confirm' })}
          </button>
          <button type="button" data-action="cancel" ?disabled=${this.busy} @click=${this.#cancel}>
            ${msg('Cancel', { id: 'settings.cancel' })}
          </button>
        </div>
      </form>
    </dialog>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-dispute-dialog': SoukDisputeDialog
  }
}
