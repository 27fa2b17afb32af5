import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { shared } from '../styles.ts'
import { MAX_MESSAGE_PHOTOS } from '../../core/message-photos.ts'

/**
 * The composer's photos: a button that opens the device's picker (camera or gallery: no `capture`, so phones
 * offer both), previews of what was chosen with a remove button each, at most `MAX_MESSAGE_PHOTOS`. The
 * composer reads `files` and calls `clear()` after sending.
 *
 * @fires souk-photos-change - the chosen photos changed (bubbles, composed)
 */
@localized()
@customElement('souk-photo-attach')
export class SoukPhotoAttach extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
      }
      input {
        position: absolute;
        width: 1px;
        height: 1px;
        opacity: 0;
        pointer-events: none;
      }
      button {
        min-height: 2.75rem;
        font: inherit;
      }
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.375rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        position: relative;
      }
      img {
        display: block;
        width: 3.5rem;
        height: 3.5rem;
        object-fit: cover;
        border-radius: 0.375rem;
      }
      .remove {
        position: absolute;
        top: -0.5rem;
        inset-inline-end: -0.5rem;
        min-height: 0;
        width: 1.75rem;
        height: 1.75rem;
        padding: 0;
        border-radius: 50%;
        border: 1px solid var(--souk-border, #dedad0);
        background: var(--souk-surface, #fff);
        line-height: 1;
      }
      [role='alert'] {
        flex-basis: 100%;
        margin: 0;
        color: var(--souk-bad, #a3261b);
      }
    `,
  ]

  /** Disabled while a message is being sent. */
  @property({ type: Boolean }) disabled = false
  @state() private chosen: { file: File; url: string }[] = []
  @state() private problem = ''
  @query('input') private input?: HTMLInputElement

  get files(): File[] {
    return this.chosen.map((c) => c.file)
  }

  clear(): void {
    for (const c of this.chosen) URL.revokeObjectURL(c.url)
    this.chosen = []
    this.problem = ''
    this.#changed()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    for (const c of this.chosen) URL.revokeObjectURL(c.url)
    this.chosen = []
  }

  #changed(): void {
    this.dispatchEvent(new CustomEvent('souk-photos-change', { bubbles: true, composed: true }))
  }

  #pick(event: Event): void {
    const input = event.target as HTMLInputElement
    const picked = [...(input.files ?? [])]
    input.value = ''
    const images = picked.filter((f) => f.type.startsWith('image/'))
    const room = MAX_MESSAGE_PHOTOS - this.chosen.length
    const max = MAX_MESSAGE_PHOTOS
    this.problem =
      images.length < picked.length
        ? msg('Only photos can be attached.', { id: 'msg.photo.notImage' })
        : images.length > room
          ? msg(str`At most ${max} photos per message.`, { id: 'msg.photo.tooMany' })
          : ''
    this.chosen = [
      ...this.chosen,
      ...images.slice(0, Math.max(0, room)).map((file) => ({ file, url: URL.createObjectURL(file) })),
    ]
    this.#changed()
  }

  #remove(i: number): void {
    const [gone] = this.chosen.splice(i, 1)
    if (gone) URL.revokeObjectURL(gone.url)
    this.chosen = [...this.chosen]
    this.problem = ''
    this.#changed()
  }

  override render() {
    const full = this.chosen.length >= MAX_MESSAGE_PHOTOS
    return html`<input
        type="file"
        accept="image/*"
        multiple
        tabindex="-1"
        aria-hidden="true"
        data-testid="photo-input"
        @change=${this.#pick}
      />
      <button type="button" ?disabled=${this.disabled || full} @click=${() => this.input?.click()}>
        ${msg('Add photos', { id: 'msg.photo.add' })}
      </button>
      ${
        this.chosen.length > 0
          ? html`<ul aria-label=${msg('Photos to send', { id: 'msg.photo.chosen' })}>
              ${this.chosen.map((c, i) => {
                const n = i + 1
                return html`<li>
                  <img src=${c.url} alt=${msg(str`Photo ${n}`, { id: 'msg.photo.n' })} />
                  <button
                    type="button"
                    class="remove"
                    ?disabled=${this.disabled}
                    aria-label=${msg(str`Remove photo ${n}`, { id: 'msg.photo.remove' })}
                    @click=${() => this.#remove(i)}
                  >
                    ✕
                  </button>
                </li>`
              })}
            </ul>`
          : nothing
      }
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-photo-attach': SoukPhotoAttach
  }
}
