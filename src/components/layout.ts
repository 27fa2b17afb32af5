import { css, unsafeCSS, type ReactiveController, type ReactiveControllerHost } from 'lit'

/**
 * The phone layout's breakpoint and bottom bar, shared by the shell (souk-app, souk-nav), the update prompt
 * and views that lay themselves out for phones (search filters), so all switch at the same width.
 */
export const PHONE_QUERY = '(max-width: 39.99rem)'
export const phone = unsafeCSS(PHONE_QUERY)
/** Height of the bottom bar above the safe-area inset; content and bottom prompts keep clear of it. */
export const BOTTOM_BAR = unsafeCSS('3.75rem')

/**
 * A sheet rising from above the bottom bar over a dimming scrim (the More sheet, the search filters on a phone);
 * an element adds its own height limit and padding after these.
 */
export const bottomSheet = css`
  .scrim {
    position: fixed;
    inset: 0;
    z-index: 18;
    background: rgb(0 0 0 / 0.3);
  }
  .sheet {
    position: fixed;
    inset-inline: 0;
    bottom: calc(${BOTTOM_BAR} + env(safe-area-inset-bottom));
    z-index: 19;
    overflow-y: auto;
    background: var(--souk-surface, #fff);
    border-radius: 1rem 1rem 0 0;
    box-shadow: 0 -6px 24px rgb(0 0 0 / 0.18);
  }
`

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
