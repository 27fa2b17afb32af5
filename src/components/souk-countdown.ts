import { LitElement, css, html } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { consume } from '@lit/context'
import { localized, msg, str } from '@lit/localize'
import { chainNow, type ChainSnapshot, type StatusSource } from '../core/status.ts'
import { formatCountdown } from '../services/format.ts'
import { chainStatusContext } from './context.ts'

/**
 * A live countdown to a deadline on the chain's clock: the app's one chain clock (`chainNow` over the chain
 * status: the chain's time when last read plus the time elapsed since), so a card and the listing page count
 * the same, a device whose clock is off still counts down to what the contract will apply, and an idle chain
 * (no blocks) still counts. `offset` (chain time minus device time) is used only before the chain was read.
 * One timer, and only while connected.
 *
 * @fires souk-deadline - once, when the deadline is reached (bubbles, composed)
 */
@customElement('souk-countdown')
@localized()
export class SoukCountdown extends LitElement {
  static override styles = css`
    :host {
      font-variant-numeric: tabular-nums;
    }
  `

  /** Unix seconds. */
  @property({ type: Number }) deadline = 0
  /** Chain time minus device time, seconds: only until the chain status has the chain's time. */
  @property({ type: Number }) offset = 0

  @consume({ context: chainStatusContext, subscribe: true })
  @state()
  status?: StatusSource<ChainSnapshot>

  @state() private now = Date.now() / 1000
  #timer: ReturnType<typeof setInterval> | undefined
  #fired = false

  override connectedCallback(): void {
    super.connectedCallback()
    this.#timer = setInterval(() => (this.now = Date.now() / 1000), 1000)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('deadline')) this.#fired = false
  }

  override updated(): void {
    if (!this.#fired && this.deadline > 0 && this.#left() <= 0) {
      this.#fired = true
      this.dispatchEvent(new Event('souk-deadline', { bubbles: true, composed: true }))
    }
  }

  #left(): number {
    const chain = chainNow(this.status?.snapshot, this.now * 1000)
    return this.deadline - (chain ?? this.now + this.offset)
  }

  override render() {
    const left = this.#left()
    return left > 0
      ? html`<time datetime=${`PT${Math.ceil(left)}S`}
          >${formatCountdown(left, (d) => msg(str`${d}d`, { id: 'countdown.days' }))}</time
        >`
      : html`${msg('now', { id: 'countdown.over' })}`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-countdown': SoukCountdown
  }
}
