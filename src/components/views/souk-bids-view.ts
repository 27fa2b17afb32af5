import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { formatAmount } from '../../services/format.ts'
import type { ChainService, MyBid, Reminder, WalletView } from '../../services/types.ts'
import { chainContext } from '../context.ts'
import { errorSentence } from '../chain-error.ts'
import { bidStatusLabel, isWinningBid, phaseLabel } from '../labels.ts'
import { chainLoading, outcome } from '../notices.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import '../souk-countdown.ts'
import '../souk-vault-tools.ts'

/**
 * My bids: every bid from the chain and this browser's vault, with reveal reminders and the reveal action,
 * and export / import of the vault (the secrets needed to reveal from another device, `<souk-vault-tools>`).
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
      }
      .needs-reveal {
        border-inline-start: 4px solid var(--souk-warn, #8a5a00);
      }
    `,
  ]

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private wallet: WalletView | undefined
  @state() private version = 0
  @state() private reminder: Reminder | undefined
  @state() private busy: string | undefined
  @state() private message: { ok: boolean; text: string } | undefined
  #watched: ChainService | undefined
  readonly #onWallet = (): void => {
    this.wallet = this.chain?.wallet()
  }
  readonly #onBids = (): void => {
    this.version++
  }
  readonly #onReminder = (e: Event): void => {
    this.reminder = (e as CustomEvent<Reminder>).detail
    this.version++
  }

  readonly #bids = new Task(this, {
    task: async ([chain, address], { signal }) => (chain && address ? await chain.myBids({ signal }) : []),
    args: () => [this.chain, this.wallet?.address, this.version] as const,
  })

  override willUpdate(): void {
    if (this.chain === this.#watched) return
    this.#detach()
    this.#watched = this.chain
    this.chain?.addEventListener('wallet', this.#onWallet)
    this.chain?.addEventListener('bids', this.#onBids)
    this.chain?.addEventListener('reminder', this.#onReminder)
    this.wallet = this.chain?.wallet()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#detach()
  }

  #detach(): void {
    this.#watched?.removeEventListener('wallet', this.#onWallet)
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

  #row(b: MyBid) {
    const a = b.auction
    const c = b.currency
    const needsReveal = a?.phase === 'revealing' && b.placedOnChain && !b.revealedOnChain && b.amount !== undefined
    return html`<li class=${needsReveal ? 'needs-reveal' : ''} data-commitment=${b.commitment}>
      <a href=${href(`/listing/${b.listingId}`)}
        >${msg(str`Listing ${b.listingId}`, { id: 'listing.fallbackTitle' })}</a
      >
      <span>
        ${c && b.amount !== undefined ? msg(str`Bid ${formatAmount(b.amount, c)}`, { id: 'bids.amount' }) : nothing}
        ${c ? msg(str`deposit ${formatAmount(b.deposit, c)}`, { id: 'bids.deposit' }) : nothing} ·
        ${bidStatusLabel(b, isWinningBid(b, this.#bids.value ?? [], this.wallet?.address))}
      </span>
      ${b.error ? html`<span class="error">${b.error}</span>` : nothing}
      ${a ? html`<span class="muted">${phaseLabel(a.phase)}${a.phase === 'revealing' ? html` · <souk-countdown .deadline=${a.revealEnd} .offset=${a.now - Date.now() / 1000}></souk-countdown>` : nothing}</span>` : nothing}
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
    </li>`
  }

  override render() {
    if (!this.chain)
      return html`<h2>${msg('My bids', { id: 'app.nav.bids' })}</h2>
        ${chainLoading()}`
    const w = this.wallet
    const bids = this.#bids.value ?? []
    const toReveal = bids.filter(
      (b) => b.auction?.phase === 'revealing' && !b.revealedOnChain && b.placedOnChain,
    ).length
    return html`
      <h2>${msg('My bids', { id: 'app.nav.bids' })}</h2>
      ${
        this.reminder || toReveal
          ? html`<p class="notice" role="status">
              ${msg(str`${toReveal} bids are waiting to be revealed. A bid that is not revealed in time cannot win.`, { id: 'bids.reminder' })}
            </p>`
          : nothing
      }
      ${w?.status !== 'connected' ? html`<p class="notice">${msg('Connect a wallet (top right) to see your bids.', { id: 'bids.connect' })}</p>` : nothing}
      ${this.#bids.error ? html`<p role="alert" class="error">${errorSentence(this.#bids.error)}</p>` : nothing}
      ${
        w?.status === 'connected' && this.#bids.value && bids.length === 0
          ? html`<p class="muted">${msg('You have not bid on anything yet.', { id: 'bids.none' })}</p>`
          : nothing
      }
      <ul class="bids">
        ${bids.map((b) => this.#row(b))}
      </ul>
      <h3>${msg('Your bid secrets', { id: 'bids.vault' })}</h3>
      <p class="hint">
        ${msg('Your bid amounts are kept only in this browser until you reveal them. Export them to reveal from another device.', { id: 'bids.vaultHint' })}
      </p>
      <souk-vault-tools @souk-vault-imported=${() => this.version++}></souk-vault-tools>
      ${outcome(this.message)}
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-bids-view': SoukBidsView
  }
}
