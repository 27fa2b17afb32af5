/** The listing page's timeline: an auction's three windows, or a buy-now listing's one date. */
import { html, nothing } from 'lit'
import { msg } from '@lit/localize'
import { getLocale } from '../../i18n.ts'
import { formatDateTime } from '../../services/format.ts'
import type { AuctionView } from '../../services/types.ts'
import '../souk-countdown.ts'

/** `offset`: chain time minus device time. */
export function listingTimeline(a: AuctionView, offset: number) {
  const locale = getLocale()
  if (a.buyNow)
    // a fixed price has no bidding, reveal or finalize: only how long it is on sale
    return html`<p data-testid="sale-until">
      ${msg('On sale until', { id: 'ltrust.saleEnd' })} ${formatDateTime(a.biddingEnd, locale)}
      ${a.phase === 'on-sale' ? html`(<souk-countdown .deadline=${a.biddingEnd} .offset=${offset}></souk-countdown>)` : nothing}
    </p>`
  const steps = [
    { phase: 'bidding', label: msg('Bidding', { id: 'status.open' }), until: a.biddingEnd },
    { phase: 'revealing', label: msg('Reveal window', { id: 'phase.revealing' }), until: a.revealEnd },
    { phase: 'finalizable', label: msg('Finalize', { id: 'listing.finalize' }), until: undefined },
  ] as const
  return html`<h3>${msg('Timeline', { id: 'listing.timeline' })}</h3>
    <ol class="timeline" aria-label=${msg('Timeline', { id: 'listing.timeline' })}>
      ${steps.map((s) => {
        const current = a.phase === s.phase
        return html`<li aria-current=${current ? 'step' : nothing} data-step=${s.phase}>
          ${s.label}
          ${
            s.until !== undefined
              ? html`— ${msg('until', { id: 'listing.until' })} ${formatDateTime(s.until, locale)}
                ${current ? html`(<souk-countdown .deadline=${s.until} .offset=${offset}></souk-countdown>)` : nothing}`
              : html`— ${msg('anyone can close the auction', { id: 'listing.anyone' })}`
          }
        </li>`
      })}
    </ol>`
}
