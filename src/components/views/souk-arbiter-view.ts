import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { formatAmount, parseAmount } from '../../services/format.ts'
import type { ArbiterRecord, ChainService, WalletView } from '../../services/types.ts'
import { chainContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { escrowLabel } from '../labels.ts'
import { chainLoading, outcome } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import '../souk-order-list.ts'
import '../souk-withdraw-all.ts'
import { WalletController } from '../wallet-controller.ts'
import { offerMessaging } from '../../services/messaging-ready.ts'

/** The contract's cap on an arbiter's fee: 10%. */
const MAX_FEE_PERCENT = 10

/**
 * The arbiter's desk: disputes on listings that name the connected account, each with links to both
 * conversations and the decision (release / refund / split); the record everyone sees (the contract's
 * counters and every case from chain events); and registering as an arbiter or changing one's terms.
 */
@customElement('souk-arbiter-view')
@localized()
export class SoukArbiterView extends LitElement {
  static override styles = [
    shared,
    css`
      dl.record {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.25rem 1rem;
        margin: 0;
      }
      dl.record dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
      ul.cases {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.35rem;
      }
      section p {
        overflow-wrap: anywhere;
      }
      form {
        display: grid;
        gap: 0.5rem;
        max-width: 30rem;
      }
    `,
  ]

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  @state() private version = 0
  @state() private fee = '5'
  @state() private profile = ''
  @state() private busy = false
  @state() private message: { ok: boolean; text: string } | undefined

  readonly #record = new Task(this, {
    task: async ([chain, me], { signal }) => (chain && me ? await chain.arbiter(me, { signal }) : undefined),
    args: () => [this.chain, this.wallet?.address, this.version] as const,
  })

  async #register(e: Event): Promise<void> {
    e.preventDefault()
    if (!this.chain || this.busy) return
    const bps = parseAmount(this.fee, 2)
    if (bps === undefined || bps > BigInt(MAX_FEE_PERCENT * 100)) {
      this.message = {
        ok: false,
        text: msg(str`Enter a fee between 0 and ${MAX_FEE_PERCENT}%.`, { id: 'arbiter.fee.invalid' }),
      }
      return
    }
    const profile = this.profile.trim()
    if (!/^[a-zA-Z0-9]{1,128}$/.test(profile)) {
      this.message = {
        ok: false,
        text: msg('Enter the CID of your public profile (letters and digits, at most 128).', {
          id: 'arbiter.profile.invalid',
        }),
      }
      return
    }
    this.busy = true
    this.message = undefined
    try {
      // no minimum window of its own: listings give it at least the contract's (a day)
      await this.chain.registerArbiter({ minFeeBps: Number(bps), minDisputeWindow: 0, metadataCid: profile })
      this.message = {
        ok: true,
        text: msg('You are registered: sellers can now name you as their arbiter.', { id: 'arbiter.registered' }),
      }
      this.version++
      offerMessaging(this, 'arbiter')
    } catch (err) {
      this.message = { ok: false, text: errorSentence(err) }
    } finally {
      this.busy = false
    }
  }

  #recordView(r: ArbiterRecord) {
    const row = (label: string, value: string | number, key: string) =>
      html`<dt>${label}</dt>
        <dd data-count=${key}>${value}</dd>`
    return html`<section aria-labelledby="record-title" data-testid="record">
      <h3 id="record-title">${msg('My record, as others see it', { id: 'arbiter.record' })}</h3>
      <p>
        ${
          r.registered
            ? msg(str`Registered, fee at least ${r.minFeeBps / 100}%. Profile: ${r.metadataCid}`, {
                id: 'arbiter.terms',
              })
            : msg('Not registered: new listings cannot name you.', { id: 'arbiter.notRegistered' })
        }
      </p>
      <dl class="record">
        ${row(msg('Disputes received', { id: 'arbiter.disputes' }), r.disputes, 'disputes')}
        ${row(msg('Decided for the buyer', { id: 'arbiter.forBuyer' }), r.decidedForBuyer, 'for-buyer')}
        ${row(msg('Decided for the seller', { id: 'arbiter.forSeller' }), r.decidedForSeller, 'for-seller')}
        ${row(msg('Split', { id: 'order.resolve.split' }), r.decidedSplit, 'split')}
        ${row(msg('Not decided in time', { id: 'arbiter.timedOut' }), r.timedOut, 'timed-out')}
        ${row(msg('Settled by the parties', { id: 'arbiter.settled' }), r.settledByParties, 'settled')}
      </dl>
      ${
        r.cases.length
          ? html`<ul class="cases">
              ${r.cases.map(
                (c) =>
                  html`<li data-listing-id=${c.listingId}>
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
          : html`<p class="muted">${msg('No cases yet.', { id: 'arbiter.noCases' })}</p>`
      }
    </section>`
  }

  #registerForm(r: ArbiterRecord | undefined) {
    const form = html`<form @submit=${(e: Event) => void this.#register(e)}>
      <label for="fee"
        >${msg(str`Smallest fee a listing must pay you (% of the price, at most ${MAX_FEE_PERCENT})`, { id: 'arbiter.fee' })}</label
      >
      <input
        id="fee"
        inputmode="decimal"
        autocomplete="off"
        .value=${this.fee}
        @input=${(e: Event) => (this.fee = (e.target as HTMLInputElement).value)}
      />
      <label for="profile"
        >${msg('Profile CID (who you are, how to reach you, your rules)', { id: 'arbiter.profile' })}</label
      >
      <input
        id="profile"
        autocomplete="off"
        .value=${this.profile}
        @input=${(e: Event) => (this.profile = (e.target as HTMLInputElement).value)}
      />
      <button class="button primary" type="submit" data-action="register" ?disabled=${this.busy}>
        ${
          r?.registered
            ? msg('Change my terms', { id: 'arbiter.change' })
            : msg('Become an arbiter', { id: 'arbiter.register' })
        }
      </button>
    </form>`
    return r?.registered
      ? html`<details>
          <summary>${msg('Change my terms', { id: 'arbiter.change' })}</summary>
          ${form}
        </details>`
      : html`<h3>${msg('Become an arbiter', { id: 'arbiter.register' })}</h3>
          <p class="muted">
            ${msg(
              'Arbiters decide disputes between buyers and sellers and earn the fee the listing names, only when they decide.',
              { id: 'arbiter.intro' },
            )}
          </p>
          ${form}`
  }

  override render() {
    const title = msg('Arbiter’s desk', { id: 'app.nav.arbiter' })
    if (!this.chain)
      return html`<h2>${title}</h2>
        ${chainLoading()}`
    if (this.wallet?.status !== 'connected')
      return html`<h2>${title}</h2>
        <p class="notice">${msg('Connect a wallet (top right) to see your escrows.', { id: 'orders.connect' })}</p>`
    const r = this.#record.value
    return html`
      <h2>${title}</h2>
      ${this.#record.error ? html`<p role="alert" class="error">${errorSentence(this.#record.error)}</p>` : nothing}
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
      ${r ? this.#recordView(r) : nothing} ${this.#record.value || this.#record.error ? this.#registerForm(r) : nothing}
      ${outcome(this.message)}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-arbiter-view': SoukArbiterView
  }
}
