import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { keyed } from 'lit/directives/keyed.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { formatAmount } from '../../services/format.ts'
import type { TrustDocsService } from '../../services/trust-docs-service.ts'
import type { ChainService, WalletView } from '../../services/types.ts'
import { chainContext, trustDocsContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { escrowLabel } from '../labels.ts'
import { chainLoading, outcome } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import type { ProfileSubmit, SoukArbiterProfileForm } from '../trust/souk-arbiter-profile-form.ts'
import '../trust/souk-arbiter-profile-form.ts'
import '../trust/souk-arbiter-record.ts'
import '../souk-order-list.ts'
import { ChainEventsController, about, names } from '../chain-events.ts'
import '../souk-withdraw-all.ts'
import { WalletController } from '../wallet-controller.ts'
import { offerMessaging } from '../../services/messaging-ready.ts'

type Step = 'pin' | 'register'

/**
 * The arbiter's desk: disputes in which a buyer chose the connected account, each with links to both
 * conversations and the decision (release / refund / split); its record as everyone sees it
 * (`<souk-arbiter-record>` from the trust index, with its profile) and every case from chain events; and
 * "Become an arbiter / change my terms" (`<souk-arbiter-profile-form>`): a written profile is stored on relays
 * through the trust documents service first, then `registerArbiter` names its CID with the terms; a profile CID
 * the arbiter already has is registered as it is.
 */
@customElement('souk-arbiter-view')
@localized()
export class SoukArbiterView extends LitElement {
  static override styles = [
    shared,
    css`
      ul.cases {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.35rem;
      }
      ul.cases li {
        overflow-wrap: anywhere;
      }
      souk-arbiter-record {
        display: block;
        margin: 0.5rem 0 1rem;
      }
      details > summary {
        cursor: pointer;
        padding: 0.7rem 0;
        font-weight: 600;
        font-size: 1.1rem;
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

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: trustDocsContext, subscribe: true })
  @state()
  trustDocs?: TrustDocsService

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  @state() private version = 0
  @state() private busy = false
  /** The steps of the registration in progress (storing the profile only when one was written). */
  @state() private steps: { steps: Step[]; at: number } | undefined
  @state() private formError: string | undefined
  @state() private message: { ok: boolean; text: string } | undefined
  #abort: AbortController | undefined

  // a buyer choosing me, a decision, a timeout: the record and the cases follow the chain's events
  protected readonly chainEvents = new ChainEventsController(this, {
    relevant: (e) =>
      names(e, this.wallet?.address) ||
      about(
        e,
        (this.#cases.value?.cases ?? []).map((c) => c.listingId),
      ),
    onChange: () => {
      this.version++
      this.renderRoot.querySelector('souk-order-list')?.reload()
    },
  })

  /** My terms, record and profile as others see them, and what the form starts from. */
  readonly #trust = new Task(this, {
    task: async ([chain, docs, me], { signal }) => {
      if (!chain || !me) return undefined
      const read = await chain.arbiterTrust(me, { signal })
      const [trust] = docs ? await docs.withProfiles([read], { signal }) : [read]
      const t = trust ?? read
      const initial = t.registered
        ? {
            profile: t.profile,
            cid: t.profile ? undefined : t.metadataCid || undefined,
            minFeeBps: t.minFeeBps,
            minDisputeWindow: t.minDisputeWindow,
          }
        : {}
      return { me, trust: t, initial, now: Math.floor(Date.now() / 1000) }
    },
    args: () => [this.chain, this.trustDocs, this.wallet?.address, this.version] as const,
  })

  /** Every case a buyer brought to me, with what went where. */
  readonly #cases = new Task(this, {
    task: async ([chain, me], { signal }) =>
      chain && me ? { me, cases: (await chain.arbiter(me, { signal })).cases } : undefined,
    args: () => [this.chain, this.wallet?.address, this.version] as const,
  })

  override willUpdate(changed: PropertyValues<this>): void {
    // another account: the last one's registration steps and outcome are not this one's
    const before = changed.get('wallet')?.address
    if (changed.has('wallet') && before !== undefined && before !== this.wallet?.address) {
      this.#abort?.abort()
      this.steps = undefined
      this.message = undefined
      this.formError = undefined
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#abort?.abort()
  }

  async #register(e: CustomEvent<ProfileSubmit>): Promise<void> {
    const chain = this.chain
    if (!chain || this.busy) return
    const { profile, minFeeBps, minDisputeWindow } = e.detail
    if (profile && !this.trustDocs) {
      this.formError = msg(
        'Storing a profile needs the peer-to-peer network, which is not available yet. You can register the CID of a profile you stored yourself.',
        { id: 'arbiterDesk.noDocs' },
      )
      return
    }
    this.busy = true
    this.formError = undefined
    this.message = undefined
    this.#abort = new AbortController()
    const signal = this.#abort.signal
    const steps: Step[] = profile ? ['pin', 'register'] : ['register']
    this.steps = { steps, at: 0 }
    try {
      let cid = e.detail.cid
      if (profile) {
        cid = (await this.trustDocs!.publishProfile(profile, { signal })).cid.toString()
        this.steps = { steps, at: 1 }
      }
      signal.throwIfAborted()
      await chain.registerArbiter({ minFeeBps, minDisputeWindow, metadataCid: cid! })
      this.steps = { steps, at: steps.length }
      this.message = {
        ok: true,
        text: msg('Your terms are on chain: sellers can now name you as an arbiter.', { id: 'arbiterDesk.registered' }),
      }
      this.version++
      offerMessaging(this, 'arbiter')
    } catch (err) {
      this.steps = undefined
      this.formError =
        (err as Error | undefined)?.name === 'DocumentPinError'
          ? msg('Not enough relays could store your profile. Check your connection and try again.', {
              id: 'arbiterDesk.pinFailed',
            })
          : errorSentence(err)
    } finally {
      this.busy = false
    }
  }

  /** A task's value when it is the connected account's (a task keeps its last value while it reads another's). */
  #mine<T extends { me: string }>(value: T | undefined): T | undefined {
    return value && value.me === this.wallet?.address ? value : undefined
  }

  #stepLabel(s: Step): string {
    return s === 'pin'
      ? msg('Storing your profile on relays', { id: 'arbiterDesk.step.pin' })
      : msg('Registering on chain (confirm in your wallet)', { id: 'arbiterDesk.step.register' })
  }

  #progress() {
    const p = this.steps
    if (!p) return nothing
    return html`<ol class="progress" aria-label=${msg('Progress', { id: 'sell.progress' })} data-testid="progress">
      ${p.steps.map((s, i) => {
        const state = i < p.at ? 'done' : i === p.at ? 'active' : 'todo'
        return html`<li data-state=${state}>${this.#stepLabel(s)}${state === 'done' ? ' ✓' : ''}</li>`
      })}
    </ol>`
  }

  #record() {
    const t = this.#mine(this.#trust.value)
    // open disputes are listed above (to decide); a case leaves that list when it closes and is kept here
    const decided = this.#mine(this.#cases.value)?.cases.filter((c) => c.status !== 'disputed')
    return html`<section aria-labelledby="record-title" data-testid="record">
      <h3 id="record-title">${msg('My record, as others see it', { id: 'arbiter.record' })}</h3>
      ${
        t && t.trust.registered
          ? html`<souk-arbiter-record .arbiter=${t.trust} .now=${t.now}></souk-arbiter-record>`
          : t
            ? html`<p class="notice" data-testid="not-registered">
                ${msg('Not registered: new listings cannot name you.', { id: 'arbiter.notRegistered' })}
              </p>`
            : nothing
      }
      ${this.#trust.error ? html`<p role="alert" class="error">${errorSentence(this.#trust.error)}</p>` : nothing}
      ${
        // someone never registered has no cases to list
        !decided?.length && t && !t.trust.registered
          ? nothing
          : html`<h4>${msg('Decided', { id: 'arbiterDesk.decided' })}</h4>`
      }
      ${
        decided?.length
          ? html`<ul class="cases" data-testid="decided">
              ${decided.map(
                (c) =>
                  html`<li data-listing-id=${c.listingId} data-status=${c.status}>
                    <a href=${href(`/listing/${c.listingId}`)}
                      >${msg(str`Listing ${c.listingId}`, { id: 'listing.fallbackTitle' })}</a
                    >
                    · ${formatAmount(c.price, c.currency)} · ${escrowLabel(c.status)}
                    ${
                      c.settlement
                        ? html`·
                          ${msg(
                            str`To the buyer ${formatAmount(c.settlement.toBuyer, c.currency)} · to the seller ${formatAmount(c.settlement.toSeller, c.currency)} · arbiter's fee ${formatAmount(c.settlement.arbiterFee, c.currency)}`,
                            { id: 'order.settlement' },
                          )}`
                        : nothing
                    }
                  </li>`,
              )}
            </ul>`
          : decided && t?.trust.registered
            ? html`<p class="muted">${msg('No decided cases yet.', { id: 'arbiter.noDecided' })}</p>`
            : nothing
      }
      ${this.#cases.error ? html`<p role="alert" class="error">${errorSentence(this.#cases.error)}</p>` : nothing}
    </section>`
  }

  #registration() {
    const t = this.#mine(this.#trust.value)
    if (!t) return nothing
    // one form per account: what one account typed is never offered to another
    const form = html`${keyed(
      this.wallet?.address,
      html`<souk-arbiter-profile-form
        .account=${this.wallet?.address}
        .initial=${t.initial}
        .busy=${this.busy}
        .error=${this.formError}
        @profile-submit=${(e: CustomEvent<ProfileSubmit>) => void this.#register(e)}
      ></souk-arbiter-profile-form>`,
    )}
    ${this.#progress()} ${outcome(this.message)}`
    return t.trust.registered
      ? html`<details data-testid="change-terms" ?open=${this.busy || this.steps !== undefined}>
          <summary>${msg('Change my terms', { id: 'arbiter.change' })}</summary>
          ${form}
        </details>`
      : html`<section data-testid="become">
          <h3>${msg('Become an arbiter', { id: 'arbiter.register' })}</h3>
          <p class="muted">
            ${msg(
              'Arbiters decide disputes between buyers and sellers and earn the fee the listing names, only when they decide. Your profile tells buyers and sellers who you are and how you decide; it is stored on relays and its CID registered on chain with your terms.',
              { id: 'arbiterDesk.intro' },
            )}
          </p>
          ${form}
        </section>`
  }

  /** The form, for tests and the screenshots. */
  get profileForm(): SoukArbiterProfileForm | null {
    return this.renderRoot.querySelector('souk-arbiter-profile-form')
  }

  override render() {
    const title = msg('Arbiter’s desk', { id: 'app.nav.arbiter' })
    if (!this.chain)
      return html`<h2>${title}</h2>
        ${chainLoading()}`
    if (this.wallet?.status !== 'connected')
      return html`<h2>${title}</h2>
        <p class="notice">${msg('Connect a wallet (top right) to see your escrows.', { id: 'orders.connect' })}</p>`
    return html`
      <h2>${title}</h2>
      <souk-withdraw-all></souk-withdraw-all>
      <h3>${msg('Disputes assigned to me', { id: 'arbiter.assigned' })}</h3>
      <souk-order-list
        party="arbiter"
        .statuses=${['disputed'] as const}
        .empty=${msg('No open disputes.', { id: 'arbiter.none' })}
        @souk-order-changed=${() => {
          this.version++
          this.renderRoot.querySelector('souk-withdraw-all')?.reload()
        }}
      ></souk-order-list>
      ${this.#record()} ${this.#registration()}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-arbiter-view': SoukArbiterView
  }
}
