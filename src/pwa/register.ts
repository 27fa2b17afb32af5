/**
 * Registers the service worker (src/sw.ts) and reports a new version once it is installed and waiting:
 * `onUpdate(apply)` is called with a function that activates it and reloads the page. The first install
 * takes the page without a prompt (nothing to replace). The browser checks for a new version on every
 * navigation; the page also asks when it becomes visible again, since an installed app may stay open for days.
 *
 * An accepted version may not take over at once: after `skipWaiting`, Chromium activates it only once the old
 * worker has no work left, waiting up to five minutes, and a request the old worker is serving can hang that
 * long (a listing photo on a bad network). So if the new version has not taken over within `TAKEOVER_MS`, the
 * page unregisters the old registration and reloads: the reload comes from the network (the new version), and
 * registering again installs the new worker at once, mostly from the precache it already filled. Nothing the
 * person keeps is in the registration: bids, drafts and messages are in IndexedDB, photos in the cache.
 */
export const TAKEOVER_MS = 4_000

export function registerServiceWorker(onUpdate: (apply: () => void) => void): void {
  if (!('serviceWorker' in navigator)) return
  const sw = navigator.serviceWorker
  let applied = false
  sw.addEventListener('controllerchange', () => {
    // only a version the person accepted reloads the page (the first install also changes the controller)
    if (applied) location.reload()
  })
  const offer = (registration: ServiceWorkerRegistration, waiting: ServiceWorker): void =>
    onUpdate(() => {
      if (applied) return
      applied = true
      waiting.postMessage({ type: 'SKIP_WAITING' })
      setTimeout(() => {
        // still the old controller, and a reload can reach the network to fetch the new version
        if (!navigator.onLine || registration.active === waiting) return
        void registration
          .unregister()
          .catch((err: unknown) => console.warn('souk: the old version could not be let go', err))
          .finally(() => location.reload())
      }, TAKEOVER_MS)
    })
  const register = async (): Promise<void> => {
    const registration = await sw.register(new URL('sw.js', document.baseURI), { scope: './' })
    if (registration.waiting && sw.controller) offer(registration, registration.waiting)
    registration.addEventListener('updatefound', () => {
      const installing = registration.installing
      installing?.addEventListener('statechange', () => {
        if (installing.state === 'installed' && sw.controller) offer(registration, installing)
      })
    })
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void registration.update().catch(() => undefined)
    })
  }
  const start = (): void =>
    void register().catch((err: unknown) => console.warn('souk: the service worker could not be registered', err))
  // after the page's own resources (the usual advice): the precache download does not compete with them
  if (document.readyState === 'complete') start()
  else window.addEventListener('load', start, { once: true })
}
