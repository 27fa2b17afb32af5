import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { CATEGORIES, CONDITIONS, LIMITS } from '../../core/listing.ts'
import type { SellDraft } from '../../services/drafts.ts'
import { currencyOf } from '../../services/format.ts'
import type { Currency } from '../../services/types.ts'
import { categoryLabel, conditionLabel } from '../labels.ts'
import { shared } from '../styles.ts'
import '../souk-ipfs-image.ts'
import type { SellErrors, SellField } from './sell-check.ts'

/**
 * The sell form's item: photos (camera capture or the phone's pictures, previewed, removable), title,
 * description, category, condition, currency and reserve, where it ships from. The view owns the draft; each
 * problem the view's check found shows at its field (`errors`).
 *
 * @fires item-change - detail: a patch of the draft (`Partial<SellDraft>`), on every change
 */
@customElement('souk-sell-item')
@localized()
export class SoukSellItem extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .photos {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(5.5rem, 1fr));
        gap: 0.5rem;
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
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
      .photos li {
        position: relative;
      }
      .cover {
        position: absolute;
        top: 0.25rem;
        inset-inline-start: 0.25rem;
        padding: 0 0.4rem;
        border-radius: 0.5rem;
        background: var(--souk-accent, #0f5c4d);
        color: var(--souk-on-accent, #fff);
        font-size: 0.75rem;
      }
      .camera {
        width: 100%;
      }
      #photos:focus-visible + .camera,
      #photos:focus + .camera {
        outline: 3px solid var(--souk-focus, #1a73e8);
        outline-offset: 2px;
      }
      .row {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
        gap: 0 0.75rem;
      }
      /* over the shared input styles' :not() chain */
      input[aria-invalid='true']:not([type='checkbox']):not([type='radio']):not([type='file']),
      select[aria-invalid='true'] {
        border-color: var(--souk-bad, #a3261b);
        box-shadow: 0 0 0 1px var(--souk-bad, #a3261b);
      }
      .error {
        margin: 0.25rem 0 0.5rem;
      }
    `,
  ]

  @property({ attribute: false }) draft: SellDraft | undefined
  /** The chain's currencies (ETH first); empty while not read. */
  @property({ attribute: false }) currencies: readonly Currency[] = []
  @property({ attribute: false }) errors: SellErrors = {}
  /** Editing a listing: its price and currency are terms of the sale and stay; they are not shown. */
  @property({ type: Boolean }) editing = false

  #urls = new Map<Blob, string>()

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    for (const url of this.#urls.values()) URL.revokeObjectURL(url)
    this.#urls.clear()
  }

  /** Moves the focus to a field of this section. */
  focusField(field: SellField): void {
    this.renderRoot.querySelector<HTMLElement>(`#${field}`)?.focus()
  }

  #change(patch: Partial<SellDraft>): void {
    this.dispatchEvent(
      new CustomEvent<Partial<SellDraft>>('item-change', { detail: patch, bubbles: true, composed: true }),
    )
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
    const kept = this.draft?.images?.length ?? 0
    this.#change({ photos: [...(this.draft?.photos ?? []), ...files].slice(0, Math.max(0, LIMITS.images - kept)) })
    input.value = ''
  }

  /** Attributes tying a field to its hint and error, and the error itself. */
  invalid(field: SellField, hint = '') {
    const text = this.errors[field]
    return {
      invalid: text ? 'true' : 'false',
      describedBy: [hint, text ? `${field}-error` : ''].filter(Boolean).join(' ') || nothing,
      error: text ? html`<p class="error" id="${field}-error" data-testid="${field}-error">${text()}</p>` : nothing,
    }
  }

  #price(d: SellDraft, symbol: string, reserve: ReturnType<SoukSellItem['invalid']>) {
    const input = (key: keyof SellDraft) => (e: Event) => this.#change({ [key]: (e.target as HTMLInputElement).value })
    const currencies = this.currencies
    return html`<div>
        <label for="currency">${msg('Currency', { id: 'search.currency' })}</label>
        <select id="currency" @change=${input('currency')}>
          ${(currencies.length ? currencies : [{ id: 'ETH', symbol: 'ETH' }]).map((c) => html`<option value=${c.symbol} ?selected=${d.currency === c.symbol}>${c.symbol}</option>`)}
        </select>
      </div>
      <div>
        <label for="reserve"
          >${d.buyNow ? msg(str`Price (${symbol})`, { id: 'sell.price' }) : msg(str`Reserve price (${symbol})`, { id: 'sell.reserve' })}</label
        >
        <input
          id="reserve"
          inputmode="decimal"
          placeholder="0"
          .value=${d.reserve}
          @input=${input('reserve')}
          aria-invalid=${reserve.invalid}
          aria-describedby=${reserve.describedBy}
        />
      </div>`
  }

  /** The first photo is the listing's cover (its card); any other can be made the cover. */
  #cover(i: number, makeCover: () => void) {
    return i === 0
      ? html`<span class="cover" data-testid="cover">${msg('Cover', { id: 'sell.cover' })}</span>`
      : html`<button type="button" data-action="cover" @click=${makeCover}>
          ${msg('Make cover', { id: 'sell.makeCover' })}<span class="visually-hidden">
            ${msg(str`Photo ${i + 1}`, { id: 'sell.photo' })}</span
          >
        </button>`
  }

  override render() {
    const d = this.draft
    if (!d) return nothing
    const currencies = this.currencies
    const symbol = currencyOf(d.currency, currencies)?.symbol ?? d.currency
    const photos = this.invalid('photos', 'photos-hint')
    const title = this.invalid('title')
    const reserve = this.invalid('reserve', 'reserve-hint')
    const from = this.invalid('from')
    const input = (key: keyof SellDraft) => (e: Event) => this.#change({ [key]: (e.target as HTMLInputElement).value })
    return html`
      <label for="photos">${msg(str`Photos (up to ${LIMITS.images})`, { id: 'sell.photos' })}</label>
      <input
        id="photos"
        class="visually-hidden"
        type="file"
        accept="image/*"
        multiple
        aria-invalid=${photos.invalid}
        aria-describedby=${photos.describedBy}
        @change=${this.#onPhotos}
      />
      <!-- the browser's own file button speaks the browser's language, not the page's: this one follows the page -->
      <label for="photos" class="button primary camera" data-testid="pick-photos" aria-hidden="true">
        ${msg('Take or choose photos', { id: 'sell.pickPhotos' })}
      </label>
      <p class="hint" id="photos-hint">
        ${msg('Take photos with your camera or pick them from your phone.', { id: 'sell.photosHint' })}
      </p>
      ${photos.error}
      <ul class="photos" aria-label=${msg('Chosen photos', { id: 'sell.chosen' })}>
        ${(d.images ?? []).map(
          (img, i) =>
            html`<li data-cid=${img.full}>
              <souk-ipfs-image
                .cid=${img.thumb}
                .alt=${msg(str`Photo ${i + 1}`, { id: 'sell.photo' })}
              ></souk-ipfs-image>
              ${this.#cover(i, () => this.#change({ images: toFront(d.images ?? [], i) }))}
              <button type="button" @click=${() => this.#change({ images: d.images?.filter((_, j) => j !== i) ?? [] })}>
                ${msg('Remove', { id: 'sell.remove' })}<span class="visually-hidden">
                  ${msg(str`Photo ${i + 1}`, { id: 'sell.photo' })}</span
                >
              </button>
            </li>`,
        )}
        ${d.photos.map(
          (p, i) =>
            html`<li>
              <img
                src=${this.#url(p)}
                alt=${msg(str`Photo ${i + 1 + (d.images?.length ?? 0)}`, { id: 'sell.photo' })}
              />
              ${
                // photos already on IPFS (an edit, a relist) come first: a new one becomes the cover only alone
                d.images?.length ? nothing : this.#cover(i, () => this.#change({ photos: toFront(d.photos, i) }))
              }
              <button type="button" @click=${() => this.#change({ photos: d.photos.filter((_, j) => j !== i) })}>
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
        @input=${input('title')}
        aria-invalid=${title.invalid}
        aria-describedby=${title.describedBy}
      />
      ${title.error}

      <label for="description">${msg('Description', { id: 'listing.description' })}</label>
      <textarea
        id="description"
        maxlength=${LIMITS.description}
        .value=${d.description}
        @input=${input('description')}
      ></textarea>

      <div class="row">
        <div>
          <label for="category">${msg('Category', { id: 'search.category' })}</label>
          <select id="category" @change=${input('category')}>
            ${CATEGORIES.map((c) => html`<option value=${c} ?selected=${d.category === c}>${categoryLabel(c)}</option>`)}
          </select>
        </div>
        <div>
          <label for="condition">${msg('Condition', { id: 'listing.condition' })}</label>
          <select id="condition" @change=${input('condition')}>
            ${CONDITIONS.map((c) => html`<option value=${c} ?selected=${d.condition === c}>${conditionLabel(c)}</option>`)}
          </select>
        </div>
        ${this.editing ? nothing : this.#price(d, symbol, reserve)}
      </div>
      ${
        this.editing
          ? nothing
          : html`<p class="hint" id="reserve-hint">
              ${d.buyNow ? msg('Buyers pay exactly this price.', { id: 'sell.priceHint' }) : msg('Nobody can win below the reserve. Leave it empty for no reserve.', { id: 'sell.reserveHint' })}
            </p>`
      }
      ${reserve.error}

      <label for="from">${msg('Ships from', { id: 'listing.shipsFrom' })}</label>
      <input
        id="from"
        autocomplete="address-level2"
        .value=${d.shippingFrom}
        @input=${input('shippingFrom')}
        aria-invalid=${from.invalid}
        aria-describedby=${from.describedBy}
      />
      ${from.error}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-sell-item': SoukSellItem
  }
}

/** `list` with its `i`-th item moved to the front, the others in their order. */
function toFront<T>(list: readonly T[], i: number): T[] {
  return [list[i]!, ...list.filter((_, j) => j !== i)]
}
