/**
 * The built PWA served against a real stack (anvil + contracts + one relay) and a Chromium, started before the
 * enclosing `describe` and stopped after it. Fields are set once the suite's `before` hook has run.
 */
import { after, before } from 'node:test'
import type { Browser } from 'playwright-core'
import { serveDist, type StaticSite } from '../../scripts/lib/serve.ts'
import { DIST, launchBrowser } from './browser.ts'
import { startStack, type Stack } from './stack.ts'

export interface ServedApp {
  stack: Stack
  site: StaticSite
  browser: Browser
}

/** `relays`: relay peers of the stack (default 1; publishing pins photos on two when there are two). */
export function servedApp({ relays = 1 }: { relays?: number } = {}): ServedApp {
  const served = {} as ServedApp
  let stack: Stack | undefined
  let site: StaticSite | undefined
  let browser: Browser | undefined
  before(async () => {
    // Chromium starts while the stack does (seconds each); both are kept for `after` even when the other failed
    const [up, launched] = await Promise.allSettled([
      startStack({ relays }).then(async (s) => {
        stack = served.stack = s
        site = served.site = await serveDist({ dir: DIST, config: s.config })
      }),
      launchBrowser().then((b) => (browser = served.browser = b)),
    ])
    if (up.status === 'rejected') throw up.reason
    if (launched.status === 'rejected') throw launched.reason
  })
  after(async () => {
    await browser?.close()
    await site?.close()
    await stack?.stop()
  })
  return served
}
