/// <reference lib="webworker" />
/**
 * Service worker (vite-plugin-pwa, injectManifest): the app shell is precached so Souk opens offline (every
 * route is a hash route of index.html); config.json is network-first (a new deployment's relays and contracts
 * win, the last copy serves when offline); listing media is cache-first by CID with a budget
 * (src/pwa/media-cache.ts). A new version waits until the person accepts the update prompt
 * (`SKIP_WAITING` from src/pwa/register.ts), so a page never runs against a half-swapped shell.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { CacheFirst, NetworkFirst } from 'workbox-strategies'
import { ExpirationPlugin } from 'workbox-expiration'
import { clientsClaim } from 'workbox-core'
import { MEDIA_CACHE, MEDIA_MAX_AGE_SECONDS, MEDIA_MAX_ENTRIES, MEDIA_PATH } from './pwa/media-cache.ts'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] }

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})
// the first install takes the open page at once (nothing to swap yet), so it works offline after one visit
clientsClaim()
cleanupOutdatedCaches()
precacheAndRoute(self.__WB_MANIFEST)
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')))

/**
 * The static routing API (Chromium 123+, https://developer.mozilla.org/docs/Web/API/InstallEvent/addRoutes):
 * requests to other origins (the chain's RPC, polled every second; relays) go to the network without waking
 * this worker. Besides sparing a phone a worker start per request, this keeps a stream of fetch events from
 * holding back an accepted update: after `skipWaiting`, Chromium activates the new version only once the old
 * one is idle (docs/decisions.md, "A new version that never took over": one cause of that flake, not the only
 * one). Elsewhere the fetch event still fires, and no route answers it.
 */
interface RouterCondition {
  urlPattern?: URLPatternInit
  not?: RouterCondition
}
interface RouterRule {
  condition: RouterCondition
  source: 'network' | 'cache' | 'fetch-event'
}
interface RoutingInstallEvent extends ExtendableEvent {
  addRoutes(rules: RouterRule | RouterRule[]): Promise<void>
}
const routing = (event: ExtendableEvent): event is RoutingInstallEvent =>
  'addRoutes' in event && typeof event.addRoutes === 'function'
/** Everything that is not this worker's own origin. */
const OTHER_ORIGINS: RouterRule = {
  condition: {
    not: {
      urlPattern: {
        protocol: self.location.protocol.slice(0, -1),
        hostname: self.location.hostname,
        port: self.location.port,
      },
    },
  },
  source: 'network',
}

const CONFIG_CACHE = 'souk-config'
self.addEventListener('install', (event: ExtendableEvent) => {
  if (routing(event))
    event.waitUntil(
      event.addRoutes(OTHER_ORIGINS).catch((err: unknown) => console.warn('souk: static routes refused', err)),
    )
  // the page's first config.json may be fetched before this worker controls it: keep a copy at install, so the
  // app opens offline after a single visit
  event.waitUntil(
    caches
      .open(CONFIG_CACHE)
      .then((cache) => cache.add(new URL('config.json', self.registration.scope).href))
      .catch(() => undefined),
  )
})
registerRoute(
  ({ url, request }) =>
    request.method === 'GET' && url.origin === self.location.origin && url.pathname.endsWith('/config.json'),
  new NetworkFirst({ cacheName: CONFIG_CACHE, networkTimeoutSeconds: 3 }),
)

registerRoute(
  ({ url, request }) => request.method === 'GET' && MEDIA_PATH.test(url.pathname),
  new CacheFirst({
    cacheName: MEDIA_CACHE,
    plugins: [
      // a static host may answer an unknown path with its index page: that is not media
      {
        cacheWillUpdate: async ({ response }) =>
          response.ok && !response.headers.get('content-type')?.startsWith('text/html') ? response : null,
      },
      new ExpirationPlugin({
        maxEntries: MEDIA_MAX_ENTRIES,
        maxAgeSeconds: MEDIA_MAX_AGE_SECONDS,
        purgeOnQuotaError: true,
      }),
    ],
  }),
)
