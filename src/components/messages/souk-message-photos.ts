import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { shared } from '../styles.ts'
import { Task } from '@lit/task'
import type { MessagingService, PhotoRef } from '../../services/types.ts'

/**
 * One photo of a message: fetched from IPFS and decrypted in the engine, shown as a thumbnail that opens full
 * size in a dialog (Escape or the close button closes it). A photo that cannot be fetched or fails to decrypt
 * shows a placeholder that says so, with a retry.
 */
@localized()
@customElement('souk-message-photo')
export class SoukMessagePhoto extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .thumb,
      .placeholder {
        display: flex;
        align-items: center;
        justify-content: center;
        width: 7rem;
        height: 7rem;
        padding: 0;
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        overflow: hidden;
        background: var(--souk-surface, #fff);
        color: var(--souk-muted, #5d594f);
        font: inherit;
        font-size: 0.75rem;
        text-align: center;
      }
      .thumb {
        cursor: zoom-in;
      }
      .thumb:focus-visible {
        outline: 3px solid var(--souk-accent, #0f5c4d);
        outline-offset: 2px;
      }
      .thumb img {
        width: 100%;
        height: 100%;
        object-fit: cover;
      }
      .placeholder {
        flex-direction: column;
        gap: 0.25rem;
        padding: 0.25rem;
      }
      .placeholder button {
        min-height: 2rem;
        font-size: 0.75rem;
      }
      dialog {
        max-width: 96vw;
        max-height: 96vh;
        padding: 0.5rem;
        border: 0;
        border-radius: 0.5rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.75);
      }
      dialog img {
        display: block;
        max-width: calc(96vw - 1rem);
        max-height: calc(96vh - 4rem);
        width: auto;
        height: auto;
      }
      dialog button {
        min-height: 2.75rem;
        margin-top: 0.5rem;
      }
    `,
  ]

  @property({ attribute: false }) source?: MessagingService
  @property({ attribute: false }) photo?: PhotoRef
  /** The photo's place in its message (1-based) and how many it has, for the labels. */
  @property({ type: Number }) index = 1
  @property({ type: Number }) count = 1

  @query('dialog') private dialog?: HTMLDialogElement
  #url: string | undefined

  private readonly load = new Task(this, {
    task: async ([source], { signal }) => {
      const photo = this.photo
      if (!source || !photo) return undefined
      const blob = await source.openPhoto(photo, { signal })
      this.#revoke()
      this.#url = URL.createObjectURL(blob)
      return this.#url
    },
    // by CID: every thread refresh hands over new objects for the same photos, which must not reload them
    args: () => [this.source, this.photo?.cid, this.photo?.key] as const,
  })

  #revoke(): void {
    if (this.#url) URL.revokeObjectURL(this.#url)
    this.#url = undefined
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#revoke()
  }

  override connectedCallback(): void {
    super.connectedCallback()
    // an element moved in the DOM lost its object URL on disconnect
    if (this.hasUpdated && !this.#url) void this.load.run()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const before = changed.get('photo')
    if (changed.has('photo') && before !== undefined && before.cid !== this.photo?.cid) this.#revoke()
  }

  #label(): string {
    const { index, count } = this
    return count > 1
      ? msg(str`Photo ${index} of ${count}`, { id: 'msg.photo.nOfM' })
      : msg('Photo', { id: 'msg.photo.one' })
  }

  override render() {
    const p = this.photo
    if (!p) return nothing
    const label = this.#label()
    return this.load.render({
      initial: () => this.#loading(label),
      pending: () => this.#loading(label),
      error: () =>
        html`<div class="placeholder" role="img" aria-label=${label} data-testid="photo-unavailable">
          <span>${msg('Photo unavailable: it could not be fetched or opened.', { id: 'msg.photo.failed' })}</span>
          <button type="button" @click=${() => void this.load.run()}>${msg('Retry', { id: 'msg.photo.retry' })}</button>
        </div>`,
      complete: (url) =>
        url
          ? html`<button
                type="button"
                class="thumb"
                data-testid="photo-thumb"
                aria-haspopup="dialog"
                aria-label=${msg(str`${label}: open full size`, { id: 'msg.photo.open' })}
                @click=${() => this.dialog?.showModal()}
              >
                <img src=${url} alt="" width=${p.width} height=${p.height} decoding="async" />
              </button>
              <dialog
                aria-label=${label}
                @click=${(e: Event) => {
                  if (e.target === this.dialog) this.dialog.close()
                }}
              >
                <img src=${url} alt=${label} width=${p.width} height=${p.height} data-testid="photo-full" />
                <button type="button" @click=${() => this.dialog?.close()}>
                  ${msg('Close', { id: 'msg.photo.close' })}
                </button>
              </dialog>`
          : nothing,
    })
  }

  #loading(label: string) {
    return html`<div class="placeholder" role="img" aria-label=${label} aria-busy="true">
      ${msg('Loading photo…', { id: 'msg.photo.loading' })}
    </div>`
  }
}

/** A message's photos in a row that wraps. */
@customElement('souk-message-photos')
export class SoukMessagePhotos extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375rem;
      margin: 0.25rem 0;
    }
  `
  @property({ attribute: false }) photos: readonly PhotoRef[] = []
  @property({ attribute: false }) source?: MessagingService

  override render() {
    const count = this.photos.length
    return this.photos.map(
      (p, i) =>
        html`<souk-message-photo
          .source=${this.source}
          .photo=${p}
          index=${i + 1}
          count=${count}
        ></souk-message-photo>`,
    )
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-message-photo': SoukMessagePhoto
    'souk-message-photos': SoukMessagePhotos
  }
}
