import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { DraftStore, type SellDraft } from '../../services/drafts.ts'
import type { TrustDocsService } from '../../services/trust-docs-service.ts'
import type {
  CatalogService,
  ChainService,
  ListingDraft,
  PublishProgress,
  PublishService,
  WalletView,
} from '../../services/types.ts'
import { getLocale } from '../../i18n.ts'
import { catalogContext, chainContext, publishContext, startingContext, trustDocsContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { href, navigate, RouterController } from '../routes.ts'
import { OnlineController } from '../online.ts'
import { shared } from '../styles.ts'
import { offerMessaging } from '../../services/messaging-ready.ts'
import { WalletController } from '../wallet-controller.ts'
import {
  SELL_FIELDS,
  checkSell,
  emptyDraft,
  hasContent,
  migrate,
  type SellErrors,
  type SellField,
} from '../sell/sell-check.ts'
import { offlineNotice, progressList } from '../sell/sell-parts.ts'
import type { TermsChange } from '../sell/souk-sell-terms.ts'
import { draftFromListing } from '../sell/sell-from-listing.ts'
import { loadSellPrefs, saveSellPrefs } from '../sell/sell-prefs.ts'
import '../sell/souk-sell-item.ts'
import '../sell/souk-sell-terms.ts'

/** The fields of `<souk-sell-item>` (the others are in `<souk-sell-terms>`). */
const OWN: readonly SellField[] = ['photos', 'title', 'reserve', 'from']
/** The fields an edit can change (the document's). */
const EDITED: readonly SellField[] = ['photos', 'title', 'from']

/**
 * Sell, made for a phone: take or pick photos (camera capture), title, description, category, condition,
 * currency and reserve, where it ships from, then the terms (`<souk-sell-terms>`: bidding and reveal, the
 * arbiters, their fee, the confirm and dispute windows). The draft is kept in IndexedDB as it is typed. Publish
 * checks every field before any work (each problem at its field, the focus on the first), then shows each step.
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
      .error {
        margin: 0.25rem 0 0.5rem;
      }
      h3 {
        margin: 1.5rem 0 0.25rem;
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

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  @consume({ context: publishContext, subscribe: true })
  @state()
  publisher?: PublishService

  @consume({ context: trustDocsContext, subscribe: true })
  @state()
  trustDocs?: TrustDocsService

  /** The app is still starting its services (provided by souk-app; false without it). */
  @consume({ context: startingContext, subscribe: true })
  @state()
  starting = false

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  @state() private draft: SellDraft = emptyDraft()
  @state() private restored = false
  @state() private hadDraft = false
  /** The restored draft's arbiters, for the picker's first choice. */
  @state() private initialArbiters: `0x${string}`[] | undefined
  @state() private progress: PublishProgress | undefined
  @state() private busy = false
  @state() private error: string | undefined
  @state() private errors: SellErrors = {}
  readonly #device = new OnlineController(this)
  #store: Promise<DraftStore> | undefined
  /** `#/sell?relist=ID` fills the form from an unsold listing; `#/sell?edit=ID` edits a listing's item. */
  protected readonly router = new RouterController(this)
  /** The seller's remembered ships-from, currency and arbiters were put into this new form (once). */
  #prefsApplied = false
  /** The queued publication was started since the draft was loaded (at most once per page and queueing). */
  #resumed = false
  /** A check found problems: every change checks again, so each error goes once fixed. */
  #checking = false
  #abort: AbortController | undefined

  readonly #options = new Task(this, {
    task: async ([chain], { signal }) => {
      if (!chain) return undefined
      const [currencies, arbiters] = await Promise.all([chain.currencies(), chain.registeredArbiters({ signal })])
      return { currencies, arbiters, now: Math.floor(Date.now() / 1000) }
    },
    // read again on reconnecting: opened offline, the reads failed
    args: () => [this.chain, this.#device.online] as const,
  })

  /** The listing a relist or an edit starts from: its document from the catalog, its terms from the chain. */
  readonly #source = new Task(this, {
    task: async ([catalog, chain, relist, edit], { signal }) => {
      const id = edit ?? relist
      if (!catalog || !chain || !id) return undefined
      return { id, edit: edit !== undefined, ...(await draftFromListing(catalog, chain, id, { signal })) }
    },
    args: () => [this.catalog, this.chain, this.#relistId, this.#editId] as const,
    onComplete: (v) => {
      if (!v) return
      if (v.edit) {
        this.draft = { ...emptyDraft(), ...v.item }
        return
      }
      this.initialArbiters = v.terms.arbiters
      this.hadDraft = false
      this.#set({ ...emptyDraft(), ...v.item, ...v.terms })
    },
  })

  get #relistId(): string | undefined {
    return this.router.route.query.get('relist') ?? undefined
  }

  get #editId(): string | undefined {
    return this.router.route.query.get('edit') ?? undefined
  }

  /** The arbiters' profiles, read after their terms (a profile may take a while to come from relays). */
  readonly #profiles = new Task(this, {
    task: async ([docs, arbiters], { signal }) =>
      docs && arbiters ? await docs.withProfiles(arbiters, { signal }) : arbiters,
    args: () => [this.trustDocs, this.#options.value?.arbiters] as const,
  })

  override connectedCallback(): void {
    super.connectedCallback()
    this.#store = DraftStore.open(this.draftStore)
    void this.#store
      .then((s) => s.load())
      .then((d) => {
        // a relist or an edit fills the form from its listing instead
        if (d && !this.#relistId && !this.#editId) {
          this.draft = migrate({ ...emptyDraft(), ...d })
          this.initialArbiters = this.draft.arbiters
          this.hadDraft = d.updatedAt > 0 && hasContent(this.draft)
        }
        this.restored = true
        this.dataset.draftLoaded = ''
      })
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#abort?.abort()
    void this.#store?.then((s) => s.close())
    this.#store = undefined
  }

  override willUpdate(): void {
    // a new form (nothing restored, no listing to start from) starts from what this seller used last time
    const me = this.wallet?.status === 'connected' ? this.wallet.address : undefined
    if (this.#prefsApplied || !this.restored || !me || this.hadDraft || this.draft.updatedAt > 0) return
    if (this.#relistId || this.#editId) return
    this.#prefsApplied = true
    const prefs = loadSellPrefs(me)
    if (!prefs) return
    this.draft = { ...this.draft, shippingFrom: prefs.shippingFrom, currency: prefs.currency, arbiters: prefs.arbiters }
    if (prefs.arbiters.length) this.initialArbiters = prefs.arbiters
  }

  override updated(): void {
    // back online (or reloaded online) with a publication queued: publish it now, once
    const ready = this.restored && this.publisher && this.#options.value
    if (this.draft.publishWhenOnline && this.#device.online && ready && !this.busy && !this.#resumed) {
      this.#resumed = true
      void this.#publish()
    }
  }

  /** Changes the draft and saves it; `save: false` for the form's own first choices (no draft yet). */
  #set(patch: Partial<SellDraft>, { save = true } = {}): void {
    this.draft = { ...this.draft, ...patch, ...(save ? { updatedAt: Date.now() } : {}) }
    if (this.#checking) this.errors = (this.#editId ? this.#checkEdit() : this.#check()).errors
    // an edit is not the draft of a new listing: it is not kept
    if (!save || this.#editId) return
    const draft = this.draft
    void this.#store?.then((s) => s.save(draft)).then(() => this.dispatchEvent(new Event('souk-draft-saved')))
  }

  #check() {
    const options = this.#options.value
    const seller = this.wallet?.status === 'connected' ? this.wallet.address : undefined
    return checkSell(this.draft, {
      currencies: options?.currencies ?? [],
      arbiters: options?.arbiters,
      seller,
      language: getLocale(),
    })
  }

  #checkEdit(): { errors: SellErrors; value?: Parameters<PublishService['update']>[1] } {
    const checked = this.#check()
    // an edit changes the document only: the terms (and their checks) stay as listed
    const errors: SellErrors = {}
    for (const f of EDITED) if (checked.errors[f]) errors[f] = checked.errors[f]
    const d = this.draft
    const value =
      Object.keys(errors).length === 0
        ? {
            title: d.title.trim(),
            description: d.description.trim(),
            category: d.category as ListingDraft['category'],
            condition: d.condition as ListingDraft['condition'],
            photos: d.photos,
            images: d.images ?? [],
            shippingFrom: d.shippingFrom.trim(),
            language: getLocale(),
          }
        : undefined
    return value ? { errors, value } : { errors }
  }

  /** Checks every field; on a problem shows each at its field, focuses the first and answers undefined. */
  async #checked() {
    const { errors, value } = this.#check()
    this.errors = errors
    this.#checking = !value
    if (value) return value
    const first = SELL_FIELDS.find((f) => errors[f])
    await this.updateComplete
    if (first)
      this.renderRoot.querySelector(OWN.includes(first) ? 'souk-sell-item' : 'souk-sell-terms')?.focusField(first)
    return undefined
  }

  async #submit(e: Event): Promise<void> {
    e.preventDefault()
    if (this.#device.online) {
      await this.#publish()
      return
    }
    // offline: check the form now, and publish once the network is back (kept in the draft, so a reload keeps it)
    this.error = undefined
    if (!(await this.#checked())) return
    this.#resumed = false
    this.#set({ publishWhenOnline: true })
  }

  async #saveEdit(id: string): Promise<void> {
    const publisher = this.publisher
    if (!publisher || this.busy) return
    this.error = undefined
    const checked = this.#checkEdit()
    this.errors = checked.errors
    this.#checking = !checked.value
    if (!checked.value) {
      const first = EDITED.find((f) => checked.errors[f])
      await this.updateComplete
      if (first) this.renderRoot.querySelector('souk-sell-item')?.focusField(first)
      return
    }
    this.busy = true
    this.#abort = new AbortController()
    try {
      await publisher.update(id, checked.value, {
        onProgress: (p) => (this.progress = p),
        signal: this.#abort.signal,
      })
      navigate(href(`/listing/${id}`))
    } catch (err) {
      this.error = errorSentence(err)
    } finally {
      this.busy = false
    }
  }

  async #publish(): Promise<void> {
    const editing = this.#editId
    if (editing) return await this.#saveEdit(editing)
    const publisher = this.publisher
    if (!publisher || !this.#options.value || this.busy) return
    this.error = undefined
    const listing = await this.#checked()
    if (!listing) {
      if (this.draft.publishWhenOnline) this.#set({ publishWhenOnline: false })
      return
    }
    this.busy = true
    this.#abort = new AbortController()
    try {
      const result = await publisher.publish(listing, {
        onProgress: (p) => (this.progress = p),
        signal: this.#abort.signal,
      })
      await (await this.#store)?.clear()
      const me = this.wallet?.address
      if (me)
        saveSellPrefs(me, {
          shippingFrom: listing.shippingFrom,
          currency: this.draft.currency,
          arbiters: listing.arbiters,
        })
      this.draft = emptyDraft()
      this.initialArbiters = undefined
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

  override render() {
    const d = this.draft
    const options = this.#options.value
    const problems = SELL_FIELDS.filter((f) => this.errors[f]).length
    const editing = this.#editId !== undefined
    if (editing && !this.#source.value && !this.#source.error)
      return html`<p class="muted" role="status">${msg('Loading the listing…', { id: 'listing.loadingPage' })}</p>`
    return html`
      <h2>
        ${editing ? msg('Edit your listing', { id: 'sell.editTitle' }) : this.#relistId ? msg('Relist an item', { id: 'sell.relistTitle' }) : msg('Sell an item', { id: 'sell.title' })}
      </h2>
      ${
        editing
          ? html`<p class="hint" data-testid="edit-note">
              ${msg('Until someone bids you can change the title, description and photos. The price and the terms stay as listed.', { id: 'sell.editNote' })}
            </p>`
          : nothing
      }
      ${
        this.#relistId && this.#source.value
          ? html`<p class="hint" role="status" data-testid="relist-note">
              ${msg('Filled in from your earlier listing, with the same photos. Check the price and publish.', { id: 'sell.relistNote' })}
            </p>`
          : nothing
      }
      ${this.#source.error ? html`<p class="error" role="alert">${errorSentence(this.#source.error)}</p>` : nothing}
      ${
        !this.publisher && !this.starting
          ? html`<div class="notice" role="status" data-testid="publish-unavailable">
              ${msg('Publishing needs the catalog, which is not available yet. Your draft is kept on this device.', { id: 'sell.unavailable' })}
            </div>`
          : nothing
      }
      ${this.hadDraft ? html`<p class="hint" role="status">${msg('Your draft was restored.', { id: 'sell.restored' })}</p>` : nothing}
      ${offlineNotice({ online: this.#device.online, queued: d.publishWhenOnline === true, busy: this.busy }, () => this.#set({ publishWhenOnline: false }))}
      <form @submit=${this.#submit} novalidate>
        <souk-sell-item
          ?editing=${editing}
          .draft=${d}
          .currencies=${options?.currencies ?? []}
          .errors=${this.errors}
          @item-change=${(e: CustomEvent<Partial<SellDraft>>) => this.#set(e.detail)}
        ></souk-sell-item>
        ${
          editing
            ? nothing
            : html`<h3>${msg('Terms of the sale', { id: 'sell.terms' })}</h3>
                <souk-sell-terms
                  .draft=${d}
                  .arbiters=${this.#profiles.value ?? options?.arbiters}
                  .initialArbiters=${this.initialArbiters}
                  .seller=${this.wallet?.status === 'connected' ? this.wallet.address : undefined}
                  .errors=${this.errors}
                  .now=${options?.now ?? Math.floor(Date.now() / 1000)}
                  @terms-change=${(e: CustomEvent<TermsChange>) => this.#set(e.detail.patch, { save: !e.detail.auto })}
                ></souk-sell-terms>`
        }
        ${this.#options.error ? html`<p class="error" role="alert">${errorSentence(this.#options.error)}</p>` : nothing}

        <button
          class="primary submit"
          type="submit"
          data-action="publish"
          ?disabled=${this.busy || (this.#device.online ? !this.publisher || (!options && !editing) : d.publishWhenOnline === true)}
        >
          ${
            this.busy
              ? msg('Publishing…', { id: 'sell.publishing' })
              : editing
                ? msg('Save changes', { id: 'sell.saveEdit' })
                : this.#device.online
                  ? msg('Publish listing', { id: 'sell.publish' })
                  : msg('Publish when back online', { id: 'sell.publishLater' })
          }
        </button>
        ${
          problems
            ? html`<p role="alert" class="error" data-testid="problems">
                ${problems === 1 ? msg('Check the field marked above.', { id: 'sell.problems.one' }) : msg(str`Check the ${problems} fields marked above.`, { id: 'sell.problems' })}
              </p>`
            : nothing
        }
        ${progressList(this.progress)}
        ${this.error ? html`<p role="alert" class="error" data-testid="publish-error">${this.error}</p>` : nothing}
      </form>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-sell-view': SoukSellView
  }
}
