/**
 * URL routes. Hash routes (`#/listing/12`, `#/search?q=lamp`) so a deep link survives a reload on any static
 * host or IPFS gateway (no server rewrite needed) and offline (the service worker serves index.html).
 *
 * Adding a view: one entry in ROUTES here and one in VIEWS of souk-app.ts.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'

export const ROUTES = {
  home: /^\/?$/,
  search: /^\/search$/,
  listing: /^\/listing\/(?<id>[0-9]{1,78})$/,
  seller: /^\/seller\/(?<address>0x[0-9a-fA-F]{40})$/,
  sell: /^\/sell$/,
  bids: /^\/bids$/,
  sales: /^\/sales$/,
  orders: /^\/orders$/,
  arbiter: /^\/arbiter$/,
  messages: /^\/messages(?:\/(?<address>0x[0-9a-fA-F]{40}))?$/,
  settings: /^\/settings$/,
} as const

export type RouteName = keyof typeof ROUTES | 'not-found'

export interface Route {
  name: RouteName
  params: Record<string, string>
  query: URLSearchParams
  /** The path part, e.g. `/listing/12`. */
  path: string
}

/** Parses `location.hash` (`#/search?q=x`); anything unknown is the `not-found` route. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '')
  const [path = '', search = ''] = raw.split('?', 2)
  const query = new URLSearchParams(search)
  for (const [name, pattern] of Object.entries(ROUTES)) {
    const m = pattern.exec(path)
    if (m) return { name: name as RouteName, params: { ...m.groups }, query, path }
  }
  return { name: 'not-found', params: {}, query, path }
}

/** The href of a route: `href('/listing/12')`, `href('/search', { q: 'lamp' })` (empty values dropped). */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v)
  const s = q.toString()
  return `#${path}${s ? `?${s}` : ''}`
}

/** Navigates (a new history entry) or, with `replace`, rewrites the current URL (e.g. while typing a search). */
export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (replace) {
    history.replaceState(history.state, '', to)
    window.dispatchEvent(new HashChangeEvent('hashchange'))
  } else location.hash = to.replace(/^#/, '')
}

/** Keeps `route` in step with the URL and re-renders its host when it changes. */
export class RouterController implements ReactiveController {
  route: Route = parseRoute(globalThis.location?.hash ?? '')
  readonly #host: ReactiveControllerHost
  readonly #onChange = (): void => {
    this.route = parseRoute(location.hash)
    this.#host.requestUpdate()
  }

  constructor(host: ReactiveControllerHost) {
    this.#host = host
    host.addController(this)
  }

  hostConnected(): void {
    window.addEventListener('hashchange', this.#onChange)
    this.#onChange()
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.#onChange)
  }
}
