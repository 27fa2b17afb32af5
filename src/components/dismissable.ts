import type { ReactiveController, ReactiveControllerHost } from 'lit'

/** Why a panel closed: Escape, a tap or click outside it, something chosen in it, or its opener toggled. */
export type DismissReason = 'escape' | 'outside' | 'chosen' | 'toggle'

export interface DismissableOptions {
  /** The button that opens the panel: focus goes back to it, and a tap on it is not "outside". */
  opener: () => HTMLElement | null | undefined
  /** The panel itself (a tap inside it is not "outside"); rendered only while open is fine. */
  panel: () => Element | null | undefined
  /** Called after every open or close (e.g. to sync a `<details>` element's `open`). */
  onChange?: (open: boolean, reason?: DismissReason) => void
}

/**
 * One behaviour for every popover, sheet and menu of the app shell (wallet panel, More sheet, search filters,
 * network status): it closes on Escape, on a tap outside it and after something in it was chosen, and then
 * gives focus back to its opener, as a person expects of a popup. Document listeners exist only while the panel
 * is open. The host renders `open` (and `aria-expanded` on its opener).
 */
export class Dismissable implements ReactiveController {
  #open = false
  readonly #host: ReactiveControllerHost
  readonly #opts: DismissableOptions

  constructor(host: ReactiveControllerHost, options: DismissableOptions) {
    this.#host = host
    this.#opts = options
    host.addController(this)
  }

  get open(): boolean {
    return this.#open
  }

  show(): void {
    if (this.#open) return
    this.#set(true)
  }

  /**
   * Closes the panel. Focus returns to the opener after Escape or a choice; after an outside tap only when
   * the tap did not give it to another control (else it would be lost on the page with the panel).
   */
  hide(reason: DismissReason = 'chosen'): void {
    if (!this.#open) return
    this.#set(false, reason)
    const opener = this.#opts.opener()
    if (reason === 'escape' || reason === 'chosen') void this.#host.updateComplete.then(() => opener?.focus())
    else if (reason === 'outside')
      // after the tap's own focus change (mousedown's default action follows this pointerdown)
      setTimeout(() => {
        const active = document.activeElement
        if (active === null || active === document.body) opener?.focus()
      }, 0)
  }

  toggle(): void {
    if (this.#open) this.hide('toggle')
    else this.show()
  }

  #set(open: boolean, reason?: DismissReason): void {
    this.#open = open
    if (open) this.#attach()
    else this.#detach()
    this.#host.requestUpdate()
    this.#opts.onChange?.(open, reason)
  }

  #attach(): void {
    document.addEventListener('keydown', this.#onKey)
    document.addEventListener('pointerdown', this.#onPointer, true)
    document.addEventListener('focusin', this.#onFocus)
  }

  #detach(): void {
    document.removeEventListener('keydown', this.#onKey)
    document.removeEventListener('pointerdown', this.#onPointer, true)
    document.removeEventListener('focusin', this.#onFocus)
  }

  #inside(e: Event): boolean {
    const path = e.composedPath()
    const opener = this.#opts.opener()
    const panel = this.#opts.panel()
    return (opener !== null && opener !== undefined && path.includes(opener)) || (!!panel && path.includes(panel))
  }

  readonly #onKey = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || e.defaultPrevented) return
    e.preventDefault()
    this.hide('escape')
  }

  readonly #onPointer = (e: Event): void => {
    if (!this.#inside(e)) this.hide('outside')
  }

  /** Keyboard focus that moves elsewhere (Tab out of the panel) closes it as a tap outside would. */
  readonly #onFocus = (e: FocusEvent): void => {
    if (!this.#inside(e)) this.hide('outside')
  }

  hostConnected(): void {
    if (this.#open) this.#attach()
  }

  hostDisconnected(): void {
    this.#detach()
  }
}
