import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { CATEGORIES, type Category } from '../../core/listing.ts'
import { AUCTION_STATUSES, SORTS, type AuctionStatus, type SearchQuery, type SearchSort } from '../../core/search.ts'
import { currencyOf, parseAmount } from '../../services/format.ts'
import type { CatalogService, ChainService } from '../../services/types.ts'
import { catalogContext, chainContext, startingContext } from '../context.ts'
import { CatalogChanges } from '../catalog-controller.ts'
import { categoryLabel, plural, statusLabel } from '../labels.ts'
import { catalogUnavailable } from '../notices.ts'
import { href, navigate } from '../routes.ts'
import { shared } from '../styles.ts'
import { Dismissable } from '../dismissable.ts'
import { bottomSheet, PhoneLayout } from '../layout.ts'
import '../souk-listing-card.ts'

const PAGE = 40
/** Rows scanned when filtering by currency (the index has no currency filter; prices only compare within one). */
const CURRENCY_SCAN = 1000
const ENDING_SOON_SECONDS = 24 * 60 * 60

/** The filters, as kept in the URL (`#/search?q=lamp&category=home&sort=price-asc`). */
export interface SearchParams {
  q: string
  category: Category | ''
  status: AuctionStatus | ''
  currency: string
  min: string
  max: string
  ending: boolean
  sort: SearchSort
}

export function parseSearchParams(query: string): SearchParams {
  const p = new URLSearchParams(query)
  const pick = <T extends string>(v: string | null, allowed: readonly T[]): T | '' =>
    v && (allowed as readonly string[]).includes(v) ? (v as T) : ''
  return {
    q: p.get('q') ?? '',
    category: pick(p.get('category'), CATEGORIES),
    status: pick(p.get('status'), AUCTION_STATUSES),
    currency: p.get('currency') ?? '',
    min: p.get('min') ?? '',
    max: p.get('max') ?? '',
    ending: p.get('ending') === '1',
    sort: pick(p.get('sort'), SORTS) || 'relevance',
  }
}

function sortLabel(s: SearchSort): string {
  switch (s) {
    case 'ending-soon':
      return msg('Ending soonest', { id: 'search.sort.ending' })
    case 'newest':
      return msg('Newest', { id: 'search.sort.newest' })
    case 'price-asc':
      return msg('Price: low to high', { id: 'search.sort.priceAsc' })
    case 'price-desc':
      return msg('Price: high to low', { id: 'search.sort.priceDesc' })
    default:
      return msg('Best match', { id: 'search.sort.relevance' })
  }
}

/**
 * Search the local catalog: results as you type, filters (category, currency and price, phase, ending
 * soon), sort, and clear empty / no-result states. Every filter lives in the URL, so a search is a link.
 */
@customElement('souk-search-view')
@localized()
export class SoukSearchView extends LitElement {
  static override styles = [
    bottomSheet,
    shared,
    css`
      form {
        display: grid;
        gap: 0 0.75rem;
        grid-template-columns: 1fr;
      }
      .filters {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr));
        gap: 0 0.75rem;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        font-weight: 600;
        min-height: 2.75rem;
        margin-top: 1.6rem;
      }
      .check input {
        width: 1.25rem;
        height: 1.25rem;
      }
      .count {
        margin: 1rem 0 0.5rem;
      }
      .filter-button {
        justify-self: start;
        margin-top: 0.5rem;
      }
      .badge {
        display: inline-block;
        min-width: 1.25rem;
        margin-inline-start: 0.35rem;
        padding: 0 0.3rem;
        border-radius: 1rem;
        background: var(--souk-accent, #0f5c4d);
        color: var(--souk-on-accent, #fff);
        font-size: 0.8rem;
        text-align: center;
      }
      .sheet {
        max-height: 75dvh;
        box-sizing: border-box;
        padding: 0.75rem 1rem 1rem;
      }
      .sheet h3 {
        margin-top: 0;
      }
      .sheet .filters {
        grid-template-columns: 1fr 1fr;
      }
      .sheet .check {
        grid-column: 1 / -1;
        margin-top: 0.5rem;
      }
      .sheet .actions {
        display: flex;
        gap: 0.5rem;
        justify-content: space-between;
        align-items: center;
        margin-top: 0.75rem;
      }
    `,
  ]

