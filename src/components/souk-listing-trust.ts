import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task, TaskStatus } from '@lit/task'
import { getLocale } from '../i18n.ts'
import { formatDateTime } from '../services/format.ts'
import { sellerSummaries } from '../services/summary-batcher.ts'
import type { TrustDocsService } from '../services/trust-docs-service.ts'
import type { ArbiterTrust, TrustSummary, TrustWarning } from '../services/trust-types.ts'
import { trustWarnings } from '../services/trust-warnings.ts'
import type { AuctionView, ChainService } from '../services/types.ts'
import type { ListingWindows } from '../services/windows.ts'
import { errorSentence } from './chain-error.ts'
import { chainContext, trustDocsContext } from './context.ts'
import { href } from './routes.ts'
import { shared } from './styles.ts'
import { duration } from './trust/trust-format.ts'
import './trust/souk-arbiter-record.ts'
import './trust/souk-trust-summary.ts'
import './trust/souk-trust-warnings.ts'

/** What the trust section read: the seller's record and the listing's warnings. */
export interface TrustLoaded {
  summary: TrustSummary
  warnings: TrustWarning[]
}

/** The listing's windows (seconds) as the trust components take them; `reveal` only for an auction. */
export function listingWindows(a: AuctionView): ListingWindows {
  return {
    ...(a.buyNow ? {} : { reveal: Math.max(0, a.revealEnd - a.biddingEnd) }),
    confirm: a.confirmWindow,
    dispute: a.disputeWindow,
  }
}

/** Resolves once the page has loaded and is idle (the listing itself paints first), or rejects on abort. */
function afterLoad(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    const idle = (): void => {
      const done = (): void => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }
      if (typeof requestIdleCallback === 'function') requestIdleCallback(done, { timeout: 1_000 })
      else setTimeout(done, 0)
    }
    if (document.readyState === 'complete') idle()
    else addEventListener('load', idle, { once: true })
  })
}

/**
 * What a buyer checks before bidding (issue #25), under the listing: the time windows in words, the warnings
 * where a pattern suggests risk (and the risk every 2-of-3 escrow keeps), the seller's trading record with a
 * link to the seller page, and each arbiter of the listing's set with its record and profile.
 *
 * The windows come with the listing; the records are read from the chain Worker's trust index once the page
 * has loaded (a @lit/task, aborted when the listing changes), the profiles from IPFS after them. Until then a
 * placeholder of about the records' height holds their place, so nothing below moves when they arrive.
 *
 * @fires souk-trust-loaded - CustomEvent<TrustLoaded>: the seller's record and the warnings, once read (and
 * whenever the warnings change), for the line near the bid form (`<souk-trust-glance>`)
 */
@customElement('souk-listing-trust')
@localized()
export class SoukListingTrust extends LitElement {
  static override styles = [
    shared,
    css`
      h3 {
        margin-top: 1.25rem;
      }
      h2:focus {
        outline: none;
      }
      souk-trust-warnings {
        margin-top: 1.25rem;
      }
      .records[data-state='loading'] {
        /* about the height of a seller card and one arbiter card: the section does not jump when they come */
        min-height: calc(14rem + var(--arbiters, 1) * 18rem);
      }
      .arbiters {
        display: grid;
        gap: 0.75rem;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 19rem), 1fr));
        list-style: none;
        padding: 0;
        margin: 0;
      }
      .chosen {
        font-weight: 600;
        margin: 0 0 0.25rem;
      }
      dl.windows {
        grid-template-columns: minmax(7rem, max-content) minmax(0, 1fr);
      }
      dl.windows dd strong {
        display: block;
      }
      @media (max-width: 30rem) {
        dl.windows {
          grid-template-columns: minmax(0, 1fr);
          gap: 0;
        }
        dl.windows dd {
          margin-bottom: 0.5rem;
        }
      }
      .seller-link {
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
      }
    `,
  ]

