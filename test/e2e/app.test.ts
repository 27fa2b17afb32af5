import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser } from 'playwright-core'
import { startStack, type Stack } from '../helpers/stack.ts'
import { DIST, launchBrowser, openPage } from '../helpers/browser.ts'
import { serveDist, type StaticSite } from '../../scripts/lib/serve.ts'

describe('the served PWA against the real stack', () => {
  let stack: Stack
  let site: StaticSite
  let browser: Browser

  before(async () => {
    stack = await startStack({ relays: 1 })
    site = await serveDist({ dir: DIST, config: stack.config })
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    await site?.close()
    await stack?.stop()
  })

  it('shows a connected relay and chain 31337, with no console errors', async () => {
    const { page, errors, context } = await openPage(browser, site.url)
    try {
      const status = page.locator('souk-network-status')
      await status.waitFor({ timeout: 15_000 })
      await page
        .locator('souk-network-status[data-chain-id="31337"]')
        .waitFor({ timeout: 20_000 })
        .catch(() => assert.fail('the network status never showed chain id 31337'))
      await page
        .locator('souk-network-status:not([data-relays-connected="0"])')
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('the network status never showed a connected relay'))
      await page
        .locator('souk-network-status h2.online')
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('the network status never reached "Online" (relay connected with a reservation)'))
      const relays = await status.getAttribute('data-relays-connected')
      assert.equal(relays, '1')
      assert.match((await page.locator('[data-testid=relays]').textContent()) ?? '', /1 \/ 1 connected/)
      assert.deepEqual(errors, [], `console errors: ${errors.join('\n')}`)
    } finally {
      await context.close()
    }
  })

  it('explains a broken config.json instead of showing a blank page', async () => {
    const broken = await serveDist({ dir: DIST, config: { ...stack.config, chain: { ...stack.config.chain, id: -5 } } })
    const { page, context } = await openPage(browser, broken.url)
    try {
      const alert = page.locator('souk-app [role=alert]')
      await alert.waitFor({ timeout: 15_000 }).catch(() => assert.fail('no error was shown for a bad config.json'))
      assert.match((await alert.textContent()) ?? '', /chain\.id must be a positive integer/)
    } finally {
      await context.close()
      await broken.close()
    }
  })
})
