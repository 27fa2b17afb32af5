import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { servedApp } from '../helpers/served-app.ts'
import { DIST, openPage } from '../helpers/browser.ts'
import { serveDist } from '../../scripts/lib/serve.ts'

describe('the served PWA against the real stack', () => {
  const served = servedApp()

  it('shows a connected relay and chain 31337, with no console errors', async () => {
    const { page, errors, context } = await openPage(served.browser, served.site.url)
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
        .locator('souk-network-status[data-state=online]')
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('the network status never reached "Online" (relay connected with a reservation)'))
      const relays = await status.getAttribute('data-relays-connected')
      assert.equal(relays, '1')
      await status.locator('button').click()
      assert.equal(
        (await status.locator('[data-testid=net-sentence]').textContent())?.trim(),
        'Online — connected to 1 relay',
      )
      assert.deepEqual(errors, [], `console errors: ${errors.join('\n')}`)
    } finally {
      await context.close()
    }
  })

  it('explains a broken config.json instead of showing a blank page', async () => {
    const broken = await serveDist({
      dir: DIST,
      config: { ...served.stack.config, chain: { ...served.stack.config.chain, id: -5 } },
    })
    const { page, context } = await openPage(served.browser, broken.url)
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
