import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized } from '@lit/localize'
import type { StoredListing } from '../core/search.ts'
import type { Currency } from '../services/types.ts'
import { formatCatalogPrice } from '../services/format.ts'
import { getLocale } from '../i18n.ts'
import { href } from './routes.ts'
import { statusLabel } from './labels.ts'
import './souk-ipfs-image.ts'
import './souk-countdown.ts'

/** One listing in a list or grid: photo, title (a link to the listing), price, phase, time left. */
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
  `

  @property({ attribute: false }) listing?: StoredListing
  @property({ attribute: false }) currencies: readonly Currency[] = []
  /** Chain time minus device time, seconds (for the countdown). */
  @property({ type: Number }) offset = 0

  override render() {
    const l = this.listing
    if (!l) return html``
    const locale = getLocale()
    return html`<a href=${href(`/listing/${l.id}`)} data-listing-id=${l.id}>
      <souk-ipfs-image .cid=${l.thumb} alt=""></souk-ipfs-image>
      <p class="title">${l.title}</p>
      <div class="row">
        <span>${formatCatalogPrice(l.price, l.currency, this.currencies, locale)}</span>
        <span class="status"
          >${statusLabel(l.status)}${
            l.status === 'open'
              ? html` · <souk-countdown .deadline=${l.biddingEnd} .offset=${this.offset}></souk-countdown>`
              : ''
          }</span
        >
      </div>
    </a>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-listing-card': SoukListingCard
  }
}
