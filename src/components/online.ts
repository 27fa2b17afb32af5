import type { ReactiveController, ReactiveControllerHost } from 'lit'

/**
 * Whether the device says it is online (`navigator.onLine`), kept current by the window's `online` and
 * `offline` events; the host re-renders on a change and `onChange` (if given) hears the new value. One
 * controller, so every element that cares about the device's connection reads it the same way.
 */
export class OnlineController implements ReactiveController {
  #online = globalThis.navigator?.onLine ?? true
  readonly #host: ReactiveControllerHost
  readonly #onChange: ((online: boolean) => void) | undefined
  readonly #listener = (): void => this.#update()

  constructor(host: ReactiveControllerHost, onChange?: (online: boolean) => void) {
    this.#host = host
    this.#onChange = onChange
    host.addController(this)
  }

  get online(): boolean {
    return this.#online
  }

  hostConnected(): void {
    this.#update()
    globalThis.addEventListener?.('online', this.#listener)
    globalThis.addEventListener?.('offline', this.#listener)
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.('online', this.#listener)
    globalThis.removeEventListener?.('offline', this.#listener)
  }

  #update(): void {
    const online = globalThis.navigator?.onLine ?? true
    if (online === this.#online) return
    this.#online = online
    this.#host.requestUpdate()
    this.#onChange?.(online)
  }
}
