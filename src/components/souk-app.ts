import { LitElement, css, html, nothing, type TemplateResult } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { provide } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import {
  catalogContext,
  chainContext,
  chainStatusContext,
  configContext,
  mediaContext,
  trustDocsContext,
  messagingContext,
  startingContext,
  networkContext,
  publishContext,
} from './context.ts'
import { RouterController, type Route, type RouteName } from './routes.ts'
import type { CatalogService, ChainService, MediaService, PublishService, Reminder } from '../services/types.ts'
import type { TrustDocsService } from '../services/trust-docs-service.ts'
import type { MessagingService } from '../services/types.ts'
import { allLocales, getLocale, LOCALE_NAMES, useLocale, type Locale } from '../i18n.ts'
import { BOTTOM_BAR, phone } from './layout.ts'
import type { SoukConfig } from '../core/config.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from '../core/status.ts'
import './souk-network-status.ts'
import './souk-offline-banner.ts'
import './souk-wallet-button.ts'
import './souk-nav.ts'
import { MESSAGING_OFFER_EVENT, type MessagingOfferDetail } from '../services/messaging-ready.ts'
import type { MessagingOfferRequest } from './souk-messaging-offer.ts'

/**
 * The view of each route: loaded on first visit (so the first route's JavaScript stays small) and rendered
 * with the route's parameters. A new view is one line here and one pattern in routes.ts.
 */
const VIEWS: Record<RouteName, { load: () => Promise<unknown>; render: (r: Route) => TemplateResult }> = {
  home: { load: () => import('./views/souk-home-view.ts'), render: () => html`<souk-home-view></souk-home-view>` },
  search: {
    load: () => import('./views/souk-search-view.ts'),
    render: (r) => html`<souk-search-view .query=${r.query.toString()}></souk-search-view>`,
  },
  listing: {
    load: () => import('./views/souk-listing-view.ts'),
    render: (r) => html`<souk-listing-view .listingId=${r.params.id ?? ''}></souk-listing-view>`,
  },
  seller: {
    load: () => import('./views/souk-seller-view.ts'),
    render: (r) => html`<souk-seller-view .address=${r.params.address}></souk-seller-view>`,
  },
  sales: { load: () => import('./views/souk-sales-view.ts'), render: () => html`<souk-sales-view></souk-sales-view>` },
  sell: { load: () => import('./views/souk-sell-view.ts'), render: () => html`<souk-sell-view></souk-sell-view>` },
  bids: { load: () => import('./views/souk-bids-view.ts'), render: () => html`<souk-bids-view></souk-bids-view>` },
  orders: {
    load: () => import('./views/souk-orders-view.ts'),
    render: () => html`<souk-orders-view></souk-orders-view>`,
  },
  arbiter: {
    load: () => import('./views/souk-arbiter-view.ts'),
    render: () => html`<souk-arbiter-view></souk-arbiter-view>`,
  },
  messages: {
    load: () => import('./views/souk-messages-view.ts'),
    render: (r) =>
      html`<souk-messages-view
        .peer=${r.params.address}
        .listing=${/^[0-9]{1,78}$/.test(r.query.get('listing') ?? '') ? r.query.get('listing')! : undefined}
        .openAddressForm=${r.query.get('address') === '1'}
      ></souk-messages-view>`,
  },
  settings: {
    load: () => import('./views/souk-settings-view.ts'),
    render: () => html`<souk-settings-view></souk-settings-view>`,
  },
  'not-found': {
    load: async () => undefined,
    render: () =>
      html`<h2>${msg('Page not found', { id: 'app.notFound' })}</h2>
        <p><a href="#/">${msg('Back to the start page', { id: 'app.notFound.home' })}</a></p>`,
  },
}

/**
 * The application frame: header with the brand, the network status, the language switch and the wallet, the
 * navigation (a bottom bar on phones, souk-nav.ts), and the main region. Provides the runtime config and the services to every element below it through context.
 *
 * @slot - content shown instead of the routed views when `no-routes` is set
 */
