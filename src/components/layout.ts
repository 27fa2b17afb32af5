import { unsafeCSS, type ReactiveController, type ReactiveControllerHost } from 'lit'

/**
 * The phone layout's breakpoint and bottom bar, shared by the shell (souk-app, souk-nav), the update prompt
 * and views that lay themselves out for phones (search filters), so all switch at the same width.
 */
export const PHONE_QUERY = '(max-width: 39.99rem)'
export const phone = unsafeCSS(PHONE_QUERY)
/** Height of the bottom bar above the safe-area inset; content and bottom prompts keep clear of it. */
export const BOTTOM_BAR = unsafeCSS('3.75rem')

/** Tracks whether the phone layout applies (`matches`) and re-renders its host when that changes. */
export class PhoneLayout implements ReactiveController {
  readonly #host: ReactiveControllerHost
  readonly #query = globalThis.matchMedia?.(PHONE_QUERY)
  readonly #onChange = (): void => this.#host.requestUpdate()

  constructor(host: ReactiveControllerHost) {
    this.#host = host
    host.addController(this)
  }

  get matches(): boolean {
    return this.#query?.matches ?? false
  }

  hostConnected(): void {
    this.#query?.addEventListener('change', this.#onChange)
  }

  hostDisconnected(): void {
    this.#query?.removeEventListener('change', this.#onChange)
  }
}
