/**
 * People using the built app in e2e tests (playwright-core): a browser profile each (optionally a phone), pages
 * whose console errors are recorded, the dev wallet connected from the header on an anvil account, and the
 * delivery state of a message in the conversations view.
 */
import assert from 'node:assert/strict'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { devAccount } from './messaging.ts'

export interface People {
  /** A fresh browser profile (its own storage, engine and wallet); closed by `close()`. */
  profile(options?: { phone?: boolean; init?: () => void }): Promise<BrowserContext>
  /** Opens `hash` of the app in a new page of `context`; `errors` collects console errors and page errors. */
  open(context: BrowserContext, hash: string): Promise<{ page: Page; errors: string[] }>
  close(): Promise<void>
}

export function people(browser: () => Browser, siteUrl: () => string): People {
  const contexts: BrowserContext[] = []
  return {
    async profile({ phone = false, init } = {}) {
      const context = await browser().newContext(
        phone ? { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true } : {},
      )
      if (init) await context.addInitScript(init)
      contexts.push(context)
      return context
    },
    async open(context, hash) {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text())
      })
      await page.goto(`${siteUrl()}${hash}`)
      return { page, errors }
    },
    async close() {
      for (const c of contexts.splice(0)) await c.close().catch(() => {})
    },
  }
}

/** Connects the dev wallet from the header (if it is not) and makes dev account `index` the active one. */
export async function useAccount(page: Page, index: number): Promise<void> {
  const address = devAccount(index).address
  const button = page.locator('souk-wallet-button')
  await button.locator('summary').click()
  if ((await button.locator('details[data-status="connected"]').count()) === 0) {
    await page.getByRole('button', { name: 'Dev wallet (anvil)' }).click()
    await button.locator('details[data-status="connected"]').waitFor({ timeout: 30_000 })
  }
  await button.getByLabel('Dev account').selectOption(String(index))
  await button
    .locator('code', { hasText: address })
    .waitFor({ timeout: 20_000 })
    .catch(() => assert.fail(`the wallet never switched to dev account ${index}`))
  await button.locator('summary').click()
}

/** The delivery state line of my message `text` in the open thread. */
export const stateOf = (page: Page, text: string) =>
  page.locator('souk-conversations .bubble.out', { hasText: text }).locator('.state')

/** Waits until my message `text` is in one of `states` (data-state), failing with `what`. */
export async function waitState(
  page: Page,
  text: string,
  states: string[],
  what: string,
  timeout = 30_000,
): Promise<void> {
  const selector = states.map((s) => `[data-state="${s}"]`).join(', ')
  await stateOf(page, text)
    .and(page.locator(selector))
    .waitFor({ timeout })
    .catch(async () =>
      assert.fail(`${what}: "${text}" is ${await stateOf(page, text).getAttribute('data-state')}, not ${states}`),
    )
}
