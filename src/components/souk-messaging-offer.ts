import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { Task, TaskStatus } from '@lit/task'
import { messagingContext } from './context.ts'
import { shared } from './styles.ts'
import { ensureMessagingReady, type MessagingRole } from '../services/messaging-ready.ts'
import type { MessagingService } from '../services/types.ts'
import { BOTTOM_BAR, phone } from './layout.ts'

/** What the app hands over when a flow asked (`offerMessaging`): the role, and when (a new ask is a new object). */
export interface MessagingOfferRequest {
  role: MessagingRole
  at: number
}

/**
 * The offer to set up messaging, right after a person listed, bid or bought, or registered as an arbiter
 * (src/services/messaging-ready.ts): shown only while this device has no messaging key for the wallet. "Set up
 * messaging" asks the wallet for the one binding signature; "Not now" (or Escape) closes it and it is not asked
 * again for this wallet while the page is open. A sheet at the bottom of the screen, under the thumb on a phone.
 *
 * @fires souk-messaging-offer-close - when the person closes it or messaging is ready (bubbles, composed)
 */
// localized first: define() upgrades the element already in <souk-app> at once, before an outer decorator ran
@customElement('souk-messaging-offer')
@localized()
export class SoukMessagingOffer extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        position: fixed;
        inset-inline: 0;
        bottom: 0;
        z-index: 20;
        display: flex;
        justify-content: center;
        padding: 0.5rem;
        pointer-events: none;
      }
      @media ${phone} {
        /* above the phone's bottom bar, never over it */
        :host {
          bottom: calc(${BOTTOM_BAR} + env(safe-area-inset-bottom));
        }
      }
      section {
        pointer-events: auto;
        width: min(32rem, 100%);
        background: var(--souk-surface, #fff);
        color: var(--souk-fg, #1d1b16);
        border: 1px solid var(--souk-border, #dedad0);
        border-radius: 0.75rem;
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
        padding: 0.75rem 1rem;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 0.25rem;
      }
      p {
        margin: 0.25rem 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      .actions button {
        min-height: 2.75rem;
        flex: 1 1 9rem;
      }
    `,
  ]

  @consume({ context: messagingContext, subscribe: true })
  @property({ attribute: false })
  messaging?: MessagingService

  /** The latest ask; the offer shows for it while messaging needs setting up. */
  @property({ attribute: false }) request?: MessagingOfferRequest

  @state() private revision = 0
  /** Wallets that said "not now" while this page is open. */
  readonly #declined = new Set<string>()
  /** The wallet the latest ask was for: another wallet connected since is not asked on its behalf. */
  #for: string | undefined
  #listening: MessagingService | undefined
  readonly #onChange = (): void => {
    this.revision++
  }
  readonly #onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.#visible()) this.#close(true)
  }

  private readonly setup = new Task(this, {
    task: async ([messaging]: [MessagingService | undefined], { signal }) => {
      const result = await ensureMessagingReady(messaging, { signal })
      if (result === 'ready') this.#close(false)
      return result
    },
    autoRun: false,
  })

  override connectedCallback(): void {
    super.connectedCallback()
    document.addEventListener('keydown', this.#onKey)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    document.removeEventListener('keydown', this.#onKey)
    this.#listening?.removeEventListener('change', this.#onChange)
    this.#listening = undefined
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.messaging !== this.#listening) {
      this.#listening?.removeEventListener('change', this.#onChange)
      this.#listening = this.messaging
      this.#listening?.addEventListener('change', this.#onChange)
    }
    if (changed.has('request')) {
      this.setup.abort()
      this.#for = this.messaging?.address?.toLowerCase()
    }
  }

  #visible(): boolean {
    const m = this.messaging
    const address = m?.address?.toLowerCase()
    if (!this.request || !m || !address || address !== this.#for || this.#declined.has(address)) return false
    // stays up while the signature is asked (the status moves to "starting" meanwhile) and after a refusal
    return m.status === 'needs-setup' || this.setup.status === TaskStatus.PENDING
  }

  #close(declined: boolean): void {
    const address = this.messaging?.address
    if (declined && address) this.#declined.add(address.toLowerCase())
    this.request = undefined
    this.dispatchEvent(new CustomEvent('souk-messaging-offer-close', { bubbles: true, composed: true }))
  }

  #why(role: MessagingRole): string {
    switch (role) {
      case 'seller':
        return msg('Buyers will want to reach you about your listing.', { id: 'offer.why.seller' })
      case 'buyer':
        return msg('The seller will want to reach you, and you them, about this item.', { id: 'offer.why.buyer' })
      case 'arbiter':
        return msg('Buyers and sellers must be able to reach you in a dispute.', { id: 'offer.why.arbiter' })
    }
  }

  override render() {
    void this.revision
    const request = this.request
    if (!request || !this.#visible()) return nothing
    const busy = this.setup.status === TaskStatus.PENDING
    return html`<section
      role="dialog"
      aria-labelledby="offer-title"
      data-testid="messaging-offer"
      data-role=${request.role}
    >
      <h2 id="offer-title">${msg('Set up messaging on this device?', { id: 'offer.title' })}</h2>
      <p>${this.#why(request.role)}</p>
      <p class="hint">
        ${msg('Your wallet signs once to show the key is yours. It costs nothing and sends no transaction.', { id: 'offer.how' })}
      </p>
      ${
        this.setup.value === 'declined'
          ? html`<p role="alert" class="error">
              ${msg('Your wallet did not sign. You can set up messaging later in Messages.', { id: 'offer.declined' })}
            </p>`
          : nothing
      }
      <div class="actions">
        <button
          class="primary"
          ?disabled=${busy}
          data-action="setup"
          @click=${() => void this.setup.run([this.messaging])}
        >
          ${busy ? msg('Confirm in your wallet…', { id: 'tx.confirm' }) : msg('Set up messaging', { id: 'offer.setup' })}
        </button>
        <button data-action="later" @click=${() => this.#close(true)}>${msg('Not now', { id: 'offer.later' })}</button>
      </div>
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-messaging-offer': SoukMessagingOffer
  }
}
