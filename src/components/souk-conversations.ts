import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { OnlineController } from './online.ts'
import { customElement, property, query, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task, TaskStatus } from '@lit/task'
import { isAddress, type Address } from 'viem'
import { chainContext, messagingContext } from './context.ts'
import { shared } from './styles.ts'
import { shortAddress } from '../services/format.ts'
import type {
  AuctionView,
  ChainService,
  ChatMessage,
  Conversation,
  MessagingService,
  OrderEvent,
  ShippingAddress,
} from '../services/types.ts'
import './messages/souk-address-card.ts'
import './messages/souk-listing-label.ts'
import './messages/souk-shipping-form.ts'
import { orderEventLabel } from './messages/order-events.ts'
import { partyOf, sendError, waitingLabel } from './messages/waiting.ts'
import './messages/souk-message-photos.ts'
import './messages/souk-photo-attach.ts'
import type { SoukPhotoAttach } from './messages/souk-photo-attach.ts'
import { progressLabel, uploadPhotos, type PhotoProgress } from './messages/photo-upload.ts'
import { messageTime } from './messages/message-time.ts'
import { photosLabel, unreadLabel } from './messages/counts.ts'
import { getLocale } from '../i18n.ts'

const same = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()

/**
 * The conversations of the connected wallet, one per counterparty and listing: the list (the listing's photo
 * and title, unread counts, last message), the open thread with each message's delivery state (offline and
 * waiting, stored on N relays, delivered, read), shipping addresses as cards, the listing's order updates from
 * the chain inline in time order, the shipping address form when I won the listing, and a composer. Opening a thread marks it read
 * (the sender gets a read receipt). One column on a phone (list, or the open thread with a back button), two
 * from 40rem. The messaging service comes from context (or the `source` property).
 *
 * @fires souk-conversation-open - `detail: { peer: Address | undefined }` when a conversation is chosen or left
 *   (bubbles, composed; the messages view turns it into a `#/messages/<address>` link)
 * @fires souk-message-sent - `detail: ChatMessage` once a message is in the outbox (bubbles, composed)
 */
@localized()
@customElement('souk-conversations')
export class SoukConversations extends LitElement {
  static override styles = [
    shared,
    css`
      .layout {
        display: grid;
        grid-template-columns: 1fr;
        gap: 1rem;
      }
      @media (min-width: 40rem) {
        .layout {
          grid-template-columns: minmax(12rem, 1fr) 2fr;
        }
      }
      @media (max-width: 39.99rem) {
        .layout.open nav,
        .layout:not(.open) section {
          display: none;
        }
      }
      @media (min-width: 40rem) {
        .back {
          display: none;
        }
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .conv {
        display: flex;
        width: 100%;
        min-height: 2.75rem;
        justify-content: space-between;
        align-items: center;
        gap: 0.5rem;
        padding: 0.5rem;
        border: 0;
        border-bottom: 1px solid var(--souk-border, #dedad0);
        background: none;
        color: inherit;
        text-align: start;
        cursor: pointer;
      }
      .conv[aria-current='true'] {
        background: var(--souk-selected, #e8f1ee);
      }
      .conv .preview {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 14rem;
        display: block;
      }
      .badge {
        min-width: 1.5rem;
        border-radius: 1rem;
        background: var(--souk-accent, #0f5c4d);
        color: #fff;
        text-align: center;
      }
      .thread {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        max-height: 60vh;
        overflow-y: auto;
      }
      .bubble {
        max-width: 85%;
        margin: 0;
        padding: 0.5rem 0.75rem;
        border-radius: 0.75rem;
        background: var(--souk-bubble-in, #f1f0ec);
        overflow-wrap: anywhere;
      }
      .bubble .text {
        margin: 0;
        white-space: pre-wrap;
      }
      .bubble.out {
        align-self: flex-end;
        background: var(--souk-bubble-out, #dcefe9);
      }
      .meta {
        display: block;
        font-size: 0.75rem;
        color: var(--souk-muted, #5d594f);
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      form input,
      form textarea {
        flex: 1 1 12rem;
      }
      form textarea {
        flex-basis: 100%;
      }
      form souk-photo-attach {
        flex: 1 1 auto;
      }
      button {
        min-height: 2.75rem;
      }
      [role='alert'] {
        color: var(--souk-bad, #a3261b);
      }
      .order {
        align-self: center;
        margin: 0;
        font-size: 0.85rem;
        color: var(--souk-muted, #5d594f);
        text-align: center;
      }
      .offline {
        color: var(--souk-warn, #7a4b00);
      }
      .conv souk-listing-label {
        display: flex;
        font-size: 0.85rem;
      }
    `,
  ]

