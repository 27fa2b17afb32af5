import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { formatAmount } from '../../services/format.ts'
import type { ChainService, MySale, Order } from '../../services/types.ts'
import { chainContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { ChainEventsController, about } from '../chain-events.ts'
import { outcome } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'

export type TodoKind = 'ship' | 'dispute' | 'claim' | 'finalize' | 'relist'

export interface Todo {
  kind: TodoKind
  listingId: string
}

/**
 * What a seller has to do, from its listings and escrows: ship what was paid for, answer an open dispute, claim
 * a payment whose confirm window passed, close an auction whose reveals ended, relist what did not sell. The
 * order is the urgency: money someone paid first.
 */
export function sellerTodos(sales: readonly MySale[], orders: readonly Order[]): Todo[] {
  const out: Todo[] = []
  for (const o of orders) {
    if (o.role !== 'seller') continue
    if (o.status === 'funded') out.push({ kind: 'ship', listingId: o.listingId })
    else if (o.status === 'disputed') out.push({ kind: 'dispute', listingId: o.listingId })
    else if (o.status === 'shipped' && o.now >= o.deadline) out.push({ kind: 'claim', listingId: o.listingId })
  }
  for (const s of sales) {
    const a = s.auction
    if (a.phase === 'finalizable' && a.hasBids) out.push({ kind: 'finalize', listingId: s.listingId })
    else if (
      (a.phase === 'ended' && !a.escrow) ||
      a.phase === 'expired' ||
      (!a.hasBids && (a.phase === 'revealing' || a.phase === 'finalizable'))
    )
      out.push({ kind: 'relist', listingId: s.listingId })
  }
  const rank: Record<TodoKind, number> = { ship: 0, dispute: 1, claim: 2, finalize: 3, relist: 4 }
  return out.sort((x, y) => rank[x.kind] - rank[y.kind])
}

/**
 * The top of "My listings": today's to-do across every listing, each with its action — Finalize right here,
 * the others a jump to the escrow below (`souk-todo-jump`, detail the listing id) or a link.
 *
 * @fires souk-todo-jump - detail `{ listingId }`: show that listing's escrow (its Mark shipped, Refund, Claim)
 * @fires souk-order-changed - after a Finalize went through (bubbles, composed)
 */
@customElement('souk-seller-todo')
@localized()
export class SoukSellerTodo extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.4rem;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        border: 1px solid var(--souk-border, #dedad0);
        border-inline-start: 4px solid var(--souk-accent, #0f5c4d);
        border-radius: 0.5rem;
        padding: 0.5rem 0.75rem;
        background: var(--souk-surface, #fff);
      }
      li span {
        flex: 1 1 12rem;
        overflow-wrap: anywhere;
      }
      li .button,
      li button {
        flex: 0 0 auto;
      }
    `,
  ]

  @property({ attribute: false }) sales: readonly MySale[] = []
  @property({ attribute: false }) titles: ReadonlyMap<string, string> = new Map()
  /** Bumped by the view after an escrow action: the escrows are read again. */
  @property({ type: Number }) version = 0

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private busy: string | undefined
  @state() private message: { ok: boolean; text: string } | undefined
  @state() private tick = 0
  // escrow steps and deadlines on the seller's listings, whoever sends them
  protected readonly chainEvents = new ChainEventsController(this, {
    relevant: (e) =>
      about(
        e,
        this.sales.map((s) => s.listingId),
      ),
    onChange: () => this.tick++,
  })

  readonly #orders = new Task(this, {
    task: async ([chain], { signal }) => (chain ? await chain.orders({ role: 'seller', signal }) : []),
    args: () => [this.chain, this.version, this.tick] as const,
  })

  #title(id: string): string {
    return this.titles.get(id) ?? msg(str`Listing ${id}`, { id: 'listing.fallbackTitle' })
  }

  async #finalize(id: string): Promise<void> {
    const chain = this.chain
    if (!chain || this.busy) return
    this.busy = id
    this.message = undefined
    try {
      const { buyer, price } = await chain.finalize(id)
      const sale = this.sales.find((s) => s.listingId === id)
      this.message = {
        ok: true,
        text:
          buyer && sale
            ? msg(
                str`Auction closed: sold for ${formatAmount(price, sale.auction.currency)}. Ship it once you have the address.`,
                { id: 'todo.finalized' },
              )
            : msg('Auction closed without a sale.', { id: 'listing.noSale' }),
      }
      this.dispatchEvent(new Event('souk-order-changed', { bubbles: true, composed: true }))
    } catch (err) {
      this.message = { ok: false, text: errorSentence(err) }
    } finally {
      this.busy = undefined
    }
  }

  #jump(listingId: string, label: string) {
    return html`<button
      class="button primary"
      data-action="todo-open"
      @click=${() => this.dispatchEvent(new CustomEvent('souk-todo-jump', { detail: { listingId }, bubbles: true, composed: true }))}
    >
      ${label}
    </button>`
  }

  #item(t: Todo) {
    const title = this.#title(t.listingId)
    let text: string
    let action
    switch (t.kind) {
      case 'ship':
        text = msg(str`Ship “${title}”: the buyer has paid.`, { id: 'todo.ship' })
        action = this.#jump(t.listingId, msg('Mark shipped', { id: 'order.ship' }))
        break
      case 'dispute':
        text = msg(str`“${title}” is disputed: the arbiter decides; you can still refund.`, { id: 'todo.dispute' })
        action = this.#jump(t.listingId, msg('Open the escrow', { id: 'todo.openEscrow' }))
        break
      case 'claim':
        text = msg(str`“${title}”: the buyer’s time to confirm is over; claim your payment.`, { id: 'todo.claim' })
        action = this.#jump(t.listingId, msg('Claim after the deadline', { id: 'order.claim' }))
        break
      case 'finalize':
        text = msg(str`“${title}”: the reveals are over; close the auction to open the escrow.`, {
          id: 'todo.finalize',
        })
        action = html`<button
          class="button primary"
          data-action="todo-finalize"
          ?disabled=${this.busy !== undefined}
          aria-busy=${this.busy === t.listingId ? 'true' : 'false'}
          @click=${() => void this.#finalize(t.listingId)}
        >
          ${this.busy === t.listingId ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Finalize auction', { id: 'listing.finalizeButton' })}
        </button>`
        break
      case 'relist':
        text = msg(str`“${title}” did not sell.`, { id: 'todo.unsold' })
        action = html`<a class="button" data-action="todo-relist" href=${href('/sell', { relist: t.listingId })}
          >${msg('Relist this item', { id: 'seller.relist' })}</a
        >`
        break
    }
    return html`<li data-todo=${t.kind} data-listing-id=${t.listingId}><span>${text}</span>${action}</li>`
  }

  override render() {
    const todos = sellerTodos(this.sales, this.#orders.value ?? [])
    return html`
      <h3>${msg('To do today', { id: 'todo.title' })}</h3>
      <slot></slot>
      ${
        todos.length
          ? html`<ul data-testid="todo">
              ${todos.map((t) => this.#item(t))}
            </ul>`
          : this.#orders.value
            ? html`<p class="muted" data-testid="todo-none">${msg('Nothing to do right now.', { id: 'todo.none' })}</p>`
            : nothing
      }
      ${this.#orders.error ? html`<p role="alert" class="error">${errorSentence(this.#orders.error)}</p>` : nothing}
      ${outcome(this.message)}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-seller-todo': SoukSellerTodo
  }
}