@customElement('souk-app')
@localized()
export class SoukApp extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
      min-height: 100dvh;
      box-sizing: border-box;
      color: var(--souk-fg, #1d1b16);
      background: var(--souk-bg, #fbfaf7);
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    header {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      padding: 0.75rem 1rem;
      padding-top: max(0.75rem, env(safe-area-inset-top));
      background: var(--souk-accent, #0f5c4d);
      color: #fff;
    }
    @media (prefers-color-scheme: dark) {
      header {
        color: #0b1f1a;
      }
    }
    h1 {
      font-size: 1.25rem;
      margin: 0;
    }
    @media ${phone} {
      :host {
        /* the bottom bar is fixed: the last content and the footer scroll clear of it */
        padding-bottom: calc(${BOTTOM_BAR} + env(safe-area-inset-bottom));
      }
      header {
        gap: 0.5rem;
        padding-inline: 0.75rem;
      }
      .tagline,
      header .language {
        display: none;
      }
    }
    .tagline {
        display: none;
      }
      nav a {
        padding: 0 0.55rem;
      }
    }
    .tagline {
      font-size: 0.8rem;
      opacity: 0.9;
      margin: 0;
    }
    .spacer {
      flex: 1;
    }
    select {
      font: inherit;
      min-height: 2.75rem;
      border-radius: 0.5rem;
      padding: 0 0.5rem;
    }
    select:focus-visible {
      outline: 3px solid var(--souk-focus, #1a73e8);
      outline-offset: -3px;
    }
    .reminder {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
      padding: 0.25rem 0.5rem 0.25rem 1rem;
      background: var(--souk-warn-bg, #fff4d6);
      color: #3d2a00;
      border-bottom: 1px solid var(--souk-border, #dedad0);
    }
    .reminder a {
      color: inherit;
      font-weight: 600;
    }
    .reminder button {
      min-width: 2.75rem;
      min-height: 2.75rem;
      font-size: 1.25rem;
      border: none;
      background: none;
      color: inherit;
      cursor: pointer;
    }
    .brand {
      color: inherit;
      text-decoration: none;
    }
    main {
      flex: 1;
      min-width: 0;
      padding: 1rem;
      max-width: 60rem;
      width: 100%;
      box-sizing: border-box;
      margin: 0 auto;
    }
    .error {
      color: var(--souk-bad, #a3261b);
    }
  `

  @provide({ context: configContext })
  @property({ attribute: false })
  config?: SoukConfig

  @provide({ context: networkContext })
  @property({ attribute: false })
  network?: StatusSource<NetworkSnapshot>

  @provide({ context: chainStatusContext })
  @property({ attribute: false })
  chainStatus?: StatusSource<ChainSnapshot>

  @provide({ context: catalogContext })
  @property({ attribute: false })
  catalog?: CatalogService

  @provide({ context: publishContext })
  @property({ attribute: false })
  publish?: PublishService

  @provide({ context: chainContext })
  @property({ attribute: false })
  chain?: ChainService

  @provide({ context: mediaContext })
  @property({ attribute: false })
  media?: MediaService

  @provide({ context: trustDocsContext })
  @property({ attribute: false })
  trustDocs?: TrustDocsService

  @provide({ context: messagingContext })
  @property({ attribute: false })
  messaging?: MessagingService

  /** True from main.ts's boot until the services have started (or failed to). */
  @provide({ context: startingContext })
  @property({ attribute: false })
  starting = false

  /** A start-up error to show instead of the content (e.g. config.json missing or invalid). */
  @property({ attribute: false })
  error?: string

  /** Render the routed views (off in tests of the frame alone). */
  @property({ type: Boolean, attribute: 'no-routes' })
  noRoutes = false

  /** The latest reveal reminder, shown on every page until dismissed. */
  @state() private reminder: Reminder | undefined
  /** A flow asked to offer messaging (`offerMessaging`); `<souk-messaging-offer>` loads on the first ask. */
  @state() private offer: MessagingOfferRequest | undefined
  readonly #onOffer = (e: Event): void => {
    void import('./souk-messaging-offer.ts')
    this.offer = { role: (e as CustomEvent<MessagingOfferDetail>).detail.role, at: Date.now() }
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.addEventListener(MESSAGING_OFFER_EVENT, this.#onOffer)
  }
  #remindersOf: ChainService | undefined
  readonly #onReminder = (e: Event): void => {
    this.reminder = (e as CustomEvent<Reminder>).detail
  }
  /** A reminder whose bids are all revealed (or withdrawn) now is out of date: take it down. */
  readonly #onBids = (): void => {
    const r = this.reminder
    const chain = this.chain
    if (!r || !chain) return
    void chain
      .myBids({ listingId: String(r.listingId) })
      .then((bids) => {
        const waiting = bids.some((b) => b.placedOnChain && !b.revealedOnChain && !b.withdrawn)
        if (!waiting && this.reminder === r) this.reminder = undefined
      })
      .catch(() => undefined)
  }

  readonly #router = new RouterController(this)
  #lastRoute: RouteName | undefined

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.removeEventListener(MESSAGING_OFFER_EVENT, this.#onOffer)
    this.#remindersOf?.removeEventListener('reminder', this.#onReminder)
    this.#remindersOf?.removeEventListener('bids', this.#onBids)
    this.#remindersOf = undefined
  }

  override willUpdate(): void {
    if (this.chain !== this.#remindersOf) {
      this.#remindersOf?.removeEventListener('reminder', this.#onReminder)
      this.#remindersOf?.removeEventListener('bids', this.#onBids)
      this.#remindersOf = this.chain
      this.#remindersOf?.addEventListener('reminder', this.#onReminder)
      this.#remindersOf?.addEventListener('bids', this.#onBids)
    }
    const name = this.#router.route.name
    if (!this.noRoutes) void VIEWS[name].load()
    if (this.#lastRoute !== undefined && this.#lastRoute !== name)
      // a new page: move focus to it so keyboard and screen-reader users start at its top
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('main')?.focus())
    this.#lastRoute = name
  }

  #reminderBanner() {
    const r = this.reminder
    if (!r) return nothing
    const id = r.listingId
    const text =
      r.kind === 'reveal-closed'
        ? msg(str`The reveal window of listing ${id} has closed.`, { id: 'app.reminder.closed' })
        : r.kind === 'reveal-closing'
          ? msg(str`Reveal your bid on listing ${id} soon: the window is closing.`, { id: 'app.reminder.closing' })
          : msg(str`Bidding on listing ${id} has ended: reveal your bid now.`, { id: 'app.reminder.open' })
    return html`<div class="reminder" role="status" data-testid="reminder">
      <a href=${`#/listing/${id}`}>${text}</a>
      <button @click=${() => (this.reminder = undefined)} aria-label=${msg('Dismiss', { id: 'app.reminder.dismiss' })}>
        ×
      </button>
    </div>`
  }

  #onLocale(e: Event): void {
    void useLocale((e.target as HTMLSelectElement).value as Locale)
  }

  override render() {
    const locale = getLocale() as Locale
    return html`
      <header>
        <div>
          <h1><a class="brand" href="#/">Souk</a></h1>
          <p class="tagline">${msg('Auctions with no one in the middle', { id: 'app.tagline' })}</p>
        </div>
        <span class="spacer"></span>
        <souk-network-status></souk-network-status>
        <label class="language">
          <span class="visually-hidden">${msg('Language', { id: 'app.language' })}</span>
          <select @change=${this.#onLocale} aria-label=${msg('Language', { id: 'app.language' })}>
            ${allLocales.map((l) => html`<option value=${l} ?selected=${l === locale} lang=${l}>${LOCALE_NAMES[l]}</option>`)}
          </select>
        </label>
        <souk-wallet-button></souk-wallet-button>
      </header>
      <souk-nav></souk-nav>
      <souk-offline-banner></souk-offline-banner> ${this.#reminderBanner()}
      <main id="main" tabindex="-1">
        ${
          this.error
            ? html`<p class="error" role="alert">
                ${msg('Could not load the configuration', { id: 'app.config.error' })}: ${this.error}
              </p>`
            : nothing
        }
        ${this.noRoutes ? html`<slot></slot>` : VIEWS[this.#router.route.name].render(this.#router.route)}
      </main>
      <souk-messaging-offer
        .request=${this.offer}
        @souk-messaging-offer-close=${() => (this.offer = undefined)}
      ></souk-messaging-offer>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-app': SoukApp
  }
}
