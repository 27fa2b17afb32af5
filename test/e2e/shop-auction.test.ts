/**
 * Issue #12's end-to-end run, driven through the built PWA's own views as people would use them (clicks,
 * typing, the file chooser) on a real stack (anvil, the contracts, two relays) in real Chromium:
 * a seller in a 360 px window lists an item with a photo; two buyers in their own browser profiles (each its
 * own engine Worker and catalog) find it by searching; both bid, both reveal, one of them finalizes, the loser
 * withdraws the deposit, and the winner's page shows the escrow opened at the second price. Phases move with
 * anvil's clock (evm_increaseTime), the chain's own time. The main screens are shown once more in Chinese.
 * Screenshots of every step: test-results/shop-auction/.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { appSession, png, PHONE } from '../helpers/app-session.ts'
import { servedApp } from '../helpers/served-app.ts'

describe('an auction run from start to finish in the app (issue #12)', () => {
  const served = servedApp({ relays: 2 })
  const { person, shot, advance, connect, waitText, errors, close } = appSession(served, 'shop-auction')
  after(() => close())

  it('seller lists with a photo from a phone, two buyers find it, bid, reveal, finalize, withdraw, escrow at the second price', async () => {
    const { site, stack } = served
    const title = `Brass ship lantern ${Math.random().toString(36).slice(2, 7)}`

    // the buyers are online (their engines replicating) before the listing exists
    const buyers = [await person('buyer A'), await person('buyer B')]
    for (const b of buyers) await b.goto(`${site.url}#/search`)

    const seller = await person('seller', PHONE)
    await seller.goto(`${site.url}#/sell`)
    await connect(seller, 1)
    const chooser = seller.waitForEvent('filechooser')
    await seller.locator('souk-sell-view [data-testid=pick-photos]').click()
    await (
      await chooser
    ).setFiles({ name: 'lantern.png', mimeType: 'image/png', buffer: png(640, 480, [181, 137, 48]) })
    await seller
      .locator('souk-sell-view .photos img')
      .waitFor({ timeout: 10_000 })
      .catch(() => assert.fail('the chosen photo was not previewed'))
    await seller.locator('souk-sell-view #title').fill(title)
    await seller
      .locator('souk-sell-view #description')
      .fill('A working oil lantern from a fishing boat.\nGlass intact, handle a little bent.')
    await seller.locator('souk-sell-view #category').selectOption('home')
    await seller.locator('souk-sell-view #reserve').fill('0.1')
    await seller.locator('souk-sell-view #length').selectOption('3600')
    await seller.locator('souk-sell-view #reveal').selectOption('3600')
    // the marketplace's recommended arbiter is chosen from the start, the fee at its minimum
    await seller
      .locator(
        `souk-sell-view souk-arbiter-picker li[data-address="${stack.config.recommendedArbiters![0]!}" i] input:checked`,
      )
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('the recommended arbiter was not chosen in the sell form'))
    assert.equal(await seller.locator('souk-sell-view #fee').inputValue(), '1')
    await seller.locator('souk-sell-view #from').fill('Lisbon')
    await shot(seller, 'seller-draft-360px')
    await seller.locator('souk-sell-view [data-action=publish]').click()
    await seller
      .locator('souk-sell-view ol.progress')
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('no publishing progress was shown'))
    await shot(seller, 'seller-publishing')
    await seller.waitForURL(/#\/listing\/\d+$/, { timeout: 180_000 }).catch(async () =>
      assert.fail(
        `publishing never reached the listing page: ${await seller
          .locator('souk-sell-view [role=alert]')
          .textContent()
          .catch(() => '')}`,
      ),
    )
    const listingId = /#\/listing\/(\d+)$/.exec(seller.url())![1]!
    await seller
      .locator('souk-listing-view h2', { hasText: title })
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('the seller’s listing page does not show the title from the catalog'))
    await seller.locator('souk-listing-view [data-phase="bidding"]').waitFor({ timeout: 30_000 })
    await shot(seller, 'seller-listing')

    // each buyer finds it by typing in search, and opens it
    const bids = [
      { amount: '0.5', deposit: '0.8', account: 2 },
      { amount: '0.3', deposit: '0.5', account: 3 },
    ]
    for (const [i, b] of buyers.entries()) {
      await b.locator('souk-search-view #q').pressSequentially('lantern', { delay: 30 })
      const card = b.locator(`souk-search-view a[data-listing-id="${listingId}"]`)
      await card
        .waitFor({ timeout: 90_000 })
        .catch(() => assert.fail(`buyer ${i + 1} never found the new listing by searching`))
      await shot(b, `buyer${i + 1}-search`)
      await card.click()
      await b.locator('souk-listing-view h2', { hasText: title }).waitFor({ timeout: 30_000 })
      await b.locator('souk-listing-view [data-phase="bidding"]').waitFor({ timeout: 30_000 })
      await connect(b, bids[i]!.account)
      await b.getByLabel('Your bid (ETH)').fill(bids[i]!.amount)
      await b.getByLabel('Deposit (ETH)').fill(bids[i]!.deposit)
      await b.getByRole('button', { name: 'Place bid' }).click()
      await waitText(b, 'Your sealed bid is on chain', `buyer ${i + 1}'s bid confirmation`)
      await shot(b, `buyer${i + 1}-bid`)
    }

    // bidding ends; both reveal
    await advance(3_601)
    for (const [i, b] of buyers.entries()) {
      const reveal = b.locator('souk-listing-view [data-action="reveal"]')
      await reveal.waitFor({ timeout: 60_000 }).catch(() => assert.fail(`buyer ${i + 1} was never offered Reveal`))
      await reveal.click()
      await waitText(b, 'Bid revealed.', `buyer ${i + 1}'s reveal`)
      await shot(b, `buyer${i + 1}-revealed`)
    }

    // the reveal window closes; buyer B (the loser) finalizes, then withdraws the deposit
    await advance(3_601)
    const [winner, loser] = buyers as [Page, Page]
    const finalize = loser.locator('souk-listing-view [data-action="finalize"]')
    await finalize.waitFor({ timeout: 60_000 }).catch(() => assert.fail('nobody was offered Finalize'))
    await finalize.click()
    await waitText(loser, /Auction closed: .* won and pays 0\.3 ETH/, 'the finalize result')
    await shot(loser, 'finalized')
    const withdraw = loser.locator('souk-listing-view [data-action="withdraw"]')
    await withdraw.waitFor({ timeout: 60_000 }).catch(() => assert.fail('the loser was never offered Withdraw'))
    await withdraw.click()
    await waitText(loser, /0\.5 ETH returned to your wallet/, 'the loser’s refund')
    await shot(loser, 'loser-withdrew')

    const escrow = winner.locator('souk-listing-view [data-testid="escrow"]')
    await escrow.waitFor({ timeout: 60_000 }).catch(() => assert.fail('the winner’s page never showed the escrow'))
    const text = (await escrow.textContent()) ?? ''
    assert.match(text, /at 0\.3 ETH/, `escrow not at the second price: ${text}`)
    assert.match(text, /You won this auction/)
    await shot(winner, 'winner-escrow')

    // the main screens once more, in Chinese, on a phone
    const zh = await person('zh reader', PHONE, 'zh-CN')
    await zh.goto(`${site.url}#/`)
    await waitText(zh, '首页', 'the Chinese home page', 30_000)
    // the home page says how far this device's catalog is (the engine's sync state), here in Chinese
    await zh
      .locator('souk-home-view [data-testid="catalog-sync"][data-status="ready"]', { hasText: '件商品' })
      .waitFor({ timeout: 90_000 })
      .catch(() => assert.fail('the home page never said the catalog is ready'))
    await shot(zh, 'zh-home')
    await zh.goto(`${site.url}#/search?q=lantern`)
    await zh
      .locator(`souk-search-view a[data-listing-id="${listingId}"]`)
      .waitFor({ timeout: 90_000 })
      .catch(() => assert.fail('the Chinese search never listed the listing'))
    await shot(zh, 'zh-search')
    await zh.locator(`souk-search-view a[data-listing-id="${listingId}"]`).click()
    await zh.locator('souk-listing-view h2', { hasText: title }).waitFor({ timeout: 30_000 })
    await waitText(zh, '卖家', 'the Chinese listing page', 30_000)
    await shot(zh, 'zh-listing')
    await zh.goto(`${site.url}#/sell`)
    await waitText(zh, '出售物品', 'the Chinese sell page', 30_000)
    await shot(zh, 'zh-sell')

    assert.deepEqual(errors, [])
  })
})
