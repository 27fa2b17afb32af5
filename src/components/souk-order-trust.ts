import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { getLocale } from '../i18n.ts'
import type { TrustDocsService } from '../services/trust-docs-service.ts'
import type { ArbiterTrust } from '../services/trust-types.ts'
import type { ChainService, MessagingService, Order } from '../services/types.ts'
import { chainContext, messagingContext, trustDocsContext } from './context.ts'
import { errorSentence } from './chain-error.ts'
import { outcome } from './notices.ts'
import { shared } from './styles.ts'
import type { SoukDisputeDialog, DisputeConfirm } from './trust/souk-dispute-dialog.ts'
import type { SoukRateDialog, RateConfirm } from './trust/souk-rate-dialog.ts'
import './trust/souk-dispute-dialog.ts'
import './trust/souk-rate-dialog.ts'
import { DISPUTE_MARK } from './order/souk-order-notes.ts'

/**
 * The trust steps of one escrow (issue #25): the buyer's dispute, in a dialog that says what happens to the
 * money and lets the buyer choose one arbiter of the listing's set (with each one's record; never itself) and
 * give a reason, which is sent to the chosen arbiter as a message; and, once the escrow closed, rating the
 * other party (and, after a decision, the arbiter) with an optional review pinned on relays.
 *
 * `souk-order` calls `openDispute()` for its dispute action and renders this element for the rating buttons.
 *
 * @fires souk-order-changed - after a dispute or a rating went through (bubbles, composed): lists reload
 */
