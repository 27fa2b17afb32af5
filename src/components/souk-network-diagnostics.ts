import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { chainStatusContext, networkContext } from './context.ts'
import { StatusController } from './status-controller.ts'
import { connectedRelays } from './network-words.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from '../core/status.ts'
import { shortAddress } from '../services/address.ts'

/**
 * The network's figures for someone looking into a problem (Settings): the engine's raw status, relays and
 * reservations (whether other browsers can reach this device directly), devices heard from, direct peers and
 * dials, this node's addresses, bytes stored, and the chain. The header says only what a shopper needs
 * (souk-network-status.ts). Each figure has a `data-testid`.
 */
@customElement('souk-network-diagnostics')
@localized()
export class SoukNetworkDiagnostics extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    dl {
      display: grid;
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
      gap: 0.25rem 0.75rem;
      margin: 0;
    }
    @media (min-width: 40rem) {
      dl {
        grid-template-columns: max-content minmax(0, 1fr);
      }
    }
    dt {
      color: var(--souk-muted, #5e5a50);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
      overflow-wrap: anywhere;
    }
    h4 {
      font-size: 1rem;
      margin: 0.75rem 0 0.25rem;
    }
    ul {
      margin: 0;
      padding: 0;
      list-style: none;
    }
    code {
      font-size: 0.8rem;
      overflow-wrap: anywhere;
    }
  `

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

  override render() {
    const net = this.#network.value
    const chain = this.#chain.value
    const none = msg('not available', { id: 'settings.na' })
    const resets = net?.relays.reduce((n, r) => n + (r.reservationResets ?? 0), 0) ?? 0
    const reserving = net?.relays.filter((r) => r.reserving).length ?? 0
    return html`<dl data-testid="diagnostics">
        <dt>${msg('Engine status', { id: 'diag.status' })}</dt>
        <dd data-testid="diag-status">${net ? html`<code>${net.status}</code>` : none}</dd>
        <dt>${msg('Relays connected', { id: 'settings.relaysConnected' })}</dt>
        <dd data-testid="relays-connected">${connectedRelays(net)} / ${net?.relays.length ?? 0}</dd>
        <dt>${msg('Relay reservations', { id: 'diag.reservations' })}</dt>
        <dd data-testid="diag-reservations">
          ${net?.reservations ?? 0} / ${Math.min(net?.reservationsWanted ?? 0, connectedRelays(net))}
        </dd>
        <dt>${msg('Other browsers can connect directly', { id: 'diag.reach' })}</dt>
        <dd data-testid="diag-reachable">
          ${
            net?.reachable
              ? msg('yes', { id: 'diag.yes' })
              : reserving > 0
                ? msg('not yet: asking a relay…', { id: 'diag.reserving' })
                : msg('no', { id: 'diag.no' })
          }
        </dd>
        <dt>${msg('Reservations redone', { id: 'diag.resets' })}</dt>
        <dd>${resets}</dd>
        <dt>${msg('Other devices heard from', { id: 'diag.peersSeen' })}</dt>
        <dd data-testid="peers-seen">${net?.peersSeen ?? 0}</dd>
        <dt>${msg('Direct peers', { id: 'net.direct' })}</dt>
        <dd data-testid="direct-peers">${net?.directPeers ?? 0}</dd>
        <dt>${msg('Direct connections being made', { id: 'diag.dials' })}</dt>
        <dd>
          ${net?.dials?.length ?? 0}${
            net?.dialRetries ? msg(str` (${net.dialRetries} attempts repeated)`, { id: 'diag.dialRetries' }) : nothing
          }
        </dd>
        <dt>${msg('Stored here', { id: 'net.stored' })}</dt>
        <dd>${net ? formatBytes(net.bytesStored) : none}</dd>
        <dt>${msg('Chain', { id: 'net.chain' })}</dt>
        <dd data-testid="chain">
          ${chain?.chainId ?? '…'}
          ${chain?.status === 'error' ? html`— ${msg('RPC unreachable', { id: 'net.chain.unreachable' })}` : nothing}
        </dd>
        <dt>${msg('Block', { id: 'net.block' })}</dt>
        <dd>${chain?.blockNumber?.toString() ?? '…'}</dd>
      </dl>
      <h4>${msg('This device’s addresses', { id: 'diag.addrs' })}</h4>
      ${
        net?.multiaddrs?.length
          ? html`<ul data-testid="multiaddrs">
              ${net.multiaddrs.map((a) => html`<li><code title=${a}>${shortAddr(a)}</code></li>`)}
            </ul>`
          : html`<p>${msg('none yet', { id: 'diag.addrs.none' })}</p>`
      }`
  }
}

/** A multiaddr with its long peer ids shortened (the whole one is in the title). */
function shortAddr(a: string): string {
  return a.replace(/12D3Koo[1-9A-HJ-NP-Za-km-z]{40,}/g, (id) => shortAddress(id))
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 ** 2).toFixed(1)} MiB`
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-network-diagnostics': SoukNetworkDiagnostics
  }
}
