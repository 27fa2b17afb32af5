import { LitElement, css, html, nothing } from 'lit'
import { customElement, query, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import type { MoneyWords } from './money-words.ts'
import { dialogStyles } from './trust/dialog-styles.ts'
import { shared } from './styles.ts'

/**
 * The second look before money moves (issue #26 item 8): a modal sheet that says in words what will happen to
 * how much money (`MoneyWords`, from src/components/money-words.ts), with the action's own button and Cancel.
 * `ask(words)` resolves true when the person confirms, false on Cancel, Escape or a tap outside. On a phone it
 * sits at the bottom of the screen, within thumb reach.
 */
@customElement('souk-confirm-sheet')
@localized()
export class SoukConfirmSheet extends LitElement {
  static override styles = [
    shared,
    dialogStyles,
    css`
      @media (max-width: 30rem) {
        dialog {
          margin: auto 0 0;
          width: 100vw;
          max-width: 100vw;
          border-radius: 0.75rem 0.75rem 0 0;
        }
      }
      ul {
        padding-inline-start: 1.1rem;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.4rem;
      }
    `,
  ]

  @state() private words: MoneyWords | undefined
  @query('dialog') private dialog!: HTMLDialogElement
  #answer: ((ok: boolean) => void) | undefined

  /** Shows `words`; true once confirmed. A second `ask` while one is open answers the first with false. */
  async ask(words: MoneyWords): Promise<boolean> {
    this.#settle(false)
    this.words = words
    await this.updateComplete
    if (!this.dialog.open) this.dialog.showModal()
    this.renderRoot.querySelector<HTMLButtonElement>('[data-action=sheet-confirm]')?.focus()
    return await new Promise<boolean>((resolve) => (this.#answer = resolve))
  }

  get open(): boolean {
    return this.dialog?.open ?? false
  }

  #settle(ok: boolean): void {
    const answer = this.#answer
    this.#answer = undefined
    answer?.(ok)
  }

  #close(ok: boolean): void {
    this.#settle(ok)
    this.dialog?.close()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#settle(false)
  }

  override render() {
    const w = this.words
    return html`<dialog
      aria-labelledby="sheet-title"
      data-testid="confirm-sheet"
      @close=${() => this.#settle(false)}
      @click=${(e: MouseEvent) => {
        // a tap on the backdrop is a Cancel (the dialog element receives it, but so does its own padding)
        if (e.target !== this.dialog) return
        const r = this.dialog.getBoundingClientRect()
        const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom
        if (!inside) this.#close(false)
      }}
    >
      ${
        w
          ? html`<h3 id="sheet-title">${w.title}</h3>
              <ul data-testid="sheet-lines">
                ${w.lines.map((l) => html`<li>${l}</li>`)}
              </ul>
              <div class="actions">
                <button class="primary" data-action="sheet-confirm" @click=${() => this.#close(true)}>
                  ${w.confirm}
                </button>
                <button data-action="sheet-cancel" @click=${() => this.#close(false)}>
                  ${msg('Go back', { id: 'money.back' })}
                </button>
              </div>`
          : nothing
      }
    </dialog>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-confirm-sheet': SoukConfirmSheet
  }
}
