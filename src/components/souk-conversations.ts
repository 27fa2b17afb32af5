import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg } from '@lit/localize'
import { Task, TaskStatus } from '@lit/task'
import { BaseError, isAddress, type Address } from 'viem'
import type { Conversation } from '../p2p/messaging/client.ts'
import type { ChatMessage, DeliveryState } from '../p2p/messaging/storage.ts'

/** What the view needs from the messaging service (`MessagingClient` implements it). */
export interface ConversationsSource extends EventTarget {
  readonly address: Address
  conversations(): Conversation[]
  thread(conv: string): ChatMessage[]
  send(to: Address, text: string, options?: { signal?: AbortSignal }): Promise<ChatMessage>
  markRead(conv: string, options?: { signal?: AbortSignal }): Promise<void>
}

const short = (a: string): string => `${a.slice(0, 6)}…${a.slice(-4)}`

/**
 * A small conversations view: the list of conversations, the open thread with each message's delivery state,
 * and a composer. Opening a thread marks it read (the sender gets a read receipt). While the page is in the
 * background, a new message raises a system notification when the person has allowed them.
 *
 * @fires souk-message-sent - `detail: ChatMessage` once a message is in the outbox (bubbles, composed)
 */
@localized()
@customElement('souk-conversations')
export class SoukConversations extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: minmax(12rem, 1fr) 2fr;
      gap: 1rem;
      font: inherit;
      color: var(--souk-text, #1b1b1f);
    }
    @media (max-width: 40rem) {
      :host {
        grid-template-columns: 1fr;
      }
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .conv {
      display: flex;
      width: 100%;
      justify-content: space-between;
      gap: 0.5rem;
      padding: 0.5rem;
      border: 0;
      border-bottom: 1px solid var(--souk-border, #ddd);
      background: none;
      font: inherit;
      text-align: start;
      cursor: pointer;
    }
    .conv[aria-current='true'] {
      background: var(--souk-selected, #eef);
    }
    .badge {
      min-width: 1.5rem;
      border-radius: 1rem;
      background: var(--souk-accent, #3346d3);
      color: #fff;
      text-align: center;
    }
    .thread {
      display: flex;
      flex-direction: column;
      gap: 0.5rem;
      max-height: 60vh;
      overflow-y: auto;
    }
    .bubble {
      max-width: 80%;
      padding: 0.5rem 0.75rem;
      border-radius: 0.75rem;
      background: var(--souk-bubble-in, #f1f1f4);
      overflow-wrap: anywhere;
    }
    .bubble.out {
      align-self: flex-end;
      background: var(--souk-bubble-out, #dfe6ff);
    }
    .state {
      display: block;
      font-size: 0.75rem;
      color: var(--souk-muted, #555);
    }
    form {
      display: flex;
      gap: 0.5rem;
      margin-top: 0.5rem;
    }
    input,
    textarea {
      flex: 1;
      font: inherit;
    }
    [role='alert'] {
      color: var(--souk-danger, #a00);
    }
  `

  /** The messaging service of the signed-in wallet. */
  @property({ attribute: false }) source?: ConversationsSource

  @state() private open?: { conv?: string; peer: Address }
  @state() private revision = 0

  private readonly sending = new Task(this, {
    task: async ([to, text]: [Address, string], { signal }) => {
      const m = await this.source!.send(to, text, { signal })
      this.open = { conv: m.conv, peer: to }
      this.dispatchEvent(new CustomEvent('souk-message-sent', { detail: m, bubbles: true, composed: true }))
      return m
    },
    autoRun: false,
  })

  private readonly onChange = (): void => {
    this.revision++
  }

  private readonly onMessage = (event: Event): void => {
    const m = (event as CustomEvent<ChatMessage>).detail
    if (this.open?.conv === m.conv && document.visibilityState === 'visible') void this.source?.markRead(m.conv)
    if (
      document.visibilityState === 'hidden' &&
      'Notification' in globalThis &&
      Notification.permission === 'granted'
    ) {
      new Notification(msg('New message on Souk', { id: 'msg.notify.title' }), {
        body: `${short(m.from)}: ${m.text.slice(0, 120)}`,
        tag: m.conv,
      })
    }
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.listen(this.source)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.listen(undefined)
  }

  private listening?: ConversationsSource
  private listen(source: ConversationsSource | undefined): void {
    this.listening?.removeEventListener('change', this.onChange)
    this.listening?.removeEventListener('message', this.onMessage)
    this.listening = source
    source?.addEventListener('change', this.onChange)
    source?.addEventListener('message', this.onMessage)
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source') && this.isConnected) this.listen(this.source)
  }

  private select(c: Conversation): void {
    this.open = { conv: c.conv, peer: c.peer }
    void this.source?.markRead(c.conv)
  }

  private stateLabel(s: DeliveryState): string {
    switch (s) {
      case 'queued':
        return msg('Waiting for the network…', { id: 'msg.state.queued' })
      case 'sent':
        return msg('Sent', { id: 'msg.state.sent' })
      case 'delivered':
        return msg('Delivered', { id: 'msg.state.delivered' })
      case 'read':
        return msg('Read', { id: 'msg.state.read' })
      default:
        return ''
    }
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    const text = String(data.get('text') ?? '').trim()
    const to = this.open?.peer ?? String(data.get('to') ?? '').trim()
    if (!text || !isAddress(to)) return
    void this.sending.run([to, text]).then(() => {
      if (this.sending.status !== TaskStatus.ERROR) form.reset()
    })
  }

  override render() {
    if (!this.source)
      return html`<p>${msg('Connect your wallet to read and send messages.', { id: 'msg.no-wallet' })}</p>`
    void this.revision
    const conversations = this.source.conversations()
    const thread = this.open?.conv ? this.source.thread(this.open.conv) : []
    const permission = 'Notification' in globalThis ? Notification.permission : 'denied'
    return html`
      <nav aria-label=${msg('Conversations', { id: 'msg.list' })}>
        <ul>
          ${conversations.map(
            (c) =>
              html`<li>
                <button
                  class="conv"
                  aria-current=${this.open?.conv === c.conv ? 'true' : 'false'}
                  @click=${() => this.select(c)}
                >
                  <span><strong>${short(c.peer)}</strong><br />${c.last.text.slice(0, 40)}</span>
                  ${
                    c.unread > 0
                      ? html`<span class="badge" aria-label=${`${c.unread} ${msg('unread', { id: 'msg.unread' })}`}
                          >${c.unread}</span
                        >`
                      : nothing
                  }
                </button>
              </li>`,
          )}
        </ul>
        <button @click=${() => (this.open = undefined)}>${msg('New conversation', { id: 'msg.new' })}</button>
        ${
          permission === 'default'
            ? html`<button @click=${() => void Notification.requestPermission().then(() => this.revision++)}>
                ${msg('Notify me of new messages', { id: 'msg.notify.enable' })}
              </button>`
            : nothing
        }
      </nav>
      <section aria-label=${msg('Thread', { id: 'msg.thread' })}>
        ${this.open ? html`<h2>${short(this.open.peer)}</h2>` : nothing}
        <div class="thread" role="log" aria-live="polite">
          ${thread.map(
            (m) =>
              html`<p class="bubble ${m.direction}" data-id=${m.id}>
                ${m.text}${m.direction === 'out' ? html`<span class="state" data-state=${m.state}>${this.stateLabel(m.state)}</span>` : nothing}
              </p>`,
          )}
        </div>
        <form @submit=${this.submit}>
          ${
            this.open
              ? nothing
              : html`<input
                  name="to"
                  required
                  pattern="0x[0-9a-fA-F]{40}"
                  placeholder="0x…"
                  aria-label=${msg('Recipient address', { id: 'msg.to' })}
                />`
          }
          <textarea
            name="text"
            required
            rows="2"
            maxlength="4000"
            aria-label=${msg('Message', { id: 'msg.text' })}
          ></textarea>
          <button type="submit" ?disabled=${this.sending.status === TaskStatus.PENDING}>
            ${msg('Send', { id: 'msg.send' })}
          </button>
        </form>
        ${this.sending.render({
          error: (e) =>
            html`<p role="alert">
              ${e instanceof BaseError ? e.shortMessage : msg('Could not send the message.', { id: 'msg.error' })}
            </p>`,
        })}
      </section>
    `
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-conversations': SoukConversations
  }
}
