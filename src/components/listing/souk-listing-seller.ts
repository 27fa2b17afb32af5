import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import type { AuctionView, ChainService } from '../../services/types.ts'
import { chainContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { cancelWords } from '../money-words.ts'
import { outcome } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import type { SoukConfirmSheet } from '../souk-confirm-sheet.ts'
import '../souk-confirm-sheet.ts'

/**
 * The seller's tools on its own listing, by the contract's rules (docs/contracts.md, "Listing"): before the first
 * bid or sale, edit the description and photos (`updateContentHash`, only while bidding is open) and cancel (after
 * the confirm sheet); once it ended unsold, expired or was cancelled, relist it in one step (the sell form filled
 * from this listing, the same photos).
 *
 * @fires souk-listing-cancelled - after the cancellation went through (bubbles, composed)
 */
@customElement('souk-listing-seller')
@localized()
export class SoukListingSeller extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .tools > * {
        flex: 1 1 9rem;
        text-align: center;
      }
    `,
  ]

  @property({ attribute: false }) auction: AuctionView | undefined

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private busy = false
  /** Confirmed on the sheet: the wallet is being asked (the button says so only then). */
  @state() private sending = false
  @state() private message: { ok: boolean; text: string } | undefined
  @query('souk-confirm-sheet') private sheet!: SoukConfirmSheet

  async #cancel(): Promise<void> {
    const { auction: a, chain } = this
    if (!a || !chain || this.busy) return
    this.busy = true
    this.message = undefined
    try {
      if (!(await this.sheet.ask(cancelWords()))) return
      this.sending = true
      await chain.cancelListing(a.listingId)
      this.message = { ok: true, text: msg('Listing cancelled.', { id: 'seller.cancelled' }) }
      this.dispatchEvent(new Event('souk-listing-cancelled', { bubbles: true, composed: true }))
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
    const open = a.phase === 'bidding' || a.phase === 'on-sale'
    // an auction nobody bid on is unsold as soon as bidding ends (finalize would only say so)
    const unsold =
      (a.phase === 'ended' && !a.escrow) ||
      a.phase === 'expired' ||
      a.phase === 'cancelled' ||
      (!a.hasBids && (a.phase === 'revealing' || a.phase === 'finalizable'))
    const editable = open && !a.hasBids && a.now < a.biddingEnd
    return html`
      <p class="muted">${msg('This is your listing.', { id: 'listing.yours' })}</p>
      ${
        open && a.hasBids
          ? html`<p class="hint" data-testid="locked">
              ${msg('Someone has bid: the listing can no longer be edited or cancelled.', { id: 'seller.locked' })}
            </p>`
          : nothing
      }
      <div class="tools">
        ${
          editable
            ? html`<a class="button" data-action="edit" href=${href('/sell', { edit: a.listingId })}
                >${msg('Edit description and photos', { id: 'seller.edit' })}</a
              >`
            : nothing
        }
        ${
          open && !a.hasBids
            ? html`<button data-action="cancel-listing" ?disabled=${this.busy} @click=${() => void this.#cancel()}>
                ${this.sending ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Cancel listing', { id: 'seller.cancel' })}
              </button>`
            : nothing
        }
        ${
          unsold
            ? html`<a class="button primary" data-action="relist" href=${href('/sell', { relist: a.listingId })}
                >${msg('Relist this item', { id: 'seller.relist' })}</a
              >`
            : nothing
        }
      </div>
      ${outcome(this.message)}
      <souk-confirm-sheet></souk-confirm-sheet>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-listing-seller': SoukListingSeller
  }
}
