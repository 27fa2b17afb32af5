import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { CATEGORIES, CONDITIONS, LIMITS, type Category, type Condition } from '../../core/listing.ts'
import { DraftStore, type SellDraft } from '../../services/drafts.ts'
import { currencyOf, parseAmount, shortAddress } from '../../services/format.ts'
import type { ChainService, PublishProgress, PublishService, PublishStage } from '../../services/types.ts'
import { getLocale } from '../../i18n.ts'
import { chainContext, publishContext, startingContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { categoryLabel, conditionLabel } from '../labels.ts'
import { href, navigate } from '../routes.ts'
import { shared } from '../styles.ts'
import { offerMessaging } from '../../services/messaging-ready.ts'

const HOUR = 3600
const DAY = 24 * HOUR
const LENGTHS = [HOUR, DAY, 3 * DAY, 7 * DAY] as const
const REVEALS = [HOUR, DAY] as const

function durationLabel(seconds: number): string {
  if (seconds === HOUR) return msg('1 hour', { id: 'sell.hour' })
  if (seconds === DAY) return msg('1 day', { id: 'sell.day' })
  if (seconds < DAY) {
    const n = seconds / HOUR
    return msg(str`${n} hours`, { id: 'sell.hours' })
  }
  const n = seconds / DAY
  return msg(str`${n} days`, { id: 'sell.days' })
}

function stageLabel(s: PublishStage): string {
  switch (s) {
    case 'photos':
      return msg('Preparing photos', { id: 'sell.stage.photos' })
    case 'document':
      return msg('Writing the listing', { id: 'sell.stage.document' })
    case 'pinning':
      return msg('Storing on relays', { id: 'sell.stage.pinning' })
    case 'transaction':
      return msg('Listing on chain (confirm in your wallet)', { id: 'sell.stage.transaction' })
    default:
      return msg('Adding to the catalog', { id: 'sell.stage.catalog' })
  }
}

const STAGES: readonly PublishStage[] = ['photos', 'pinning', 'document', 'transaction', 'catalog']

function emptyDraft(): SellDraft {
  return {
    title: '',
    description: '',
    category: 'other',
    condition: 'good',
    currency: 'ETH',
    reserve: '',
    biddingSeconds: DAY,
    revealSeconds: DAY,
    arbiter: '',
    shippingFrom: '',
    photos: [],
    updatedAt: 0,
  }
}

/**
 * Sell, made for a phone: take or pick photos (camera capture), title, description, category, condition,
 * currency and reserve, auction length, arbiter (recommended list or any address), where it ships from.
 * The draft is kept in IndexedDB as it is typed; publishing shows each step's progress.
 *
 * @fires souk-published - detail `{ listingId }` once the listing is on chain and in the catalog
 */
@customElement('souk-sell-view')
@localized()
export class SoukSellView extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        max-width: 40rem;
      }
      .photos {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(5.5rem, 1fr));
        gap: 0.5rem;
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
      }
      .photos li {
        position: relative;
      }
      .photos img {
        width: 100%;
        aspect-ratio: 1;
        object-fit: cover;
        border-radius: 0.5rem;
        display: block;
      }
      .photos button {
        width: 100%;
        margin-top: 0.25rem;
        min-height: 2.75rem;
        padding: 0;
      }
      .camera {
        width: 100%;
      }
      #photos:focus-visible + .camera {
        outline: 3px solid var(--souk-focus, #1a73e8);
        outline-offset: 2px;
      }
      .row {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
        gap: 0 0.75rem;
      }
      .submit {
        width: 100%;
        margin-top: 1rem;
      }
      ol.progress {
        padding-inline-start: 1.25rem;
      }
      ol.progress li[data-state='done'] {
        color: var(--souk-ok, #1b7a3a);
      }
      ol.progress li[data-state='active'] {
        font-weight: 600;
      }
    `,
  ]

  /** IndexedDB name of the draft store (tests use their own). */
  @property({ attribute: 'draft-store' }) draftStore = 'souk-drafts'

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: publishContext, subscribe: true })
  @state()
  publisher?: PublishService

  /** The app is still starting its services (provided by souk-app; false without it). */
  @consume({ context: startingContext, subscribe: true })
  @state()
  starting = false

  @state() private draft: SellDraft = emptyDraft()
  @state() private restored = false
  @state() private progress: PublishProgress | undefined
  @state() private busy = false
  @state() private error: string | undefined
  @state() private online = typeof navigator === 'undefined' ? true : navigator.onLine
  #store: Promise<DraftStore> | undefined
  /** The queued publication was started since the draft was loaded (at most once per page and queueing). */
  #resumed = false
  readonly #onOnline = (): void => {
    this.online = navigator.onLine
  }
  #urls = new Map<Blob, string>()
  #abort: AbortController | undefined

  readonly #options = new Task(this, {
    task: async ([chain], { signal }) => {
      if (!chain) return undefined
      const [currencies, arbiters] = await Promise.all([chain.currencies(), chain.recommendedArbiters({ signal })])
      return { currencies, arbiters }
    },
    // read again on reconnecting: opened offline, the reads failed
    args: () => [this.chain, this.online] as const,
  })

  override connectedCallback(): void {
    super.connectedCallback()
    this.online = navigator.onLine
    window.addEventListener('online', this.#onOnline)
    window.addEventListener('offline', this.#onOnline)
    this.#store = DraftStore.open(this.draftStore)
    void this.#store
      .then((s) => s.load())
      .then((d) => {
        if (d) this.draft = { ...emptyDraft(), ...d }
        this.restored = true
        this.dataset.draftLoaded = ''
      })
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('online', this.#onOnline)
    window.removeEventListener('offline', this.#onOnline)
    this.#abort?.abort()
    for (const url of this.#urls.values()) URL.revokeObjectURL(url)
    this.#urls.clear()
    void this.#store?.then((s) => s.close())
    this.#store = undefined
  }

  override updated(): void {
    // back online (or reloaded online) with a publication queued: publish it now, once
    if (
      this.draft.publishWhenOnline &&
      this.online &&
      this.restored &&
      !this.busy &&
      !this.#resumed &&
      this.publisher &&
      this.#options.value
    ) {
      this.#resumed = true
      void this.#publish()
    }
  }

  #set(patch: Partial<SellDraft>): void {
    this.draft = { ...this.draft, ...patch, updatedAt: Date.now() }
    const draft = this.draft
    void this.#store?.then((s) => s.save(draft)).then(() => this.dispatchEvent(new Event('souk-draft-saved')))
  }

  #url(blob: Blob): string {
    let url = this.#urls.get(blob)
    if (!url) {
      url = URL.createObjectURL(blob)
      this.#urls.set(blob, url)
    }
    return url
  }

  #onPhotos(e: Event): void {
    const input = e.target as HTMLInputElement
    const files = [...(input.files ?? [])].filter((f) => f.type.startsWith('image/'))
    this.#set({ photos: [...this.draft.photos, ...files].slice(0, LIMITS.images) })
    input.value = ''
  }

  #problem(): string | undefined {
    const d = this.draft
    if (d.photos.length === 0) return msg('Add at least one photo.', { id: 'sell.needPhoto' })
    if (!d.title.trim()) return msg('Give your item a title.', { id: 'sell.needTitle' })
    if (!d.shippingFrom.trim()) return msg('Say where the item ships from.', { id: 'sell.needShipping' })
    if (!/^0x[0-9a-fA-F]{40}$/.test(d.arbiter))
      return msg('Choose an arbiter (an address starting with 0x).', { id: 'sell.needArbiter' })
    return undefined
  }

  async #submit(e: Event): Promise<void> {
    e.preventDefault()
    if (this.online) {
      await this.#publish()
      return
    }
    // offline: check the form now, and publish once the network is back (kept in the draft, so a reload keeps it)
    this.error = this.#problem()
    if (this.error) return
    this.#resumed = false
    this.#set({ publishWhenOnline: true })
  }

  async #publish(): Promise<void> {
    const publisher = this.publisher
    const options = this.#options.value
    if (!publisher || !options) return
    this.error = this.#problem()
    const currency = currencyOf(this.draft.currency, options.currencies) ?? options.currencies[0]
    const reserve =
      this.draft.reserve.trim() === '' ? 0n : currency && parseAmount(this.draft.reserve, currency.decimals)
    if (!this.error && (reserve === undefined || !currency))
      this.error = msg('Enter the reserve as a number, e.g. 0.5.', { id: 'sell.badReserve' })
    if (this.error || !currency || reserve === undefined) {
      if (this.draft.publishWhenOnline) this.#set({ publishWhenOnline: false })
      return
    }
    const d = this.draft
    this.busy = true
    this.#abort = new AbortController()
    try {
      const result = await publisher.publish(
        {
          title: d.title.trim(),
          description: d.description.trim(),
          category: d.category as Category,
          condition: d.condition as Condition,
          photos: d.photos,
          reserve,
          currency: currency.id,
          biddingSeconds: d.biddingSeconds,
          revealSeconds: d.revealSeconds,
          // one arbiter as a set of one (the trust UI names up to three); the fee defaults to its minimum
          arbiters: [d.arbiter as `0x${string}`],
          shippingFrom: d.shippingFrom.trim(),
          language: getLocale(),
        },
        { onProgress: (p) => (this.progress = p), signal: this.#abort.signal },
      )
      await (await this.#store)?.clear()
      this.draft = emptyDraft()
      this.dispatchEvent(
        new CustomEvent('souk-published', { detail: { listingId: result.listingId }, bubbles: true, composed: true }),
      )
      offerMessaging(this, 'seller')
      navigate(href(`/listing/${result.listingId}`))
    } catch (err) {
      if (!navigator.onLine && !this.#abort.signal.aborted) {
        // the network went away mid-way: carry on from the same stage when it is back
        this.#resumed = false
        this.#set({ publishWhenOnline: true })
      } else {
        this.error = errorSentence(err)
        if (this.draft.publishWhenOnline) this.#set({ publishWhenOnline: false })
      }
    } finally {
      this.busy = false
    }
  }

  #offlineNotice() {
    if (this.online && !this.draft.publishWhenOnline) return nothing
    const queued = this.draft.publishWhenOnline
    return html`<div class="notice" role="status" data-testid="sell-offline">
      ${
        this.online
          ? msg('Back online: publishing your listing.', { id: 'sell.offline.resuming' })
          : queued
            ? msg(
                'You are offline. Your listing will be published when you are back online: the photos are stored on relays first, then your wallet asks you to confirm the listing once. The draft stays on this device until then, even if you close the page.',
                { id: 'sell.offline.queued' },
              )
            : msg(
                'You are offline. Your draft is saved on this device as you type, and nothing is lost if you close the page. Press Publish and it goes out when you are back online.',
                { id: 'sell.offline.saved' },
              )
      }
      ${
        queued && !this.busy
          ? html`<div>
              <button type="button" data-action="cancel-queued" @click=${() => this.#set({ publishWhenOnline: false })}>
                ${msg('Do not publish automatically', { id: 'sell.offline.cancel' })}
              </button>
            </div>`
          : nothing
      }
    </div>`
  }

  #progress() {
    const p = this.progress
    if (!p) return nothing
    const at = STAGES.indexOf(p.stage)
    return html`<ol class="progress" aria-label=${msg('Progress', { id: 'sell.progress' })}>
      ${STAGES.map((s, i) => {
        const state = i < at ? 'done' : i === at ? 'active' : 'todo'
        return html`<li data-state=${state}>
          ${stageLabel(s)}${state === 'active' && p.total > 1 ? ` (${p.done}/${p.total})` : ''}${state === 'done' ? ' ✓' : ''}
          ${state === 'active' ? html`<progress max=${p.total || 1} value=${p.done} aria-label=${stageLabel(s)}></progress>` : nothing}
        </li>`
      })}
    </ol>`
  }

  override render() {
    const d = this.draft
    const options = this.#options.value
    const currencies = options?.currencies ?? []
    const arbiters = options?.arbiters ?? []
    const symbol = currencyOf(d.currency, currencies)?.symbol ?? d.currency
    const known = arbiters.some((a) => a.address.toLowerCase() === d.arbiter.toLowerCase())
    return html`
      <h2>${msg('Sell an item', { id: 'sell.title' })}</h2>
      ${
        !this.publisher && !this.starting
          ? html`<div class="notice" role="status" data-testid="publish-unavailable">
              ${msg('Publishing needs the catalog, which is not available yet. Your draft is kept on this device.', { id: 'sell.unavailable' })}
            </div>`
          : nothing
      }
      ${this.restored && d.updatedAt ? html`<p class="hint" role="status">${msg('Your draft was restored.', { id: 'sell.restored' })}</p>` : nothing}
      ${this.#offlineNotice()}
      <form @submit=${this.#submit} novalidate>
        <label for="photos">${msg(str`Photos (up to ${LIMITS.images})`, { id: 'sell.photos' })}</label>
        <input
          id="photos"
          class="visually-hidden"
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          @change=${this.#onPhotos}
          aria-describedby="photos-hint"
        />
        <!-- the browser's own file button speaks the browser's language, not the page's: this one follows the page -->
        <label for="photos" class="button primary camera" data-testid="pick-photos" aria-hidden="true">
          ${msg('Take or choose photos', { id: 'sell.pickPhotos' })}
        </label>
        <p class="hint" id="photos-hint">
          ${msg('Take photos with your camera or pick them from your phone.', { id: 'sell.photosHint' })}
        </p>
        <ul class="photos" aria-label=${msg('Chosen photos', { id: 'sell.chosen' })}>
          ${d.photos.map(
            (p, i) =>
              html`<li>
                <img src=${this.#url(p)} alt=${msg(str`Photo ${i + 1}`, { id: 'sell.photo' })} />
                <button type="button" @click=${() => this.#set({ photos: d.photos.filter((_, j) => j !== i) })}>
                  ${msg('Remove', { id: 'sell.remove' })}<span class="visually-hidden">
                    ${msg(str`Photo ${i + 1}`, { id: 'sell.photo' })}</span
                  >
                </button>
              </li>`,
          )}
        </ul>

        <label for="title">${msg('Title', { id: 'sell.titleLabel' })}</label>
        <input
          id="title"
          maxlength=${LIMITS.title}
          required
          .value=${d.title}
          @input=${(e: Event) => this.#set({ title: (e.target as HTMLInputElement).value })}
        />

        <label for="description">${msg('Description', { id: 'listing.description' })}</label>
        <textarea
          id="description"
          maxlength=${LIMITS.description}
          .value=${d.description}
          @input=${(e: Event) => this.#set({ description: (e.target as HTMLTextAreaElement).value })}
        ></textarea>

        <div class="row">
          <div>
            <label for="category">${msg('Category', { id: 'search.category' })}</label>
            <select
              id="category"
              @change=${(e: Event) => this.#set({ category: (e.target as HTMLSelectElement).value })}
            >
              ${CATEGORIES.map((c) => html`<option value=${c} ?selected=${d.category === c}>${categoryLabel(c)}</option>`)}
            </select>
          </div>
          <div>
            <label for="condition">${msg('Condition', { id: 'listing.condition' })}</label>
            <select
              id="condition"
              @change=${(e: Event) => this.#set({ condition: (e.target as HTMLSelectElement).value })}
            >
              ${CONDITIONS.map((c) => html`<option value=${c} ?selected=${d.condition === c}>${conditionLabel(c)}</option>`)}
            </select>
          </div>
          <div>
            <label for="currency">${msg('Currency', { id: 'search.currency' })}</label>
            <select
              id="currency"
              @change=${(e: Event) => this.#set({ currency: (e.target as HTMLSelectElement).value })}
            >
              ${(currencies.length ? currencies : [{ id: 'ETH', symbol: 'ETH' }]).map((c) => html`<option value=${c.symbol} ?selected=${d.currency === c.symbol}>${c.symbol}</option>`)}
            </select>
          </div>
          <div>
            <label for="reserve">${msg(str`Reserve price (${symbol})`, { id: 'sell.reserve' })}</label>
            <input
              id="reserve"
              inputmode="decimal"
              placeholder="0"
              .value=${d.reserve}
              @input=${(e: Event) => this.#set({ reserve: (e.target as HTMLInputElement).value })}
              aria-describedby="reserve-hint"
            />
          </div>
          <div>
            <label for="length">${msg('Bidding lasts', { id: 'sell.length' })}</label>
            <select
              id="length"
              @change=${(e: Event) => this.#set({ biddingSeconds: Number((e.target as HTMLSelectElement).value) })}
            >
              ${LENGTHS.map((s) => html`<option value=${s} ?selected=${d.biddingSeconds === s}>${durationLabel(s)}</option>`)}
            </select>
          </div>
          <div>
            <label for="reveal">${msg('Then bids are revealed for', { id: 'sell.reveal' })}</label>
            <select
              id="reveal"
              @change=${(e: Event) => this.#set({ revealSeconds: Number((e.target as HTMLSelectElement).value) })}
            >
              ${REVEALS.map((s) => html`<option value=${s} ?selected=${d.revealSeconds === s}>${durationLabel(s)}</option>`)}
            </select>
          </div>
        </div>
        <p class="hint" id="reserve-hint">
          ${msg('Nobody can win below the reserve. Leave it empty for no reserve.', { id: 'sell.reserveHint' })}
        </p>

        <label for="arbiter">${msg('Arbiter', { id: 'listing.arbiter' })}</label>
        <select
          id="arbiter"
          @change=${(e: Event) => this.#set({ arbiter: (e.target as HTMLSelectElement).value })}
          aria-describedby="arbiter-hint"
        >
          <option value="" ?selected=${!known}>${msg('Enter an address below', { id: 'sell.arbiter.other' })}</option>
          ${arbiters.map(
            (a) =>
              html`<option value=${a.address} ?selected=${a.address.toLowerCase() === d.arbiter.toLowerCase()}>
                ${shortAddress(a.address)} —
                ${a.recommended ? `${msg('recommended by this marketplace', { id: 'sell.arbiter.recommended' })} · ` : ''}
                ${msg(str`chosen for ${a.listings} listings`, { id: 'sell.arbiter.uses' })}
              </option>`,
          )}
        </select>
        <label for="arbiter-address" class="visually-hidden"
          >${msg('Arbiter address', { id: 'sell.arbiter.address' })}</label
        >
        <input
          id="arbiter-address"
          placeholder="0x…"
          autocomplete="off"
          spellcheck="false"
          .value=${d.arbiter}
          @input=${(e: Event) => this.#set({ arbiter: (e.target as HTMLInputElement).value.trim() })}
        />
        <p class="hint" id="arbiter-hint">
          ${msg('The arbiter decides only if buyer and seller disagree; the payment is held in a 2-of-3 escrow.', { id: 'sell.arbiterHint' })}
        </p>

        <label for="from">${msg('Ships from', { id: 'listing.shipsFrom' })}</label>
        <input
          id="from"
          autocomplete="address-level2"
          .value=${d.shippingFrom}
          @input=${(e: Event) => this.#set({ shippingFrom: (e.target as HTMLInputElement).value })}
        />

        <button
          class="primary submit"
          type="submit"
          ?disabled=${this.busy || (this.online ? !this.publisher || !options : d.publishWhenOnline === true)}
          data-action="publish"
        >
          ${
            this.busy
              ? msg('Publishing…', { id: 'sell.publishing' })
              : this.online
                ? msg('Publish listing', { id: 'sell.publish' })
                : msg('Publish when back online', { id: 'sell.publishLater' })
          }
        </button>
        ${this.#progress()} ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      </form>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-sell-view': SoukSellView
  }
}
