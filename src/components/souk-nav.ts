import { LitElement, css, html, nothing, svg, type TemplateResult } from 'lit'
import { customElement } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { RouterController, type RouteName } from './routes.ts'
import { Dismissable } from './dismissable.ts'
import { BOTTOM_BAR, bottomSheet, PhoneLayout } from './layout.ts'
import { allLocales, getLocale, LOCALE_NAMES, useLocale, type Locale } from '../i18n.ts'
import './souk-unread-badge.ts'

interface Place {
  path: string
  route: RouteName
  label: () => string
  icon?: TemplateResult
}

const icon = (d: string): TemplateResult =>
  html`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    ${svg`<path d=${d} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />`}
  </svg>`

/** The four places of the phone's bottom bar; everything else is in the More sheet. */
const MAIN: Place[] = [
  {
    path: '/',
    route: 'home',
    label: () => msg('Home', { id: 'app.nav.home' }),
    icon: icon('M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z'),
  },
  {
    path: '/search',
    route: 'search',
    label: () => msg('Search', { id: 'app.nav.search' }),
    icon: icon('M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zm5-2 5 5'),
  },
  { path: '/sell', route: 'sell', label: () => msg('Sell', { id: 'app.nav.sell' }), icon: icon('M12 5v14M5 12h14') },
  {
    path: '/messages',
    route: 'messages',
    label: () => msg('Messages', { id: 'app.nav.messages' }),
    icon: icon('M4 5h16v11H8l-4 4z'),
  },
]

/** Places that are one tap further on a phone (in the top bar on a wider screen). */
const MORE: Place[] = [
  { path: '/bids', route: 'bids', label: () => msg('My bids', { id: 'app.nav.bids' }) },
  { path: '/orders', route: 'orders', label: () => msg('My orders', { id: 'app.nav.orders' }) },
  { path: '/sales', route: 'sales', label: () => msg('My listings', { id: 'app.nav.sales' }) },
  { path: '/arbiter', route: 'arbiter', label: () => msg('Arbiter’s desk', { id: 'app.nav.arbiter' }) },
  { path: '/settings', route: 'settings', label: () => msg('Network & settings', { id: 'settings.title' }) },
]

const MORE_ICON = icon('M5 12h.01M12 12h.01M19 12h.01')

/**
 * The app's navigation. From 40rem up: one row of links under the header that wraps rather than scrolling
 * sideways. On a phone: a bar fixed to the bottom with the four main places and "More", which opens a sheet
 * with the rest (and the language). The sheet closes on Escape, a tap outside and once a place is chosen
 * (src/components/dismissable.ts). Only one of the two is in the page at a time.
 */
@customElement('souk-nav')
@localized()
export class SoukNav extends LitElement {
  static override styles = [
    bottomSheet,
    css`
      :host {
        display: block;
      }
      a {
        color: var(--souk-fg, #1d1b16);
        text-decoration: none;
      }
      a:focus-visible,
      button:focus-visible,
      select:focus-visible {
        outline: 3px solid var(--souk-focus, #1a73e8);
        outline-offset: -3px;
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .top ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.25rem;
        padding: 0 0.5rem;
        background: var(--souk-surface, #fff);
        border-bottom: 1px solid var(--souk-border, #dedad0);
      }
      .top a {
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
        padding: 0 0.75rem;
        white-space: nowrap;
        border-bottom: 3px solid transparent;
      }
      .top a[aria-current='page'] {
        border-bottom-color: var(--souk-accent, #0f5c4d);
        font-weight: 600;
      }
      .bar {
        position: fixed;
        inset-inline: 0;
        bottom: 0;
        z-index: 20;
        background: var(--souk-surface, #fff);
        border-top: 1px solid var(--souk-border, #dedad0);
        padding-bottom: env(safe-area-inset-bottom);
        padding-inline: env(safe-area-inset-left) env(safe-area-inset-right);
      }
      .bar ul {
        display: grid;
        grid-template-columns: repeat(5, 1fr);
        height: ${BOTTOM_BAR};
      }
      .bar a,
      .bar button {
        position: relative;
        display: flex;
        flex-direction: column;
        align-items: center;
        justify-content: center;
        gap: 0.1rem;
        width: 100%;
        height: 100%;
        font: inherit;
        font-size: 0.75rem;
        color: var(--souk-muted, #5e5a50);
        background: none;
        border: none;
        padding: 0;
        cursor: pointer;
      }
      .bar [aria-current='page'],
      .bar button[data-current] {
        color: var(--souk-accent, #0f5c4d);
        font-weight: 600;
      }
      .bar souk-unread-badge {
        position: absolute;
        top: 0.25rem;
        inset-inline-start: calc(50% + 0.4rem);
      }
      .sheet {
        max-height: 70dvh;
        padding: 0.5rem 0 0.75rem;
      }
      .sheet h2 {
        font-size: 1rem;
        margin: 0.25rem 1rem 0.25rem;
      }
      .sheet a {
        display: flex;
        align-items: center;
        min-height: 3rem;
        padding: 0 1rem;
        border-inline-start: 4px solid transparent;
      }
      .sheet a[aria-current='page'] {
        border-inline-start-color: var(--souk-accent, #0f5c4d);
        font-weight: 600;
      }
      .sheet label {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1rem;
        padding: 0.5rem 1rem 0;
        border-top: 1px solid var(--souk-border, #dedad0);
        margin-top: 0.25rem;
      }
      select {
        font: inherit;
        min-height: 2.75rem;
        border-radius: 0.5rem;
        padding: 0 0.5rem;
      }
    `,
  ]

