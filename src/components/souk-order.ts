import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { formatAmount, parseAmount, shortAddress } from '../services/format.ts'
import type { ChainService, MessagingService, Order } from '../services/types.ts'
import { chainContext, chainStatusContext, messagingContext } from './context.ts'
import { chainNow, type ChainSnapshot, type StatusSource } from '../core/status.ts'
import { errorSentence } from './chain-error.ts'
import { escrowLabel } from './labels.ts'
import { href } from './routes.ts'
import { shared } from './styles.ts'
import './souk-countdown.ts'
import { outcome } from './notices.ts'
import type { SoukOrderTrust } from './souk-order-trust.ts'
import './souk-order-trust.ts'
import { confirmWords, refundWords, resolveWords, type MoneyWords } from './money-words.ts'
import type { SoukConfirmSheet } from './souk-confirm-sheet.ts'
import './souk-confirm-sheet.ts'
import { SHIPPED_MARK } from './order/souk-order-notes.ts'
import './order/souk-order-notes.ts'

export type OrderAction = 'ship' | 'confirm' | 'dispute' | 'claim' | 'refund' | 'resolve'

/**
 * The actions that fit an escrow for the person in `order.role`, by the contract's rules (docs/contracts.md,
 * "Escrow"): before the deadline of a shipped or disputed escrow, its parties' moves; from the deadline on,
 * only `claimTimeout`, offered to the party it pays (the seller after the confirm window, the buyer after the
 * arbiter's window). Only the buyer disputes (contracts v3). `now` is the chain's clock.
 */
export function orderActions(order: Pick<Order, 'role' | 'status' | 'deadline'>, now: number): OrderAction[] {
  const open = now < order.deadline
  switch (`${order.role}:${order.status}`) {
    case 'buyer:funded':
      return ['confirm', 'dispute']
    case 'buyer:shipped':
      return open ? ['confirm', 'dispute'] : []
    case 'buyer:disputed':
      return open ? ['confirm'] : ['claim']
    case 'seller:funded':
      return ['ship', 'refund']
    case 'seller:shipped':
      return open ? ['refund'] : ['claim']
    case 'seller:disputed':
      return open ? ['refund'] : []
    case 'arbiter:disputed':
      return open ? ['resolve'] : []
    default:
      return []
  }
}

/** The arbiter's fee on `price`, as the contract computes it (rounded down). */
export function arbiterFee(price: bigint, feeBps: number): bigint {
  return (price * BigInt(feeBps)) / 10_000n
}

/**
 * What an arbiter's decision shares out, as `resolve` computes it: the price less the arbiter's fee, less the
 * market's fee on that (rounded down); the decision gives the buyer 0 to all of it, the seller the rest.
 */
export function decisionShares(o: Pick<Order, 'price' | 'arbiterFeeBps' | 'protocolFeeBps'>): {
  fee: bigint
  marketFee: bigint
  rest: bigint
} {
  const fee = arbiterFee(o.price, o.arbiterFeeBps)
  const marketFee = ((o.price - fee) * BigInt(o.protocolFeeBps)) / 10_000n
  return { fee, marketFee, rest: o.price - fee - marketFee }
}

/**
 * One escrow with its state, the live countdown to its deadline (on the chain's clock), links to the
 * conversations and the actions that fit. An action is sent once however often the button is pressed
 * (disabled and guarded while it runs); a refusal or a rejected wallet request is shown as a sentence and
 * leaves the buttons usable.
 *
 * @fires souk-order-changed - after an action went through (bubbles, composed): lists reload
 */
