/** Notices several views show. */
import { html } from 'lit'
import { msg } from '@lit/localize'

/** No catalog service in this build yet (the OrbitDB catalog of issue #11 is plugged in by the app wiring). */
export function catalogUnavailable() {
  return html`<div class="notice" role="status" data-testid="catalog-unavailable">
    <strong>${msg('The catalog is not available yet.', { id: 'catalog.unavailable' })}</strong>
    ${msg(
      'Listings cannot be searched on this device yet. You can still open a listing by its link, see your bids and use your wallet.',
      { id: 'catalog.unavailable.body' },
    )}
  </div>`
}

export function chainLoading() {
  return html`<p class="muted" role="status">${msg('Connecting to the blockchain…', { id: 'chain.loading' })}</p>`
}
