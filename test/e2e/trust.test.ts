/**
 * Issue #25, trust a buyer can check, through the built PWA on a real stack (anvil with contracts v3, a relay)
 * in real Chromium:
 * - two sales of one seller complete: the first confirmed, its buyer rates the seller in the app (orders view,
 *   the rating dialog, a review pinned on the relay); the second disputed, decided by the recommended arbiter
 *   and rated on chain (the seller neutral, the arbiter positive);
 * - a third person, on a phone in Chinese and on a desktop in English, opens the seller's next listing (whose
 *   set names two arbiters) and sees, before buying, the seller's ratings and each arbiter's record; buys; then
 *   disputes from My orders, where the dialog offers the listing's two arbiters with their records, and picks
 *   the second one — the chain records that choice.
 * Screenshots: test-results/trust/ (360 and 1280 px, English and Chinese).
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicClient, http, parseEther, type Address, type Hex } from 'viem'
import type { Page } from 'playwright-core'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { buyListing } from '../../src/chain/actions/buyListing.ts'
import { confirmReceipt } from '../../src/chain/actions/confirmReceipt.ts'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { dispute } from '../../src/chain/actions/dispute.ts'
import { markShipped } from '../../src/chain/actions/markShipped.ts'
import { rate } from '../../src/chain/actions/rate.ts'
import { resolveDispute } from '../../src/chain/actions/resolveDispute.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../src/chain/dev-wallet.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { connectWallet, selectDevAccount } from '../../src/chain/wallet.ts'
import { appSession, DESKTOP, PHONE } from '../helpers/app-session.ts'
import { catalogPeer, listingDoc, type CatalogPeer } from '../helpers/catalog.ts'
import { devAccount } from '../helpers/messaging.ts'
import { servedApp } from '../helpers/served-app.ts'
import { encodeListing } from '../../src/core/listing.ts'

const SELLER = 1
const FIRST_BUYER = 2
const SECOND_BUYER = 3
const THIRD_BUYER = 4
/** The deploy script's dev arbiters: 9 recommended (1 %, 2 days), 8 (2 %, 2 days). */
const ARBITER = 9
const OTHER_ARBITER = 8
const DAY = 86_400

