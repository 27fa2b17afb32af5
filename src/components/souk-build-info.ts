import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { Task } from '@lit/task'

const CID_IN_PATH = /\/ipfs\/(b[a-z2-7]{20,}|Qm[1-9A-HJ-NP-Za-km-z]{44})(?:\/|$)/
const CID_IN_HOST = /^(b[a-z2-7]{20,})\.ipfs\./

/**
 * The IPFS CID of the build this page runs, when it was loaded from IPFS: from the URL (`/ipfs/<cid>/` on a
 * path gateway, `<cid>.ipfs.<domain>` on a subdomain gateway) or from the `X-Ipfs-Path` header a Souk relay
 * (`--app`) or an IPFS gateway sends with the page. Undefined for an ordinary web host.
 */
export async function currentBuildCid(signal?: AbortSignal): Promise<string | undefined> {
  const inUrl = CID_IN_PATH.exec(location.pathname)?.[1] ?? CID_IN_HOST.exec(location.hostname)?.[1]
  if (inUrl) return inUrl
  const res = await fetch(document.baseURI, { method: 'HEAD', cache: 'no-store', ...(signal ? { signal } : {}) })
  return CID_IN_PATH.exec(res.headers.get('x-ipfs-path') ?? '')?.[1]
}

/**
 * A footer line naming the build (its IPFS CID) when the app was served from IPFS or a relay, so anyone can
 * check they run the same code as everyone else; renders nothing otherwise. Exposes `data-cid`.
 */
@customElement('souk-build-info')
@localized()
export class SoukBuildInfo extends LitElement {
  static override styles = css`
    :host {
      display: block;
      padding: 0.5rem 1rem 1rem;
      font-size: 0.75rem;
      color: var(--souk-muted, #5e5a50);
      text-align: center;
    }
    code {
      overflow-wrap: anywhere;
    }
  `

  readonly #cid = new Task(this, {
    task: async (_args, { signal }) => await currentBuildCid(signal),
    args: () => [],
  })

  override render() {
    return this.#cid.render({
      complete: (cid) => {
        if (cid) this.dataset.cid = cid
        return cid ? html`<p>${msg('Build', { id: 'build.label' })} <code>${cid}</code></p>` : nothing
      },
      error: () => nothing,
    })
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-build-info': SoukBuildInfo
  }
}
