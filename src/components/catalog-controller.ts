import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { CatalogService } from '../services/types.ts'

/**
 * Counts the catalog's `change` events so a Task that lists `version` in its args re-runs when entries
 * arrive or auction state moves (at most every `throttleMs`, so a burst of replication is one refresh).
 */
export class CatalogChanges implements ReactiveController {
  version = 0
  readonly #host: ReactiveControllerHost
  readonly #throttleMs: number
  #catalog: CatalogService | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly #onChange = (): void => {
    if (this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.version++
      this.#host.requestUpdate()
    }, this.#throttleMs)
  }

  constructor(host: ReactiveControllerHost, throttleMs = 250) {
    this.#host = host
    this.#throttleMs = throttleMs
    host.addController(this)
  }

  set catalog(catalog: CatalogService | undefined) {
    if (catalog === this.#catalog) return
    this.#catalog?.removeEventListener('change', this.#onChange)
    this.#catalog = catalog
    this.#catalog?.addEventListener('change', this.#onChange)
  }

  hostConnected(): void {
    this.#catalog?.addEventListener('change', this.#onChange)
  }

  hostDisconnected(): void {
    this.#catalog?.removeEventListener('change', this.#onChange)
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
