import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task, TaskStatus } from '@lit/task'
import { isAddressEqual } from 'viem'
import { encodeListing } from '../../core/listing.ts'
import { formatAmount, shortAddress } from '../../services/format.ts'
import type { AuctionView, CatalogService, ChainService, MyBid, WalletView } from '../../services/types.ts'
import { getLocale } from '../../i18n.ts'
import { catalogContext, chainContext, startingContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import {
  bidCountLabel,
  bidStatusLabel,
  categoryLabel,
  conditionLabel,
  escrowLabel,
  mayWithdrawBid,
  phaseLabel,
} from '../labels.ts'
import { catalogUnavailable, chainLoading } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import '../souk-gallery.ts'
import '../souk-countdown.ts'
import '../souk-bid-form.ts'
import type { SoukListingTrust, TrustLoaded } from '../souk-listing-trust.ts'
import '../souk-listing-trust.ts'
import '../souk-trust-glance.ts'
import { listingTimeline } from '../listing/listing-timeline.ts'
import '../listing/souk-listing-buy.ts'
import '../listing/souk-listing-seller.ts'
import { rememberListingDoc } from '../sell/sell-from-listing.ts'

/**
 * A listing: photos, title and description (as text, never HTML), seller and arbiter, terms, a timeline with
 * live countdowns, and the actions that fit the phase and the person: bid, reveal, finalize, withdraw.
 * The document comes from the catalog, the state from the chain (live).
 */
@customElement('souk-listing-view')
@localized()
export class SoukListingView extends LitElement {
  static override styles = [
    shared,
    css`
      /* a phone reads title, photos, the auction, then the description; a wide screen shows photos and
         description on the left, title and auction on the right */
      .layout {
        display: grid;
        gap: 1rem;
        /* the trust section comes last: it loads after the page, and growing at the end moves nothing */
        grid-template-areas: 'title' 'media' 'info' 'desc' 'trust';
        align-items: start;
      }
      .layout > h2 {
        grid-area: title;
        margin: 0;
      }
      .layout > .media {
        grid-area: media;
      }
      .layout > .desc {
        grid-area: desc;
      }
      .layout > .info {
        grid-area: info;
      }
      .layout > .trust {
        grid-area: trust;
      }
      @media (min-width: 56rem) {
        .layout {
          grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr);
          grid-template-rows: auto auto 1fr auto;
          grid-template-areas: 'media title' 'media info' 'desc info' 'trust trust';
        }
      }
      h2 {
        overflow-wrap: anywhere;
      }
      .description {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      ol.timeline {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.4rem;
      }
      ol.timeline li {
        padding: 0.5rem 0.75rem;
        border-radius: 0.5rem;
        border: 1px solid var(--souk-border, #dedad0);
      }
      ol.timeline li[aria-current='step'] {
        border-color: var(--souk-accent, #0f5c4d);
        border-width: 2px;
        font-weight: 600;
      }
      .phase {
        font-weight: 600;
      }
      .actions > * {
        margin-top: 0.5rem;
      }
      .bid {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        padding: 0.5rem 0.75rem;
        margin-top: 0.5rem;
      }
    `,
  ]

  @property() listingId = ''

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  /** The app is still starting its services (provided by souk-app; false without it). */
  @consume({ context: startingContext, subscribe: true })
  @state()
  starting = false

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private auction: AuctionView | undefined
  @state() private auctionError: string | undefined
  /** Chain time minus device time. */
  @state() private offset = 0
  @state() private wallet: WalletView | undefined
  @state() private bidsVersion = 0
  @state() private busy: string | undefined
  @state() private actionError: string | undefined
  @state() private actionDone: string | undefined
  /** What the trust section read (the seller's record, the warnings), for the line near the bid form. */
  @state() private trust: TrustLoaded | undefined

  #watching: { chain: ChainService; id: string; stop: () => void } | undefined
  readonly #onWallet = (): void => {
    this.wallet = this.chain?.wallet()
  }
  readonly #onBids = (): void => {
    this.bidsVersion++
  }

  readonly #doc = new Task(this, {
    task: async ([catalog, id], { signal }) => {
      if (!catalog || !id) return undefined
      await catalog.ready
      const entry = await catalog.get(id, { signal })
      if (!entry) return null
      // the bid names the document shown here, so a seller's later edit cannot change what was bid on
      const { contentHash } = await encodeListing(entry.doc)
      return { ...entry, contentHash }
    },
    args: () => [this.catalog, this.listingId, this.docVersion] as const,
  })

  /** Bumped when the catalog changes while it did not have this listing yet: it may have it now. */
  @state() private docVersion = 0
  #catalogWatched: CatalogService | undefined
  readonly #onCatalog = (): void => {
    if (this.#doc.value === null) this.docVersion++
  }

  #watchCatalog(): void {
    if (this.#catalogWatched === this.catalog) return
    this.#catalogWatched?.removeEventListener('change', this.#onCatalog)
    this.#catalogWatched = this.catalog
    this.#catalogWatched?.addEventListener('change', this.#onCatalog)
  }

  readonly #myBids = new Task(this, {
    task: async ([chain, id, address], { signal }) => {
      if (!chain || !id || !address) return []
      return await chain.myBids({ listingId: id, signal })
    },
    // every event of the listing brings a new `auction` (watchAuction): the bids are read with it
    args: () => [this.chain, this.listingId, this.wallet?.address, this.auction, this.bidsVersion] as const,
  })

  /** How many sealed bids (BidPlaced events), read again with every event of the listing. */
  readonly #stats = new Task(this, {
    task: async ([chain, id, a], { signal }) =>
      chain && id && a && !a.buyNow ? (await chain.listingStats([id], { signal }))[0] : undefined,
    args: () => [this.chain, this.listingId, this.auction] as const,
  })

  readonly #revealed = new Task(this, {
    task: async ([chain, id, phase]) => {
      if (!chain || !id || phase === 'bidding' || phase === undefined) return []
      return await chain.revealedBids(id)
    },
    args: () => [this.chain, this.listingId, this.auction?.phase, this.bidsVersion] as const,
  })

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('chain') || changed.has('listingId')) this.#watch()
    if (changed.has('catalog')) this.#watchCatalog()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#unwatch()
    this.#catalogWatched?.removeEventListener('change', this.#onCatalog)
    this.#catalogWatched = undefined
  }

  override connectedCallback(): void {
    super.connectedCallback()
    if (this.hasUpdated) {
      this.#watch()
      this.#watchCatalog()
    }
  }

  #unwatch(): void {
    if (!this.#watching) return
    this.#watching.stop()
    this.#watching.chain.removeEventListener('wallet', this.#onWallet)
    this.#watching.chain.removeEventListener('bids', this.#onBids)
    this.#watching = undefined
  }

  #watch(): void {
    const chain = this.chain
    const id = this.listingId
    if (this.#watching?.chain === chain && this.#watching?.id === id) return
    this.#unwatch()
    this.auction = undefined
    this.auctionError = undefined
    this.trust = undefined
    if (!chain || !id) return
    chain.addEventListener('wallet', this.#onWallet)
    chain.addEventListener('bids', this.#onBids)
    this.wallet = chain.wallet()
    const stop = chain.watchAuction(
      id,
      (a) => {
        // a confirmation ("Bid revealed.") belongs to the phase it was said in: drop it once the auction moves on
        if (this.auction && this.auction.phase !== a.phase) this.actionDone = undefined
        this.auction = a
        this.auctionError = undefined
        this.offset = a.now - Date.now() / 1000
      },
      (e) => (this.auctionError = errorSentence(e)),
    )
    this.#watching = { chain, id, stop }
  }

  async #act(name: string, fn: () => Promise<string>): Promise<void> {
    this.busy = name
    this.actionError = undefined
    this.actionDone = undefined
    try {
      this.actionDone = await fn()
      this.bidsVersion++
    } catch (err) {
      this.actionError = errorSentence(err)
    } finally {
      this.busy = undefined
    }
  }

  /** Before anyone bids or buys: the seller's record and the warnings in a line, with a way to the details. */
  #glance(a: AuctionView) {
    if (a.phase !== 'bidding' && a.phase !== 'on-sale') return nothing
    // the seller does not check itself before bidding
    const me = this.wallet?.address
    if (me && isAddressEqual(me, a.seller)) return nothing
    return html`<souk-trust-glance
      .summary=${this.trust?.summary}
      .warnings=${this.trust?.warnings.length}
      ?buy=${a.buyNow}
      @souk-trust-jump=${() => {
        const section = this.renderRoot.querySelector<SoukListingTrust>('souk-listing-trust')
        section?.scrollIntoView({ behavior: 'smooth', block: 'start' })
        section?.focusHeading()
      }}
    ></souk-trust-glance>`
  }

  #bidRow(b: MyBid, a: AuctionView) {
    const chain = this.chain!
    const amount =
      b.amount !== undefined
        ? formatAmount(b.amount, a.currency)
        : msg('amount unknown here', { id: 'bids.amountUnknown' })
    const canReveal = a.phase === 'revealing' && b.placedOnChain && !b.revealedOnChain && b.amount !== undefined
    const canWithdraw = mayWithdrawBid(b)
    return html`<div class="bid" data-commitment=${b.commitment} data-outcome=${b.outcome ?? nothing}>
      <span
        >${msg(str`Your bid ${amount}, deposit ${formatAmount(b.deposit, a.currency)}`, { id: 'listing.yourBid' })} ·
        <span data-testid="bid-status">${bidStatusLabel(b)}</span></span
      >
      ${
        canReveal
          ? html`<button
              class="primary"
              data-action="reveal"
              ?disabled=${!!this.busy}
              @click=${() => this.#act('reveal', async () => (await chain.revealBid(b.commitment), msg('Bid revealed.', { id: 'listing.revealed' })))}
            >
              ${this.busy === 'reveal' ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Reveal bid', { id: 'listing.reveal' })}
            </button>`
          : nothing
      }
      ${
        canWithdraw
          ? html`<button
              data-action="withdraw"
              ?disabled=${!!this.busy}
              @click=${() =>
                this.#act('withdraw', async () => {
                  const { refund } = await chain.withdrawBid(a.listingId, b.commitment)
                  return msg(str`${formatAmount(refund, a.currency)} returned to your wallet.`, {
                    id: 'listing.withdrawn',
                  })
                })}
            >
              ${this.busy === 'withdraw' ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Withdraw deposit', { id: 'listing.withdraw' })}
            </button>`
          : nothing
      }
    </div>`
  }

  #actions(a: AuctionView) {
    const chain = this.chain!
    const w = this.wallet
    const me = w?.address?.toLowerCase()
    const isSeller = me === a.seller.toLowerCase()
    const myBids = this.#myBids.value ?? []
    const parts = []
    if (!w || w.status !== 'connected')
      parts.push(
        html`<p class="notice">
          ${msg('Connect a wallet (top right) to bid, reveal or withdraw.', { id: 'listing.connect' })}
        </p>`,
      )
    else if (!w.onConfiguredChain)
      parts.push(
        html`<p class="notice error">
          ${msg(str`Your wallet is on another network. Souk runs on ${chain.chainName}.`, { id: 'wallet.wrongNetwork' })}
          <button @click=${() => this.#act('switch', async () => (await chain.switchChain(), ''))}>
            ${msg(str`Switch to ${chain.chainName}`, { id: 'wallet.switch' })}
          </button>
        </p>`,
      )
    else if (isSeller) {
      // kept for a relist after a cancel (the catalog drops a cancelled listing)
      const doc = this.#doc.value?.doc
      if (doc) rememberListingDoc(a.listingId, doc)
      parts.push(
        html`<souk-listing-seller
          .auction=${a}
          @souk-listing-cancelled=${() => this.bidsVersion++}
        ></souk-listing-seller>`,
      )
    } else if (a.buyNow && a.phase === 'on-sale')
      parts.push(
        html`<souk-listing-buy
          .auction=${a}
          .contentHash=${this.#doc.value?.contentHash}
          @souk-bought=${() => this.bidsVersion++}
        ></souk-listing-buy>`,
      )
    else if (a.phase === 'bidding' && !a.buyNow) {
      // an arbiter of the set may bid (contracts v3): as the buyer it could never choose itself to decide
      parts.push(
        html`<souk-bid-form
          .listingId=${a.listingId}
          .contentHash=${this.#doc.value?.contentHash}
          .currency=${a.currency}
          .reserve=${a.price}
          @souk-bid-placed=${() => this.bidsVersion++}
        ></souk-bid-form>`,
      )
    }
    if (a.phase === 'finalizable')
      parts.push(
        html`<button
          class="primary"
          data-action="finalize"
          ?disabled=${!!this.busy || !w?.onConfiguredChain}
          @click=${() =>
            this.#act('finalize', async () => {
              const { buyer, price } = await chain.finalize(a.listingId)
              return buyer
                ? msg(str`Auction closed: ${shortAddress(buyer)} won and pays ${formatAmount(price, a.currency)}.`, {
                    id: 'listing.finalized',
                  })
                : msg('Auction closed without a sale.', { id: 'listing.noSale' })
            })}
        >
          ${this.busy === 'finalize' ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Finalize auction', { id: 'listing.finalizeButton' })}
        </button>`,
      )
    if (myBids.length)
      parts.push(
        html`<h3>${msg('Your bids here', { id: 'listing.yourBids' })}</h3>
          ${myBids.map((b) => this.#bidRow(b, a))}`,
      )
    return html`<div class="actions">
      ${parts}
      <p role="status" class="ok" data-testid="action-status">${this.actionDone ?? nothing}</p>
      ${this.actionError ? html`<p role="alert" class="error">${this.actionError}</p>` : nothing}
    </div>`
  }

  #outcome(a: AuctionView) {
    if (a.escrow)
      return html`<p data-testid="escrow">
        <strong>${escrowLabel(a.escrow.status)}</strong> —
        ${
          a.buyNow
            ? msg(str`bought by ${shortAddress(a.escrow.buyer)} for ${formatAmount(a.escrow.amount, a.currency)}.`, {
                id: 'listing.bought',
              })
            : msg(
                str`won by ${shortAddress(a.escrow.buyer)} at ${formatAmount(a.escrow.amount, a.currency)} (the second-highest bid, or the reserve).`,
                { id: 'listing.won' },
              )
        }
        ${this.wallet?.address?.toLowerCase() === a.escrow.buyer.toLowerCase() ? html`<strong>${a.buyNow ? msg('You bought this.', { id: 'listing.youBought' }) : msg('You won this auction.', { id: 'listing.youWon' })}</strong>` : nothing}
        ${this.wallet?.address?.toLowerCase() === a.escrow.buyer.toLowerCase() ? html`<a href=${href(`/messages/${a.seller}`, { listing: a.listingId, address: '1' })} data-testid="send-address">${msg('Send your shipping address to the seller', { id: 'listing.sendAddress' })}</a>` : nothing}
      </p>`
    if (a.phase === 'ended')
      return html`<p>${msg('The auction ended without a sale.', { id: 'listing.ended.noSale' })}</p>`
    const revealed = this.#revealed.value ?? []
    if (revealed.length && (a.phase === 'revealing' || a.phase === 'finalizable'))
      return html`<p>${msg(str`${revealed.length} bids revealed so far.`, { id: 'listing.revealedCount' })}</p>`
    return nothing
  }

  override render() {
    const a = this.auction
    const locale = getLocale()
    const entry = this.#doc.value
    // the document (from the catalog) and the auction (from the chain) arrive on their own: the page is drawn
    // once both are in (or failed), so what is already on screen never moves when the other one arrives
    const docPending = this.catalog ? entry === undefined && this.#doc.status !== TaskStatus.ERROR : this.starting
    const auctionPending = this.chain ? !a && !this.auctionError : this.starting
    if (docPending || auctionPending)
      return html`<p class="muted" role="status" data-testid="listing-loading">
        ${msg('Loading the listing…', { id: 'listing.loadingPage' })}
      </p>`
    const doc = entry ? entry.doc : undefined
    const title = doc?.title ?? msg(str`Listing ${this.listingId}`, { id: 'listing.fallbackTitle' })
    return html`
      <article class="layout" aria-labelledby="title" data-listing-id=${this.listingId}>
        <h2 id="title">${title}</h2>
        <div class="media">
          ${
            doc
              ? html`<souk-gallery .images=${doc.images} .label=${doc.title}></souk-gallery>`
              : this.catalog
                ? nothing
                : catalogUnavailable(this.starting)
          }
          ${this.#doc.status === TaskStatus.ERROR ? html`<p class="error" role="alert">${msg('This listing could not be read from the catalog on this device.', { id: 'listing.docError' })} ${errorSentence(this.#doc.error)}</p>` : nothing}
          ${entry === null ? html`<p class="notice">${msg('This listing is not in the catalog on this device (yet).', { id: 'listing.notInCatalog' })}</p>` : nothing}
        </div>
        ${
          doc
            ? html`<div class="desc">
                <h3>${msg('Description', { id: 'listing.description' })}</h3>
                <p class="description">${doc.description}</p>
              </div>`
            : nothing
        }
        <div class="info">
          ${this.auctionError ? html`<p role="alert" class="error">${this.auctionError}</p>` : nothing}
          ${!this.chain ? chainLoading() : nothing}
          ${
            a
              ? html`
                  <p class="phase" data-phase=${a.phase}>
                    ${phaseLabel(a.phase)}
                    ${a.phase === 'bidding' || a.phase === 'revealing' ? html`· <souk-countdown .deadline=${a.phase === 'bidding' ? a.biddingEnd : a.revealEnd} .offset=${this.offset}></souk-countdown>` : nothing}
                    ${this.#stats.value ? html`· <span data-testid="bid-count">${bidCountLabel(this.#stats.value.bids)}</span>` : nothing}
                  </p>
                  ${this.#glance(a)} ${this.#outcome(a)} ${this.#actions(a)} ${listingTimeline(a, this.offset)}
                  <h3>${msg('Terms', { id: 'listing.terms' })}</h3>
                  <dl class="terms">
                    <dt>
                      ${a.buyNow ? msg('Price', { id: 'listing.price' }) : msg('Reserve price', { id: 'listing.reserve' })}
                    </dt>
                    <dd>${formatAmount(a.price, a.currency, locale)}</dd>
                    ${
                      doc
                        ? html`<dt>${msg('Category', { id: 'search.category' })}</dt>
                            <dd>${categoryLabel(doc.category)}</dd>
                            <dt>${msg('Condition', { id: 'listing.condition' })}</dt>
                            <dd>${conditionLabel(doc.condition)}</dd>
                            <dt>${msg('Ships from', { id: 'listing.shipsFrom' })}</dt>
                            <dd>${doc.shipping.from}${doc.shipping.note ? html` — ${doc.shipping.note}` : nothing}</dd>`
                        : nothing
                    }
                    <dt>${msg('Seller', { id: 'listing.seller' })}</dt>
                    <dd>
                      <a href=${href(`/seller/${a.seller}`)}>${shortAddress(a.seller)}</a>
                      <code class="muted">${a.seller}</code>
                      ${this.wallet?.address?.toLowerCase() === a.seller.toLowerCase() ? nothing : html`· <a href=${href(`/messages/${a.seller}`, { listing: a.listingId })} data-testid="message-seller">${msg('Message the seller', { id: 'listing.messageSeller' })}</a>`}
                    </dd>
                    <dt>${msg('Arbiter', { id: 'listing.arbiter' })}</dt>
                    <dd>
                      ${(a.arbiter ? [a.arbiter] : a.arbiters).map(shortAddress).join(', ')} ·
                      ${msg(str`fee ${(a.arbiterFeeBps / 100).toString()}%`, { id: 'listing.fee' })}
                    </dd>
                    <dt>${msg('Payment', { id: 'listing.payment' })}</dt>
                    <dd>
                      ${
                        a.buyNow
                          ? msg('The buyer pays the price into a 2-of-3 escrow: buyer, seller and arbiter.', {
                              id: 'listing.paymentBuyNow',
                            })
                          : msg(
                              'The winner pays the second-highest bid (or the reserve) into a 2-of-3 escrow: buyer, seller and arbiter.',
                              { id: 'listing.paymentBody' },
                            )
                      }
                    </dd>
                  </dl>
                `
              : nothing
          }
        </div>
        ${
          a
            ? html`<souk-listing-trust
                class="trust"
                .auction=${a}
                .offset=${this.offset}
                @souk-trust-loaded=${(e: CustomEvent<TrustLoaded>) => (this.trust = e.detail)}
              ></souk-listing-trust>`
            : nothing
        }
      </article>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-listing-view': SoukListingView
  }
}
