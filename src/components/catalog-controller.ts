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

/**
 * The catalog's titles of `ids`, for lists read from the chain (orders, sales). A listing the catalog does not
 * hold (yet), or a failed read, has no title: the view falls back to its id.
 */
export async function catalogTitles(
  catalog: CatalogService | undefined,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const titles = new Map<string, string>()
  if (!catalog) return titles
  await Promise.all(
    ids.map(async (id) => {
      const e = await catalog.get(id, signal ? { signal } : {}).catch(() => undefined)
      if (e) titles.set(id, e.doc.title)
    }),
  )
  return titles
}