describe('trust a buyer can check (issue #25)', { timeout: 600_000 }, () => {
  const served = servedApp()
  const s = appSession(served, 'trust')
  let peer: CatalogPeer | undefined
  after(async () => {
    await s.close()
    await peer?.stop()
  })

  const wallets = new Map<number, SoukWagmiConfig>()
  async function wallet(index: number): Promise<SoukWagmiConfig> {
    let w = wallets.get(index)
    if (!w) {
      w = createSoukWagmiConfig(served.stack.config, { storage: null, multiInjectedProviderDiscovery: false })
      await connectWallet(w, { wallet: DEV_WALLET_ID })
      await selectDevAccount(w, index)
      wallets.set(index, w)
    }
    return w
  }
  const address = (index: number): Address => devAccount(index).address

  /** A buy-now listing of the seller naming `arbiters`; bought by `buyer`. */
  async function sale(buyer: number, price: bigint, arbiters: number[], contentHash?: Hex): Promise<bigint> {
    const seller = await wallet(SELLER)
    const now = await getChainTime(seller)
    const hash = contentHash ?? (`0x${(price % 251n).toString(16).padStart(2, '0').repeat(32)}` as Hex)
    const { listingId } = await createListing(seller, {
      contentHash: hash,
      buyNow: true,
      biddingEnd: now + 7 * DAY,
      price,
      arbiters: arbiters.map(address),
      confirmWindow: DAY,
    })
    if (!contentHash) await buyListing(await wallet(buyer), { listingId, contentHash: hash })
    return listingId
  }

  const order = (page: Page, listingId: bigint) => page.locator(`li[data-listing-id="${listingId}"] souk-order`)

  it('two sales are rated; a third buyer checks the record, buys, disputes and picks the arbiter', async () => {
    // ---------------------------------------------------------------- sale 1: confirmed, rated in the app
    const first = await sale(FIRST_BUYER, parseEther('0.2'), [ARBITER])
    await markShipped(await wallet(SELLER), { listingId: first })
    await confirmReceipt(await wallet(FIRST_BUYER), { listingId: first })

    const buyer1 = await s.person('first buyer', DESKTOP)
    await buyer1.goto(`${served.site.url}#/orders`)
    await s.connect(buyer1, FIRST_BUYER)
    const rateButton = order(buyer1, first).locator('[data-action="rate"]')
    await rateButton.waitFor({ timeout: 60_000 }).catch(() => assert.fail('the first buyer was never offered a rating'))
    await rateButton.click()
    const dialog = order(buyer1, first).locator('souk-rate-dialog dialog')
    await dialog.waitFor({ timeout: 10_000 }).catch(() => assert.fail('the rating dialog never opened'))
    await dialog.locator('input[name="score"][value="positive"]').check()
    await dialog.locator('#review').fill('Well packed, exactly as described. Shipped the next day.')
    await s.shot(buyer1, 'rate-dialog-1280-en')
    await dialog.locator('[data-action="confirm"]').click()
    await buyer1
      .getByText('your rating is on the chain')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async () => {
        await s.shot(buyer1, 'rating-failed')
        assert.fail(`the rating never went through: ${(await dialog.locator('.error').allTextContents()).join(' | ')}`)
      })

    // ---------------------------------------------------------------- sale 2: disputed, decided, rated on chain
    const second = await sale(SECOND_BUYER, parseEther('0.3'), [ARBITER])
    await dispute(await wallet(SECOND_BUYER), { listingId: second, arbiter: address(ARBITER) })
    await resolveDispute(await wallet(ARBITER), { listingId: second, toBuyer: parseEther('0.1') })
    await rate(await wallet(SECOND_BUYER), { listingId: second, ofArbiter: false, score: 'neutral' })
    await rate(await wallet(SECOND_BUYER), { listingId: second, ofArbiter: true, score: 'positive' })

    // ---------------------------------------------------------------- listing 3: a real document in the catalog
    peer = await catalogPeer(served.stack.config)
    const doc = listingDoc(address(SELLER), 'Walnut writing desk')
    const encoded = await encodeListing(doc)
    const third = await sale(THIRD_BUYER, parseEther('0.1'), [ARBITER, OTHER_ARBITER], encoded.contentHash)
    await peer.catalog.put(third, encoded)

    // ---------------------------------------------------------------- the third person checks before buying
    const phone = await s.person('third buyer (phone, zh)', PHONE, 'zh-CN')
    await phone.goto(`${served.site.url}#/listing/${third}`)
    await s.waitText(phone, 'Walnut writing desk', 'the listing document on the phone')
    const trust = phone.locator('souk-listing-view souk-trust-summary').first()
    await trust
      .getByText(/2/)
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the seller summary never showed its ratings'))
    const records = phone.locator('souk-listing-view souk-arbiter-record')
    await records
      .nth(1)
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the two arbiters of the set were never both shown'))
    const recordText = (await records.locator('code').allTextContents()).join(' | ')
    assert.match(recordText, new RegExp(address(ARBITER).slice(2, 8), 'i'), 'the recommended arbiter is shown')
    assert.match(recordText, new RegExp(address(OTHER_ARBITER).slice(2, 8), 'i'), 'the second arbiter is shown')
    await s.shot(phone, 'listing-trust-360-zh')

    const desk = await s.person('third buyer (desktop, en)', DESKTOP)
    await desk.goto(`${served.site.url}#/listing/${third}`)
    await s.waitText(desk, 'Walnut writing desk', 'the listing document on the desktop')
    await desk
      .locator('souk-listing-view souk-arbiter-record')
      .nth(1)
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the arbiters were never shown on the desktop'))
    await s.waitText(desk, /2 ratings|ratings/, 'the seller summary on the desktop')
    await s.shot(desk, 'listing-trust-1280-en')

    // ---------------------------------------------------------------- buy, then dispute from My orders
    await buyListing(await wallet(THIRD_BUYER), { listingId: third, contentHash: encoded.contentHash })
    await phone.goto(`${served.site.url}#/orders`)
    await s.connect(phone, THIRD_BUYER)
    const disputeButton = order(phone, third).locator('[data-action="dispute"]')
    await disputeButton
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the third buyer was never offered a dispute'))
    await disputeButton.click()
    const disputeDialog = order(phone, third).locator('souk-dispute-dialog dialog')
    await disputeDialog.waitFor({ timeout: 30_000 }).catch(() => assert.fail('the dispute dialog never opened'))
    const choices = disputeDialog.locator('input[name="arbiter"]')
    await choices
      .nth(1)
      .waitFor({ timeout: 10_000 })
      .catch(() => assert.fail('the dialog does not offer both arbiters'))
    await disputeDialog.locator(`li[data-address="${address(OTHER_ARBITER)}"] input[name="arbiter"]`).check()
    await disputeDialog.locator('#reason').fill('桌子到货时一条腿断了。')
    await s.shot(phone, 'dispute-dialog-360-zh')
    await disputeDialog.locator('[data-action="confirm"]').click()
    await order(phone, third)
      .locator('[data-testid=status][data-status="disputed"]')
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the order never showed as disputed'))
    await s.shot(phone, 'order-disputed-360-zh')

    const escrow = await createPublicClient({ transport: http(served.stack.config.chain.rpcUrls[0]!) }).readContract({
      abi: soukMarketAbi,
      address: served.stack.config.contracts.market,
      functionName: 'getEscrow',
      args: [third],
    })
    assert.equal(
      escrow.arbiter.toLowerCase(),
      address(OTHER_ARBITER).toLowerCase(),
      'the chain records the chosen arbiter',
    )
    assert.deepEqual(s.errors, [], 'no page errors')
  })
})
