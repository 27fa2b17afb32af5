/**
 * Headless Chromium for e2e tests via playwright-core, with the flags this machine needs. CHROME_PATH is set
 * by scripts/with-chrome.ts (npm run test:e2e); console errors of every page are collected for assertions.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { join } from 'node:path'
import { CHROME_ARGS, findChrome } from '../../scripts/lib/chrome.ts'
import { ROOT } from '../../scripts/lib/processes.ts'

export const DIST = join(ROOT, 'dist')

export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: await findChrome({ install: false }),
    headless: true,
    args: CHROME_ARGS,
  })
}

export interface WatchedPage {
  page: Page
  context: BrowserContext
  /** console.error messages and uncaught page errors so far. */
  errors: string[]
}

/** Opens a page in a fresh profile (its own storage) and records its console errors. */
export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  return { page, context, errors }
}
