import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { BOTTOM_BAR, phone } from './layout.ts'

/**
 * "A new version of Souk is ready": shown while `apply` is set (by src/pwa/register.ts once a new service
 * worker is installed and waiting). Reload activates it and reloads the page, saying "Updating…" meanwhile
 * (the swap can take seconds, see src/pwa/register.ts); Later hides the prompt until the next version.
 *
 * @fires souk-update-dismissed - the person chose Later
 */
@customElement('souk-update-prompt')
@localized()
export class SoukUpdatePrompt extends LitElement {
  static override styles = css`
    :host {
      position: fixed;
      inset-inline: 0;
      bottom: 0;
      z-index: 10;
      display: flex;
      justify-content: center;
      padding: 0.75rem;
      padding-bottom: max(0.75rem, env(safe-area-inset-bottom));
      pointer-events: none;
    }
    @media ${phone} {
      /* above the phone's bottom bar, never over it */
      :host {
        bottom: calc(${BOTTOM_BAR} + env(safe-area-inset-bottom));
        padding-bottom: 0.75rem;
      }
    }
    div {
      pointer-events: auto;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1rem;
      max-width: 40rem;
      padding: 0.5rem 0.75rem 0.5rem 1rem;
      border-radius: 0.75rem;
      background: var(--souk-fg, #1d1b16);
      color: var(--souk-bg, #fbfaf7);
      box-shadow: 0 0.25rem 1rem rgb(0 0 0 / 25%);
    }
    p {
      margin: 0;
      flex: 1 1 12rem;
    }
    button {
      font: inherit;
      min-height: 2.75rem;
      padding: 0 1rem;
      border-radius: 0.5rem;
      border: 1px solid currentColor;
      background: none;
      color: inherit;
      cursor: pointer;
    }
    button.primary {
      background: var(--souk-bg, #fbfaf7);
      color: var(--souk-fg, #1d1b16);
    }
    button:focus-visible {
      outline: 3px solid var(--souk-focus, #1a73e8);
      outline-offset: 2px;
    }
  `

  /** Activates the waiting version and reloads; the prompt shows while this is set. */
  @property({ attribute: false })
  apply: (() => void) | undefined

  @state() private dismissed: (() => void) | undefined
  @state() private busy = false

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // a newer version is offered afresh
    if (changed.has('apply')) this.busy = false
  }

  override render() {
    if (!this.apply || this.dismissed === this.apply) return nothing
    const apply = this.apply
    return html`<div role="status" data-testid="update-prompt">
      <p>${msg('A new version of Souk is ready.', { id: 'update.ready' })}</p>
      <button
        class="primary"
        ?disabled=${this.busy}
        @click=${() => {
          this.busy = true
          apply()
        }}
      >
        ${this.busy ? msg('Updating…', { id: 'update.updating' }) : msg('Reload to update', { id: 'update.reload' })}
      </button>
      <button
        @click=${() => {
          this.dismissed = apply
          this.dispatchEvent(new Event('souk-update-dismissed', { bubbles: true, composed: true }))
        }}
      >
        ${msg('Later', { id: 'update.later' })}
      </button>
    </div>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-update-prompt': SoukUpdatePrompt
  }
}
