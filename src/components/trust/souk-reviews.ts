import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { getLocale } from '../../i18n.ts'
import { shortAddress } from '../../services/address.ts'
import { formatAmount, formatCount } from '../../services/format.ts'
import type { Rating, ReviewDocument } from '../../services/trust-types.ts'
import { href } from '../routes.ts'
import { shared, statusDot } from '../styles.ts'
import { formatDate, scoreLabel, scoreTone } from './trust-format.ts'

/** Fetches and validates one review document by its CID (e.g. `decodeReview` over the media store). */
export type ReviewLoader = (cid: string, options: { signal: AbortSignal }) => Promise<ReviewDocument | undefined>

type Loaded = { doc: ReviewDocument | undefined } | { error: true }

/**
 * The ratings an address received, newest first, a page at a time, each with its review text. The texts of
 * the page shown are fetched then (`loader`, in a @lit/task: aborted when the page or the list changes); a
 * review that cannot be fetched says so and the rest still show.
 */
@customElement('souk-reviews')
@localized()
export class SoukReviews extends LitElement {
  static override styles = [
    shared,
    statusDot,
    css`
      ol {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.6rem;
      }
      li {
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        padding: 0.6rem 0.75rem;
        background: var(--souk-surface, #fff);
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: 0.15rem 0.75rem;
        font-size: 0.875rem;
        color: var(--souk-muted, #5e5a50);
      }
      .score {
        font-weight: 600;
        color: inherit;
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0.4rem 0 0;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        margin-top: 0.75rem;
      }
    `,
  ]

  @property({ attribute: false }) ratings: readonly Rating[] = []
  @property({ attribute: false }) loader: ReviewLoader | undefined
  @property({ type: Number, attribute: 'page-size' }) pageSize = 10

  @state() private page = 0

  get sorted(): Rating[] {
    return [...this.ratings].sort((a, b) => b.at - a.at)
  }

  get pages(): number {
    return Math.max(1, Math.ceil(this.ratings.length / Math.max(1, this.pageSize)))
  }

  #shown(): Rating[] {
    const size = Math.max(1, this.pageSize)
    return this.sorted.slice(this.page * size, (this.page + 1) * size)
  }

  readonly #texts = new Task(this, {
    task: async ([shown, loader], { signal }) => {
      const out = new Map<string, Loaded>()
      if (!loader) return out
      const cids = [...new Set(shown.flatMap((r) => (r.reviewCid ? [r.reviewCid] : [])))]
      const results = await Promise.allSettled(cids.map((cid) => loader(cid, { signal })))
      results.forEach((r, i) => out.set(cids[i]!, r.status === 'fulfilled' ? { doc: r.value } : { error: true }))
      return out
    },
    args: () => [this.#shown(), this.loader] as const,
    argsEqual: ([a, la], [b, lb]) => la === lb && a.length === b.length && a.every((r, i) => r === b[i]),
  })

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ratings') || changed.has('pageSize')) this.page = Math.min(this.page, this.pages - 1)
  }

  #role(r: Rating): string {
    if (r.ofArbiter)
      return r.raterRole === 'buyer'
        ? msg('the buyer, on the decision', { id: 'reviews.fromBuyer.arbiter' })
        : msg('the seller, on the decision', { id: 'reviews.fromSeller.arbiter' })
    return r.raterRole === 'buyer'
      ? msg('from a buyer', { id: 'reviews.fromBuyer' })
      : msg('from a seller', { id: 'reviews.fromSeller' })
  }

  #text(r: Rating) {
    if (!r.reviewCid) return nothing
    const loaded = this.#texts.value?.get(r.reviewCid)
    if (!loaded) return html`<p class="text muted">${msg('Loading the review…', { id: 'reviews.loading' })}</p>`
    if ('error' in loaded || !loaded.doc)
      // no whitespace around the message: .text keeps it (pre-wrap)
      return html`<p class="text muted" data-testid="review-missing">
        ${msg('The review text could not be fetched.', { id: 'reviews.missing' })}
      </p>`
    return html`<p class="text" lang=${loaded.doc.lang} data-testid="review-text">${loaded.doc.text}</p>`
  }

  #item(r: Rating) {
    const locale = getLocale()
    return html`<li data-listing-id=${r.listingId} data-score=${r.score}>
      <div class="meta">
        <span class="score"><span class="dot" data-tone=${scoreTone(r.score)}></span>${scoreLabel(r.score)}</span>
        <span>${this.#role(r)} <a href=${href(`/seller/${r.rater}`)}>${shortAddress(r.rater)}</a></span>
        <span>${formatDate(r.at)}</span>
        <a href=${href(`/listing/${r.listingId}`)}
          >${msg(str`Listing ${r.listingId}`, { id: 'listing.fallbackTitle' })}</a
        >
        <span
          >${
            r.weight > 0n
              ? msg(str`weighs ${formatAmount(r.weight, r.currency, locale)} in fees`, { id: 'reviews.weight' })
              : msg('no fees paid', { id: 'reviews.noWeight' })
          }</span
        >
      </div>
      ${this.#text(r)}
    </li>`
  }

  override render() {
    if (this.ratings.length === 0)
      return html`<p class="muted" data-testid="no-reviews">${msg('No ratings yet', { id: 'trust.ratings.none' })}</p>`
    const locale = getLocale()
    const pages = this.pages
    return html`<ol aria-label=${msg('Ratings, newest first', { id: 'reviews.label' })}>
        ${this.#shown().map((r) => this.#item(r))}
      </ol>
      ${
        pages > 1
          ? html`<nav aria-label=${msg('Pages of ratings', { id: 'reviews.pages' })}>
              <button data-action="newer" ?disabled=${this.page === 0} @click=${() => this.page--}>
                ${msg('Newer', { id: 'reviews.newer' })}
              </button>
              <span data-testid="page" aria-live="polite"
                >${msg(str`Page ${formatCount(this.page + 1, locale)} of ${formatCount(pages, locale)}`, { id: 'reviews.page' })}</span
              >
              <button data-action="older" ?disabled=${this.page >= pages - 1} @click=${() => this.page++}>
                ${msg('Older', { id: 'reviews.older' })}
              </button>
            </nav>`
          : nothing
      }`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-reviews': SoukReviews
  }
}
