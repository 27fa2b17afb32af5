import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import type { StoredListing } from '../core/search.ts'
import type { ChainService, Currency } from '../services/types.ts'
import { formatCatalogPrice } from '../services/format.ts'
import { sellerSummaries } from '../services/summary-batcher.ts'
import { listingStats } from '../services/stats-batcher.ts'
import { ChainEventsController, about } from './chain-events.ts'
import { getLocale } from '../i18n.ts'
import { chainContext } from './context.ts'
import { href } from './routes.ts'
import { bidCountLabel, statusLabel } from './labels.ts'
import './souk-ipfs-image.ts'
import './souk-countdown.ts'
import './trust/souk-trust-summary.ts'

/**
 * One listing in a list or grid: photo, title (a link to the listing), price (the reserve while open, what it
 * sold for or "No sale" once ended), phase, time left on the chain's clock, how many sealed bids, and the
 * seller's record in one line ("97 % positive · 41 sales"). Bids and outcome come from the chain's events
 * (one batched read for a page of cards, `listingStats`), read again when an event about this listing
 * arrives. The card paints without the record; the line's height is kept for it, and the sellers of a whole
 * page are read in one batched call (`sellerSummaries`).
 */
@customElement('souk-listing-card')
@localized()
export class SoukListingCard extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    a {
      display: block;
      color: inherit;
      text-decoration: none;
      border: 1px solid var(--souk-border, #dedad0);
      border-radius: 0.75rem;
      background: var(--souk-surface, #fff);
      padding: 0.5rem;
      height: 100%;
      box-sizing: border-box;
    }
    a:hover .title {
      text-decoration: underline;
    }
    a:focus-visible {
      outline: 3px solid var(--souk-focus, #1a73e8);
      outline-offset: 2px;
    }
    .title {
      font-weight: 600;
      margin: 0.4rem 0 0.2rem;
      overflow-wrap: anywhere;
      display: -webkit-box;
      -webkit-line-clamp: 2;
      -webkit-box-orient: vertical;
      overflow: hidden;
    }
    .row {
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
      font-size: 0.875rem;
      flex-wrap: wrap;
    }
    .status {
      color: var(--souk-muted, #5e5a50);
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .bids {
      display: block;
      /* kept before the count arrives */
      min-height: 1.2rem;
      font-size: 0.8125rem;
      color: var(--souk-muted, #5e5a50);
    }
    .seller {
      display: block;
      /* kept before the record arrives, so the card does not grow under the reader */
      min-height: 1.3rem;
      line-height: 1.3rem;
      margin-top: 0.2rem;
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
  `

  @property({ attribute: false }) listing?: StoredListing
  @property({ attribute: false }) currencies: readonly Currency[] = []
  /** Chain time minus device time, seconds (for the countdown). */
  @property({ type: Number }) offset = 0

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private version = 0
  protected readonly chainEvents = new ChainEventsController(this, {
    relevant: (e) => !!this.listing && about(e, [this.listing.id]),
    onChange: () => {
      if (this.chain && this.listing) listingStats(this.chain).forget(this.listing.id)
      this.version++
    },
  })

  readonly #stats = new Task(this, {
    task: async ([chain, id], { signal }) => (chain && id ? await listingStats(chain).get(id, { signal }) : undefined),
    args: () => [this.chain, this.listing?.id, this.version] as const,
  })

  readonly #seller = new Task(this, {
    task: async ([chain, seller], { signal }) =>
      chain && seller ? await sellerSummaries(chain).get(seller as `0x${string}`, { signal }) : undefined,
    args: () => [this.chain, this.listing?.seller] as const,
  })

  override render() {
    const l = this.listing
    if (!l) return html``
    const locale = getLocale()
    const stats = this.#stats.value?.listingId === l.id ? this.#stats.value : undefined
    return html`<a href=${href(`/listing/${l.id}`)} data-listing-id=${l.id}>
      <souk-ipfs-image .cid=${l.thumb} alt=""></souk-ipfs-image>
      <p class="title">${l.title}</p>
      <div class="row">
        <span data-testid="card-price"
          >${
            stats?.soldFor !== undefined
              ? msg(str`Sold for ${formatCatalogPrice(stats.soldFor, l.currency, this.currencies, locale)}`, {
                  id: 'card.soldFor',
                })
              : stats?.noSale
                ? msg('No sale', { id: 'card.noSale' })
                : formatCatalogPrice(l.price, l.currency, this.currencies, locale)
          }</span
        >
        <span class="status"
          >${statusLabel(l.status)}${
            l.status === 'open'
              ? html` · <souk-countdown .deadline=${l.biddingEnd} .offset=${this.offset}></souk-countdown>`
              : ''
          }</span
        >
      </div>
      <span class="bids muted" data-testid="card-bids"
        >${
          // none is not said: the catalog does not tell a fixed-price item (no bids ever) from an auction
          stats && stats.bids > 0 && stats.soldFor === undefined && !stats.noSale ? bidCountLabel(stats.bids) : nothing
        }</span
      >
      <span class="seller" data-testid="seller-summary" title=${msg('The seller’s record', { id: 'card.seller' })}
        >${
          this.#seller.value
            ? html`<span class="visually-hidden">${msg('Seller:', { id: 'glance.seller' })}</span>
                <souk-trust-summary compact .summary=${this.#seller.value}></souk-trust-summary>`
            : nothing
        }</span
      >
    </a>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-listing-card': SoukListingCard
  }
}
