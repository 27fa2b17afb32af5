/**
 * Issue #14's after-sale runs, driven through the built PWA's own views (orders, messages, sales, the arbiter's
 * desk) on a real stack (anvil, the contracts, a relay) in real Chromium:
 * (a) an auction ends (listed, bid, revealed and finalized on chain from the people's dev keys — the shop issue's
 *     e2e drives those steps through the views); the winner, on a phone, opens the order and sends the seller
 *     a shipping address with the address form; the seller reads the card and marks shipped; the buyer confirms; the seller withdraws
 *     everything owed and is paid (balance checked on chain);
 * (b) a sale goes wrong: the buyer disputes, buyer and seller each write to the arbiter from the order, the
 *     arbiter decides a split with an amount, each side withdraws its share, the arbiter's record shows the case.
 * The orders, sales and arbiter screens are shown once more in Chinese. Screenshots: test-results/after-sale/.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicClient, http, parseEther, type Address, type Hex } from 'viem'
import type { Page } from 'playwright-core'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { buyListing } from '../../src/chain/actions/buyListing.ts'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { finalizeAuction } from '../../src/chain/actions/finalizeAuction.ts'
import { computeCommitment, randomSalt } from '../../src/chain/commitment.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../src/chain/dev-wallet.ts'
import { getChainTime, sendMarketTx, ZERO_ADDRESS } from '../../src/chain/market.ts'
import { connectWallet, selectDevAccount } from '../../src/chain/wallet.ts'
import { appSession, PHONE } from '../helpers/app-session.ts'
import { devAccount } from '../helpers/messaging.ts'
import { servedApp } from '../helpers/served-app.ts'

const SELLER = 1
const WINNER = 2
const LOSER = 3
const ARBITER = 9 // registered by the deploy script: config.recommendedArbiters[0]
const HOUR = 3_600
const DAY = 24 * HOUR

describe('after the sale, in the app (issue #14)', { timeout: 600_000 }, () => {
  const served = servedApp()
  const s = appSession(served, 'after-sale')
  after(() => s.close())
  let seller: Page
  let buyer: Page

  /** A Node-side person with the dev wallet on anvil account `index` (for the steps the shop e2e covers). */
  async function wallet(index: number): Promise<SoukWagmiConfig> {
    const wagmi = createSoukWagmiConfig(served.stack.config, { storage: null, multiInjectedProviderDiscovery: false })
    await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
    await selectDevAccount(wagmi, index)
    return wagmi
  }

  function chain() {
    return createPublicClient({ transport: http(served.stack.config.chain.rpcUrls[0]!) })
  }
  const market = (): Address => served.stack.config.contracts.market

  async function owed(index: number): Promise<bigint> {
    return await chain().readContract({
      abi: soukMarketAbi,
      address: market(),
      functionName: 'withdrawable',
      args: [devAccount(index).address, ZERO_ADDRESS],
    })
  }
  async function balance(index: number): Promise<bigint> {
    return await chain().getBalance({ address: devAccount(index).address })
  }

  /** The `<souk-order>` of a listing on the page. */
  const order = (page: Page, listingId: string) => page.locator(`li[data-listing-id="${listingId}"] souk-order`)

  async function status(page: Page, listingId: string, want: string, what: string): Promise<void> {
    await order(page, listingId)
      .locator(`[data-testid=status][data-status="${want}"]`)
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail(`${what}: the order never showed as ${want}`))
  }

  async function setUpMessaging(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    // the conversations element is there only once messaging is ready
    await page
      .locator('souk-conversations')
      .waitFor({ state: 'attached', timeout: 120_000 })
      .catch(async () => {
        await s.shot(page, 'messaging-not-ready')
        assert.fail(
          `messaging never became ready: ${(await page.locator('souk-messages-view p').allTextContents()).join(' | ')}`,
        )
      })
  }

  async function send(page: Page, text: string, what: string): Promise<void> {
    const composer = page.locator('souk-conversations form')
    await composer.getByLabel('Message').fill(text)
    await composer.getByRole('button', { name: 'Send' }).click()
    await page
      .locator('souk-conversations .bubble.out', { hasText: text })
      .locator('.state')
      .and(page.locator('[data-state="sent"], [data-state="delivered"], [data-state="read"]'))
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail(`${what}: no relay took the message`))
  }

  async function withdrawEverything(page: Page, who: string): Promise<void> {
    const button = page.locator('souk-withdraw-all [data-action="withdraw-all"]').first()
    await button.waitFor({ timeout: 60_000 }).catch(() => assert.fail(`${who} was never offered Withdraw everything`))
    await button.click()
    // the confirm sheet says how much goes where before the wallet is asked
    const sheet = page.locator('souk-withdraw-all [data-testid=confirm-sheet]').first()
    await sheet.waitFor({ timeout: 10_000 }).catch(() => assert.fail(`${who}: no confirm sheet before withdrawing`))
    assert.match((await sheet.textContent()) ?? '', /goes from the market to your wallet/)
    await sheet.locator('[data-action="sheet-confirm"]').click()
    await s.waitText(page, /sent to your wallet/, `${who}'s withdrawal`)
  }

  it('(a) the winner sends an address, the seller ships, the buyer confirms, the seller is paid', async () => {
    // the auction, on chain: two sealed bids, both revealed, finalized at the second price (0.3 ETH)
    const sellerWallet = await wallet(SELLER)
    const start = await getChainTime(sellerWallet)
    const { listingId: id } = await createListing(sellerWallet, {
      contentHash: `0x${'a1'.repeat(32)}` as Hex,
      biddingEnd: start + HOUR,
      revealEnd: start + 2 * HOUR,
      price: parseEther('0.1'),
      arbiters: [served.stack.config.recommendedArbiters![0]!],
      arbiterFeeBps: 500,
      // the contract's shortest confirm window; the dev arbiter's shortest dispute window (contracts v3)
      confirmWindow: DAY,
      disputeWindow: 2 * DAY,
    })
    const bids = [
      { index: WINNER, amount: parseEther('0.5'), deposit: parseEther('0.8'), salt: randomSalt() },
      { index: LOSER, amount: parseEther('0.3'), deposit: parseEther('0.5'), salt: randomSalt() },
    ]
    const wallets = new Map<number, SoukWagmiConfig>()
    for (const b of bids) {
      const w = await wallet(b.index)
      wallets.set(b.index, w)
      const commitment = computeCommitment({
        chainId: served.stack.config.chain.id,
        market: market(),
        listingId: id,
        bidder: devAccount(b.index).address,
        amount: b.amount,
        salt: b.salt,
      })
      await sendMarketTx(w, { functionName: 'bid', args: [id, commitment, 0], value: b.deposit })
    }
    await s.advance(HOUR + 1)
    for (const b of bids)
      await sendMarketTx(wallets.get(b.index)!, { functionName: 'reveal', args: [id, b.amount, b.salt] })
    await s.advance(HOUR + 1)
    const { buyer: winner, price } = await finalizeAuction(wallets.get(WINNER)!, { listingId: id })
    assert.equal(winner, devAccount(WINNER).address)
    assert.equal(price, parseEther('0.3'))
    const listingId = id.toString()

    // the seller's laptop is set up for messages before anyone writes
    seller = await s.person('seller')
    await seller.goto(`${served.site.url}#/messages`)
    await s.connect(seller, SELLER)
    await setUpMessaging(seller)

    // the winner, on a phone: My orders, the escrow with its state, then a message to the seller
    buyer = await s.person('buyer', PHONE)
    await buyer.goto(`${served.site.url}#/orders`)
    await s.connect(buyer, WINNER)
    await status(buyer, listingId, 'funded', 'the winner’s order')
    await s.shot(buyer, 'buyer-orders-360px')
    await order(buyer, listingId).getByRole('link', { name: 'Message the seller' }).click()
    await buyer.waitForURL(`**#/messages/${devAccount(SELLER).address}?listing=${listingId}`)
    await setUpMessaging(buyer)
    // the address goes as a form (kept only encrypted), not as free text
    await buyer.goto(`${served.site.url}#/messages/${devAccount(SELLER).address}?listing=${listingId}&address=1`)
    const form = buyer.locator('souk-shipping-form')
    await form
      .getByLabel('Full name')
      .fill('Li Wei', { timeout: 60_000 })
      .catch(() => assert.fail('the winner was never offered the shipping-address form'))
    await form.getByLabel('Street and number').fill('12 Harbour Road')
    await form.getByLabel('City').fill('Lisbon')
    await form.getByLabel('Postcode').fill('1100-001')
    await form.getByLabel('Country').fill('Portugal')
    await form.getByRole('button', { name: 'Send the address to the seller' }).click()
    await buyer
      .locator('souk-conversations .bubble.out[data-kind="address"]')
      .locator('.state[data-state="sent"], .state[data-state="delivered"], .state[data-state="read"]')
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the shipping address never reached a relay'))
    await s.shot(buyer, 'buyer-sent-address')

    // the seller reads the address (a card, from the buyer of this escrow: no warning) and marks shipped
    await seller.locator(`souk-conversations .conv[data-peer="${devAccount(WINNER).address}"]`).click()
    const card = seller.locator('souk-conversations .bubble.in[data-kind="address"] souk-address-card')
    await card
      .locator('[data-testid=address-lines]')
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the seller never read the shipping address'))
    assert.equal(
      await card.locator('[data-testid=address-lines]').textContent(),
      'Li Wei\n12 Harbour Road\n1100-001 Lisbon\nPortugal',
    )
    assert.equal(await card.locator('[data-testid=address-warning]').count(), 0, 'the buyer’s address was flagged')
    await s.shot(seller, 'seller-reads-address')
    await seller.goto(`${served.site.url}#/sales`)
    await status(seller, listingId, 'funded', 'the seller’s sale')
    await order(seller, listingId).locator('[data-action="ship"]').click()
    await status(seller, listingId, 'shipped', 'after marking shipped')
    await order(seller, listingId)
      .locator('[data-testid=deadline] souk-countdown time')
      .waitFor({ timeout: 10_000 })
      .catch(() => assert.fail('no countdown to the buyer’s confirm deadline'))
    await s.shot(seller, 'seller-shipped')

    // the buyer sees it shipped and confirms
    await buyer.goto(`${served.site.url}#/orders`)
    await status(buyer, listingId, 'shipped', 'the buyer’s order after shipping')
    await order(buyer, listingId).locator('[data-action="confirm"]').click()
    const sheet = order(buyer, listingId).locator('[data-testid=confirm-sheet]')
    await sheet.waitFor({ timeout: 10_000 }).catch(() => assert.fail('no confirm sheet before confirming receipt'))
    // the price less the protocol fee of 0.5% goes to the seller
    assert.match((await sheet.textContent()) ?? '', /receives 0\.2985 ETH of the 0\.3 ETH held in the escrow/)
    await sheet.locator('[data-action="sheet-confirm"]').click()
    await status(buyer, listingId, 'released', 'after confirming receipt')
    await s.shot(buyer, 'buyer-confirmed')

    // the seller withdraws everything owed and is paid
    const owedBefore = await owed(SELLER)
    // the price less the protocol fee (0.5%, contracts v3)
    assert.equal(owedBefore, parseEther('0.2985'))
    const before = await balance(SELLER)
    await seller.goto(`${served.site.url}#/sales`)
    await withdrawEverything(seller, 'the seller')
    await s.shot(seller, 'seller-withdrew')
    assert.equal(await owed(SELLER), 0n)
    const gained = (await balance(SELLER)) - before
    assert.ok(
      gained > parseEther('0.2975') && gained <= parseEther('0.2985'),
      `the seller gained ${gained} wei, not 0.2985 ETH`,
    )
  })

  it('(b) a dispute: both sides write to the arbiter, the arbiter splits, each side withdraws its share', async () => {
    assert.ok(seller && buyer, 'run (a) first: it sets up the seller and the buyer')
    const arbiterAddress = served.stack.config.recommendedArbiters![0]!
    assert.equal(arbiterAddress, devAccount(ARBITER).address)
    // a fixed-price sale at 1 ETH, 5% arbiter fee, bought by the same buyer
    const sellerWallet = await wallet(SELLER)
    const start = await getChainTime(sellerWallet)
    const shown = `0x${'b2'.repeat(32)}` as Hex
    const { listingId: id } = await createListing(sellerWallet, {
      contentHash: shown,
      buyNow: true,
      biddingEnd: start + 24 * HOUR,
      price: parseEther('1'),
      arbiters: [arbiterAddress],
      arbiterFeeBps: 500,
      // the contract's shortest confirm window; the dev arbiter's shortest dispute window (contracts v3)
      confirmWindow: DAY,
      disputeWindow: 2 * DAY,
    })
    await buyListing(await wallet(WINNER), { listingId: id, contentHash: shown })
    const listingId = id.toString()

    // the arbiter is set up for messages
    const arbiter = await s.person('arbiter')
    await arbiter.goto(`${served.site.url}#/messages`)
    await s.connect(arbiter, ARBITER)
    await setUpMessaging(arbiter)

    // the buyer disputes and writes to the arbiter from the order
    await buyer.goto(`${served.site.url}#/orders`)
    await status(buyer, listingId, 'funded', 'the second order')
    await order(buyer, listingId).locator('[data-action="dispute"]').click()
    // the dialog: what happens to the money, the arbiter (the listing names one), a reason sent with it
    const dialog = order(buyer, listingId).locator('souk-dispute-dialog dialog')
    await dialog.waitFor({ timeout: 30_000 }).catch(() => assert.fail('the dispute dialog never opened'))
    await dialog.locator(`li[data-address="${devAccount(ARBITER).address}"] input[name="arbiter"]`).check()
    await dialog.locator('#reason').fill('The lamp arrived with a cracked glass.')
    await s.shot(buyer, 'buyer-dispute-dialog')
    await dialog.locator('[data-action="confirm"]').click()
    await status(buyer, listingId, 'disputed', 'after disputing')
    await s.shot(buyer, 'buyer-disputed')
    await order(buyer, listingId).getByRole('link', { name: 'Message the arbiter' }).click()
    await buyer.waitForURL(`**#/messages/${arbiterAddress}?listing=${listingId}`)
    await send(buyer, `Listing ${listingId}: the lamp arrived with a cracked glass.`, 'the buyer’s word')

    // so does the seller, from the sale
    await seller.goto(`${served.site.url}#/sales`)
    await status(seller, listingId, 'disputed', 'the seller’s disputed sale')
    await order(seller, listingId).getByRole('link', { name: 'Message the arbiter' }).click()
    await seller.waitForURL(`**#/messages/${arbiterAddress}?listing=${listingId}`)
    await send(seller, `Listing ${listingId}: it was packed with care; I can take half the loss.`, 'the seller’s word')

    // the arbiter reads both, then decides a split on the desk
    for (const who of [WINNER, SELLER])
      await arbiter
        .locator(`souk-conversations .conv[data-peer="${devAccount(who).address}"]`)
        .waitFor({ timeout: 60_000 })
        .catch(() => assert.fail(`the arbiter never got the conversation with account ${who}`))
    await s.shot(arbiter, 'arbiter-messages')
    await arbiter.goto(`${served.site.url}#/arbiter`)
    const dispute = order(arbiter, listingId)
    await dispute.waitFor({ timeout: 60_000 }).catch(() => assert.fail('the dispute never reached the desk'))
    for (const who of [WINNER, SELLER])
      assert.equal(
        await dispute.locator(`a[href="#/messages/${devAccount(who).address}?listing=${listingId}"]`).count(),
        1,
        `no link to the conversation with account ${who}`,
      )
    await dispute.getByLabel('Split').check()
    await dispute.getByLabel("Buyer's share (ETH)").fill('0.4')
    await s.shot(arbiter, 'arbiter-deciding')
    // the buyer's reason, sent with the dispute, is on the case
    await dispute
      .locator('[data-testid=dispute-reason]', { hasText: 'The lamp arrived with a cracked glass.' })
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the arbiter’s case never showed the buyer’s reason'))
    await dispute.locator('[data-action="resolve"]').click()
    const sheet = dispute.locator('[data-testid=confirm-sheet]')
    await sheet.waitFor({ timeout: 10_000 }).catch(() => assert.fail('no confirm sheet before the decision'))
    assert.match(
      (await sheet.textContent()) ?? '',
      /The buyer receives 0\.4 ETH\.[\s\S]*The seller receives 0\.54525 ETH\./,
    )
    await sheet.locator('[data-action="sheet-confirm"]').click()
    await s.waitText(arbiter, 'Decision recorded.', 'the arbiter’s decision')
    const record = arbiter.locator(`[data-testid=record] li[data-listing-id="${listingId}"]`, {
      hasText: 'To the buyer 0.4 ETH',
    })
    await record.waitFor({ timeout: 60_000 }).catch(() => assert.fail('the record never showed the case'))
    assert.match((await record.textContent()) ?? '', /to the seller 0\.54525 ETH · arbiter's fee 0\.05 ETH/)
    // the record as others see it (souk-arbiter-record, from the trust index) counts the split
    await arbiter
      .locator('[data-testid=record] souk-arbiter-record [data-testid=outcomes]', {
        hasText: '0 for the buyer · 0 for the seller · 1 split',
      })
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the arbiter’s record never counted the split'))
    await s.shot(arbiter, 'arbiter-record')

    // each side withdraws its share (the buyer's includes the change of the auction in (a): 0.8 − 0.3)
    for (const [page, index, share, who] of [
      [buyer, WINNER, parseEther('0.4') + parseEther('0.5'), 'the buyer'],
      [seller, SELLER, parseEther('0.54525'), 'the seller'],
    ] as const) {
      assert.equal(await owed(index), share, `${who} is not owed its share`)
      const before = await balance(index)
      await page.goto(`${served.site.url}#/${index === SELLER ? 'sales' : 'orders'}`)
      await withdrawEverything(page, who)
      await s.shot(page, `${index === SELLER ? 'seller' : 'buyer'}-withdrew-share`)
      assert.equal(await owed(index), 0n)
      const gained = (await balance(index)) - before
      assert.ok(gained > share - parseEther('0.001') && gained <= share, `${who} gained ${gained} wei, not ${share}`)
    }

    // the orders, sales and arbiter screens once in Chinese, on a phone
    const zh = await s.person('zh reader', PHONE, 'zh-CN')
    await zh.goto(`${served.site.url}#/orders`)
    await s.connect(zh, WINNER)
    await status(zh, listingId, 'split', 'the Chinese orders page')
    await s.waitText(zh, '我的订单', 'the Chinese orders title', 30_000)
    await s.shot(zh, 'zh-orders')
    await zh.goto(`${served.site.url}#/sales`)
    await s.connect(zh, SELLER)
    await status(zh, listingId, 'split', 'the Chinese sales page')
    await s.shot(zh, 'zh-sales')
    await zh.goto(`${served.site.url}#/arbiter`)
    await s.connect(zh, ARBITER)
    await s.waitText(zh, '我的记录（他人所见）', 'the Chinese arbiter record', 60_000)
    await s.shot(zh, 'zh-arbiter')

    assert.deepEqual(s.errors, [])
  })
})
