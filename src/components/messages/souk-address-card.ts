import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import type { ShippingAddress } from '../../core/shipping.ts'
import { shared } from '../styles.ts'

/** The address as one block of text, the way a shipping label is written. */
export function addressText(a: ShippingAddress): string {
  return [a.name, a.street, `${a.postcode} ${a.city}`, a.country, a.phone].filter(Boolean).join('\n')
}

/**
 * A shipping address in a conversation: the lines of the label and a copy button. `unverified` shows a warning:
 * the sender is not the listing's buyer on chain (or that could not be checked), so the seller should not ship
 * to it without asking.
 */
@localized()
@customElement('souk-address-card')
export class SoukAddressCard extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      address {
        white-space: pre-line;
        font-style: normal;
      }
      .warning {
        color: var(--souk-bad, #a3261b);
        font-weight: 600;
      }
      button {
        min-height: 2.75rem;
      }
    `,
  ]

  @property({ attribute: false }) address?: ShippingAddress
  /** `buyer`: the sender is the listing's buyer; `not-buyer`: someone else; `unknown`: not checked (yet). */
  @property() verdict: 'buyer' | 'not-buyer' | 'unknown' = 'unknown'

  @state() private copied = false

  private async copy(): Promise<void> {
    if (!this.address) return
    await navigator.clipboard.writeText(addressText(this.address))
    this.copied = true
  }

  override render() {
    const a = this.address
    if (!a)
      return html`<p class="muted">
        ${msg('A shipping address this device cannot open.', { id: 'ship.card.sealed' })}
      </p>`
    return html`<strong>${msg('Shipping address', { id: 'ship.card.title' })}</strong>
      ${
        this.verdict === 'not-buyer'
          ? html`<p class="warning" role="alert" data-testid="address-warning">
              ${msg('Careful: this was not sent by the listing’s buyer on chain. Do not ship to it without checking.', {
                id: 'ship.card.notBuyer',
              })}
            </p>`
          : nothing
      }
      <address data-testid="address-lines">${addressText(a)}</address>
      <button type="button" @click=${() => void this.copy().catch(() => undefined)} data-testid="copy-address">
        ${this.copied ? msg('Copied', { id: 'ship.card.copied' }) : msg('Copy address', { id: 'ship.card.copy' })}
      </button>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-address-card': SoukAddressCard
  }
}
