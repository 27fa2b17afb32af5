/// <reference lib="webworker" />
/**
 * Service worker: the app shell is precached so Souk opens offline; config.json is network-first (a new
 * deployment's relays and contracts win, the last copy serves when offline).
 */
import { precacheAndRoute, cleanupOutdatedCaches } from 'workbox-precaching'
import { registerRoute } from 'workbox-routing'
import { NetworkFirst } from 'workbox-strategies'
import { clientsClaim } from 'workbox-core'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] }

void self.skipWaiting()
clientsClaim()
cleanupOutdatedCaches()
precacheAndRoute(self.__WB_MANIFEST)

registerRoute(
  ({ url, request }) =>
    request.method === 'GET' && url.origin === self.location.origin && url.pathname.endsWith('/config.json'),
  new NetworkFirst({ cacheName: 'souk-config', networkTimeoutSeconds: 3 }),
)
