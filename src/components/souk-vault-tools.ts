import { LitElement, css, html } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import type { ChainService } from '../services/types.ts'
import { chainContext } from './context.ts'
import { errorSentence } from './chain-error.ts'
import { shared } from './styles.ts'
import { outcome } from './notices.ts'

/**
 * Export / import of the bid vault (the secrets that reveal this browser's bids), used by the bids view and
 * the settings view.
 *
 * @fires souk-vault-exported - after the export file was handed to the browser
 * @fires souk-vault-imported - detail `{ added, updated }` after an import
 */
@customElement('souk-vault-tools')
@localized()
export class SoukVaultTools extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .tools label {
        margin: 0;
        font-weight: normal;
      }
      input:focus-visible + label {
        outline: 3px solid var(--souk-focus, #1a73e8);
        outline-offset: 2px;
      }
    `,
  ]

  @consume({ context: chainContext, subscribe: true })
  @state()
  chain?: ChainService

  @state() private busy = false
  @state() private message: { ok: boolean; text: string } | undefined

  async #run(fn: (chain: ChainService) => Promise<string>): Promise<void> {
    const chain = this.chain
    if (!chain) return
    this.busy = true
    this.message = undefined
    try {
      this.message = { ok: true, text: await fn(chain) }
    } catch (err) {
      this.message = { ok: false, text: errorSentence(err) }
    } finally {
      this.busy = false
    }
  }

  async #export(): Promise<void> {
    await this.#run(async (chain) => {
      const { blob, fileName } = await chain.exportBids()
      const a = document.createElement('a')
      a.href = URL.createObjectURL(blob)
      a.download = fileName
      a.click()
      setTimeout(() => URL.revokeObjectURL(a.href), 0)
      this.dispatchEvent(new Event('souk-vault-exported', { bubbles: true, composed: true }))
      return msg(str`Saved ${fileName}. Keep it safe: it can reveal your bids.`, { id: 'bids.exported' })
    })
  }

  async #import(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    if (!file) return
    await this.#run(async (chain) => {
      const { added, updated } = await chain.importBids(file)
      this.dispatchEvent(
        new CustomEvent('souk-vault-imported', { detail: { added, updated }, bubbles: true, composed: true }),
      )
      return msg(str`Imported: ${added} new bids, ${updated} updated.`, { id: 'bids.imported' })
    })
    input.value = ''
  }

  override render() {
    return html`<div class="tools">
        <button @click=${this.#export} ?disabled=${this.busy || !this.chain} data-action="export-bids">
          ${msg('Export bids', { id: 'bids.export' })}
        </button>
        <input
          id="import"
          class="visually-hidden"
          type="file"
          accept="application/json,.json"
          ?disabled=${this.busy || !this.chain}
          @change=${this.#import}
        />
        <label for="import" class="button">${msg('Import bids', { id: 'bids.import' })}</label>
      </div>
      ${outcome(this.message)}`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-vault-tools': SoukVaultTools
  }
}
