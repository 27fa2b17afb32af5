import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task, TaskStatus } from '@lit/task'
import { shortAddress } from '../../services/format.ts'
import { sellerSummaries } from '../../services/summary-batcher.ts'
import type { TrustDocsService } from '../../services/trust-docs-service.ts'
import type { CatalogService, ChainService, WalletView } from '../../services/types.ts'
import { CatalogChanges } from '../catalog-controller.ts'
import { errorSentence } from '../chain-error.ts'
import { catalogContext, chainContext, startingContext, trustDocsContext } from '../context.ts'
import { catalogUnavailable, chainLoading } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import type { ReviewLoader } from '../trust/souk-reviews.ts'
import { WalletController } from '../wallet-controller.ts'
import '../souk-listing-card.ts'
import '../trust/souk-reviews.ts'
import '../trust/souk-trust-summary.ts'
import './souk-sales-view.ts'

/** The most ratings read for the page (`<souk-reviews>` pages through them ten at a time). */
const MAX_RATINGS = 200
/** The most listings shown under "On sale now". */
const MAX_ON_SALE = 40

/**
 * Anyone's page (`#/seller/<address>`, issue #25): the trading record from the chain (ratings, sales,
 * counterparties, first seen), the ratings received as a buyer or seller with their review texts (fetched from
 * IPFS for the page of ratings shown), what the address has on sale now (the catalog, searched by seller), and
 * on request every listing it made on chain with its state (`<souk-sales-view>`).
 */
@customElement('souk-seller-view')
@localized()
export class SoukSellerView extends LitElement {
  static override styles = [
    shared,
    css`
      .who {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.75rem;
        margin: 0 0 0.5rem;
      }
      .who code {
        overflow-wrap: anywhere;
        font-size: 0.85rem;
      }
      .who a {
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
      }
      .summary[data-state='loading'] {
        /* about the record's height, so the sections below do not jump when it arrives */
        min-height: 16rem;
      }
      details {
        margin-top: 1.25rem;
      }
      /* a list item keeps its disclosure triangle; the padding makes a 44 px target */
      details > summary {
        cursor: pointer;
        padding: 0.65rem 0;
        font-weight: 600;
      }
      .hint {
        margin-bottom: 0.6rem;
      }
    `,
  ]

  /** Whose page it is. */
  @property() address: `0x${string}` | undefined

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  @consume({ context: trustDocsContext, subscribe: true })
  @state()
  trustDocs?: TrustDocsService

  @consume({ context: startingContext, subscribe: true })
  @state()
  starting = false

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  readonly #changes = new CatalogChanges(this)
  /** The chain's listing history is read only when the person opens it (it scans the market's logs). */
  @state() private historyOpen = false

