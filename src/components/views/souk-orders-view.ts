import { LitElement, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { shared } from '../styles.ts'
import '../souk-order-list.ts'
import '../souk-withdraw-all.ts'

/** My orders (buyer): every escrow where the connected account is the buyer, with the actions that fit. */
@customElement('souk-orders-view')
@localized()
export class SoukOrdersView extends LitElement {
  static override styles = [shared]

  override render() {
    return html`<h2>${msg('My orders', { id: 'app.nav.orders' })}</h2>
      <p class="muted">
        ${msg(
          'What you won or bought. The price waits in escrow until you confirm receipt; if something is wrong, open a dispute and the arbiter decides.',
          { id: 'orders.intro' },
        )}
      </p>
      <souk-withdraw-all></souk-withdraw-all>
      <souk-order-list
        party="buyer"
        .empty=${msg('No orders yet.', { id: 'orders.none' })}
        @souk-order-changed=${() => this.renderRoot.querySelector('souk-withdraw-all')?.reload()}
      ></souk-order-list>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-orders-view': SoukOrdersView
  }
}
