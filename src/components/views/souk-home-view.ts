import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { CATEGORIES } from '../../core/listing.ts'
import type { StoredListing } from '../../core/search.ts'
import type { CatalogService, ChainService, Currency } from '../../services/types.ts'
import { catalogContext, chainContext, startingContext } from '../context.ts'
import { CatalogChanges } from '../catalog-controller.ts'
import { categoryLabel } from '../labels.ts'
import { catalogUnavailable } from '../notices.ts'
import { href } from '../routes.ts'
import { formatCount } from '../../services/format.ts'
import { getLocale } from '../../i18n.ts'
import { shared } from '../styles.ts'
import '../souk-listing-card.ts'

/** The start page: categories, auctions ending soon and newly listed ones, from the local catalog. */
@customElement('souk-home-view')
@localized()
export class SoukHomeView extends LitElement {
  static override styles = [
    shared,
    css`
      .categories {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .intro {
        margin-top: 0;
      }
    `,
  ]

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

  readonly #lists = new Task(this, {
    task: async ([catalog], { signal }) => {
      if (!catalog) return undefined
      await catalog.ready
      const now = Math.floor(Date.now() / 1000)
      const [ending, newest] = await Promise.all([
        catalog.search({ now, status: 'open', sort: 'ending-soon', limit: 8 }, { signal }),
        catalog.search({ now, sort: 'newest', limit: 8 }, { signal }),
      ])
      return { ending: ending.hits, newest: newest.hits }
    },
    args: () => [this.catalog, this.#changes.version] as const,
  })

  readonly #currencies = new Task(this, {
    task: async ([chain]) => (chain ? await chain.currencies() : []),
    args: () => [this.chain] as const,
  })

  override willUpdate(): void {
    this.#changes.catalog = this.catalog
  }

  /** One line on how far this device's catalog is (opening, fetching, saved copy, live). */
  #sync() {
    const s = this.catalog?.state
    if (!s) return nothing
    const n = formatCount(s.verified, getLocale())
    const text =
      s.status === 'failed'
        ? msg('The catalog could not be opened: check your connection.', { id: 'home.sync.failed' })
        : s.status === 'bootstrapping'
          ? msg('Fetching the catalog from a relay…', { id: 'home.sync.bootstrapping' })
          : s.status !== 'ready'
            ? msg('Opening the catalog on this device…', { id: 'home.sync.opening' })
            : s.fromCache && !s.replicating
              ? msg(str`Listings saved on this device: ${n}. Joining the network…`, { id: 'home.sync.cache' })
              : msg(str`Listings on this device: ${n}, kept up to date with the network.`, { id: 'home.sync.ready' })
    return html`<p class="muted" role="status" data-testid="catalog-sync" data-status=${s.status}>${text}</p>`
  }

  #list(title: string, id: string, hits: StoredListing[], currencies: readonly Currency[]) {
    return html`<section aria-labelledby=${id}>
      <h3 id=${id}>${title}</h3>
      ${
        hits.length === 0
          ? html`<p class="muted">${msg('Nothing here yet.', { id: 'home.empty' })}</p>`
          : html`<ul class="grid">
              ${hits.map((l) => html`<li><souk-listing-card .listing=${l} .currencies=${currencies}></souk-listing-card></li>`)}
            </ul>`
      }
    </section>`
  }

  override render() {
    const currencies = this.#currencies.value ?? []
    return html`
      <h2>${msg('Welcome to Souk', { id: 'app.welcome.title' })}</h2>
      <p class="intro">
        ${msg(
          'Here every browser is a peer: the catalog is synced and searched on your device, bids are sealed on chain, and payment waits in a 2-of-3 escrow.',
          { id: 'app.welcome.body' },
        )}
      </p>
      <section aria-labelledby="cats">
        <h3 id="cats">${msg('Categories', { id: 'home.categories' })}</h3>
        <ul class="categories">
          ${CATEGORIES.map((c) => html`<li><a class="button" href=${href('/search', { category: c })}>${categoryLabel(c)}</a></li>`)}
        </ul>
      </section>
      ${this.#sync()}
      ${
        !this.catalog
          ? catalogUnavailable(this.starting)
          : this.#lists.render({
              pending: () =>
                this.#lists.value
                  ? nothing
                  : html`<p class="muted" role="status">${msg('Loading the catalog…', { id: 'home.loading' })}</p>`,
              complete: (v) =>
                v
                  ? html`${this.#list(msg('Ending soon', { id: 'home.ending' }), 'ending', v.ending, currencies)}
                    ${this.#list(msg('Newly listed', { id: 'home.newest' }), 'newest', v.newest, currencies)}`
                  : nothing,
              error: (e) => html`<p class="error" role="alert">${String(e)}</p>`,
            })
      }
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-home-view': SoukHomeView
  }
}
