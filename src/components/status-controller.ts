import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { StatusSource } from '../core/status.ts'

/**
 * Re-renders its host whenever a status source fires `change`, and detaches when the host leaves the DOM or
 * the source is swapped.
 */
export class StatusController<T> implements ReactiveController {
  #source: StatusSource<T> | undefined
  readonly #host: ReactiveControllerHost
  readonly #onChange = (): void => this.#host.requestUpdate()

  constructor(host: ReactiveControllerHost) {
    this.#host = host
    host.addController(this)
  }

  get value(): T | undefined {
    return this.#source?.snapshot
  }

  set source(source: StatusSource<T> | undefined) {
    if (source === this.#source) return
    this.#source?.removeEventListener('change', this.#onChange)
    this.#source = source
    this.#source?.addEventListener('change', this.#onChange)
    this.#host.requestUpdate()
  }

  hostConnected(): void {
    this.#source?.addEventListener('change', this.#onChange)
  }

  hostDisconnected(): void {
    this.#source?.removeEventListener('change', this.#onChange)
  }
}
