/**
 * What the app's end-to-end runs share (shop-auction, after-sale): people as browser profiles of the served
 * PWA (a desktop or a 360 px phone, a language), numbered screenshots into test-results/<name>/, the chain's
 * clock moved with anvil, the dev wallet connected from the header, waits on visible text, a generated photo.
 * Every wait has a timeout and says what never came.
 */
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import type { BrowserContext, Page } from 'playwright-core'
import { ROOT } from '../../scripts/lib/processes.ts'
import type { ServedApp } from './served-app.ts'

export const PHONE = { width: 360, height: 740 }
export const DESKTOP = { width: 1280, height: 860 }

export interface AppSession {
  /** Page errors of every person so far (`who: message`). */
  errors: string[]
  /** A new browser profile with one page. */
  person(who: string, viewport?: { width: number; height: number }, locale?: string): Promise<Page>
  /** The next numbered full-page screenshot. */
  shot(page: Page, name: string): Promise<void>
  rpc(method: string, params?: unknown[]): Promise<unknown>
  /** Moves the chain's clock (phases and escrow deadlines follow it) and mines a block at the new time. */
  advance(seconds: number): Promise<void>
  /** Connects the dev wallet from the header and picks an anvil account, as a person does. */
  connect(page: Page, account: number): Promise<void>
  waitText(page: Page, text: string | RegExp, what: string, timeout?: number): Promise<void>
  /** Closes every profile (call in an `after` hook). */
  close(): Promise<void>
}

/** `shots`: the folder under test-results/. */
export function appSession(served: ServedApp, shots: string): AppSession {
  const dir = join(ROOT, 'test-results', shots)
  const contexts: BrowserContext[] = []
  const errors: string[] = []
  let step = 0
  let made: Promise<unknown> | undefined

  async function rpc(method: string, params: unknown[] = []): Promise<unknown> {
    const res = await fetch(served.stack.config.chain.rpcUrls[0]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    })
    const body = (await res.json()) as { result?: unknown; error?: { message: string } }
    if (body.error) throw new Error(`${method}: ${body.error.message}`)
    return body.result
  }

  return {
    errors,
    async person(who, viewport = DESKTOP, locale = 'en-US') {
      const context = await served.browser.newContext({ viewport, locale })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (e) => errors.push(`${who}: ${e.message}`))
      return page
    },
    async shot(page, name) {
      step++
      made ??= mkdir(dir, { recursive: true })
      await made
      await page.screenshot({ path: join(dir, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true })
    },
    rpc,
    async advance(seconds) {
      await rpc('evm_increaseTime', [seconds])
      await rpc('evm_mine')
    },
    async connect(page, account) {
      const connected = page.locator('souk-wallet-button details[data-status="connected"]')
      await page.locator('souk-wallet-button summary').click()
      if ((await connected.count()) === 0) {
        await page.getByRole('button', { name: 'Dev wallet (anvil)' }).click()
        await connected.waitFor({ timeout: 30_000 }).catch(() => assert.fail('the dev wallet never connected'))
      }
      await page.locator('souk-wallet-button #account').selectOption(String(account))
      await page.locator('souk-wallet-button summary').click()
    },
    async waitText(page, text, what, timeout = 60_000) {
      await page
        .getByText(text)
        .first()
        .waitFor({ timeout })
        .catch(() => assert.fail(`${what} never showed`))
    },
    async close() {
      for (const c of contexts.splice(0)) await c.close().catch(() => {})
    },
  }
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
