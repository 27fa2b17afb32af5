import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { chainContext } from './context.ts'
import { errorSentence } from './chain-error.ts'
import { shared } from './styles.ts'
import { formatAmount, parseAmount } from '../services/format.ts'
import type { ChainService, Currency } from '../services/types.ts'
import { offerMessaging } from '../services/messaging-ready.ts'

/**
 * The sealed-bid form: the amount (hidden until reveal) and the deposit locked with it (at least the
 * amount; more hides how much you bid). The bid's secret is saved in this browser's vault before the
 * transaction is sent.
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
  @state() private done: string | undefined

  async #submit(e: Event): Promise<void> {
    e.preventDefault()
    const chain = this.chain
    const c = this.currency
    if (!chain || !c) return
    this.error = undefined
    this.done = undefined
    const amount = parseAmount(this.amount, c.decimals)
    const deposit = this.deposit.trim() === '' ? amount : parseAmount(this.deposit, c.decimals)
    if (amount === undefined || amount <= 0n) {
      this.error = msg('Enter your bid as a number, e.g. 1.5.', { id: 'bid.badAmount' })
      return
    }
    if (deposit === undefined || deposit < amount) {
      this.error = msg('The deposit must be at least the bid amount.', { id: 'err.c.DepositBelowAmount' })
      return
    }
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
            .value=${this.amount}
            @input=${(e: Event) => (this.amount = (e.target as HTMLInputElement).value)}
          />
        </div>
        <div>
          <label for="deposit">${msg(str`Deposit (${symbol})`, { id: 'bid.deposit' })}</label>
          <input
            id="deposit"
            name="deposit"
            inputmode="decimal"
            autocomplete="off"
            aria-describedby="deposit-why"
            placeholder=${this.amount}
            .value=${this.deposit}
            @input=${(e: Event) => (this.deposit = (e.target as HTMLInputElement).value)}
          />
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
