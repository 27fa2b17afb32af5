import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { Task } from '@lit/task'
import { isAddressEqual } from 'viem'
import type { ChatMessage, MessagingService, Order } from '../../services/types.ts'
import { messagingContext } from '../context.ts'
import { shared } from '../styles.ts'

/**
 * Notes that travel as encrypted messages in the listing's conversation (the contract keeps none), marked by
 * their first characters so that any language reads them: the seller's tracking number or note sent with
 * "Mark shipped", and the buyer's reason sent with a dispute.
 */
export const SHIPPED_MARK = '📦 '
export const DISPUTE_MARK = '⚖️ '

/** The newest incoming message from `from` about `listing` that starts with `mark`, without the mark. */
export async function latestNote(
  messaging: MessagingService,
  from: `0x${string}`,
  listing: string,
  mark: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const conv = messaging.conversations.find((c) => c.listing === listing && isAddressEqual(c.peer, from))
  if (!conv) return undefined
  const thread: ChatMessage[] = await messaging.thread(conv.conv, signal ? { signal } : {})
  const note = thread.filter((m) => m.direction === 'in' && m.text.startsWith(mark)).at(-1)
  return note?.text.slice(mark.length).trim()
}

/**
 * On an order, what the other side sent as a note: the buyer sees the seller's shipping note (tracking number),
 * the arbiter the buyer's reason for the dispute. Follows new messages as they arrive.
 */
@customElement('souk-order-notes')
@localized()
export class SoukOrderNotes extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: contents;
      }
      p {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .note {
        white-space: pre-wrap;
      }
    `,
  ]

  @property({ attribute: false }) order: Order | undefined

  @consume({ context: messagingContext, subscribe: true })
  @state()
  messaging?: MessagingService

  @state() private version = 0
  #watched: MessagingService | undefined
  #status: string | undefined
  readonly #onMessage = (): void => {
    this.version++
  }
  /** `change` fires for every delivery state: only a change of status (messaging became ready) reads again. */
  readonly #onChange = (): void => {
    if (this.messaging?.status === this.#status) return
    this.#status = this.messaging?.status
    this.version++
  }

  readonly #note = new Task(this, {
    task: async ([messaging, order], { signal }) => {
      if (!messaging || !order || messaging.status !== 'ready') return undefined
      if (order.role === 'buyer' && order.status !== 'funded')
        return {
          kind: 'shipped' as const,
          text: await latestNote(messaging, order.seller, order.listingId, SHIPPED_MARK, signal),
        }
      if (order.role === 'arbiter')
        return {
          kind: 'reason' as const,
          text: await latestNote(messaging, order.buyer, order.listingId, DISPUTE_MARK, signal),
        }
      return undefined
    },
    args: () => [this.messaging, this.order, this.version] as const,
  })

  override updated(): void {
    if (this.#watched === this.messaging) return
    this.#watched?.removeEventListener('message', this.#onMessage)
    this.#watched?.removeEventListener('change', this.#onChange)
    this.#watched = this.messaging
    this.#status = this.messaging?.status
    this.#watched?.addEventListener('message', this.#onMessage)
    this.#watched?.addEventListener('change', this.#onChange)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#watched?.removeEventListener('message', this.#onMessage)
    this.#watched?.removeEventListener('change', this.#onChange)
    this.#watched = undefined
  }

  override render() {
    const n = this.#note.value
    if (!n?.text) return nothing
    return n.kind === 'shipped'
      ? html`<p data-testid="shipping-note">
          <strong>${msg('Shipping note from the seller:', { id: 'order.note.shipped' })}</strong>
          <span class="note">${n.text}</span>
        </p>`
      : html`<p data-testid="dispute-reason">
          <strong>${msg('The buyer’s reason for the dispute:', { id: 'order.note.reason' })}</strong>
          <span class="note">${n.text}</span>
        </p>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-order-notes': SoukOrderNotes
  }
}