  @consume({ context: messagingContext, subscribe: true })
  @property({ attribute: false })
  source?: MessagingService

  /** The other person of the open thread (a deep link `#/messages/<address>` sets it). */
  @property({ attribute: false }) peer?: Address

  /** The listing of the open thread (`#/messages/<address>?listing=<id>`); undefined: the general conversation. */
  @property({ attribute: false }) listing?: string | undefined

  /** Open the shipping address form as soon as it is offered (deep link `?address=1`). */
  @property({ attribute: false }) openAddressForm = false

  @consume({ context: chainContext, subscribe: true })
  @property({ attribute: false })
  chain?: ChainService

  @state() private revision = 0
  /** The open listing's on-chain state (who the buyer is), followed live. */
  @state() private auction?: AuctionView
  @state() private orderRevision = 0
  @state() private addressFormOpen = false
  readonly #device = new OnlineController(this)
  #watching: { listing: string; chain: ChainService; stop: () => void } | undefined

  /** The listing's order history from the chain, reloaded whenever the listing's state moves. */
  private readonly orderTask = new Task(this, {
    task: async ([chain, listing], { signal }): Promise<OrderEvent[]> =>
      chain && listing ? await chain.orderEvents(listing, { signal }) : [],
    args: () => [this.chain, this.listing, this.orderRevision] as const,
  })

  private readonly sendingAddress = new Task(this, {
    task: async ([to, listing, address]: [Address, string, ShippingAddress], { signal }) => {
      const m = await this.source!.sendAddress(to, listing, address, { signal })
      this.addressFormOpen = false
      this.dispatchEvent(new CustomEvent('souk-message-sent', { detail: m, bubbles: true, composed: true }))
      return m
    },
    autoRun: false,
  })

  /** The open thread, reloaded on every change of the service. */
  private readonly threadTask = new Task(this, {
    task: async ([source, conv], { signal }) =>
      source && conv && source.status === 'ready' ? await source.thread(conv, { signal }) : [],
    args: () => [this.source, this.openConversation()?.conv, this.revision] as const,
  })

  @state() private photoProgress?: PhotoProgress | undefined
  @query('souk-photo-attach') private attach?: SoukPhotoAttach

  private readonly sending = new Task(this, {
    task: async ([to, text, listing, files]: [Address, string, string | undefined, File[]], { signal }) => {
      const photos =
        files.length === 0
          ? undefined
          : await uploadPhotos(this.source!, files, (p) => (this.photoProgress = p), signal).finally(
              () => (this.photoProgress = undefined),
            )
      const m = await this.source!.send(to, text, {
        signal,
        ...(listing === undefined ? {} : { listing }),
        ...(photos && { photos }),
      })
      if (!same(this.peer, m.peer)) this.choose(m.peer, m.listing)
      this.dispatchEvent(new CustomEvent('souk-message-sent', { detail: m, bubbles: true, composed: true }))
      return m
    },
    autoRun: false,
  })

  private readonly onChange = (): void => {
    this.revision++
  }

  private readonly onMessage = (event: Event): void => {
    const m = (event as CustomEvent<ChatMessage>).detail
    if (same(m.peer, this.peer) && m.listing === this.listing) this.markReadIfVisible()
  }

  private readonly onVisibility = (): void => this.markReadIfVisible()