  /** The listing's chain state (seller, arbiter set, windows). */
  @property({ attribute: false }) auction: AuctionView | undefined
  /** Chain time minus device time, seconds. */
  @property({ type: Number }) offset = 0

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: trustDocsContext, subscribe: true })
  @state()
  trustDocs?: TrustDocsService

  readonly #records = new Task(this, {
    task: async ([chain, seller, set], { signal }) => {
      if (!chain || !seller) return undefined
      await afterLoad(signal)
      const arbiters = set ? (set.split(',') as `0x${string}`[]) : []
      const [summary, records] = await Promise.all([
        sellerSummaries(chain).get(seller, { signal }),
        Promise.all(arbiters.map((a) => chain.arbiterTrust(a, { signal }))),
      ])
      return { summary, arbiters: records }
    },
    // strings, not the auction object: a new chain event must not read the records again
    args: () => [this.chain, this.auction?.seller, this.auction?.arbiters.join(',')] as const,
  })

  readonly #profiles = new Task(this, {
    task: async ([docs, arbiters], { signal }): Promise<ArbiterTrust[] | undefined> =>
      docs && arbiters ? await docs.withProfiles(arbiters, { signal }) : arbiters,
    args: () => [this.trustDocs, this.#records.value?.arbiters] as const,
  })

  /** The warnings of the records read so far (with profiles once in), and the key of the last ones announced. */
  #loaded: (TrustLoaded & { arbiters: ArbiterTrust[] }) | undefined
  #announced = ''

  override willUpdate(): void {
    const data = this.#records.value
    const a = this.auction
    // a value of the listing before, while this one's records are read, is not this listing's
    if (!data || !a || this.#records.status !== TaskStatus.COMPLETE) {
      this.#loaded = undefined
      return
    }
    const arbiters = this.#profiles.value ?? data.arbiters
    const warnings = trustWarnings({ seller: data.summary, arbiters, windows: listingWindows(a), now: this.#now })
    this.#loaded = { summary: data.summary, arbiters, warnings }
  }

  override updated(): void {
    const l = this.#loaded
    const key = l ? `${l.summary.address}|${l.warnings.map((w) => `${w.kind}:${w.about ?? ''}`).join(',')}` : ''
    if (!l || key === this.#announced) return
    this.#announced = key
    this.dispatchEvent(
      new CustomEvent<TrustLoaded>('souk-trust-loaded', { detail: { summary: l.summary, warnings: l.warnings } }),
    )
  }

  /** Moves the focus to the section's heading (after the page scrolled to it). */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('#trust-heading')?.focus({ preventScroll: true })
  }

  get #now(): number {
    return Math.floor(Date.now() / 1000 + this.offset)
  }

  #windows(a: AuctionView) {
    const locale = getLocale()
    const w = listingWindows(a)
    const left = a.biddingEnd - this.#now
    return html`<dl class="terms windows" data-testid="windows">
      <dt>
        ${a.buyNow ? msg('On sale until', { id: 'ltrust.saleEnd' }) : msg('Bidding ends', { id: 'ltrust.biddingEnd' })}
      </dt>
      <dd data-window="bidding">
        <strong>${formatDateTime(a.biddingEnd, locale)}</strong>
        ${left > 0 ? msg(str`${duration(left)} from now`, { id: 'ltrust.in' }) : msg('Ended', { id: 'ltrust.ended' })}
      </dd>
      ${
        w.reveal !== undefined
          ? html`<dt>${msg('Reveal window', { id: 'phase.revealing' })}</dt>
              <dd data-window="reveal">
                <strong>${duration(w.reveal)}</strong>
                ${msg(
                  'After bidding ends, every bidder comes back to open their sealed bid; a bid not opened in time pays 1 % of its deposit.',
                  { id: 'ltrust.reveal' },
                )}
              </dd>`
          : nothing
      }
      <dt>${msg('Confirm window', { id: 'ltrust.confirmLabel' })}</dt>
      <dd data-window="confirm">
        <strong>${duration(w.confirm)}</strong>
        ${msg(
          'After the seller marks the item shipped, the buyer has this long to confirm or dispute; after that the seller can claim the payment.',
          { id: 'ltrust.confirm' },
        )}
      </dd>
      <dt>${msg('Dispute window', { id: 'ltrust.disputeLabel' })}</dt>
      <dd data-window="dispute">
        <strong>${duration(w.dispute)}</strong>
        ${msg(
          'The arbiter the buyer chose has this long to decide a dispute; if it does not, the buyer gets the money back.',
          { id: 'ltrust.dispute' },
        )}
      </dd>
    </dl>`
  }

  #recordsView(a: AuctionView) {
    const task = this.#records
    if (task.status === TaskStatus.ERROR)
      return html`<div role="alert" class="error" data-testid="trust-error">
        <p>
          ${msg('The records could not be read from the chain.', { id: 'ltrust.error' })} ${errorSentence(task.error)}
        </p>
        <button @click=${() => void task.run()}>${msg('Try again', { id: 'ltrust.retry' })}</button>
      </div>`
    const loaded = this.#loaded
    if (!loaded || task.status === TaskStatus.PENDING)
      return html`<div class="records" data-state="loading" style="--arbiters: ${a.arbiters.length}">
        <p class="muted" role="status" data-testid="trust-loading">
          ${msg('Reading the seller’s and arbiters’ records from the chain…', { id: 'ltrust.loading' })}
        </p>
      </div>`
    const { summary, arbiters, warnings } = loaded
    const now = this.#now
    return html`<div class="records" data-state="ready">
      <souk-trust-warnings
        .warnings=${warnings}
        .arbiters=${arbiters}
        .windows=${listingWindows(a)}
        inherent
        heading=${msg('Before you bid', { id: 'ltrust.warnings' })}
      ></souk-trust-warnings>
      <h3>${msg('Seller', { id: 'listing.seller' })}</h3>
      <souk-trust-summary .summary=${summary}></souk-trust-summary>
      <a class="seller-link" data-testid="seller-page" href=${href(`/seller/${a.seller}`)}
        >${msg('The seller’s page: reviews and listings', { id: 'ltrust.sellerPage' })}</a
      >
      <h3>
        ${
          arbiters.length === 1
            ? msg('Arbiter: decides if the buyer disputes', { id: 'ltrust.arbiter.one' })
            : msg(str`${arbiters.length} arbiters: the buyer chooses one if it disputes`, { id: 'ltrust.arbiters' })
        }
      </h3>
      <ul class="arbiters">
        ${arbiters.map(
          (x) =>
            html`<li>
              ${
                a.arbiter?.toLowerCase() === x.address.toLowerCase()
                  ? html`<p class="chosen" data-testid="chosen">
                      ${msg('Chosen by the buyer for the dispute', { id: 'ltrust.chosen' })}
                    </p>`
                  : nothing
              }
              <souk-arbiter-record .arbiter=${x} .now=${now} listing-id=${a.listingId}></souk-arbiter-record>
            </li>`,
        )}
      </ul>
    </div>`
  }

  override render() {
    const a = this.auction
    if (!a) return nothing
    return html`<section aria-labelledby="trust-heading" data-testid="listing-trust">
      <h2 id="trust-heading" tabindex="-1">${msg('Whom you would trust', { id: 'ltrust.heading' })}</h2>
      <p class="muted">
        ${msg(
          'From the market’s own records on the chain: what the seller and the arbiters have done, and how long each step gives you.',
          { id: 'ltrust.intro' },
        )}
      </p>
      <h3>${msg('Time to act', { id: 'ltrust.windows' })}</h3>
      ${this.#windows(a)} ${this.chain ? this.#recordsView(a) : nothing}
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-listing-trust': SoukListingTrust
  }
}
