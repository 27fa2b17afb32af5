import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { chainStatusContext, networkContext } from './context.ts'
import { StatusController } from './status-controller.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from '../core/status.ts'
import { statusDot } from './styles.ts'

/**
 * Live network status: relays connected, peers seen, direct peers, local storage, and the chain (id and latest
 * block). Reads the network and chain services from context; shows "starting" until they exist.
 *
 * Exposes `data-relays-connected`, `data-peer-id` and `data-chain-id` attributes for tests and styling.
 */
/** The dot's colour for a network or chain status. */
const TONES: Partial<Record<string, 'ok' | 'warn' | 'bad'>> = {
  online: 'ok',
  ok: 'ok',
  degraded: 'warn',
  offline: 'bad',
  error: 'bad',
}

@customElement('souk-network-status')
@localized()
export class SoukNetworkStatus extends LitElement {
  static override styles = [
    statusDot,
    css`
      :host {
        display: block;
        font-size: 0.875rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 0.75rem;
        margin: 0;
      }
      dt {
        color: var(--souk-muted, #5e5a50);
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
    `,
  ]

  @consume({ context: networkContext, subscribe: true })
  @state()
  network?: StatusSource<NetworkSnapshot>

  @consume({ context: chainStatusContext, subscribe: true })
  @state()
  chain?: StatusSource<ChainSnapshot>

  readonly #network = new StatusController<NetworkSnapshot>(this)
  readonly #chain = new StatusController<ChainSnapshot>(this)

  override willUpdate(): void {
    this.#network.source = this.network
    this.#chain.source = this.chain
  }

  override updated(): void {
    const net = this.#network.value
    const chain = this.#chain.value
    this.dataset.relaysConnected = String(net?.relays.filter((r) => r.connected).length ?? 0)
    if (net?.peerId) this.dataset.peerId = net.peerId
    if (chain?.chainId !== undefined) this.dataset.chainId = String(chain.chainId)
    else delete this.dataset.chainId
  }

  #networkLabel(status: NetworkSnapshot['status'] | undefined): string {
    switch (status) {
      case 'online':
        return msg('Online', { id: 'net.status.online' })
      case 'degraded':
        return msg('Partly connected', { id: 'net.status.degraded' })
      case 'offline':
        return msg('Offline', { id: 'net.status.offline' })
      default:
        return msg('Starting…', { id: 'net.status.starting' })
    }
  }

  override render() {
    const net = this.#network.value
    const chain = this.#chain.value
    const connected = net?.relays.filter((r) => r.connected).length ?? 0
    const status = net?.status ?? 'starting'
    return html`
      <section aria-labelledby="net-title">
        <h2 id="net-title" class=${status}>
          <span class="dot" data-tone=${TONES[status] ?? nothing} aria-hidden="true"></span
          >${msg('Network', { id: 'net.title' })}: ${this.#networkLabel(status)}
        </h2>
        <dl>
          <dt>${msg('Relays', { id: 'net.relays' })}</dt>
          <dd data-testid="relays">
            ${
              net === undefined
                ? '…'
                : connected > 0
                  ? `${connected} / ${net.relays.length} ${msg('connected', { id: 'net.relays.connected' })}`
                  : msg('No relay connected', { id: 'net.relays.none' })
            }
            ${
              net?.relays.some((r) => r.reserving)
                ? html`<span data-testid="reserving"
                    >— ${msg('getting a relay reservation…', { id: 'net.relays.reserving' })}</span
                  >`
                : nothing
            }
          </dd>
          ${
            net?.dials?.length
              ? html`<dt>${msg('Direct connection', { id: 'net.dial' })}</dt>
                  <dd data-testid="dials">
                    ${net.dials.map((d) =>
                      d.attempt > 1
                        ? `${msg('retrying', { id: 'net.dial.retrying' })} ${d.attempt}/${d.attempts}`
                        : msg('connecting…', { id: 'net.dial.connecting' }),
                    )}
                  </dd>`
              : nothing
          }
          <dt>${msg('Peers seen', { id: 'net.peers' })}</dt>
          <dd data-testid="peers">${net?.peersSeen ?? '…'}</dd>
          <dt>${msg('Direct peers', { id: 'net.direct' })}</dt>
          <dd>${net?.directPeers ?? '…'}</dd>
          <dt>${msg('Stored here', { id: 'net.stored' })}</dt>
          <dd>${net ? formatBytes(net.bytesStored) : '…'}</dd>
          <dt>${msg('Chain', { id: 'net.chain' })}</dt>
          <dd data-testid="chain" class=${chain?.status ?? 'connecting'}>
            <span class="dot" data-tone=${TONES[chain?.status ?? ''] ?? nothing} aria-hidden="true"></span
            >${chain?.chainId ?? '…'}
            ${chain?.status === 'error' ? html`— ${msg('RPC unreachable', { id: 'net.chain.unreachable' })}` : nothing}
          </dd>
          <dt>${msg('Block', { id: 'net.block' })}</dt>
          <dd>${chain?.blockNumber?.toString() ?? '…'}</dd>
        </dl>
      </section>
    `
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 ** 2).toFixed(1)} MiB`
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-network-status': SoukNetworkStatus
  }
}
