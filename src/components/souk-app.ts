import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { provide } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { chainStatusContext, configContext, networkContext } from './context.ts'
import { allLocales, getLocale, useLocale, type Locale } from '../i18n.ts'
import type { SoukConfig } from '../core/config.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from '../core/status.ts'
import './souk-network-status.ts'

const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-Hans': '简体中文' }

/**
 * The application frame: header with the brand and language switch, the main region, and the live network
 * status. Provides the runtime config and the services to every element below it through context.
 *
 * @slot - the current view
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
    main {
      flex: 1;
      padding: 1rem;
      max-width: 60rem;
      width: 100%;
      box-sizing: border-box;
      margin: 0 auto;
    }
    aside {
      border-top: 1px solid var(--souk-border, #dedad0);
      padding: 1rem;
      background: var(--souk-surface, #fff);
    }
    .error {
      color: var(--souk-bad, #a3261b);
    }
    @media (min-width: 48rem) {
      .body {
        display: grid;
        grid-template-columns: 1fr 18rem;
      }
      aside {
        border-top: none;
        border-left: 1px solid var(--souk-border, #dedad0);
      }
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

  /** A start-up error to show instead of the content (e.g. config.json missing or invalid). */
  @property({ attribute: false })
  error?: string

  #onLocale(e: Event): void {
    void useLocale((e.target as HTMLSelectElement).value as Locale)
  }

  override render() {
    const locale = getLocale() as Locale
    return html`
      <header>
        <div>
          <h1>Souk</h1>
          <p class="tagline">${msg('Auctions with no one in the middle', { id: 'app.tagline' })}</p>
        </div>
        <span class="spacer"></span>
        <label>
          <span class="visually-hidden">${msg('Language', { id: 'app.language' })}</span>
          <select @change=${this.#onLocale} aria-label=${msg('Language', { id: 'app.language' })}>
            ${allLocales.map((l) => html`<option value=${l} ?selected=${l === locale} lang=${l}>${LOCALE_NAMES[l]}</option>`)}
          </select>
        </label>
      </header>
      <div class="body">
        <main id="main" tabindex="-1">
          ${
            this.error
              ? html`<p class="error" role="alert">
                  ${msg('Could not load the configuration', { id: 'app.config.error' })}: ${this.error}
                </p>`
              : nothing
          }
          <slot>
            <h2>${msg('Welcome to Souk', { id: 'app.welcome.title' })}</h2>
            <p>
              ${msg(
                'Here every browser is a peer: the catalog is synced and searched on your device, bids are sealed on chain, and payment waits in a 2-of-3 escrow.',
                { id: 'app.welcome.body' },
              )}
            </p>
          </slot>
        </main>
        <aside><souk-network-status></souk-network-status></aside>
      </div>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-app': SoukApp
  }
}