@customElement('souk-order-trust')
@localized()
export class SoukOrderTrust extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: contents;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
    `,
  ]

  @property({ attribute: false }) order: Order | undefined

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: trustDocsContext, subscribe: true })
  @state()
  trustDocs?: TrustDocsService

  @consume({ context: messagingContext, subscribe: true })
  @state()
  messaging?: MessagingService

  @state() private arbiters: ArbiterTrust[] = []
  @state() private busy = false
  @state() private error: string | undefined
  @state() private ratingArbiter = false
  /** The dialog shown, if any: rendered only while open (an order list holds many orders). */
  @state() private open: 'dispute' | 'rate' | undefined
  @state() private message: { ok: boolean; text: string } | undefined
  @query('souk-dispute-dialog') private disputeDialog!: SoukDisputeDialog
  @query('souk-rate-dialog') private rateDialog!: SoukRateDialog

  /** Loads the set's records (with profiles where readable) and opens the dispute dialog. */
  async openDispute(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { order, chain } = this
    if (!order || !chain) return
    this.error = undefined
    this.message = undefined
    const records = await Promise.all(order.arbiters.map((a) => chain.arbiterTrust(a, options)))
    this.arbiters = this.trustDocs ? await this.trustDocs.withProfiles(records, options) : records
    this.open = 'dispute'
    await this.updateComplete
    await this.disputeDialog.show()
  }

  async #dispute(e: CustomEvent<DisputeConfirm>): Promise<void> {
    const { order, chain } = this
    if (!order || !chain || this.busy) return
    this.busy = true
    this.error = undefined
    try {
      await chain.dispute(order.listingId, e.detail.arbiter)
    } catch (err) {
      this.error = errorSentence(err)
      this.busy = false
      return
    }
    this.busy = false
    this.disputeDialog.close()
    // the dispute is on chain; the reason goes to the chosen arbiter as a message (kept in the outbox until the
    // arbiter can be reached); if messaging is not set up on this device the buyer is told to send it
    let sent = false
    try {
      const messaging = this.messaging
      if (messaging?.status === 'needs-setup') await messaging.enable()
      if (messaging?.status === 'ready' || messaging?.status === 'starting') {
        // marked, so that the arbiter's case shows it as the reason (souk-order-notes); kept for whoever has not
        // set up messaging yet and sent when they do
        for (const to of [e.detail.arbiter, order.seller])
          await messaging.send(to, `${DISPUTE_MARK}${e.detail.reason}`, { listing: order.listingId })
        sent = true
      }
    } catch {
      /* said below */
    }
    this.message = {
      ok: true,
      text: sent
        ? msg('Dispute opened. Your reason was sent to the arbiter you chose and to the seller.', {
            id: 'order.dispute.sent',
          })
        : msg('Dispute opened. Set up messaging to send the arbiter and the seller your reason and evidence.', {
            id: 'order.dispute.unsent',
          }),
    }
    this.dispatchEvent(new Event('souk-order-changed', { bubbles: true, composed: true }))
  }

  async #openRate(ofArbiter: boolean): Promise<void> {
    this.ratingArbiter = ofArbiter
    this.error = undefined
    this.message = undefined
    this.open = 'rate'
    await this.updateComplete
    await this.rateDialog.show()
  }

  async #rate(e: CustomEvent<RateConfirm>): Promise<void> {
    const { order, chain } = this
    if (!order || !chain || this.busy) return
    this.busy = true
    this.error = undefined
    try {
      let reviewCid: string | undefined
      if (e.detail.text) {
        if (!this.trustDocs)
          throw new Error(msg('Reviews need the peer-to-peer node, which is not running.', { id: 'order.rate.noNode' }))
        const doc = await this.trustDocs.publishReview({
          v: 1,
          listingId: order.listingId,
          text: e.detail.text,
          lang: getLocale(),
        })
        reviewCid = doc.cid.toString()
      }
      await chain.rate(order.listingId, { ofArbiter: e.detail.ofArbiter, score: e.detail.score, reviewCid })
      this.rateDialog.close()
      this.message = { ok: true, text: msg('Thank you: your rating is on the chain.', { id: 'order.rate.done' }) }
      this.dispatchEvent(new Event('souk-order-changed', { bubbles: true, composed: true }))
    } catch (err) {
      this.error = errorSentence(err)
    } finally {
      this.busy = false
    }
  }

  override render() {
    const o = this.order
    if (!o) return nothing
    const weight = o.settlement ? o.settlement.arbiterFee + o.settlement.protocolFee : 0n
    const other = o.role === 'buyer' ? o.seller : o.buyer
    const rateParty = o.role !== 'arbiter' && o.mayRate.party
    const rateArbiter = o.role !== 'arbiter' && o.mayRate.arbiter && o.arbiter !== undefined
    return html`
      ${
        rateParty || rateArbiter
          ? html`<div class="actions">
              ${
                rateParty
                  ? html`<button class="button" data-action="rate" @click=${() => void this.#openRate(false)}>
                      ${
                        o.role === 'buyer'
                          ? msg('Rate the seller', { id: 'order.rate.seller' })
                          : msg('Rate the buyer', { id: 'order.rate.buyer' })
                      }
                    </button>`
                  : nothing
              }
              ${
                rateArbiter
                  ? html`<button class="button" data-action="rate-arbiter" @click=${() => void this.#openRate(true)}>
                      ${msg('Rate the arbiter', { id: 'order.rate.arbiter' })}
                    </button>`
                  : nothing
              }
            </div>`
          : nothing
      }
      ${outcome(this.message)} ${this.open === 'dispute' ? this.#disputeDialog(o) : nothing}
      ${this.open === 'rate' ? this.#rateDialog(o, other, weight) : nothing}
    `
  }

  #disputeDialog(o: Order) {
    return html`<souk-dispute-dialog
      .arbiters=${this.arbiters}
      .buyer=${o.buyer}
      .price=${o.price}
      .currency=${o.currency}
      fee-bps=${o.arbiterFeeBps}
      dispute-window=${o.disputeWindow}
      .now=${o.now}
      listing-id=${o.listingId}
      ?busy=${this.busy}
      .error=${this.error}
      @dispute-confirm=${(e: CustomEvent<DisputeConfirm>) => void this.#dispute(e)}
      @dispute-close=${() => (this.open = undefined)}
    ></souk-dispute-dialog>`
  }

  #rateDialog(o: Order, other: `0x${string}`, weight: bigint) {
    return html`<souk-rate-dialog
      .subject=${this.ratingArbiter ? o.arbiter : other}
      subject-role=${this.ratingArbiter ? 'arbiter' : o.role === 'buyer' ? 'seller' : 'buyer'}
      .weight=${weight}
      .currency=${o.currency}
      ?busy=${this.busy}
      .error=${this.error}
      @rate-confirm=${(e: CustomEvent<RateConfirm>) => void this.#rate(e)}
      @rate-close=${() => (this.open = undefined)}
    ></souk-rate-dialog>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-order-trust': SoukOrderTrust
  }
}
