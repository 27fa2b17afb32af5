/**
 * Registers the service worker (src/sw.ts) and reports a new version once it is installed and waiting:
 * `onUpdate(apply)` is called with a function that activates it and reloads the page. The first install
 * takes the page without a prompt (nothing to replace). The browser checks for a new version on every
 * navigation; the page also asks when it becomes visible again, since an installed app may stay open for days.
 */
export function registerServiceWorker(onUpdate: (apply: () => void) => void): void {
  if (!('serviceWorker' in navigator)) return
  const sw = navigator.serviceWorker
  let applied = false
  sw.addEventListener('controllerchange', () => {
    // only a version the person accepted reloads the page (the first install also changes the controller)
    if (applied) location.reload()
  })
  const offer = (waiting: ServiceWorker): void =>
    onUpdate(() => {
      applied = true
      waiting.postMessage({ type: 'SKIP_WAITING' })
    })
  const register = async (): Promise<void> => {
    const registration = await sw.register(new URL('sw.js', document.baseURI), { scope: './' })
    if (registration.waiting && sw.controller) offer(registration.waiting)
    registration.addEventListener('updatefound', () => {
      const installing = registration.installing
      installing?.addEventListener('statechange', () => {
        if (installing.state === 'installed' && sw.controller) offer(installing)
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
