import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { getLocale } from '../../i18n.ts'
import { formatAmount } from '../../services/format.ts'
import type { AuctionView, ChainService } from '../../services/types.ts'
import { chainContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { buyWords } from '../money-words.ts'
import { outcome } from '../notices.ts'
import { shared } from '../styles.ts'
import type { SoukConfirmSheet } from '../souk-confirm-sheet.ts'
import '../souk-confirm-sheet.ts'

/**
 * A buy-now listing's purchase: the price and one Buy button, then the confirm sheet (what is paid now, what
 * the seller receives on confirmation, the fees), then the wallet. The purchase names the document shown
 * (`contentHash`): if the seller edited the listing meanwhile, it is refused rather than buying something else.
 *
 * @fires souk-bought - after the purchase went through (bubbles, composed)
 */
@customElement('souk-listing-buy')
@localized()
export class SoukListingBuy extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: grid;
        gap: 0.5rem;
      }
      .price {
        font-size: 1.5rem;
        font-weight: 700;
        margin: 0;
      }
      button {
        width: 100%;
      }
    `,
  ]

  @property({ attribute: false }) auction: AuctionView | undefined
  @property({ attribute: false }) contentHash: `0x${string}` | undefined

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private busy = false
  /** Confirmed on the sheet: the wallet is being asked (the button says so only then). */
  @state() private sending = false
  @state() private message: { ok: boolean; text: string } | undefined
  @query('souk-confirm-sheet') private sheet!: SoukConfirmSheet

  async #buy(): Promise<void> {
    const { auction: a, chain } = this
    if (!a || !chain || this.busy) return
    this.busy = true
    this.message = undefined
    try {
      const protocolFeeBps = await chain.protocolFeeBps()
      const ok = await this.sheet.ask(
        buyWords({ price: a.price, currency: a.currency, protocolFeeBps, arbiterFeeBps: a.arbiterFeeBps }),
      )
      if (!ok) return
      this.sending = true
      const { price } = await chain.buy({
        listingId: a.listingId,
        ...(this.contentHash ? { contentHash: this.contentHash } : {}),
      })
      this.message = {
        ok: true,
        text: msg(
          str`Bought. ${formatAmount(price, a.currency, getLocale())} is held in the escrow until you confirm receipt.`,
          { id: 'buy.done' },
        ),
      }
      this.dispatchEvent(new Event('souk-bought', { bubbles: true, composed: true }))
    } catch (err) {
      this.message = { ok: false, text: errorSentence(err) }
    } finally {
      this.busy = false
      this.sending = false
    }
  }

  override render() {
    const a = this.auction
    if (!a) return nothing
    const price = formatAmount(a.price, a.currency, getLocale())
    return html`
      <p class="price" data-testid="buy-price">${price}</p>
      ${
        a.phase === 'on-sale'
          ? html`<button
              class="primary"
              data-action="buy"
              ?disabled=${this.busy}
              aria-busy=${this.busy ? 'true' : 'false'}
              @click=${() => void this.#buy()}
            >
              ${this.sending ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg(str`Buy now for ${price}`, { id: 'buy.button' })}
            </button>`
          : nothing
      }
      ${outcome(this.message)}
      <souk-confirm-sheet></souk-confirm-sheet>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-listing-buy': SoukListingBuy
  }
}