  readonly #summary = new Task(this, {
    task: async ([chain, address], { signal }) =>
      chain && address ? await sellerSummaries(chain).get(address, { signal }) : undefined,
    args: () => [this.chain, this.address] as const,
  })

  readonly #ratings = new Task(this, {
    task: async ([chain, address], { signal }) =>
      chain && address ? await chain.ratingsOf(address, { limit: MAX_RATINGS, as: 'party', signal }) : undefined,
    args: () => [this.chain, this.address] as const,
  })

  readonly #onSale = new Task(this, {
    task: async ([catalog, address], { signal }) => {
      if (!catalog || !address) return undefined
      await catalog.ready
      const now = Math.floor(Date.now() / 1000)
      const status = ['open', 'revealing'] as const
      return await catalog.search({ now, seller: address, status, sort: 'ending-soon', limit: MAX_ON_SALE }, { signal })
    },
    args: () => [this.catalog, this.address, this.#changes.version] as const,
  })

  readonly #currencies = new Task(this, {
    task: async ([chain]) => (chain ? await chain.currencies() : []),
    args: () => [this.chain] as const,
  })

  /** One loader per trust documents service: `<souk-reviews>` fetches again only when it changes. */
  #loader: { docs: TrustDocsService; load: ReviewLoader } | undefined
  #reviewLoader(): ReviewLoader | undefined {
    const docs = this.trustDocs
    if (!docs) return undefined
    if (this.#loader?.docs !== docs) this.#loader = { docs, load: (cid, o) => docs.loadReview(cid, o) }
    return this.#loader.load
  }

  override willUpdate(): void {
    this.#changes.catalog = this.catalog
  }

  #summaryView() {
    const t = this.#summary
    if (t.status === TaskStatus.ERROR)
      return html`<p role="alert" class="error">
        ${msg('The record could not be read from the chain.', { id: 'seller.summaryError' })} ${errorSentence(t.error)}
      </p>`
    const s = t.value
    return html`<div class="summary" data-state=${s ? 'ready' : 'loading'}>
      <souk-trust-summary .summary=${s}></souk-trust-summary>
    </div>`
  }

  #ratingsView() {
    const t = this.#ratings
    if (t.status === TaskStatus.ERROR)
      return html`<p role="alert" class="error">
        ${msg('The ratings could not be read from the chain.', { id: 'seller.ratingsError' })} ${errorSentence(t.error)}
      </p>`
    if (!t.value)
      return html`<p class="muted" role="status">${msg('Reading the ratings…', { id: 'seller.ratingsLoading' })}</p>`
    return html`<souk-reviews .ratings=${t.value} .loader=${this.#reviewLoader()}></souk-reviews>`
  }

  #onSaleView() {
    if (!this.catalog) return catalogUnavailable(this.starting)
    const t = this.#onSale
    if (t.status === TaskStatus.ERROR)
      return html`<p role="alert" class="error">
        ${msg('The catalog could not be searched.', { id: 'seller.catalogError' })} ${errorSentence(t.error)}
      </p>`
    const result = t.value
    if (!result) return html`<p class="muted" role="status">${msg('Loading the catalog…', { id: 'home.loading' })}</p>`
    if (result.hits.length === 0)
      return html`<p class="muted" data-testid="none-on-sale">
        ${msg('Nothing on sale right now.', { id: 'seller.noneOnSale' })}
      </p>`
    const currencies = this.#currencies.value ?? []
    return html`<ul class="grid" data-testid="on-sale">
      ${result.hits.map((l) => html`<li><souk-listing-card .listing=${l} .currencies=${currencies}></souk-listing-card></li>`)}
    </ul>`
  }

  override render() {
    const address = this.address
    if (!address) return nothing
    const me = this.wallet?.address?.toLowerCase() === address.toLowerCase()
    return html`
      <h2>${msg(str`Trading record of ${shortAddress(address)}`, { id: 'seller.title' })}</h2>
      <p class="who">
        <code data-testid="address">${address}</code>
        ${
          me
            ? html`<span class="muted">${msg('This is you.', { id: 'seller.you' })}</span>`
            : html`<a href=${href(`/messages/${address}`)} data-testid="message"
                >${msg('Send a message', { id: 'seller.message' })}</a
              >`
        }
      </p>
      ${this.chain ? this.#summaryView() : chainLoading()}
      <section aria-labelledby="ratings">
        <h3 id="ratings">${msg('Ratings and reviews', { id: 'seller.ratings' })}</h3>
        <p class="hint">
          ${msg('Only the other side of a closed escrow can rate, once; a rating weighs what the trade paid in fees.', {
            id: 'seller.ratingsHint',
          })}
        </p>
        ${this.chain ? this.#ratingsView() : nothing}
      </section>
      <section aria-labelledby="on-sale">
        <h3 id="on-sale">${msg('On sale now', { id: 'seller.onSale' })}</h3>
        ${this.#onSaleView()}
      </section>
      <details @toggle=${(e: Event) => (this.historyOpen = (e.currentTarget as HTMLDetailsElement).open)}>
        <summary>${msg('Every listing on the chain, with its state', { id: 'seller.history' })}</summary>
        ${this.historyOpen ? html`<souk-sales-view .seller=${address} embedded></souk-sales-view>` : nothing}
      </details>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-seller-view': SoukSellerView
  }
}
