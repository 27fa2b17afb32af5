/**
 * Network & settings in the built app, on a phone (360 px) in Chinese, against a real stack (anvil, the
 * contracts, a relay): More in the bottom bar opens it, the relay shows the engine's live connection, the
 * device's peer id is shown, a bad relay address is refused in Chinese, an RPC URL of another chain is refused,
 * and nothing is wider than the screen. A screenshot: test-results/settings/settings-zh-360.png.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT, freePort } from '../../scripts/lib/processes.ts'
import { servedApp } from '../helpers/served-app.ts'

const SHOTS = join(ROOT, 'test-results', 'settings')

describe('network & settings (issue #14)', () => {
  const served = servedApp()

  it('at 360 px in Chinese: relays with live status, peer id, refusals in Chinese, no sideways scrolling', async () => {
    await mkdir(SHOTS, { recursive: true })
    const context = await served.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' })
    const errors: string[] = []
    try {
      const page = await context.newPage()
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`${served.site.url}#/`)
      // on a phone, Settings is in the bottom bar's More sheet
      const more = page.locator('souk-nav [data-action=more]')
      await more.waitFor({ timeout: 30_000 }).catch(() => assert.fail('the bottom bar has no More button'))
      assert.equal(await more.getAttribute('data-current'), null)
      await more.click()
      const gear = page.locator('souk-nav #more-sheet a[href="#/settings"]')
      await gear.click()
      const view = page.locator('souk-settings-view')
      await view
        .getByRole('heading', { name: '网络与设置' })
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('the settings view never showed its Chinese heading'))
      await page.locator('souk-nav #more-sheet').waitFor({ state: 'detached', timeout: 10_000 })
      assert.equal(await more.getAttribute('data-current'), '')

      const relay = served.stack.config.relays[0]!
      await view
        .locator(`[data-testid=relays] li[data-addr="${relay}"][data-state="reserved"]`)
        .waitFor({ timeout: 60_000 })
        .catch(() => assert.fail('the relay row never showed the engine’s live connection'))
      await view
        .locator('[data-testid=peer-id]', { hasText: /^\s*12D3Koo/ })
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('"about this device" never showed the peer id'))
      await view.locator('[data-testid=storage-total]').waitFor({ timeout: 30_000 })

      await view.locator('#relay').fill('relay.example.com:443')
      await view.locator('[data-action=add-relay]').click()
      assert.match((await view.locator('#relay-error').textContent()) ?? '', /这不是 multiaddr/)

      const rpc = served.stack.config.chain.rpcUrls[0]!
      await view.locator('#rpc').fill('https://rpc.invalid.example/')
      await view.locator('[data-action=save-rpc]').click()
      await view
        .locator('#rpc-error', { hasText: '没有响应' })
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('an unreachable RPC URL was not refused in Chinese'))
      assert.equal(await view.locator('[data-testid=rpc-current]').textContent(), rpc)

      // what sticks out past the screen's right edge, through the shadow roots (empty when nothing does)
      const wide = await page.evaluate(() => {
        const out: string[] = []
        const walk = (root: Document | ShadowRoot, path: string): void => {
          for (const el of root.querySelectorAll('*')) {
            // its box, or its content overflowing a box whose overflow is visible (long unbreakable text)
            const r = el.getBoundingClientRect()
            const visible = getComputedStyle(el).overflowX === 'visible'
            const right = Math.round(Math.max(r.right, visible ? r.left + el.scrollWidth : 0))
            if (right > 360 && !el.closest('nav ul')) out.push(`${path} ${el.tagName.toLowerCase()} (${right} px)`)
            if (el.shadowRoot) walk(el.shadowRoot, `${path} ${el.tagName.toLowerCase()} >`)
          }
        }
        walk(document, '')
        return out
      })
      assert.deepEqual(wide, [], 'elements wider than the 360 px screen')
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360, 'the page scrolls sideways')
      await page.screenshot({ path: join(SHOTS, 'settings-zh-360.png'), fullPage: true })

      // a relay added here is used by the engine from the next start: after Restart it is dialled (nothing
      // listens on its port, so it ends up "retrying"), where before it was "not dialled yet"
      const extra = `/ip4/127.0.0.1/tcp/${await freePort()}/ws/p2p/12D3KooWAZMPUWxJABgo2dxZQYUdEgrm7DtUhhkVBhZn2G14SXC2`
      await view.locator('#relay').fill(extra)
      await view.locator('[data-action=add-relay]').click()
      const row = view.locator(`[data-testid=relays] li[data-addr="${extra}"]`)
      assert.equal(await row.getAttribute('data-state'), 'unknown')
      await Promise.all([page.waitForEvent('load'), view.locator('[data-testid=restart] button').click()])
      await view
        .locator(`[data-testid=relays] li[data-addr="${extra}"]:is([data-state=retrying], [data-state=dialling])`)
        .waitFor({ timeout: 60_000 })
        .catch(() => assert.fail('after the restart the engine never took up the added relay'))
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })
})
