import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import type { ListingImage } from '../core/listing.ts'
import './souk-ipfs-image.ts'

/** A listing's photos from IPFS: the chosen one large, the others as buttons below (each with progress). */
@customElement('souk-gallery')
@localized()
export class SoukGallery extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    ul {
      display: flex;
      gap: 0.5rem;
      list-style: none;
      padding: 0;
      margin: 0.5rem 0 0;
      overflow-x: auto;
    }
    button {
      width: 4.5rem;
      padding: 0;
      border: 2px solid transparent;
      border-radius: 0.5rem;
      background: none;
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      border-color: var(--souk-accent, #0f5c4d);
    }
    button:focus-visible {
      outline: 3px solid var(--souk-focus, #1a73e8);
      outline-offset: 2px;
    }
  `

  @property({ attribute: false }) images: readonly ListingImage[] = []
  /** Text for photos without their own alt text (the listing title). */
  @property() label = ''
  @state() private selected = 0

  override render() {
    const img = this.images[this.selected] ?? this.images[0]
    if (!img) return html`<souk-ipfs-image cid=""></souk-ipfs-image>`
    const n = this.images.length
    return html`
      <souk-ipfs-image
        .cid=${img.full}
        alt=${img.alt ?? msg(str`${this.label}, photo ${this.selected + 1} of ${n}`, { id: 'gallery.alt' })}
        style=${`--souk-image-ratio: ${img.width} / ${img.height}`}
      ></souk-ipfs-image>
      ${
        n > 1
          ? html`<ul aria-label=${msg('Photos', { id: 'gallery.photos' })}>
              ${this.images.map(
                (im, i) =>
                  html`<li>
                    <button
                      aria-pressed=${i === this.selected ? 'true' : 'false'}
                      aria-label=${msg(str`Show photo ${i + 1}`, { id: 'gallery.show' })}
                      @click=${() => (this.selected = i)}
                    >
                      <souk-ipfs-image .cid=${im.thumb} alt=""></souk-ipfs-image>
                    </button>
                  </li>`,
              )}
            </ul>`
          : nothing
      }
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-gallery': SoukGallery
  }
}