  override connectedCallback(): void {
    super.connectedCallback()
    this.listen(this.source)
    document.addEventListener('visibilitychange', this.onVisibility)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.listen(undefined)
    document.removeEventListener('visibilitychange', this.onVisibility)
    this.#watchAuction(undefined, undefined)
  }

  /** Follows the open listing's auction (buyer, escrow state); each move reloads the order updates. */
  #watchAuction(chain: ChainService | undefined, listing: string | undefined): void {
    if (this.#watching && this.#watching.listing === listing && this.#watching.chain === chain) return
    this.#watching?.stop()
    this.#watching = undefined
    this.auction = undefined
    if (!chain || !listing) return
    const stop = chain.watchAuction(
      listing,
      (a) => {
        this.auction = a
        this.orderRevision++
      },
      () => undefined,
    )
    this.#watching = { listing, chain, stop }
  }

  private listening?: MessagingService
  private listen(source: MessagingService | undefined): void {
    this.listening?.removeEventListener('change', this.onChange)
    this.listening?.removeEventListener('message', this.onMessage)
    this.listening = source
    source?.addEventListener('change', this.onChange)
    source?.addEventListener('message', this.onMessage)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source') && this.isConnected) this.listen(this.source)
    if (this.isConnected) this.#watchAuction(this.chain, this.listing)
    if (changed.has('listing') || changed.has('peer') || changed.has('openAddressForm'))
      this.addressFormOpen = this.openAddressForm
  }

  protected override updated(): void {
    this.markReadIfVisible()
  }

  private openConversation(): Conversation | undefined {
    return this.source?.conversations.find((c) => same(c.peer, this.peer) && c.listing === this.listing)
  }

  /** Opening a thread reads it: one receipt for everything unread in it, only while the page is seen. */
  private markReadIfVisible(): void {
    const c = this.openConversation()
    if (!c || c.unread === 0 || document.visibilityState !== 'visible' || this.source?.status !== 'ready') return
    if (this.reading.has(c.conv)) return
    this.reading.add(c.conv)
    void this.source
      .markRead(c.conv)
      .catch(() => undefined)
      .finally(() => this.reading.delete(c.conv))
  }

  /** Conversations with a read receipt in flight (updates come faster than the worker's snapshot). */
  private readonly reading = new Set<string>()

  private choose(peer: Address | undefined, listing?: string): void {
    this.peer = peer
    this.listing = listing
    this.dispatchEvent(
      new CustomEvent('souk-conversation-open', { detail: { peer, listing }, bubbles: true, composed: true }),
    )
  }

  /** No network, or no relay reachable: what is written waits in the outbox. */
  private get offline(): boolean {
    return !this.#device.online || this.source?.relaysConnected === 0
  }

  private stateLabel(m: ChatMessage): string {
    switch (m.state) {
      case 'waiting':
        return waitingLabel(m, partyOf(this.peer, this.auction), this.offline)
      case 'queued':
        return this.offline
          ? msg('Offline — will be sent when you are back online', { id: 'msg.state.offline' })
          : msg('Waiting for the network…', { id: 'msg.state.queued' })
      case 'sent': {
        const n = m.relays ?? 1
        return n > 1
          ? msg(str`Stored on ${n} relays`, { id: 'msg.state.stored' })
          : msg('Sent', { id: 'msg.state.sent' })
      }
      case 'delivered':
        return msg('Delivered', { id: 'msg.state.delivered' })
      case 'read':
        return msg('Read', { id: 'msg.state.read' })
      default:
        return ''
    }
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    const text = String(data.get('text') ?? '').trim()
    const to = this.peer ?? String(data.get('to') ?? '').trim()
    const files = this.attach?.files ?? []
    if ((!text && files.length === 0) || !isAddress(to)) return
    void this.sending.run([to, text, this.peer ? this.listing : undefined, files]).then(() => {
      if (this.sending.status !== TaskStatus.ERROR) {
        form.reset()
        this.attach?.clear()
      }
    })
  }