  /** The URL query string of the route. */
  @property() query = ''

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  /** The app is still starting its services (provided by souk-app; false without it). */
  @consume({ context: startingContext, subscribe: true })
  @state()
  starting = false

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  readonly #changes = new CatalogChanges(this)
  /** On a phone the filters are a sheet behind a "Filters" button (they filled the first screen). */
  readonly #layout = new PhoneLayout(this)
  readonly #filters = new Dismissable(this, {
    opener: () => this.renderRoot.querySelector<HTMLElement>('[data-action=filters]'),
    panel: () => this.renderRoot.querySelector('.filter-sheet'),
    onChange: (open) => {
      if (open)
        void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.sheet select')?.focus())
    },
  })

  readonly #currencies = new Task(this, {
    task: async ([chain]) => (chain ? await chain.currencies() : []),
    args: () => [this.chain] as const,
  })

  readonly #results = new Task(this, {
    task: async ([catalog, query], { signal }) => {
      if (!catalog) return undefined
      await catalog.ready
      const p = parseSearchParams(query)
      const currency = p.currency ? currencyOf(p.currency, this.#currencies.value ?? []) : undefined
      const q: SearchQuery = {
        now: Math.floor(Date.now() / 1000),
        sort: p.sort,
        limit: p.currency ? CURRENCY_SCAN : PAGE,
        ...(p.q.trim() ? { text: p.q } : {}),
        ...(p.category ? { category: p.category } : {}),
        ...(p.status ? { status: p.status } : {}),
        ...(p.ending ? { endingWithin: ENDING_SOON_SECONDS } : {}),
      }
      if (currency) {
        const min = parseAmount(p.min, currency.decimals)
        const max = parseAmount(p.max, currency.decimals)
        if (min !== undefined) q.minPrice = min
        if (max !== undefined) q.maxPrice = max
      }
      const result = await catalog.search(q, { signal })
      if (!p.currency) return { ...result, shown: result.hits }
      const want = p.currency.toLowerCase()
      const hits = result.hits.filter(
        (h) => h.currency.toLowerCase() === want || (currency && currencyOf(h.currency, [currency]) !== undefined),
      )
      return { ...result, total: hits.length, shown: hits.slice(0, PAGE) }
    },
    args: () => [this.catalog, this.query, this.#changes.version] as const,
  })

  override willUpdate(): void {
    this.#changes.catalog = this.catalog
  }

  #update(patch: Partial<SearchParams>): void {
    const next = { ...parseSearchParams(this.query), ...patch }
    if (!next.currency) {
      next.min = ''
      next.max = ''
    }
    navigate(
      href('/search', {
        q: next.q,
        category: next.category,
        status: next.status,
        currency: next.currency,
        min: next.min,
        max: next.max,
        ending: next.ending ? '1' : '',
        sort: next.sort === 'relevance' ? '' : next.sort,
      }),
      { replace: true },
    )
  }

  #value = (e: Event): string => (e.target as HTMLInputElement | HTMLSelectElement).value

  override render() {
    const p = parseSearchParams(this.query)
    return html`
      <h2>${msg('Search', { id: 'app.nav.search' })}</h2>
      <form role="search" @submit=${(e: Event) => e.preventDefault()}>
        <label for="q">${msg('What are you looking for?', { id: 'search.label' })}</label>
        <input
          id="q"
          type="search"
          name="q"
          autocomplete="off"
          enterkeyhint="search"
          .value=${p.q}
          @input=${(e: Event) => this.#update({ q: this.#value(e) })}
        />
        ${this.#layout.matches ? this.#filterButton(p) : this.#filterFields(p)}
        ${
          this.#layout.matches
            ? nothing
            : html`<p class="hint" id="price-hint">
                ${msg('Choose a currency to filter by price.', { id: 'search.priceHint' })}
              </p>`
        }
      </form>
      ${this.catalog ? this.#renderResults(p) : catalogUnavailable(this.starting)}
    `
  }

  #filterFields(p: SearchParams) {
    const currencies = this.#currencies.value ?? []
    const facets = this.#results.value?.facets
    return html`<div class="filters">
      <div>
        <label for="category">${msg('Category', { id: 'search.category' })}</label>
        <select id="category" @change=${(e: Event) => this.#update({ category: this.#value(e) as Category })}>
          <option value="" ?selected=${p.category === ''}>
            ${msg('All categories', { id: 'search.category.all' })}
          </option>
          ${CATEGORIES.map(
            (c) =>
              html`<option value=${c} ?selected=${p.category === c}>
                ${categoryLabel(c)}${facets ? ` (${facets.category[c]})` : ''}
              </option>`,
          )}
        </select>
      </div>
      <div>
        <label for="status">${msg('Phase', { id: 'search.status' })}</label>
        <select id="status" @change=${(e: Event) => this.#update({ status: this.#value(e) as AuctionStatus })}>
          <option value="" ?selected=${p.status === ''}>${msg('Any phase', { id: 'search.status.all' })}</option>
          ${AUCTION_STATUSES.map(
            (s) =>
              html`<option value=${s} ?selected=${p.status === s}>
                ${statusLabel(s)}${facets ? ` (${facets.status[s]})` : ''}
              </option>`,
          )}
        </select>
      </div>
      <div>
        <label for="currency">${msg('Currency', { id: 'search.currency' })}</label>
        <select id="currency" @change=${(e: Event) => this.#update({ currency: this.#value(e) })}>
          <option value="" ?selected=${p.currency === ''}>${msg('Any currency', { id: 'search.currency.all' })}</option>
          ${currencies.map((c) => html`<option value=${c.symbol} ?selected=${p.currency === c.symbol}>${c.symbol}</option>`)}
        </select>
      </div>
      <div>
        <label for="min">${msg('Min price', { id: 'search.min' })}</label>
        <input
          id="min"
          inputmode="decimal"
          .value=${p.min}
          ?disabled=${!p.currency}
          aria-describedby="price-hint"
          @change=${(e: Event) => this.#update({ min: this.#value(e) })}
        />
      </div>
      <div>
        <label for="max">${msg('Max price', { id: 'search.max' })}</label>
        <input
          id="max"
          inputmode="decimal"
          .value=${p.max}
          ?disabled=${!p.currency}
          aria-describedby="price-hint"
          @change=${(e: Event) => this.#update({ max: this.#value(e) })}
        />
      </div>
      <div>
        <label for="sort">${msg('Sort by', { id: 'search.sort' })}</label>
        <select id="sort" @change=${(e: Event) => this.#update({ sort: this.#value(e) as SearchSort })}>
          ${SORTS.map((s) => html`<option value=${s} ?selected=${p.sort === s}>${sortLabel(s)}</option>`)}
        </select>
      </div>
      <label class="check">
        <input
          type="checkbox"
          .checked=${p.ending}
          @change=${(e: Event) => this.#update({ ending: (e.target as HTMLInputElement).checked })}
        />
        ${msg('Ending within 24 hours', { id: 'search.ending' })}${facets ? ` (${facets.endingSoon})` : ''}
      </label>
    </div>`
  }

  /** Filters in force (the words and the sort order are not filters). */
  #activeFilters(p: SearchParams): number {
    return [p.category, p.status, p.currency, p.min, p.max, p.ending ? '1' : ''].filter((v) => v !== '').length
  }

  #filterButton(p: SearchParams) {
    const n = this.#activeFilters(p)
    const open = this.#filters.open
    const total = this.#results.value?.total
    return html`<button
        type="button"
        class="filter-button"
        data-action="filters"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="filter-sheet"
        @click=${() => this.#filters.toggle()}
      >
        ${msg('Filters', { id: 'search.filters' })}${
          n > 0
            ? html`<span class="badge" data-testid="filter-count"
                ><span class="visually-hidden">: </span
                >${n === 1 ? msg('1 active', { id: 'search.filters.one' }) : msg(str`${n} active`, { id: 'search.filters.many' })}</span
              >`
            : nothing
        }
      </button>
      ${
        open
          ? html`<div class="filter-sheet">
              <div class="scrim" @click=${() => this.#filters.hide('outside')}></div>
              <div class="sheet" id="filter-sheet" role="dialog" aria-labelledby="filter-title">
                <h3 id="filter-title">${msg('Filters', { id: 'search.filters' })}</h3>
                ${this.#filterFields(p)}
                <p class="hint" id="price-hint">
                  ${msg('Choose a currency to filter by price.', { id: 'search.priceHint' })}
                </p>
                <div class="actions">
                  ${n > 0 ? html`<a href="#/search${p.q ? `?q=${encodeURIComponent(p.q)}` : ''}">${msg('Clear filters', { id: 'search.filters.clear' })}</a>` : html`<span></span>`}
                  <button
                    type="button"
                    class="primary"
                    data-action="show-results"
                    @click=${() => this.#filters.hide('chosen')}
                  >
                    ${
                      total === undefined
                        ? msg('Show results', { id: 'search.filters.show' })
                        : total === 1
                          ? msg('Show 1 result', { id: 'search.filters.showOne' })
                          : msg(str`Show ${total} results`, { id: 'search.filters.showMany' })
                    }
                  </button>
                </div>
              </div>
            </div>`
          : nothing
      }`
  }

  #renderResults(p: SearchParams) {
    const currencies = this.#currencies.value ?? []
    const r = this.#results.value
    const filtered = p.q.trim() !== '' || p.category || p.status || p.currency || p.ending
    return html`
      <p class="count" role="status" aria-live="polite" data-testid="result-count">
        ${
          this.#results.error
            ? html`<span class="error">${String(this.#results.error)}</span>`
            : !r
              ? msg('Searching…', { id: 'search.searching' })
              : r.total === 0
                ? nothing
                : r.match === 'any'
                  ? plural(r.total) === 'one'
                    ? msg('No listing has all your words; 1 has some of them.', { id: 'search.countAny.one' })
                    : msg(str`No listing has all your words; ${r.total} have some of them.`, { id: 'search.countAny' })
                  : plural(r.total) === 'one'
                    ? msg('1 listing', { id: 'search.count.one' })
                    : msg(str`${r.total} listings`, { id: 'search.count' })
        }
      </p>
      ${
        r && r.total === 0
          ? filtered
            ? html`<div class="notice" data-testid="no-results">
                <strong>${msg('Nothing matches.', { id: 'search.none' })}</strong>
                ${msg('Try fewer words or remove a filter.', { id: 'search.none.hint' })}
                <p><a href="#/search">${msg('Clear all filters', { id: 'search.clear' })}</a></p>
              </div>`
            : html`<div class="notice" data-testid="empty-catalog">
                ${msg('The catalog on this device is empty so far. Listings appear as they arrive from the network.', { id: 'search.empty' })}
              </div>`
          : nothing
      }
      ${
        r && r.shown.length
          ? html`<ul class="grid" data-testid="results">
              ${r.shown.map((l) => html`<li><souk-listing-card .listing=${l} .currencies=${currencies}></souk-listing-card></li>`)}
            </ul>`
          : nothing
      }
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-search-view': SoukSearchView
  }
}
