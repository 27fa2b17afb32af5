import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseEther } from 'viem'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { createSoukWagmiConfig } from '../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../src/chain/dev-wallet.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { connectWallet, selectDevAccount } from '../../src/chain/wallet.ts'
import { servedApp } from '../helpers/served-app.ts'
import { openPage } from '../helpers/browser.ts'

describe('the shop in the built PWA: P2P engine in a SharedWorker, deep links, the dev wallet', () => {
  const served = servedApp()

  it('runs the P2P node off the main thread: online with no WebSocket from the page, one node for two tabs', async () => {
    const { page, context, errors } = await openPage(served.browser, 'about:blank')
    try {
      const pageSockets: string[] = []
      page.on('websocket', (ws) => pageSockets.push(ws.url()))
      await page.goto(served.site.url)
      await page
        .locator('souk-network-status[data-state=online]')
        .waitFor({ timeout: 45_000 })
        .catch(() => assert.fail('the network status never showed Online'))
      const peerId = await page.locator('souk-network-status').getAttribute('data-peer-id')
      assert.match(peerId ?? '', /^12D3/)
      assert.deepEqual(pageSockets, [], 'the page itself opened WebSockets: the node is on the main thread')
      const second = await context.newPage()
      await second.goto(served.site.url)
      await second
        .locator(`souk-network-status[data-peer-id="${peerId}"]`)
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('a second tab did not share the first tab’s node'))
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })

  it('opens a listing by its link, keeps it across a reload, and bids with the dev wallet from the page', async () => {
    const wagmi = createSoukWagmiConfig(served.stack.config, { storage: null, multiInjectedProviderDiscovery: false })
    await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
    const seller = await selectDevAccount(wagmi, 1)
    const now = await getChainTime(wagmi)
    const { listingId } = await createListing(wagmi, {
      contentHash: `0x${'cd'.repeat(32)}`,
      biddingEnd: now + 3_600,
      revealEnd: now + 7_200,
      price: parseEther('0.1'),
      arbiters: [served.stack.config.recommendedArbiters![0]!],
      account: seller,
    })
    const { page, context, errors } = await openPage(served.browser, `${served.site.url}#/listing/${listingId}`)
    try {
      const phase = page.locator('souk-listing-view [data-phase="bidding"]')
      await phase.waitFor({ timeout: 30_000 })
      await page.reload()
      await phase.waitFor({ timeout: 30_000 }).catch(() => assert.fail('the listing link did not survive a reload'))

      await page.locator('souk-wallet-button summary').click()
      await page.getByRole('button', { name: /Dev wallet \(anvil\)|开发钱包（anvil）/ }).click()
      await page.locator('souk-wallet-button details[data-status="connected"]').waitFor({ timeout: 20_000 })
      await page.locator('souk-wallet-button summary').click()
      await page.getByLabel('Your bid (ETH)').fill('0.5')
      await page.getByLabel('Deposit (ETH)').fill('0.8')
      await page.getByRole('button', { name: 'Place bid' }).click()
      await page
        .getByText('Your sealed bid is on chain')
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('the bid was never confirmed on the page'))
      await page.locator('souk-listing-view .bid').getByText('0.5 ETH').waitFor({ timeout: 20_000 })

      await page.getByRole('link', { name: 'My bids' }).click()
      await page.locator('souk-bids-view li[data-commitment]').getByText('0.8 ETH').waitFor({ timeout: 20_000 })
      assert.equal(new URL(page.url()).hash, '#/bids')
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })
})