  readonly #router = new RouterController(this)
  readonly #layout = new PhoneLayout(this)
  readonly #more = new Dismissable(this, {
    opener: () => this.renderRoot.querySelector<HTMLElement>('[data-action=more]'),
    panel: () => this.renderRoot.querySelector('.more'),
    // the sheet takes focus on its first place, as a dialog does
    onChange: (open) => {
      if (open) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.sheet a')?.focus())
    },
  })
  #route: RouteName | undefined

  /** Whether the bottom bar (phone layout) is shown, for tests and the shell. */
  get phone(): boolean {
    return this.#layout.matches
  }

  override willUpdate(): void {
    // a new page (chosen in the sheet, or by a link elsewhere) closes the sheet
    const route = this.#router.route.name
    if (this.#route !== undefined && route !== this.#route) this.#more.hide('toggle')
    this.#route = route
    if (!this.#layout.matches) this.#more.hide('toggle')
  }

  override updated(): void {
    this.dataset.layout = this.#layout.matches ? 'phone' : 'wide'
  }

  #link(p: Place, where: 'top' | 'bar' | 'sheet') {
    const current = this.#router.route.name === p.route
    const badge = p.route === 'messages' ? html`<souk-unread-badge></souk-unread-badge>` : nothing
    if (where === 'bar')
      return html`<li>
        <a href=${`#${p.path}`} aria-current=${current ? 'page' : nothing}
          >${p.icon}<span>${p.label()}</span>${badge}</a
        >
      </li>`
    return html`<li>
      <a
        href=${`#${p.path}`}
        aria-current=${current ? 'page' : nothing}
        @click=${where === 'sheet' ? () => this.#more.hide('chosen') : nothing}
        >${p.label()}${badge}</a
      >
    </li>`
  }

  #top() {
    const current = this.#router.route.name
    const settings = MORE.at(-1)!
    return html`<nav class="top" aria-label=${msg('Main', { id: 'app.nav' })}>
      <ul>
        ${MAIN.slice(0, 3).map((p) => this.#link(p, 'top'))} ${MORE.slice(0, 4).map((p) => this.#link(p, 'top'))}
        ${this.#link(MAIN[3]!, 'top')}
        <li>
          <a
            href="#/settings"
            aria-current=${current === 'settings' ? 'page' : nothing}
            aria-label=${settings.label()}
            title=${settings.label()}
            ><span aria-hidden="true">⚙</span></a
          >
        </li>
      </ul>
    </nav>`
  }

  #bar() {
    const open = this.#more.open
    const inMore = MORE.some((p) => p.route === this.#router.route.name)
    const locale = getLocale() as Locale
    return html`<nav class="bar" aria-label=${msg('Main', { id: 'app.nav' })}>
        <ul>
          ${MAIN.map((p) => this.#link(p, 'bar'))}
          <li>
            <button
              type="button"
              data-action="more"
              aria-expanded=${open ? 'true' : 'false'}
              aria-controls="more-sheet"
              ?data-current=${inMore}
              @click=${() => this.#more.toggle()}
            >
              ${MORE_ICON}<span>${msg('More', { id: 'app.nav.more' })}</span>
            </button>
          </li>
        </ul>
      </nav>
      ${
        open
          ? html`<div class="more">
              <div class="scrim" @click=${() => this.#more.hide('outside')}></div>
              <div class="sheet" id="more-sheet" role="dialog" aria-labelledby="more-title">
                <h2 id="more-title">${msg('More', { id: 'app.nav.more' })}</h2>
                <ul>
                  ${MORE.map((p) => this.#link(p, 'sheet'))}
                </ul>
                <label>
                  <span>${msg('Language', { id: 'app.language' })}</span>
                  <select @change=${(e: Event) => void useLocale((e.target as HTMLSelectElement).value as Locale)}>
                    ${allLocales.map((l) => html`<option value=${l} ?selected=${l === locale} lang=${l}>${LOCALE_NAMES[l]}</option>`)}
                  </select>
                </label>
              </div>
            </div>`
          : nothing
      }`
  }

  override render() {
    return this.#layout.matches ? this.#bar() : this.#top()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-nav': SoukNav
  }
}