  #list(conversations: readonly Conversation[]) {
    const permission = 'Notification' in globalThis ? Notification.permission : 'denied'
    return html`<nav aria-label=${msg('Conversations', { id: 'msg.list' })}>
      ${
        // beside a thread being started the list is simply empty
        conversations.length === 0 && !this.peer
          ? html`<p class="muted">${msg('No conversations yet.', { id: 'msg.empty' })}</p>`
          : nothing
      }
      <ul>
        ${conversations.map(
          (c) =>
            html`<li>
              <button
                class="conv"
                data-peer=${c.peer}
                data-listing=${c.listing ?? ''}
                aria-current=${same(c.peer, this.peer) && c.listing === this.listing ? 'true' : 'false'}
                @click=${() => this.choose(c.peer, c.listing)}
              >
                <span
                  >${c.listing ? html`<souk-listing-label .listing=${c.listing}></souk-listing-label>` : nothing}<strong
                    >${shortAddress(c.peer)}</strong
                  ><span class="preview"
                    >${
                      c.last.kind === 'address'
                        ? msg('Shipping address', { id: 'ship.card.title' })
                        : c.last.text.slice(0, 60) || (c.last.photos ? photosLabel(c.last.photos.length) : '')
                    }</span
                  ></span
                >
                ${
                  c.unread > 0
                    ? html`<span class="badge" aria-label=${unreadLabel(c.unread)}>${c.unread}</span>`
                    : nothing
                }
              </button>
            </li>`,
        )}
      </ul>
      <button class="new" @click=${() => this.choose(undefined)}>${msg('New conversation', { id: 'msg.new' })}</button>
      ${
        permission === 'default'
          ? html`<button @click=${() => void Notification.requestPermission().then(() => this.revision++)}>
              ${msg('Notify me of new messages', { id: 'msg.notify.enable' })}
            </button>`
          : nothing
      }
    </nav>`
  }

  /** Who sent an address, as the chain sees it: the listing's buyer or not (unknown until the chain answered). */
  private verdict(m: ChatMessage): 'buyer' | 'not-buyer' | 'unknown' {
    if (m.direction === 'out') return 'buyer'
    const buyer = this.auction?.escrow?.buyer
    if (!this.auction) return 'unknown'
    return same(buyer, m.from) ? 'buyer' : 'not-buyer'
  }

  #bubble(m: ChatMessage) {
    const time = html`<time class="when" datetime=${new Date(m.ts).toISOString()}
      >${messageTime(m.ts, getLocale())}</time
    >`
    const state =
      m.direction === 'out'
        ? html`<span
            class="state ${(m.state === 'queued' || m.state === 'waiting') && this.offline ? 'offline' : ''}"
            data-state=${m.state}
            data-relays=${m.relays ?? 0}
            >${this.stateLabel(m)}</span
          >`
        : nothing
    const meta = html`<span class="meta">${time}${state === nothing ? nothing : html` · ${state}`}</span>`
    if (m.kind === 'address')
      return html`<div class="bubble ${m.direction}" data-id=${m.id} data-kind="address">
        <souk-address-card .address=${m.address} verdict=${this.verdict(m)}></souk-address-card>${meta}
      </div>`
    const photos = m.photos?.length
      ? html`<souk-message-photos .source=${this.source} .photos=${m.photos}></souk-message-photos>`
      : nothing
    return html`<div class="bubble ${m.direction}" data-id=${m.id}>
      ${photos}${m.text ? html`<p class="text">${m.text}</p>` : nothing}${meta}
    </div>`
  }

  /** Messages in thread order with the listing's order updates placed by time. */
  #thread(thread: readonly ChatMessage[], events: readonly OrderEvent[]) {
    const items: ReturnType<typeof html>[] = []
    let e = 0
    for (const m of thread) {
      while (e < events.length && events[e]!.at * 1000 <= m.ts) items.push(this.#order(events[e++]!))
      items.push(this.#bubble(m))
    }
    while (e < events.length) items.push(this.#order(events[e++]!))
    return html`<div class="thread" role="log" aria-live="polite">${items}</div>`
  }

  #order(e: OrderEvent) {
    return html`<p class="order" data-order=${e.kind} data-testid="order-update">
      ${orderEventLabel(e)} ·
      <time datetime=${new Date(e.at * 1000).toISOString()}>${new Date(e.at * 1000).toLocaleString()}</time>
    </p>`
  }

  /** I won (or bought) the open listing and write to its seller: offer the shipping address form. */
  #addressOffer() {
    const a = this.auction
    const me = this.source?.address
    if (!a || !this.listing || !this.peer || !same(a.escrow?.buyer, me) || !same(a.seller, this.peer)) return nothing
    if (!this.addressFormOpen)
      return html`<button data-testid="offer-address" @click=${() => (this.addressFormOpen = true)}>
        ${msg('Send my shipping address', { id: 'ship.offer' })}
      </button>`
    const to = this.peer
    const listing = this.listing
    return html`<souk-shipping-form
        ?busy=${this.sendingAddress.status === TaskStatus.PENDING}
        @souk-address-submit=${(ev: CustomEvent<ShippingAddress>) => void this.sendingAddress.run([to, listing, ev.detail])}
        @souk-address-cancel=${() => (this.addressFormOpen = false)}
      ></souk-shipping-form>
      ${this.sendingAddress.render({
        error: (err) => html`<p role="alert">${sendError(err)}</p>`,
      })}`
  }

  override render() {
    const source = this.source
    if (!source || source.status !== 'ready')
      return html`<p>${msg('Connect your wallet to read and send messages.', { id: 'msg.no-wallet' })}</p>`
    void this.revision
    const thread = this.threadTask.value ?? []
    return html`<div class="layout ${this.peer ? 'open' : ''}">
      ${this.#list(source.conversations)}
      <section aria-label=${msg('Thread', { id: 'msg.thread' })}>
        ${
          this.peer
            ? html`<button class="back" @click=${() => this.choose(undefined)}>
                  ← ${msg('Conversations', { id: 'msg.list' })}
                </button>
                <h3>
                  ${shortAddress(this.peer)}
                  ${
                    this.listing
                      ? html`·
                          <a href=${`#/listing/${this.listing}`}
                            ><souk-listing-label .listing=${this.listing}></souk-listing-label
                          ></a>`
                      : nothing
                  }
                </h3>`
            : html`<h3>${msg('New conversation', { id: 'msg.new' })}</h3>`
        }
        ${this.peer ? this.#thread(thread, this.orderTask.value ?? []) : nothing} ${this.#addressOffer()}
        <form @submit=${this.submit}>
          ${
            this.peer
              ? nothing
              : html`<input
                  name="to"
                  required
                  pattern="0x[0-9a-fA-F]{40}"
                  placeholder="0x…"
                  aria-label=${msg('Recipient address', { id: 'msg.to' })}
                />`
          }
          <textarea name="text" rows="2" maxlength="4000" aria-label=${msg('Message', { id: 'msg.text' })}></textarea>
          <souk-photo-attach ?disabled=${this.sending.status === TaskStatus.PENDING}></souk-photo-attach>
          <button type="submit" ?disabled=${this.sending.status === TaskStatus.PENDING}>
            ${msg('Send', { id: 'msg.send' })}
          </button>
        </form>
        ${
          this.offline
            ? html`<p class="offline" role="status" data-testid="composer-offline">
                ${msg('Offline — what you write is kept and will be sent when you are back online.', {
                  id: 'msg.composer.offline',
                })}
              </p>`
            : nothing
        }
        ${
          this.photoProgress
            ? html`<p role="status" data-testid="photo-progress">${progressLabel(this.photoProgress)}</p>`
            : nothing
        }
        ${this.sending.render({
          error: (e) => html`<p role="alert">${sendError(e)}</p>`,
        })}
      </section>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-conversations': SoukConversations
  }
}
