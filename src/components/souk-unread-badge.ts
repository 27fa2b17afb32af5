import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { messagingContext } from './context.ts'
import { shortAddress } from '../services/address.ts'
import { photosLabel, unreadLabel } from './messages/counts.ts'
import type { ChatMessage, MessagingService } from '../services/types.ts'

/**
 * The header's unread-message count, and the system notification for a message that arrives while the page
 * is hidden (when the person allowed notifications; the conversations view has the button that asks). Lives
 * in the header so both work on every page.
 */
@localized()
@customElement('souk-unread-badge')
export class SoukUnreadBadge extends LitElement {
  static override styles = css`
    :host {
      display: inline;
    }
    span {
      display: inline-block;
      min-width: 1.25rem;
      margin-inline-start: 0.35rem;
      padding: 0 0.3rem;
      border-radius: 1rem;
      background: var(--souk-accent, #0f5c4d);
      color: #fff;
      font-size: 0.8rem;
      text-align: center;
    }
  `

  @consume({ context: messagingContext, subscribe: true })
  @property({ attribute: false })
  messaging?: MessagingService

  #listening: MessagingService | undefined
  readonly #onChange = (): void => this.requestUpdate()
  readonly #onMessage = (e: Event): void => {
    const m = (e as CustomEvent<ChatMessage>).detail
    if (document.visibilityState !== 'hidden' || !('Notification' in globalThis)) return
    if (Notification.permission !== 'granted') return
    new Notification(msg('New message on Souk', { id: 'msg.notify.title' }), {
      // an address is never put in a notification (the system may keep or show it on the lock screen)
      body: `${shortAddress(m.from)}: ${m.kind === 'address' ? msg('Shipping address', { id: 'ship.card.title' }) : m.text.slice(0, 120) || (m.photos ? photosLabel(m.photos.length) : '')}`,
      tag: m.conv,
    })
  }

  #listen(next: MessagingService | undefined): void {
    if (next === this.#listening) return
    this.#listening?.removeEventListener('change', this.#onChange)
    this.#listening?.removeEventListener('message', this.#onMessage)
    this.#listening = next
    next?.addEventListener('change', this.#onChange)
    next?.addEventListener('message', this.#onMessage)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.#listen(this.messaging)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#listen(undefined)
  }

  override willUpdate(): void {
    if (this.isConnected) this.#listen(this.messaging)
  }

  override render() {
    const n = this.messaging?.unread ?? 0
    if (n === 0) return nothing
    return html`<span data-testid="unread" aria-label=${unreadLabel(n)}>${n}</span>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-unread-badge': SoukUnreadBadge
  }
}
