import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { Task } from '@lit/task'
import { mediaContext } from './context.ts'
import type { MediaService } from '../services/types.ts'

/**
 * An image from IPFS by CID, through the media service: a sized placeholder with a progress bar while it
 * loads, the image when it arrived, a short message when it could not be fetched. Without a CID it shows a
 * neutral placeholder.
 */
@customElement('souk-ipfs-image')
@localized()
export class SoukIpfsImage extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      aspect-ratio: var(--souk-image-ratio, 4 / 3);
      background: var(--souk-placeholder, #ebe7dd);
      border-radius: 0.5rem;
      overflow: hidden;
    }
    img {
      width: 100%;
      height: 100%;
      object-fit: cover;
      display: block;
    }
    progress {
      position: absolute;
      inset: auto 0.5rem 0.5rem 0.5rem;
      width: calc(100% - 1rem);
    }
    .msg {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      font-size: 0.8rem;
      color: var(--souk-muted, #5e5a50);
      text-align: center;
      padding: 0.5rem;
    }
  `

  @property() cid = ''
  @property() alt = ''

  @consume({ context: mediaContext, subscribe: true })
  @state()
  media?: MediaService

  @state() private progress: { loaded: number; total: number | undefined } | undefined

  readonly #image = new Task(this, {
    task: async ([cid, media], { signal }) => {
      if (!cid || !media) return undefined
      this.progress = { loaded: 0, total: undefined }
      return await media.objectUrl(cid, 'image/webp', { signal, onProgress: (p) => (this.progress = p) })
    },
    args: () => [this.cid, this.media] as const,
  })

  override render() {
    if (!this.cid) return html`<span class="msg">${msg('No photo', { id: 'image.none' })}</span>`
    return this.#image.render({
      initial: () => html`<span class="msg" role="img" aria-label=${this.alt}>…</span>`,
      pending: () =>
        html`<progress
          aria-label=${msg('Loading photo', { id: 'image.loading' })}
          max=${this.progress?.total ?? nothing}
          value=${this.progress?.total ? this.progress.loaded : nothing}
        ></progress>`,
      complete: (url) =>
        url
          ? html`<img src=${url} alt=${this.alt} />`
          : html`<span class="msg" role="img" aria-label=${this.alt}
              >${msg('Photo loads when the network is up', { id: 'image.waiting' })}</span
            >`,
      error: () =>
        html`<span class="msg" role="img" aria-label=${this.alt}
          >${msg('Photo unavailable', { id: 'image.error' })}</span
        >`,
    })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-ipfs-image': SoukIpfsImage
  }
}
