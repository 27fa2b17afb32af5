import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { chainContext } from './context.ts'
import { errorSentence } from './chain-error.ts'
import { shared } from './styles.ts'
import { shortAddress } from '../services/address.ts'
import { Dismissable } from './dismissable.ts'
import type { ChainService, WalletView } from '../services/types.ts'

/**
 * Wallet connect and switch, for the header: lists the EIP-6963 wallets (and the dev wallet on 31337),
 * shows the connected account, offers "switch network" when the wallet is on another chain, and the dev
 * account picker. Errors (rejected, wrong network…) are shown as sentences. After a reload it shows the
 * remembered account while the wallet reconnects, and says so when the remembered wallet is not there
 * (nothing else is connected in its place).
 */
@customElement('souk-wallet-button')
@localized()
export class SoukWalletButton extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        position: relative;
        display: inline-block;
        color: var(--souk-fg, #1d1b16);
      }
      details > summary {
        list-style: none;
        min-height: 2.75rem;
        display: inline-flex;
        align-items: center;
        padding: 0 0.9rem;
        border-radius: 0.5rem;
        background: var(--souk-surface, #fff);
        color: var(--souk-accent, #0f5c4d);
        cursor: pointer;
        font-weight: 600;
        white-space: nowrap;
      }
      details > summary::-webkit-details-marker {
        display: none;
      }
      .wrong summary {
        color: var(--souk-bad, #a3261b);
      }
      .panel {
        position: absolute;
        inset-inline-end: 0;
        top: calc(100% + 0.4rem);
        z-index: 10;
        width: min(20rem, 90vw);
        background: var(--souk-surface, #fff);
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.75rem;
        padding: 0.75rem;
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
        display: grid;
        gap: 0.5rem;
      }
      .panel button {
        width: 100%;
        justify-content: flex-start;
      }
      img {
        width: 1.5rem;
        height: 1.5rem;
      }
      p {
        margin: 0;
        overflow-wrap: anywhere;
      }
    `,
  ]

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private wallet: WalletView | undefined
  @state() private error: string | undefined
  @state() private busy = false
  /** The menu is open: only then are wallets looked for (that loads the wallet code). */
  @state() private open = false
  #watched: ChainService | undefined
  readonly #onWallet = (): void => {
    this.wallet = this.chain?.wallet()
  }

  override willUpdate(): void {
    if (this.chain !== this.#watched) {
      this.#watched?.removeEventListener('wallet', this.#onWallet)
      this.#watched = this.chain
      this.#watched?.addEventListener('wallet', this.#onWallet)
      this.wallet = this.chain?.wallet()
    }
  }

  /** The menu closes on Escape, a tap elsewhere and after a choice (an account switch), like every popup. */
  readonly #menu = new Dismissable(this, {
    opener: () => this.renderRoot.querySelector<HTMLElement>('summary'),
    panel: () => this.renderRoot.querySelector('.panel'),
    onChange: (open) => {
      this.open = open
      const details = this.renderRoot.querySelector('details')
      if (details && details.open !== open) details.open = open
    },
  })

  #onToggle(e: Event): void {
    const open = (e.target as HTMLDetailsElement).open
    if (open) this.#menu.show()
    else this.#menu.hide('toggle')
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#watched?.removeEventListener('wallet', this.#onWallet)
    this.#watched = undefined
  }

  /** Runs a wallet action; with `close`, the menu closes once it succeeded (the choice is made). */
  async #run(fn: () => Promise<unknown>, { close = false }: { close?: boolean } = {}): Promise<void> {
    this.busy = true
    this.error = undefined
    try {
      await fn()
      if (close) this.#menu.hide('chosen')
    } catch (err) {
      this.error = errorSentence(err)
    } finally {
      this.busy = false
      this.wallet = this.chain?.wallet()
    }
  }

  #panel() {
    const chain = this.chain!
    const w = this.wallet
    const error = this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing
    if (!w || w.status !== 'connected') {
      const wallets = chain.wallets()
      return html`<div class="panel">
        ${this.#remembered(w)}
        ${
          wallets.length > 0
            ? nothing
            : w?.status === 'connecting'
              ? html`<p role="status">${msg('Looking for wallets…', { id: 'wallet.looking' })}</p>`
              : html`<p>${msg('No wallet found in this browser.', { id: 'wallet.none' })}</p>`
        }
        ${wallets.map(
          (o) =>
            html`<button
              ?disabled=${this.busy}
              @click=${() => this.#run(() => chain.connect(o.uid))}
              data-wallet=${o.uid}
            >
              ${o.icon ? html`<img src=${o.icon} alt="" />` : nothing}${o.isDevWallet ? msg('Dev wallet (anvil)', { id: 'wallet.devName' }) : o.name}
            </button>`,
        )}
        ${error}
      </div>`
    }
    return html`<div class="panel">
      <p>${w.walletName}: <code>${w.address}</code></p>
      ${
        w.onConfiguredChain
          ? nothing
          : html`<p class="error">
                ${msg(str`Your wallet is on another network. Souk runs on ${chain.chainName}.`, { id: 'wallet.wrongNetwork' })}
              </p>
              <button
                class="primary"
                ?disabled=${this.busy}
                @click=${() => this.#run(() => chain.switchChain(), { close: true })}
              >
                ${msg(str`Switch to ${chain.chainName}`, { id: 'wallet.switch' })}
              </button>`
      }
      ${
        w.isDevWallet
          ? html`<label for="account">${msg('Dev account', { id: 'wallet.devAccount' })}</label>
              <select
                id="account"
                @change=${(e: Event) =>
                  this.#run(() => chain.selectDevAccount(Number((e.target as HTMLSelectElement).value)), {
                    close: true,
                  })}
              >
                ${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => html`<option value=${i} ?selected=${i === (w.devAccount ?? 0)}>${msg(str`Account ${i}`, { id: 'wallet.account' })}</option>`)}
              </select>`
          : nothing
      }
      <button ?disabled=${this.busy} @click=${() => this.#run(() => chain.disconnect(), { close: true })}>
        ${msg('Disconnect', { id: 'wallet.disconnect' })}
      </button>
      ${error}
    </div>`
  }

  /** The wallet of the last visit: coming back, or not there (say which, and that nobody else stands in). */
  #remembered(w: WalletView | undefined) {
    if (w?.missing) {
      const name = w.missing.name
      const who = w.missing.address ? shortAddress(w.missing.address) : name
      return html`<p class="error" role="status" data-testid="wallet-missing">
        ${msg(str`${name} (${who}), the wallet used here last time, is not available now. Souk does not switch to another account by itself: open or unlock ${name}, or choose a wallet below.`, { id: 'wallet.missing' })}
      </p>`
    }
    if (w?.status === 'reconnecting' && w.walletName)
      return html`<p role="status">${msg(str`Reconnecting ${w.walletName}…`, { id: 'wallet.reconnecting' })}</p>`
    return nothing
  }

  override render() {
    if (!this.chain) return html`<button disabled>${msg('Wallet…', { id: 'wallet.loading' })}</button>`
    const w = this.wallet
    const connected = w?.status === 'connected'
    const back = w?.status === 'reconnecting' && w.address !== undefined
    const label = connected
      ? w.onConfiguredChain
        ? shortAddress(w.address ?? '')
        : msg('Wrong network', { id: 'wallet.wrong' })
      : back
        ? shortAddress(w.address ?? '')
        : w?.missing
          ? msg('Wallet not found', { id: 'wallet.missing.short' })
          : msg('Connect wallet', { id: 'wallet.connect' })
    return html`<details
      class=${(connected && !w.onConfiguredChain) || w?.missing ? 'wrong' : ''}
      data-status=${w?.missing && !connected ? 'missing' : (w?.status ?? 'none')}
      data-address=${w?.address ?? ''}
      @toggle=${this.#onToggle}
    >
      <summary aria-label=${connected || back ? msg(str`Wallet ${label}`, { id: 'wallet.summary' }) : label}>
        ${label}
      </summary>
      ${this.open ? this.#panel() : nothing}
    </details>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-wallet-button': SoukWalletButton
  }
}
