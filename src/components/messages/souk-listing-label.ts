import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { catalogContext } from '../context.ts'
import type { CatalogService } from '../../services/types.ts'
import '../souk-ipfs-image.ts'

/**
 * A listing's photo and title from the local catalog, for a conversation about it; "Listing #id" until (or
 * unless) the catalog has it.
 */
@localized()
@customElement('souk-listing-label')
export class SoukListingLabel extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      min-width: 0;
    }
    souk-ipfs-image {
      width: 2.5rem;
      height: 2.5rem;
      flex: none;
      border-radius: 0.25rem;
      overflow: hidden;
    }
    span {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `

  @consume({ context: catalogContext, subscribe: true })
  @property({ attribute: false })
  catalog?: CatalogService

  @property() listing = ''

  private readonly entry = new Task(this, {
    task: async ([catalog, id], { signal }) => (catalog && id ? await catalog.get(id, { signal }) : undefined),
    args: () => [this.catalog, this.listing] as const,
  })

  // the catalog may learn the listing after this label first asked (a fresh device still syncing): ask again
  // on its changes until it has the title
  #listening?: CatalogService
  readonly #onCatalog = (): void => {
    if (!this.entry.value) void this.entry.run()
  }
  #listen(catalog: CatalogService | undefined): void {
    if (this.#listening === catalog) return
    this.#listening?.removeEventListener('change', this.#onCatalog)
    this.#listening = catalog
    catalog?.addEventListener('change', this.#onCatalog)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.#listen(this.catalog)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#listen(undefined)
  }

  protected override willUpdate(): void {
    if (this.isConnected) this.#listen(this.catalog)
  }

  override render() {
    const e = this.entry.value
    return html`${e?.summary.thumb ? html`<souk-ipfs-image .cid=${e.summary.thumb} alt=""></souk-ipfs-image>` : nothing}
      <span data-testid="listing-title"
        >${e?.doc.title ?? msg(str`Listing #${this.listing}`, { id: 'msg.listing' })}</span
      >`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-listing-label': SoukListingLabel
  }
}
