import { LitElement, html, nothing } from 'lit'
import { customElement, query, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { Task } from '@lit/task'
import { formatAmount } from '../services/format.ts'
import type { ChainService, WalletView } from '../services/types.ts'
import { chainContext } from './context.ts'
import { ChainEventsController } from './chain-events.ts'
import { errorSentence } from './chain-error.ts'
import { shared } from './styles.ts'
import { WalletController } from './wallet-controller.ts'
import { outcome } from './notices.ts'
import { withdrawWords } from './money-words.ts'
import type { SoukConfirmSheet } from './souk-confirm-sheet.ts'
import './souk-confirm-sheet.ts'

/**
 * What the market owes the connected account (sale proceeds, refunds, splits, a winner's change, arbiter fees),
 * every currency, and one button that withdraws all of it (one transaction per currency, sent once however
 * often it is pressed). Renders nothing while nothing is owed.
 */
@customElement('souk-withdraw-all')
@localized()
export class SoukWithdrawAll extends LitElement {
  static override styles = [shared]

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() wallet: WalletView | undefined
  protected readonly walletWatch = new WalletController(this)
  @state() private version = 0
  @state() private busy = false
  @state() private message: { ok: boolean; text: string } | undefined
  @query('souk-confirm-sheet') private sheet!: SoukConfirmSheet

  // balances grow by other people's actions too (a buyer confirming, an arbiter deciding, anyone finalizing):
  // escrow events name the listing, not always the person, so every market event reads the balances again
  protected readonly chainEvents = new ChainEventsController(this, { onChange: () => this.reload() })

  readonly #owed = new Task(this, {
    task: async ([chain, me]) => (chain && me ? (await chain.withdrawable()).filter((o) => o.amount > 0n) : []),
    args: () => [this.chain, this.wallet?.address, this.version] as const,
  })

  /** Reads the balances again (after an escrow closed). */
  reload(): void {
    this.version++
  }

  async #withdrawAll(): Promise<void> {
    const to = this.wallet?.address
    if (!this.chain || this.busy || !to) return
    this.busy = true
    this.message = undefined
    try {
      const owed = this.#owed.value ?? []
      if (!(await this.sheet.ask(withdrawWords({ owed, to })))) return
      const out = await this.chain.withdrawAll()
      const total = out.map((o) => formatAmount(o.amount, o.currency)).join(' + ')
      this.message = { ok: true, text: msg(str`${total} sent to your wallet.`, { id: 'sales.withdrawn' }) }
    } catch (err) {
      this.message = { ok: false, text: errorSentence(err) }
    } finally {
      this.busy = false
      this.version++
    }
  }

  override render() {
    const owed = this.#owed.value ?? []
    return html`
      ${
        owed.length
          ? html`<div class="notice" data-testid="owed">
              <p>
                ${msg(
                  str`The market holds ${owed.map((o) => formatAmount(o.amount, o.currency)).join(' + ')} for you.`,
                  {
                    id: 'sales.owed',
                  },
                )}
              </p>
              <button
                class="button primary"
                data-action="withdraw-all"
                ?disabled=${this.busy}
                @click=${() => void this.#withdrawAll()}
              >
                ${msg('Withdraw everything', { id: 'sales.withdrawAll' })}
              </button>
            </div>`
          : nothing
      }
      ${this.#owed.error ? html`<p role="alert" class="error">${errorSentence(this.#owed.error)}</p>` : nothing}
      ${outcome(this.message)}
      <souk-confirm-sheet></souk-confirm-sheet>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-withdraw-all': SoukWithdrawAll
  }
}
