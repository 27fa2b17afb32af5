import { LitElement, css, html, nothing } from 'lit'
import { OnlineController } from './online.ts'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { chainStatusContext, networkContext } from './context.ts'
import { StatusController } from './status-controller.ts'
import { Dismissable } from './dismissable.ts'
import { connectedRelays, shopperState, stateLabel, stateSentence, type ShopperNetState } from './network-words.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from '../core/status.ts'
import { statusDot } from './styles.ts'
import { phone } from './layout.ts'

const TONES: Record<ShopperNetState, 'ok' | 'warn' | 'bad' | undefined> = {
  online: 'ok',
  connecting: undefined,
  offline: 'bad',
}

/**
 * The header's network status, in a shopper's words: a dot and "Online" / "Offline" / "Connecting…", and on a
 * tap one sentence saying what works and what waits, whether the blockchain answers, and a link to the
 * diagnostics in Settings (souk-network-diagnostics.ts). The popover closes like every other (dismissable.ts).
 *
 * Exposes `data-state` (`connecting` · `online` · `offline`), `data-relays-connected`, `data-peer-id`,
 * `data-chain-id` and `data-chain-state` for tests and styling.
 */
@customElement('souk-network-status')
@localized()
export class SoukNetworkStatus extends LitElement {
  static override styles = [
    statusDot,
    css`
      :host {
        position: relative;
        display: inline-block;
        font-size: 0.875rem;
      }
      button {
        font: inherit;
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
        padding: 0 0.6rem;
        border-radius: 0.5rem;
        border: 1px solid rgb(255 255 255 / 0.5);
        background: transparent;
        color: inherit;
        cursor: pointer;
        white-space: nowrap;
      }
      button:focus-visible {
        outline: 3px solid var(--souk-focus, #1a73e8);
        outline-offset: 2px;
      }
      .dot {
        box-shadow: 0 0 0 2px #fff;
      }
      /* the page's green would vanish on the green header */
      button .dot[data-tone='ok'] {
        background: #6ee69a;
      }
      .panel {
        position: absolute;
        inset-inline-end: 0;
        top: calc(100% + 0.4rem);
        z-index: 10;
        width: min(18rem, calc(100vw - 1.5rem));
        box-sizing: border-box;
        background: var(--souk-surface, #fff);
        color: var(--souk-fg, #1d1b16);
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.75rem;
        padding: 0.75rem;
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
      }
      @media ${phone} {
        /* under the header, across the screen: anchored to the button it ran off the screen's left edge */
        .panel {
          position: fixed;
          inset-inline: 0.75rem;
          top: calc(4.25rem + env(safe-area-inset-top));
          width: auto;
        }
      }
      p {
        margin: 0 0 0.5rem;
      }
      .bad {
        color: var(--souk-bad, #a3261b);
      }
      a {
        color: var(--souk-link, var(--souk-accent, #0f5c4d));
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
      }
    `,
  ]

  @consume({ context: networkContext, subscribe: true })
  @state()
  network?: StatusSource<NetworkSnapshot>

  @consume({ context: chainStatusContext, subscribe: true })
  @state()
  chain?: StatusSource<ChainSnapshot>

  readonly #device = new OnlineController(this)
  readonly #network = new StatusController<NetworkSnapshot>(this)
  readonly #chain = new StatusController<ChainSnapshot>(this)
  readonly #details = new Dismissable(this, {
    opener: () => this.renderRoot.querySelector<HTMLElement>('button'),
    panel: () => this.renderRoot.querySelector('.panel'),
  })
  override willUpdate(): void {
    this.#network.source = this.network
    this.#chain.source = this.chain
  }

  override updated(): void {
    const net = this.#network.value
    const chain = this.#chain.value
    this.dataset.state = shopperState(net, this.#device.online)
    this.dataset.relaysConnected = String(connectedRelays(net))
    if (net?.peerId) this.dataset.peerId = net.peerId
    if (chain?.chainId !== undefined) this.dataset.chainId = String(chain.chainId)
    else delete this.dataset.chainId
    this.dataset.chainState = chain?.status ?? 'connecting'
  }

  override render() {
    const net = this.#network.value
    const chain = this.#chain.value
    const state = shopperState(net, this.#device.online)
    const open = this.#details.open
    const chainDown = chain?.status === 'error'
    const tone = state === 'online' && chainDown ? 'warn' : TONES[state]
    return html`<button
        type="button"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="net-details"
        aria-label=${`${msg('Network', { id: 'net.title' })}: ${stateLabel(state)}`}
        @click=${() => this.#details.toggle()}
      >
        <span class="dot" data-tone=${tone ?? nothing} aria-hidden="true"></span>${stateLabel(state)}
      </button>
      ${
        open
          ? html`<div class="panel" id="net-details" role="status" data-testid="net-details">
              <p data-testid="net-sentence">${stateSentence(state, connectedRelays(net), this.#device.online)}</p>
              ${
                chainDown
                  ? html`<p class="bad" data-testid="chain">
                      ${msg('The blockchain does not answer: bids and payments wait until it does.', { id: 'net.say.chainDown' })}
                    </p>`
                  : nothing
              }
              <a href="#/settings" @click=${() => this.#details.hide('chosen')}
                >${msg('Network details', { id: 'net.details' })}</a
              >
            </div>`
          : nothing
      }`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-network-status': SoukNetworkStatus
  }
}
