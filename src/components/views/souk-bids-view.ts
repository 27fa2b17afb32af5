import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { formatAmount } from '../../services/format.ts'
import type { CatalogService, ChainService, MyBid, Reminder, WalletView } from '../../services/types.ts'
import { catalogContext, chainContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { ChainEventsController, about, names } from '../chain-events.ts'
import { catalogTitles } from '../catalog-controller.ts'
import { bidStatusLabel, mayWithdrawBid, phaseLabel, plural } from '../labels.ts'
import { chainLoading, outcome } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import { WalletController } from '../wallet-controller.ts'
import '../souk-countdown.ts'
import '../souk-vault-tools.ts'
import '../souk-withdraw-all.ts'

/**
 * My bids: every bid from the chain and this browser's vault, with reveal reminders, the reveal action, what
 * became of each bid after finalize (won, not won, no sale) with the withdrawal of a deposit that can no longer
 * win and of the winner's change, and export / import of the vault (`<souk-vault-tools>`). Follows the chain's
 * events about its bids' listings and its person (`ChainEventsController`): no Refresh.
 */
@customElement('souk-bids-view')
@localized()
export class SoukBidsView extends LitElement {
  static override styles = [
    shared,
    css`
      ul.bids {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
      ul.bids li {
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.5rem;
        padding: 0.6rem 0.75rem;
        background: var(--souk-surface, #fff);
        display: grid;
        gap: 0.35rem;
        overflow-wrap: anywhere;
      }
      .needs-reveal,
      .needs-withdraw {
        border-inline-start: 4px solid var(--souk-warn, #8a5a00);
      }
      li button {
        justify-self: start;
      }
    `,
  ]

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @consume({ context: catalogContext, subscribe: true })
  @state()
  catalog?: CatalogService

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  @state() private version = 0
  @state() private reminder: Reminder | undefined
  @state() private busy: string | undefined
  @state() private message: { ok: boolean; text: string } | undefined
  #watched: ChainService | undefined

  protected readonly chainEvents = new ChainEventsController(this, {
    relevant: (e) =>
      names(e, this.wallet?.address) ||
      about(
        e,
        (this.#bids.value?.bids ?? []).map((b) => b.listingId),
      ),
    onChange: () => this.version++,
  })

  readonly #onBids = (): void => {
    this.version++
  }
  readonly #onReminder = (e: Event): void => {
    this.reminder = (e as CustomEvent<Reminder>).detail
    this.version++
  }

  readonly #bids = new Task(this, {
    task: async ([chain, catalog, address], { signal }) => {
      if (!chain || !address) return { bids: [], titles: new Map<string, string>() }
      const bids = await chain.myBids({ signal })
      const titles = await catalogTitles(catalog, [...new Set(bids.map((b) => b.listingId))], signal)
      return { bids, titles }
    },
    args: () => [this.chain, this.catalog, this.wallet?.address, this.version] as const,
  })

  override willUpdate(): void {
    if (this.chain === this.#watched) return
    this.#detach()
    this.#watched = this.chain
    this.chain?.addEventListener('bids', this.#onBids)
    this.chain?.addEventListener('reminder', this.#onReminder)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#detach()
  }

  #detach(): void {
    this.#watched?.removeEventListener('bids', this.#onBids)
    this.#watched?.removeEventListener('reminder', this.#onReminder)
    this.#watched = undefined
  }

  async #run(name: string, fn: () => Promise<string>): Promise<void> {
    this.busy = name
    this.message = undefined
    try {
      this.message = { ok: true, text: await fn() }
      this.version++
    } catch (err) {
      this.message = { ok: false, text: errorSentence(err) }
    } finally {
      this.busy = undefined
    }
  }

  #row(b: MyBid, title: string | undefined) {
    const a = b.auction
    const c = b.currency
    const needsReveal = a?.phase === 'revealing' && b.placedOnChain && !b.revealedOnChain && b.amount !== undefined
    const withdraw = mayWithdrawBid(b)
    const deadline = a?.phase === 'bidding' ? a.biddingEnd : a?.phase === 'revealing' ? a.revealEnd : undefined
    return html`<li
      class=${needsReveal ? 'needs-reveal' : withdraw ? 'needs-withdraw' : ''}
      data-commitment=${b.commitment}
      data-listing-id=${b.listingId}
      data-phase=${a?.phase ?? nothing}
      data-outcome=${b.outcome ?? nothing}
    >
      <a href=${href(`/listing/${b.listingId}`)}
        >${title ?? msg(str`Listing ${b.listingId}`, { id: 'listing.fallbackTitle' })}</a
      >
      <span>
        ${c && b.amount !== undefined ? msg(str`Bid ${formatAmount(b.amount, c)}`, { id: 'bids.amount' }) : nothing}
        ${c ? msg(str`deposit ${formatAmount(b.deposit, c)}`, { id: 'bids.deposit' }) : nothing} ·
        <span data-testid="bid-status">${bidStatusLabel(b)}</span>
      </span>
      ${b.error ? html`<span class="error">${b.error}</span>` : nothing}
      ${
        a
          ? html`<span class="muted" data-testid="bid-phase"
              >${phaseLabel(a.phase)}${deadline ? html` · <souk-countdown .deadline=${deadline}></souk-countdown>` : nothing}</span
            >`
          : nothing
      }
      ${
        needsReveal
          ? html`<button
              class="primary"
              data-action="reveal"
              ?disabled=${!!this.busy}
              @click=${() => this.#run('reveal', async () => (await this.chain!.revealBid(b.commitment), msg('Bid revealed.', { id: 'listing.revealed' })))}
            >
              ${msg('Reveal bid', { id: 'listing.reveal' })}
            </button>`
          : nothing
      }
      ${
        withdraw
          ? html`<button
              data-action="withdraw-bid"
              ?disabled=${!!this.busy}
              @click=${() =>
                this.#run('withdraw', async () => {
                  const { refund } = await this.chain!.withdrawBid(b.listingId, b.commitment)
                  return c
                    ? msg(str`${formatAmount(refund, c)} returned to your wallet.`, { id: 'listing.withdrawn' })
                    : msg('Deposit returned to your wallet.', { id: 'bids.withdrawnPlain' })
                })}
            >
              ${this.busy === 'withdraw' ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Withdraw deposit', { id: 'listing.withdraw' })}
            </button>`
          : nothing
      }
    </li>`
  }

  override render() {
    if (!this.chain)
      return html`<h2>${msg('My bids', { id: 'app.nav.bids' })}</h2>
        ${chainLoading()}`
    const w = this.wallet
    const data = this.#bids.value
    const bids = data?.bids ?? []
    const toReveal = bids.filter(
      (b) => b.auction?.phase === 'revealing' && !b.revealedOnChain && b.placedOnChain,
    ).length
    return html`
      <h2>${msg('My bids', { id: 'app.nav.bids' })}</h2>
      ${
        toReveal
          ? html`<p class="notice" role="status">
              ${
                plural(toReveal) === 'one'
                  ? msg('1 bid is waiting to be revealed. A bid that is not revealed in time cannot win.', {
                      id: 'bids.reminder.one',
                    })
                  : msg(
                      str`${toReveal} bids are waiting to be revealed. A bid that is not revealed in time cannot win.`,
                      { id: 'bids.reminder' },
                    )
              }
            </p>`
          : nothing
      }
      ${w?.status !== 'connected' ? html`<p class="notice">${msg('Connect a wallet (top right) to see your bids.', { id: 'bids.connect' })}</p>` : nothing}
      ${this.#bids.error ? html`<p role="alert" class="error">${errorSentence(this.#bids.error)}</p>` : nothing}
      ${w?.status === 'connected' ? html`<souk-withdraw-all></souk-withdraw-all>` : nothing} ${outcome(this.message)}
      ${
        w?.status === 'connected' && data && bids.length === 0
          ? html`<p class="muted">${msg('You have not bid on anything yet.', { id: 'bids.none' })}</p>`
          : nothing
      }
      <ul class="bids">
        ${bids.map((b) => this.#row(b, data?.titles.get(b.listingId)))}
      </ul>
      <h3>${msg('Your bid secrets', { id: 'bids.vault' })}</h3>
      <p class="hint">
        ${msg('Your bid amounts are kept only in this browser until you reveal them. Export them to reveal from another device.', { id: 'bids.vaultHint' })}
      </p>
      <souk-vault-tools @souk-vault-imported=${() => this.version++}></souk-vault-tools>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-bids-view': SoukBidsView
  }
}
