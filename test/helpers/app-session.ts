/**
 * What the app's end-to-end runs share (shop-auction, after-sale, messaging-app, offline): people as browser
 * profiles of the served PWA (a desktop or a 360 px phone, a language), pages whose errors are recorded,
 * numbered screenshots into test-results/<name>/, the chain's clock moved with anvil, the dev wallet connected
 * from the header, waits on visible text and on a message's delivery state, a generated photo.
 * Every wait has a timeout and says what never came.
 */
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import type { BrowserContext, Page } from 'playwright-core'
import { ROOT } from '../../scripts/lib/processes.ts'
import type { ServedApp } from './served-app.ts'
import { devAccount } from './messaging.ts'
import { anvilRpc } from './anvil.ts'

export const PHONE = { width: 360, height: 740 }
export const DESKTOP = { width: 1280, height: 860 }

export interface ProfileOptions {
  /** A 360 px touch phone instead of a desktop. */
  phone?: boolean
  /** The browser's language (`navigator.languages`), e.g. zh-CN. */
  locale?: string
  /** A script run in every page of the profile before the app's own. */
  init?: () => void
}

export interface AppSession {
  /** Page errors of every person so far (`who: message`). */
  errors: string[]
  /** A fresh browser profile (its own storage, engine and wallet); closed by `close()`. */
  profile(options?: ProfileOptions): Promise<BrowserContext>
  /** Opens `hash` of the app in a new page of `context`; `errors` collects its console and page errors. */
  open(context: BrowserContext, hash: string): Promise<{ page: Page; errors: string[] }>
  /** A new browser profile with one blank page, whose page errors go to `errors`. */
  person(who: string, viewport?: { width: number; height: number }, locale?: string): Promise<Page>
  /** The next numbered full-page screenshot. */
  shot(page: Page, name: string): Promise<void>
  /** The next numbered screenshot's file (for a shot of the viewport only, e.g. a modal sheet). */
  path(name: string): Promise<string>
  rpc(method: string, params?: unknown[]): Promise<unknown>
  /** Moves the chain's clock (phases and escrow deadlines follow it) and mines a block at the new time. */
  advance(seconds: number): Promise<void>
  /** Connects the dev wallet from the header (if it is not) and makes anvil account `account` the active one. */
  connect(page: Page, account: number): Promise<void>
  /**
   * Waits until the header's wallet is connected as anvil account `account` by itself (after a reload nobody
   * touches the wallet), failing with `what` and what the header shows instead.
   */
  waitWallet(page: Page, account: number, what: string, timeout?: number): Promise<void>
  /** Reloads `page` with the network cut (`context.setOffline`), served by the service worker. */
  reloadOffline(page: Page): Promise<void>
  waitText(page: Page, text: string | RegExp, what: string, timeout?: number): Promise<void>
  /** Switches the language from the header, or on a phone from the bottom bar's More sheet. */
  language(page: Page, locale: 'en' | 'zh-Hans'): Promise<void>
  /** Closes every profile (call in an `after` hook). */
  close(): Promise<void>
}

/** `shots`: the folder under test-results/ for `shot()`. */
export function appSession(served: ServedApp, shots = 'e2e'): AppSession {
  const dir = join(ROOT, 'test-results', shots)
  const contexts: BrowserContext[] = []
  const errors: string[] = []
  let step = 0
  let made: Promise<unknown> | undefined

  const path = async (name: string): Promise<string> => {
    step++
    made ??= mkdir(dir, { recursive: true })
    await made
    return join(dir, `${String(step).padStart(2, '0')}-${name}.png`)
  }

  const rpc = (method: string, params: unknown[] = []): Promise<unknown> =>
    anvilRpc(served.stack.config.chain.rpcUrls[0]!, method, params)

  return {
    errors,
    async profile({ phone = false, locale = 'en-US', init } = {}) {
      const context = await served.browser.newContext(
        phone ? { viewport: PHONE, isMobile: true, hasTouch: true, locale } : { locale },
      )
      if (init) await context.addInitScript(init)
      contexts.push(context)
      return context
    },
    async open(context, hash) {
      const page = await context.newPage()
      const mine: string[] = []
      page.on('pageerror', (e) => mine.push(e.message))
      page.on('console', (m) => {
        if (m.type() === 'error') mine.push(m.text())
      })
      await page.goto(`${served.site.url}${hash}`)
      return { page, errors: mine }
    },
    async person(who, viewport = DESKTOP, locale = 'en-US') {
      const context = await served.browser.newContext({ viewport, locale })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`))
      return page
    },
    async shot(page, name) {
      await page.screenshot({ path: await path(name), fullPage: true })
    },
    path,
    rpc,
    async advance(seconds) {
      await rpc('evm_increaseTime', [seconds])
      await rpc('evm_mine')
    },
    async connect(page, account) {
      const button = page.locator('souk-wallet-button')
      const connected = button.locator('details[data-status="connected"]')
      await button.locator('summary').click()
      if ((await connected.count()) === 0) {
        await page.getByRole('button', { name: /Dev wallet \(anvil\)|开发钱包（anvil）/ }).click()
        await connected.waitFor({ timeout: 30_000 }).catch(() => assert.fail('the dev wallet never connected'))
      }
      const address = devAccount(account).address
      const current = await button.locator('details').getAttribute('data-address')
      if (current === address) await button.locator('summary').click()
      // choosing an account closes the menu
      else await button.locator('#account').selectOption(String(account))
      await button
        .locator(`details[data-address="${address}"]:not([open])`)
        .waitFor({ timeout: 20_000 })
        .catch(() => assert.fail(`the wallet never switched to dev account ${account}`))
    },
    async waitWallet(page, account, what, timeout = 30_000) {
      const address = devAccount(account).address
      await page
        .locator(`souk-wallet-button details[data-status="connected"][data-address="${address}"]`)
        .waitFor({ state: 'attached', timeout })
        .catch(async () => {
          const details = page.locator('souk-wallet-button details')
          const shown = await details
            .evaluate((d) => `${d.dataset.status} ${d.dataset.address} "${d.textContent?.trim()}"`)
            .catch(() => 'no wallet button')
          assert.fail(`${what}: the header never showed account ${account} (${address}); it shows ${shown}`)
        })
    },
    async reloadOffline(page) {
      await page
        .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
        .catch(() => assert.fail('the service worker never took control of the page'))
      await page.context().setOffline(true)
      await page.reload()
    },
    async waitText(page, text, what, timeout = 60_000) {
      await page
        .getByText(text)
        .first()
        .waitFor({ timeout })
        .catch(() => assert.fail(`${what} never showed`))
    },
    async language(page, locale) {
      const header = page.locator('souk-app header select')
      if (await header.isVisible()) {
        await header.selectOption(locale)
        return
      }
      await page.locator('souk-nav [data-action=more]').click()
      await page.locator('souk-nav #more-sheet select').selectOption(locale)
      await page.keyboard.press('Escape')
      await page.locator('souk-nav #more-sheet').waitFor({ state: 'detached', timeout: 10_000 })
    },
    async close() {
      for (const c of contexts.splice(0)) await c.close().catch(() => {})
    },
  }
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

/** A small solid-colour PNG, as a phone camera would hand over a photo (the app resizes it to WebP). */
export function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc32(body), 8 + data.length)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.alloc(1 + width * 3)
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3)
  const raw = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
