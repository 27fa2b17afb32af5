import { LitElement, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg } from '@lit/localize'
import { Task, TaskStatus } from '@lit/task'
import { BaseError, type Address } from 'viem'
import type { MessagingService } from '../../services/types.ts'
import { messagingContext } from '../context.ts'
import { href, navigate } from '../routes.ts'
import { shared } from '../styles.ts'
import '../souk-conversations.ts'

/**
 * `#/messages`, `#/messages/<address>` and `#/messages/<address>?listing=<id>` (the conversation about a
 * listing; opened or started by the link): the connected wallet's conversations. Before the first use on a
 * device it explains and offers the one-time setup (a key pair for this device, bound to the wallet by one
 * signature); then it shows `<souk-conversations>` and keeps the URL on the open thread, so a thread can be
 * linked to ("message the seller").
 */
@customElement('souk-messages-view')
@localized()
export class SoukMessagesView extends LitElement {
  static override styles = [shared]

  @consume({ context: messagingContext, subscribe: true })
  @property({ attribute: false })
  messaging?: MessagingService

  /** The other person, from the route. */
  @property({ attribute: false }) peer?: Address
  /** The listing of the conversation, from the route's `?listing=<id>`. */
  @property({ attribute: false }) listing?: string | undefined
  /** `?address=1` (the listing page's "send your shipping address"): open the address form when it is offered. */
  @property({ attribute: false }) openAddressForm = false

  #listening: MessagingService | undefined
  readonly #onChange = (): void => this.requestUpdate()

  private readonly setup = new Task(this, {
    task: async (_: [], { signal }) => await this.messaging!.enable({ signal }),
    autoRun: false,
  })

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#listening?.removeEventListener('change', this.#onChange)
    this.#listening = undefined
  }

  override willUpdate(): void {
    if (this.messaging !== this.#listening && this.isConnected) {
      this.#listening?.removeEventListener('change', this.#onChange)
      this.#listening = this.messaging
      this.#listening?.addEventListener('change', this.#onChange)
    }
  }

  #onOpen(e: CustomEvent<{ peer: Address | undefined; listing?: string | undefined }>): void {
    const { peer, listing } = e.detail
    const to = peer ? href(`/messages/${peer}`, { listing }) : href('/messages')
    if (location.hash !== to) navigate(to)
  }

  #body() {
    const m = this.messaging
    if (!m)
      return html`<p class="notice" role="status" data-testid="messaging-unavailable">
        ${msg('Messaging needs the wallet service and the peer-to-peer network; one of them is not running.', {
          id: 'msg.unavailable',
        })}
      </p>`
    switch (m.status) {
      case 'no-wallet':
        return html`<p>${msg('Connect your wallet to read and send messages.', { id: 'msg.no-wallet' })}</p>`
      case 'starting':
        return html`<p class="muted" role="status">${msg('Opening your messages…', { id: 'msg.starting' })}</p>`
      case 'unavailable':
        return html`<p role="alert" class="error">
          ${msg('Messaging could not start:', { id: 'msg.failed' })} ${m.error ?? ''}
        </p>`
      case 'needs-setup':
        return html`<div class="notice" data-testid="messaging-setup">
          <p>
            ${msg(
              'To send and receive messages on this device, Souk makes a key pair for it and asks your wallet to sign once, so others can check the key is yours. It costs nothing and sends no transaction. Messages are end-to-end encrypted; relays only pass them on.',
              { id: 'msg.setup.body' },
            )}
          </p>
          <button
            class="primary"
            ?disabled=${this.setup.status === TaskStatus.PENDING}
            @click=${() => void this.setup.run([])}
          >
            ${msg('Set up messaging on this device', { id: 'msg.setup' })}
          </button>
          ${this.setup.render({
            error: (e) =>
              html`<p role="alert" class="error">
                ${e instanceof BaseError ? e.shortMessage : msg('The wallet did not sign.', { id: 'msg.setup.error' })}
              </p>`,
          })}
        </div>`
      case 'ready':
        return html`<souk-conversations
          .peer=${this.peer}
          .listing=${this.listing}
          .openAddressForm=${this.openAddressForm}
          @souk-conversation-open=${this.#onOpen}
        ></souk-conversations>`
    }
  }

  override render() {
    return html`<h2>${msg('Messages', { id: 'app.nav.messages' })}</h2>
      ${this.#body()}`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-messages-view': SoukMessagesView
  }
}
