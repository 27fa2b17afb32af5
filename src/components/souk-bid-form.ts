import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { chainContext } from './context.ts'
import { errorSentence } from './chain-error.ts'
import { shared } from './styles.ts'
import { formatAmount, readAmount, type AmountProblem } from '../services/format.ts'
import type { ChainService, Currency } from '../services/types.ts'
import { offerMessaging } from '../services/messaging-ready.ts'

/** What is wrong with a typed amount, in words. */
function problemText(p: AmountProblem, decimals: number): string {
  switch (p) {
    case 'mixed':
      return msg('Use one decimal mark and no thousands separators, e.g. 1000.5 or 1000,5.', { id: 'bid.mixedMarks' })
    case 'precision':
      return msg(str`At most ${decimals} decimals.`, { id: 'bid.tooPrecise' })
    default:
      return msg('Enter your bid as a number, e.g. 1.5.', { id: 'bid.badAmount' })
  }
}

/**
 * The sealed-bid form: the amount (hidden until reveal) and the deposit locked with it (at least the
 * amount; more hides how much you bid). Amounts take the locale's decimal comma as well as a point. The
 * reserve is public (the listing's `price`), so a bid or deposit below it is refused at its field before
 * anything is sent: the contract refuses a deposit below the reserve, and a bid below it cannot win and pays a
 * penalty when withdrawn. The bid's secret is saved in this browser's vault before the transaction is sent.
 *
 * @fires souk-bid-placed - after the transaction confirmed; detail `{ txHash }` (bubbles, composed)
 */
@customElement('souk-bid-form')
@localized()
export class SoukBidForm extends LitElement {
  static override styles = [
    shared,
    css`
      .row {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
        gap: 0 0.75rem;
      }
      button {
        margin-top: 0.75rem;
        width: 100%;
      }
      .field-error {
        margin: 0.25rem 0 0;
      }
      .field-error:empty {
        display: none;
      }
    `,
  ]

  @property() listingId = ''
  /** Content hash of the listing document shown beside this form (a bid names what the bidder saw), if any. */
  @property({ attribute: false }) contentHash?: `0x${string}`
  @property({ attribute: false }) currency?: Currency
  /** Reserve price, smallest unit. */
  @property({ attribute: false }) reserve = 0n

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private amount = ''
  @state() private deposit = ''
  @state() private busy = false
  @state() private error: string | undefined
  /** Problems at the fields, shown under them. */
  @state() private fieldErrors: { amount?: string; deposit?: string } = {}
  @state() private done: string | undefined

  /** Checks the fields; the amounts when both are right, else the problems (also shown at the fields). */
  check(): { amount: bigint; deposit: bigint } | undefined {
    const c = this.currency
    if (!c) return undefined
    const errors: { amount?: string; deposit?: string } = {}
    const reserve = formatAmount(this.reserve, c)
    const a = readAmount(this.amount, c.decimals)
    const d = this.deposit.trim() === '' ? a : readAmount(this.deposit, c.decimals)
    if (!('amount' in a)) errors.amount = problemText(a.problem, c.decimals)
    else if (a.amount <= 0n) errors.amount = problemText('invalid', c.decimals)
    else if (a.amount < this.reserve)
      errors.amount = msg(
        str`Below the reserve price of ${reserve}: such a bid cannot win, and taking its deposit back costs a penalty.`,
        { id: 'bid.belowReserve' },
      )
    if (this.deposit.trim() !== '' && !('amount' in d)) errors.deposit = problemText(d.problem, c.decimals)
    else if ('amount' in a && 'amount' in d && !errors.amount && d.amount < a.amount)
      errors.deposit = msg('The deposit must be at least the bid amount.', { id: 'err.c.DepositBelowAmount' })
    else if ('amount' in d && d.amount < this.reserve && !errors.amount)
      errors.deposit = msg(str`The deposit must be at least the reserve price of ${reserve}.`, {
        id: 'bid.depositBelowReserve',
      })
    this.fieldErrors = errors
    if (errors.amount || errors.deposit || !('amount' in a) || !('amount' in d)) return undefined
    return { amount: a.amount, deposit: d.amount }
  }

  async #submit(e: Event): Promise<void> {
    e.preventDefault()
    const chain = this.chain
    this.error = undefined
    this.done = undefined
    // the fields are checked before anything else, also while the chain is still loading
    const checked = this.check()
    if (!checked) {
      await this.updateComplete
      this.renderRoot.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus()
      return
    }
    if (!chain) return
    const { amount, deposit } = checked
    this.busy = true
    try {
      const { txHash } = await chain.placeBid({
        listingId: this.listingId,
        amount,
        deposit,
        contentHash: this.contentHash,
      })
      this.done = msg('Your sealed bid is on chain. Come back to reveal it when bidding ends.', { id: 'bid.done' })
      this.amount = ''
      this.deposit = ''
      this.dispatchEvent(new CustomEvent('souk-bid-placed', { detail: { txHash }, bubbles: true, composed: true }))
      offerMessaging(this, 'buyer')
    } catch (err) {
      this.error = errorSentence(err)
    } finally {
      this.busy = false
    }
  }

  override render() {
    const c = this.currency
    const symbol = c?.symbol ?? ''
    return html`<form @submit=${this.#submit} aria-labelledby="bid-title" data-testid="bid-form">
      <h3 id="bid-title">${msg('Place a sealed bid', { id: 'bid.title' })}</h3>
      ${
        c && this.reserve > 0n
          ? html`<p class="hint">
              ${msg(str`Reserve price: ${formatAmount(this.reserve, c)}.`, { id: 'bid.reserve' })}
            </p>`
          : nothing
      }
      <div class="row">
        <div>
          <label for="amount">${msg(str`Your bid (${symbol})`, { id: 'bid.amount' })}</label>
          <input
            id="amount"
            name="amount"
            inputmode="decimal"
            required
            autocomplete="off"
            aria-invalid=${this.fieldErrors.amount ? 'true' : 'false'}
            aria-describedby="amount-error"
            .value=${this.amount}
            @input=${(e: Event) => (this.amount = (e.target as HTMLInputElement).value)}
          />
          <p class="error field-error" id="amount-error">${this.fieldErrors.amount ?? nothing}</p>
        </div>
        <div>
          <label for="deposit">${msg(str`Deposit (${symbol})`, { id: 'bid.deposit' })}</label>
          <input
            id="deposit"
            name="deposit"
            inputmode="decimal"
            autocomplete="off"
            aria-describedby="deposit-error deposit-why"
            aria-invalid=${this.fieldErrors.deposit ? 'true' : 'false'}
            placeholder=${this.amount}
            .value=${this.deposit}
            @input=${(e: Event) => (this.deposit = (e.target as HTMLInputElement).value)}
          />
          <p class="error field-error" id="deposit-error">${this.fieldErrors.deposit ?? nothing}</p>
        </div>
      </div>
      <p class="hint" id="deposit-why">
        ${msg('Everyone sees your deposit but nobody sees your bid, so a deposit larger than your bid keeps your amount secret; whatever you do not pay comes back to you.', { id: 'bid.depositWhy' })}
      </p>
      <button class="primary" type="submit" ?disabled=${this.busy || !this.chain || !c} data-action="bid">
        ${this.busy ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Place bid', { id: 'bid.submit' })}
      </button>
      <p role="status" class="ok">${this.done ?? nothing}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
    </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-bid-form': SoukBidForm
  }
}
