import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { DraftStore, type SellDraft } from '../../services/drafts.ts'
import type { TrustDocsService } from '../../services/trust-docs-service.ts'
import type { ChainService, PublishProgress, PublishService, WalletView } from '../../services/types.ts'
import { getLocale } from '../../i18n.ts'
import { chainContext, publishContext, startingContext, trustDocsContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { href, navigate } from '../routes.ts'
import { shared } from '../styles.ts'
import { offerMessaging } from '../../services/messaging-ready.ts'
import { WalletController } from '../wallet-controller.ts'
import { SELL_FIELDS, checkSell, emptyDraft, migrate, type SellErrors, type SellField } from '../sell/sell-check.ts'
import { offlineNotice, progressList } from '../sell/sell-parts.ts'
import type { TermsChange } from '../sell/souk-sell-terms.ts'
import '../sell/souk-sell-item.ts'
import '../sell/souk-sell-terms.ts'

/** The fields of `<souk-sell-item>` (the others are in `<souk-sell-terms>`). */
const OWN: readonly SellField[] = ['photos', 'title', 'reserve', 'from']

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
  @state() private online = typeof navigator === 'undefined' ? true : navigator.onLine
  #store: Promise<DraftStore> | undefined
  /** The queued publication was started since the draft was loaded (at most once per page and queueing). */
  #resumed = false
  /** A check found problems: every change checks again, so each error goes once fixed. */
  #checking = false
  readonly #onOnline = (): void => {
    this.online = navigator.onLine
  }
  #abort: AbortController | undefined

  readonly #options = new Task(this, {
    task: async ([chain], { signal }) => {
      if (!chain) return undefined
      const [currencies, arbiters] = await Promise.all([chain.currencies(), chain.registeredArbiters({ signal })])
      return { currencies, arbiters, now: Math.floor(Date.now() / 1000) }
    },
    // read again on reconnecting: opened offline, the reads failed
    args: () => [this.chain, this.online] as const,
  })

  /** The arbiters' profiles, read after their terms (a profile may take a while to come from relays). */
  readonly #profiles = new Task(this, {
    task: async ([docs, arbiters], { signal }) =>
      docs && arbiters ? await docs.withProfiles(arbiters, { signal }) : arbiters,
    args: () => [this.trustDocs, this.#options.value?.arbiters] as const,
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
        if (d) {
          this.draft = migrate({ ...emptyDraft(), ...d })
          this.initialArbiters = this.draft.arbiters
          this.hadDraft = d.updatedAt > 0
        }
        this.restored = true
        this.dataset.draftLoaded = ''
      })
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('online', this.#onOnline)
    window.removeEventListener('offline', this.#onOnline)
    this.#abort?.abort()
    void this.#store?.then((s) => s.close())
    this.#store = undefined
  }

  override updated(): void {
    // back online (or reloaded online) with a publication queued: publish it now, once
    const ready = this.restored && this.publisher && this.#options.value
    if (this.draft.publishWhenOnline && this.online && ready && !this.busy && !this.#resumed) {
      this.#resumed = true
      void this.#publish()
    }
  }

  /** Changes the draft and saves it; `save: false` for the form's own first choices (no draft yet). */
  #set(patch: Partial<SellDraft>, { save = true } = {}): void {
    this.draft = { ...this.draft, ...patch, ...(save ? { updatedAt: Date.now() } : {}) }
    if (this.#checking) this.errors = this.#check().errors
    if (!save) return
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
    if (this.online) {
      await this.#publish()
      return
    }
    // offline: check the form now, and publish once the network is back (kept in the draft, so a reload keeps it)
    this.error = undefined
    if (!(await this.#checked())) return
    this.#resumed = false
    this.#set({ publishWhenOnline: true })
  }

  async #publish(): Promise<void> {
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
    return html`
      <h2>${msg('Sell an item', { id: 'sell.title' })}</h2>
      ${
        !this.publisher && !this.starting
          ? html`<div class="notice" role="status" data-testid="publish-unavailable">
              ${msg('Publishing needs the catalog, which is not available yet. Your draft is kept on this device.', { id: 'sell.unavailable' })}
            </div>`
          : nothing
      }
      ${this.hadDraft ? html`<p class="hint" role="status">${msg('Your draft was restored.', { id: 'sell.restored' })}</p>` : nothing}
      ${offlineNotice({ online: this.online, queued: d.publishWhenOnline === true, busy: this.busy }, () => this.#set({ publishWhenOnline: false }))}
      <form @submit=${this.#submit} novalidate>
        <souk-sell-item
          .draft=${d}
          .currencies=${options?.currencies ?? []}
          .errors=${this.errors}
          @item-change=${(e: CustomEvent<Partial<SellDraft>>) => this.#set(e.detail)}
        ></souk-sell-item>
        <h3>${msg('Terms of the sale', { id: 'sell.terms' })}</h3>
        <souk-sell-terms
          .draft=${d}
          .arbiters=${this.#profiles.value ?? options?.arbiters}
          .initialArbiters=${this.initialArbiters}
          .seller=${this.wallet?.status === 'connected' ? this.wallet.address : undefined}
          .errors=${this.errors}
          .now=${options?.now ?? Math.floor(Date.now() / 1000)}
          @terms-change=${(e: CustomEvent<TermsChange>) => this.#set(e.detail.patch, { save: !e.detail.auto })}
        ></souk-sell-terms>
        ${this.#options.error ? html`<p class="error" role="alert">${errorSentence(this.#options.error)}</p>` : nothing}

        <button
          class="primary submit"
          type="submit"
          data-action="publish"
          ?disabled=${this.busy || (this.online ? !this.publisher || !options : d.publishWhenOnline === true)}
        >
          ${
            this.busy
              ? msg('Publishing…', { id: 'sell.publishing' })
              : this.online
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
