/** Notices several views show. */
import { html, nothing } from 'lit'
import { msg } from '@lit/localize'

/**
 * No catalog service: while the app is still starting (`starting`), that only means "not yet", so say it is
 * loading; after start-up the engine could not run here (e.g. no IndexedDB or workers), so say what still works.
 */
export function catalogUnavailable(starting = false) {
  if (starting)
    return html`<p class="muted" role="status" data-testid="catalog-starting">
      ${msg('Loading the catalog…', { id: 'home.loading' })}
    </p>`
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

/** What an action came to: a status when it went through, an alert (read out at once) when it did not. */
export function outcome(message: { ok: boolean; text: string } | undefined) {
  if (!message) return nothing
  return html`<p role=${message.ok ? 'status' : 'alert'} class=${message.ok ? 'ok' : 'error'}>${message.text}</p>`
}
