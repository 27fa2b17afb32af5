import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { isAddressEqual } from 'viem'
import type { ChainEvent, ChainService } from '../services/types.ts'
import { chainContext } from './context.ts'

export interface ChainEventsOptions {
  /**
   * Whether an event touches what the host shows (its listings, its person); every event when unset. Asked
   * at the event, so it sees the host's latest data.
   */
  relevant?: (event: ChainEvent) => boolean
  /** Re-read (e.g. bump a version the host's @lit/task depends on). Called once per batch of events. */
  onChange: () => void
}

/**
 * The one way views learn that the chain moved: the chain Worker's market events (`market` on the chain
 * service, as they are mined, whoever sent them) and a deadline passing on one of the host's own countdowns
 * (`souk-deadline`: phases and escrow windows move with time, not events). Listens only while connected.
 */
export class ChainEventsController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement
  readonly #options: ChainEventsOptions
  #chain: ChainService | undefined
  #connected = false

  constructor(host: ReactiveControllerHost & HTMLElement, options: ChainEventsOptions) {
    this.#host = host
    this.#options = options
    host.addController(this)
    new ContextConsumer(host, { context: chainContext, subscribe: true, callback: (c) => this.#attach(c) })
  }

  readonly #onMarket = (e: Event): void => {
    const events = (e as CustomEvent<ChainEvent[]>).detail
    const relevant = this.#options.relevant
    if (!relevant || events.some((ev) => relevant(ev))) this.#options.onChange()
  }

  readonly #onDeadline = (): void => this.#options.onChange()

  #attach(chain: ChainService | undefined): void {
    if (chain === this.#chain) return
    this.#chain?.removeEventListener('market', this.#onMarket)
    this.#chain = chain
    if (this.#connected) chain?.addEventListener('market', this.#onMarket)
  }

  hostConnected(): void {
    this.#connected = true
    this.#chain?.addEventListener('market', this.#onMarket)
    this.#host.addEventListener('souk-deadline', this.#onDeadline)
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#chain?.removeEventListener('market', this.#onMarket)
    this.#host.removeEventListener('souk-deadline', this.#onDeadline)
  }
}

/** An event naming `account` (as bidder, buyer, seller, arbiter or the account paid). */
export function names(event: ChainEvent, account: `0x${string}` | undefined): boolean {
  return !!account && event.accounts.some((a) => isAddressEqual(a, account))
}

/** An event about one of `listingIds`. */
export function about(event: ChainEvent, listingIds: Iterable<string>): boolean {
  if (event.listingId === undefined) return false
  for (const id of listingIds) if (id === event.listingId) return true
  return false
}
