import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { Task } from '@lit/task'
import type { CatalogService, ChainService, EscrowRole, EscrowStatus, WalletView } from '../services/types.ts'
import { catalogContext, chainContext } from './context.ts'
import { ChainEventsController, about, names } from './chain-events.ts'
import { errorSentence } from './chain-error.ts'
import { chainLoading } from './notices.ts'
import { shared } from './styles.ts'
import './souk-order.ts'
import { WalletController } from './wallet-controller.ts'
import { catalogTitles } from './catalog-controller.ts'

const OPENS_ESCROW = new Set(['Finalized', 'Purchased'])

/**
 * The connected account's escrows in one role (buyer: my orders; seller: my sales; arbiter: my disputes),
 * each a `<souk-order>`, titles from the catalog when it has them. Reloads when the wallet changes, after an
 * action, when a deadline passes on screen, on every market event about its escrows or its person
 * (`ChainEventsController`) and on the Refresh button.
 */
@customElement('souk-order-list')
@localized()
export class SoukOrderList extends LitElement {
  static override styles = [
    shared,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
      .bar {
        display: flex;
        justify-content: flex-end;
      }
    `,
  ]

  @property() party: EscrowRole = 'buyer'
  /** Only escrows in these states (all when unset). */
  @property({ attribute: false }) statuses: readonly EscrowStatus[] | undefined
  /** Shown when there is nothing to list. */
  @property() empty = ''

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  @state() private version = 0
  // the other parties' actions (shipped, confirmed, disputed, decided) and a deadline passing on screen
  protected readonly chainEvents = new ChainEventsController(this, {
    // a new escrow names its buyer, not its seller: every one is a reason to read again
    relevant: (e) =>
      OPENS_ESCROW.has(e.name) ||
      names(e, this.wallet?.address) ||
      about(
        e,
        (this.#orders.value?.orders ?? []).map((o) => o.listingId),
      ),
    onChange: () => this.reload(),
  })

  readonly #orders = new Task(this, {
    task: async ([chain, catalog, party, me], { signal }) => {
      if (!chain || !me) return undefined
      const orders = await chain.orders({ role: party, signal })
      const titles = await catalogTitles(
        catalog,
        orders.map((o) => o.listingId),
        signal,
      )
      return { orders, titles }
    },
    args: () => [this.chain, this.catalog, this.party, this.wallet?.address, this.version] as const,
  })

  /** Reads the escrows again. */
  reload(): void {
    this.version++
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.addEventListener('souk-order-changed', this.#onChanged)
  }

  readonly #onChanged = (): void => this.reload()

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.removeEventListener('souk-order-changed', this.#onChanged)
  }

  override render() {
    if (!this.chain) return chainLoading()
    if (this.wallet?.status !== 'connected')
      return html`<p class="notice">
        ${msg('Connect a wallet (top right) to see your escrows.', { id: 'orders.connect' })}
      </p>`
    const data = this.#orders.value
    const shown = (data?.orders ?? []).filter((o) => !this.statuses || this.statuses.includes(o.status))
    return html`
      <div class="bar">
        <button class="button" data-action="refresh" @click=${() => this.reload()}>
          ${msg('Refresh', { id: 'orders.refresh' })}
        </button>
      </div>
      ${this.#orders.error ? html`<p role="alert" class="error">${errorSentence(this.#orders.error)}</p>` : nothing}
      ${
        data === undefined && !this.#orders.error
          ? html`<p class="muted" role="status">${msg('Reading the chain…', { id: 'orders.loading' })}</p>`
          : nothing
      }
      ${data && shown.length === 0 ? html`<p class="muted" data-testid="empty">${this.empty}</p>` : nothing}
      <ul>
        ${repeat(
          shown,
          (o) => o.listingId,
          (o) =>
            html`<li data-listing-id=${o.listingId}>
              <souk-order .order=${o} .heading=${data?.titles.get(o.listingId)}></souk-order>
            </li>`,
        )}
      </ul>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-order-list': SoukOrderList
  }
}