@customElement('souk-order')
@localized()
export class SoukOrder extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: grid;
        gap: 0.35rem;
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        padding: 0.6rem 0.75rem;
        background: var(--souk-surface, #fff);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .links {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
      }
      fieldset {
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        display: grid;
        gap: 0.35rem;
        margin: 0;
        min-width: 0;
      }
      fieldset label {
        display: flex;
        align-items: center;
        justify-content: flex-start;
        gap: 0.5rem;
        min-height: 2.75rem;
      }
      fieldset input[type='radio'] {
        width: 1.25rem;
        height: 1.25rem;
        min-height: 0;
        margin: 0;
        flex: none;
      }
    `,
  ]

  @property({ attribute: false }) order: Order | undefined
  /** The listing's title, when the catalog has it. */
  @property() heading: string | undefined

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: chainStatusContext, subscribe: true })
  @state()
  status?: StatusSource<ChainSnapshot>

  @consume({ context: messagingContext, subscribe: true })
  @state()
  messaging?: MessagingService

  @query('souk-order-trust') private trust!: SoukOrderTrust
  @query('souk-confirm-sheet') private sheet!: SoukConfirmSheet
  /** The seller's tracking number or note, sent to the buyer with "Mark shipped". */
  @state() private tracking = ''
  @state() private busy: OrderAction | undefined
  @state() private message: { ok: boolean; text: string } | undefined
  @state() private decision: 'seller' | 'buyer' | 'split' = 'split'
  @state() private share = ''
  /** Chain time minus device time when the order was read. */
  @state() private offset = 0
  /** Re-render when a deadline passes (the actions change). */
  @state() private tick = 0

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('order') && this.order) this.offset = this.order.now - Date.now() / 1000
  }

  /** The app's chain clock; the read's own time until the chain status has one. */
  #now(): number {
    return chainNow(this.status?.snapshot) ?? Date.now() / 1000 + this.offset
  }

  async #act(action: OrderAction): Promise<void> {
    const order = this.order
    const chain = this.chain
    // one transaction per press however fast the clicks come: the flag is set before anything awaits
    if (!order || !chain || this.busy) return
    let toBuyer = 0n
    if (action === 'resolve') {
      const { rest } = decisionShares(order)
      if (this.decision === 'buyer') toBuyer = rest
      else if (this.decision === 'split') {
        const parsed = parseAmount(this.share, order.currency.decimals)
        if (parsed === undefined || parsed <= 0n || parsed >= rest) {
          this.message = {
            ok: false,
            text: msg(str`Enter the buyer's share: more than 0 and less than ${formatAmount(rest, order.currency)}.`, {
              id: 'order.split.invalid',
            }),
          }
          return
        }
        toBuyer = parsed
      }
    }
    if (action === 'dispute') {
      // a dialog first: what happens to the money, the reason, and which of the set's arbiters decides
      this.busy = action
      this.message = undefined
      try {
        await this.trust.openDispute()
      } catch (err) {
        this.message = { ok: false, text: errorSentence(err) }
      } finally {
        this.busy = undefined
      }
      return
    }
    this.busy = action
    this.message = undefined
    try {
      // money moves: a second look first, in words and amounts
      const words = this.#words(action, order, toBuyer)
      if (words && !(await this.sheet.ask(words))) return
      const id = order.listingId
      if (action === 'ship') {
        await chain.markShipped(id)
        const note = this.tracking.trim()
        if (note) {
          this.message = { ok: true, text: await this.#sendNote(order, note) }
          this.tracking = ''
          this.dispatchEvent(new Event('souk-order-changed', { bubbles: true, composed: true }))
          return
        }
      } else if (action === 'confirm') await chain.confirmReceipt(id)
      else if (action === 'claim') await chain.claimTimeout(id)
      else if (action === 'refund') await chain.refund(id)
      else await chain.resolveDispute(id, toBuyer)
      this.message = { ok: true, text: this.#done(action) }
      this.dispatchEvent(new Event('souk-order-changed', { bubbles: true, composed: true }))
    } catch (err) {
      this.message = { ok: false, text: errorSentence(err) }
    } finally {
      this.busy = undefined
    }
  }

  #words(action: OrderAction, o: Order, toBuyer: bigint): MoneyWords | undefined {
    const amounts = { price: o.price, currency: o.currency, protocolFeeBps: o.protocolFeeBps }
    if (action === 'confirm') return confirmWords({ ...amounts, seller: o.seller })
    if (action === 'resolve') return resolveWords({ ...amounts, arbiterFeeBps: o.arbiterFeeBps, toBuyer })
    if (action === 'refund') return refundWords({ price: o.price, currency: o.currency, buyer: o.buyer })
    return undefined
  }

  /**
   * The tracking number or note goes to the buyer as an encrypted message in the listing's conversation (the
   * contract's markShipped carries none); a buyer who never set up messaging gets it when they do.
   */
  async #sendNote(o: Order, note: string): Promise<string> {
    const messaging = this.messaging
    try {
      if (!messaging) throw new Error('no messaging')
      if (messaging.status === 'needs-setup') await messaging.enable()
      await messaging.send(o.buyer, `${SHIPPED_MARK}${note}`, { listing: o.listingId })
      return msg('Marked as shipped. Your note was sent to the buyer.', { id: 'order.done.shipNote' })
    } catch {
      return msg('Marked as shipped. Your note could not be sent: send it to the buyer from Messages.', {
        id: 'order.done.shipNoNote',
      })
    }
  }

  #done(action: OrderAction): string {
    switch (action) {
      case 'ship':
        return msg('Marked as shipped. The buyer now has a window to confirm.', { id: 'order.done.ship' })
      case 'confirm':
        return msg('Receipt confirmed: the seller is paid.', { id: 'order.done.confirm' })
      case 'dispute':
        return '' // the dialog reports it (souk-order-trust)
      case 'claim':
        return msg('Claimed after the deadline.', { id: 'order.done.claim' })
      case 'refund':
        return msg('Refunded to the buyer.', { id: 'order.done.refund' })
      case 'resolve':
        return msg('Decision recorded.', { id: 'order.done.resolve' })
    }
  }

  #label(action: OrderAction): string {
    switch (action) {
      case 'ship':
        return msg('Mark shipped', { id: 'order.ship' })
      case 'confirm':
        return msg('Confirm receipt', { id: 'order.confirm' })
      case 'dispute':
        return msg('Open a dispute', { id: 'order.dispute' })
      case 'claim':
        return msg('Claim after the deadline', { id: 'order.claim' })
      case 'refund':
        return msg('Refund the buyer', { id: 'order.refund' })
      case 'resolve':
        return msg('Decide', { id: 'order.resolve' })
    }
  }

  #deadline(o: Order) {
    if (!o.deadline) return nothing
    const what =
      o.status === 'shipped'
        ? msg('Buyer confirms within', { id: 'order.deadline.confirm' })
        : msg('Arbiter decides within', { id: 'order.deadline.decide' })
    return html`<span data-testid="deadline"
      >${what}
      <souk-countdown
        .deadline=${o.deadline}
        .offset=${this.offset}
        @souk-deadline=${() => this.tick++}
      ></souk-countdown
    ></span>`
  }

  #links(o: Order) {
    const chat = (who: `0x${string}`, label: string) =>
      html`<a data-testid="chat" href=${href(`/messages/${who}`, { listing: o.listingId })}>${label}</a>`
    const links =
      o.role === 'buyer'
        ? [chat(o.seller, msg('Message the seller', { id: 'order.chat.seller' }))]
        : o.role === 'seller'
          ? [chat(o.buyer, msg('Message the buyer', { id: 'order.chat.buyer' }))]
          : [
              chat(o.buyer, msg('Message the buyer', { id: 'order.chat.buyer' })),
              chat(o.seller, msg('Message the seller', { id: 'order.chat.seller' })),
            ]
    if (o.status === 'disputed' && o.arbiter && o.role !== 'arbiter')
      links.push(chat(o.arbiter, msg('Message the arbiter', { id: 'order.chat.arbiter' })))
    return html`<span class="links">${links}</span>`
  }

  #settlement(o: Order) {
    const s = o.settlement
    if (!s) return nothing
    return html`<span class="muted" data-testid="settlement"
      >${msg(
        str`To the buyer ${formatAmount(s.toBuyer, o.currency)} · to the seller ${formatAmount(s.toSeller, o.currency)} · arbiter's fee ${formatAmount(s.arbiterFee, o.currency)} · market fee ${formatAmount(s.protocolFee, o.currency)}`,
        { id: 'order.settlement.v3' },
      )}</span
    >`
  }

  #resolveForm(o: Order) {
    const { fee, marketFee, rest } = decisionShares(o)
    const radio = (value: 'seller' | 'buyer' | 'split', label: string) =>
      html`<label
        ><input
          type="radio"
          name="decision"
          value=${value}
          .checked=${this.decision === value}
          @change=${() => (this.decision = value)}
        />${label}</label
      >`
    return html`<fieldset data-testid="resolve">
      <legend>
        ${msg(
          str`Your decision: your fee ${formatAmount(fee, o.currency)}, the market's fee ${formatAmount(marketFee, o.currency)}, ${formatAmount(rest, o.currency)} to share`,
          {
            id: 'order.resolve.legend.v3',
          },
        )}
      </legend>
      ${radio('seller', msg('Release everything to the seller', { id: 'order.resolve.seller' }))}
      ${radio('buyer', msg('Refund everything to the buyer', { id: 'order.resolve.buyer' }))}
      ${radio('split', msg('Split', { id: 'order.resolve.split' }))}
      ${
        this.decision === 'split'
          ? html`<label for="share"
                >${msg(str`Buyer's share (${o.currency.symbol})`, { id: 'order.resolve.share' })}</label
              ><input
                id="share"
                inputmode="decimal"
                autocomplete="off"
                .value=${this.share}
                @input=${(e: Event) => (this.share = (e.target as HTMLInputElement).value)}
              />`
          : nothing
      }
    </fieldset>`
  }

  override render() {
    const o = this.order
    if (!o) return nothing
    void this.tick
    const actions = orderActions(o, this.#now())
    const role =
      o.role === 'buyer'
        ? msg('You bought this', { id: 'order.role.buyer' })
        : o.role === 'seller'
          ? msg('You sold this', { id: 'order.role.seller' })
          : msg('You are the arbiter', { id: 'order.role.arbiter' })
    return html`
      <a href=${href(`/listing/${o.listingId}`)}
        >${this.heading ?? msg(str`Listing ${o.listingId}`, { id: 'listing.fallbackTitle' })}</a
      >
      <span>${role} · ${formatAmount(o.price, o.currency)}</span>
      <strong data-testid="status" data-status=${o.status}>${escrowLabel(o.status)}</strong>
      ${
        o.status === 'disputed' && o.arbiter
          ? html`<span class="muted">${msg('Disputed by the buyer', { id: 'order.disputedBy.buyer' })}</span>`
          : nothing
      }
      ${this.#deadline(o)} ${this.#settlement(o)}
      <span class="muted"
        >${msg(
          str`Seller ${shortAddress(o.seller)} · buyer ${shortAddress(o.buyer)} · arbiter ${o.arbiter ? shortAddress(o.arbiter) : o.arbiters.map(shortAddress).join(', ')}`,
          {
            id: 'order.parties',
          },
        )}</span
      >
      <souk-order-notes .order=${o}></souk-order-notes>
      ${this.#links(o)} ${actions.includes('resolve') ? this.#resolveForm(o) : nothing}
      ${
        actions.includes('ship')
          ? html`<label for="tracking"
                >${msg('Tracking number or note for the buyer (optional)', { id: 'order.tracking' })}</label
              >
              <input
                id="tracking"
                autocomplete="off"
                maxlength="500"
                aria-describedby="tracking-hint"
                .value=${this.tracking}
                @input=${(e: Event) => (this.tracking = (e.target as HTMLInputElement).value)}
              />
              <span class="hint" id="tracking-hint"
                >${msg('Sent to the buyer as an encrypted message when you mark the item shipped.', { id: 'order.tracking.hint' })}</span
              >`
          : nothing
      }
      ${
        actions.length
          ? html`<div class="actions">
              ${actions.map(
                (a) =>
                  html`<button
                    class=${a === 'dispute' || a === 'refund' ? 'button' : 'button primary'}
                    data-action=${a}
                    ?disabled=${this.busy !== undefined}
                    aria-busy=${this.busy === a ? 'true' : 'false'}
                    @click=${() => void this.#act(a)}
                  >
                    ${this.#label(a)}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      ${outcome(this.message)}
      <souk-order-trust .order=${o}></souk-order-trust>
      <souk-confirm-sheet></souk-confirm-sheet>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-order': SoukOrder
  }
}
