import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { formatAmount, shortAddress } from '../../services/format.ts'
import type { CatalogService, ChainService, WalletView } from '../../services/types.ts'
import { catalogContext, chainContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { escrowLabel, phaseLabel, plural } from '../labels.ts'
import { ChainEventsController, about, names } from '../chain-events.ts'
import { chainLoading, outcome } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import '../souk-order-list.ts'
import '../souk-withdraw-all.ts'
import '../sales/souk-seller-todo.ts'
import { WalletController } from '../wallet-controller.ts'
import { catalogTitles } from '../catalog-controller.ts'

/**
 * A seller's listings (from the chain, titles from the catalog when it has them). Without `seller` it shows
 * the connected account's listings ("My listings") and what the market owes them, with a withdraw button.
 */
@customElement('souk-sales-view')
@localized()
export class SoukSalesView extends LitElement {
  static override styles = [
    shared,
    css`
      ul.sales {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
      ul.sales li {
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        padding: 0.6rem 0.75rem;
        background: var(--souk-surface, #fff);
        display: grid;
        gap: 0.25rem;
      }
    `,
  ]

  /** Whose listings; the connected account when unset. */
  @property() seller: `0x${string}` | undefined
  /** Inside another page (the seller page): no page heading of its own. */
  @property({ type: Boolean }) embedded = false

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  @state() private version = 0
  @state() private message: { ok: boolean; text: string } | undefined

  /** A to-do's action: show that listing's escrow below and put the focus on what to do there. */
  async #jump(listingId: string): Promise<void> {
    const list = this.renderRoot.querySelector('souk-order-list')
    const row = list?.shadowRoot?.querySelector<HTMLElement>(`li[data-listing-id="${listingId}"]`)
    const order = row?.querySelector('souk-order')
    if (!row || !order) return
    row.scrollIntoView({ behavior: 'smooth', block: 'center' })
    await order.updateComplete
    order.shadowRoot?.querySelector<HTMLElement>('#tracking, .actions button')?.focus({ preventScroll: true })
  }

  // bids, finalize, shipping, confirmation and decisions on its listings, whoever sends them
  protected readonly chainEvents = new ChainEventsController(this, {
    relevant: (e) =>
      names(e, this.seller ?? this.wallet?.address) ||
      about(
        e,
        (this.#sales.value?.sales ?? []).map((s) => s.listingId),
      ),
    onChange: () => this.version++,
  })

  readonly #sales = new Task(this, {
    task: async ([chain, catalog, seller, me], { signal }) => {
      const who = seller ?? me
      if (!chain || !who) return undefined
      const sales = await chain.mySales({ seller: who, signal })
      const titles = await catalogTitles(
        catalog,
        sales.map((s) => s.listingId),
        signal,
      )
      return { sales, titles }
    },
    args: () => [this.chain, this.catalog, this.seller, this.wallet?.address, this.version] as const,
  })

  override render() {
    const title = this.seller
      ? msg(str`Listings by ${shortAddress(this.seller)}`, { id: 'sales.by' })
      : msg('My listings', { id: 'app.nav.sales' })
    const heading = this.embedded ? nothing : html`<h2>${title}</h2>`
    if (!this.chain) return html`${heading} ${chainLoading()}`
    const data = this.#sales.value
    const sales = data?.sales ?? []
    const sold = sales.filter((s) => s.auction.escrow)
    const completed = sold.filter(
      (s) => s.auction.escrow?.status === 'released' || s.auction.escrow?.status === 'split',
    )
    const open = sales.filter((s) => ['bidding', 'revealing', 'on-sale'].includes(s.auction.phase))
    return html`
      ${heading}
      ${!this.seller && this.wallet?.status !== 'connected' ? html`<p class="notice">${msg('Connect a wallet (top right) to see your listings.', { id: 'sales.connect' })}</p>` : nothing}
      ${this.#sales.error ? html`<p role="alert" class="error">${errorSentence(this.#sales.error)}</p>` : nothing}
      ${
        data
          ? html`<p data-testid="counts">
              ${
                plural(sales.length) === 'one'
                  ? msg(str`1 listing · ${open.length} open · ${sold.length} sold · ${completed.length} paid out`, {
                      id: 'sales.counts.one',
                    })
                  : msg(
                      str`${sales.length} listings · ${open.length} open · ${sold.length} sold · ${completed.length} paid out`,
                      { id: 'sales.counts' },
                    )
              }
            </p>`
          : nothing
      }
      ${
        !this.seller && this.wallet?.status === 'connected'
          ? html`<souk-seller-todo
              .sales=${sales}
              .titles=${data?.titles ?? new Map()}
              .version=${this.version}
              @souk-todo-jump=${(e: CustomEvent<{ listingId: string }>) => void this.#jump(e.detail.listingId)}
              @souk-order-changed=${() => {
                this.version++
                this.renderRoot.querySelector('souk-order-list')?.reload()
              }}
              ><souk-withdraw-all></souk-withdraw-all
            ></souk-seller-todo>`
          : nothing
      }
      ${outcome(this.message)}
      ${
        !this.seller && this.wallet?.status === 'connected'
          ? html`<h3>${msg('Sold: escrows', { id: 'sales.escrows' })}</h3>
              <souk-order-list
                party="seller"
                .empty=${msg('Nothing sold yet.', { id: 'sales.escrows.none' })}
                @souk-order-changed=${() => {
                  this.version++
                  this.renderRoot.querySelector('souk-withdraw-all')?.reload()
                }}
              ></souk-order-list>
              <h3>${msg('Listings', { id: 'sales.listings' })}</h3>`
          : nothing
      }
      ${data && data.sales.length === 0 ? html`<p class="muted">${msg('No listings yet.', { id: 'sales.none' })} <a href="#/sell">${msg('Sell something', { id: 'sales.sell' })}</a></p>` : nothing}
      <ul class="sales">
        ${(data?.sales ?? []).map(
          (s) =>
            html`<li data-listing-id=${s.listingId}>
              <a href=${href(`/listing/${s.listingId}`)}
                >${data?.titles.get(s.listingId) ?? msg(str`Listing ${s.listingId}`, { id: 'listing.fallbackTitle' })}</a
              >
              <span
                >${phaseLabel(s.auction.phase)} ·
                ${
                  s.auction.escrow && !s.auction.buyNow
                    ? msg(str`sold for ${formatAmount(s.auction.escrow.amount, s.auction.currency)}`, {
                        id: 'sales.soldFor',
                      })
                    : s.auction.buyNow
                      ? formatAmount(s.auction.price, s.auction.currency)
                      : msg(str`reserve ${formatAmount(s.auction.price, s.auction.currency)}`, { id: 'sales.reserve' })
                }</span
              >
              ${s.auction.escrow ? html`<span class="muted" data-testid="escrow-status" data-status=${s.auction.escrow.status}>${escrowLabel(s.auction.escrow.status)}</span>` : nothing}
            </li>`,
        )}
      </ul>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-sales-view': SoukSalesView
  }
}
