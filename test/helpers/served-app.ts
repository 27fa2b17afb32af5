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
    stack = served.stack = await startStack({ relays })
    site = served.site = await serveDist({ dir: DIST, config: stack.config })
    browser = served.browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await site?.close()
    await stack?.stop()
  })
  return served
}
