import { LitElement, css, html, nothing } from 'lit'
import { OnlineController } from './online.ts'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { networkContext } from './context.ts'
import { StatusController } from './status-controller.ts'
import type { NetworkSnapshot, StatusSource } from '../core/status.ts'

/**
 * Says plainly what works and what waits when the device is offline (`navigator.onLine` and its
 * `online`/`offline` events) or online but with no relay reachable (the network status). Shows nothing
 * otherwise. Exposes `data-state` (`online` · `offline` · `no-relay`) for tests and styling.
 */
@customElement('souk-offline-banner')
@localized()
export class SoukOfflineBanner extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    div {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      padding: 0.5rem 1rem;
      background: var(--souk-warn-bg, #fff4d6);
      color: #3d2a00;
      border-bottom: 1px solid var(--souk-border, #dedad0);
    }
    strong {
      white-space: nowrap;
    }
    p {
      margin: 0;
    }
  `

  @consume({ context: networkContext, subscribe: true })
  @state()
  network?: StatusSource<NetworkSnapshot>

  readonly #device = new OnlineController(this)
  readonly #status = new StatusController<NetworkSnapshot>(this)
  override willUpdate(): void {
    this.#status.source = this.network
  }

  /**
   * Which message applies now. "No relay" only once relays were reached and lost, or every relay's dial has
   * failed (it waits to retry): not while the node is still making its first connections.
   */
  get state(): 'online' | 'offline' | 'no-relay' {
    if (!this.#device.online) return 'offline'
    const net = this.#status.value
    if (net?.status !== 'offline') {
      if (net && net.status !== 'starting') this.#reachedRelays = true
      return 'online'
    }
    const allFailed = net.relays.length > 0 && net.relays.every((r) => r.retryAt !== undefined)
    return this.#reachedRelays || allFailed ? 'no-relay' : 'online'
  }
  #reachedRelays = false

  override updated(): void {
    this.dataset.state = this.state
  }

  override render() {
    const state = this.state
    if (state === 'online') return nothing
    return html`<div role="status" data-testid="offline-banner">
      ${
        state === 'offline'
          ? html`<strong>${msg('You are offline.', { id: 'offline.title' })}</strong>
              <p>
                ${msg(
                  'Souk opened from this device: what is saved here can be read. Bids, listings and messages cannot be sent until you are back online; Souk reconnects by itself.',
                  { id: 'offline.body' },
                )}
              </p>`
          : html`<strong>${msg('No relay reachable.', { id: 'offline.noRelay.title' })}</strong>
              <p>
                ${msg(
                  'Souk keeps trying to reach one. Until a relay answers, new listings and messages neither arrive nor go out.',
                  { id: 'offline.noRelay.body' },
                )}
              </p>`
      }
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-offline-banner': SoukOfflineBanner
  }
}
