/**
 * Issue #26 (3): every view follows the chain without a reload or a Refresh click. Four people keep one page
 * each open the whole run — the loser on My bids, the seller on My listings, the winner on My orders, the
 * arbiter on the desk — while the escrow steps happen (sent from the people's dev keys on Node, so the check
 * is the views' following, not the buttons): finalize, mark shipped, confirm, withdraw on one sale; a bought
 * item disputed and decided on another. After each step every open view that shows it says the new state.
 * Screenshots: test-results/stale-state/.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseEther, type Hex } from 'viem'
import type { Page } from 'playwright-core'
import { buyListing } from '../../src/chain/actions/buyListing.ts'
import { confirmReceipt } from '../../src/chain/actions/confirmReceipt.ts'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { dispute } from '../../src/chain/actions/dispute.ts'
import { finalizeAuction } from '../../src/chain/actions/finalizeAuction.ts'
import { markShipped } from '../../src/chain/actions/markShipped.ts'
import { resolveDispute } from '../../src/chain/actions/resolveDispute.ts'
import { withdraw } from '../../src/chain/actions/withdraw.ts'
import { computeCommitment, randomSalt } from '../../src/chain/commitment.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../src/chain/dev-wallet.ts'
import { getChainTime, sendMarketTx } from '../../src/chain/market.ts'
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

describe('views follow the chain without a reload (issue #26)', { timeout: 600_000 }, () => {
  const served = servedApp()
  const s = appSession(served, 'stale-state')
  after(() => s.close())

  async function wallet(index: number): Promise<SoukWagmiConfig> {
    const wagmi = createSoukWagmiConfig(served.stack.config, { storage: null, multiInjectedProviderDiscovery: false })
    await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
    await selectDevAccount(wagmi, index)
    return wagmi
  }

  /** Waits for `selector` on `page` (no reload, no click), failing with what never showed. */
  async function shows(page: Page, selector: string, what: string, hasText?: string | RegExp): Promise<void> {
    await page
      .locator(selector, hasText === undefined ? {} : { hasText })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async () => {
        await s.shot(page, `never-${what.replace(/\W+/g, '-')}`)
        assert.fail(`${what}: never showed without a reload`)
      })
  }

  const order = (listingId: string, status: string): string =>
    `li[data-listing-id="${listingId}"] souk-order [data-testid=status][data-status="${status}"]`

  it('after finalize, ship, confirm, withdraw, dispute and resolve, every open view says so', async () => {
    const arbiterAddress = served.stack.config.recommendedArbiters![0]!
    assert.equal(arbiterAddress, devAccount(ARBITER).address)
    const sellerWallet = await wallet(SELLER)
    const start = await getChainTime(sellerWallet)
    const terms = {
      arbiters: [arbiterAddress],
      arbiterFeeBps: 500,
      confirmWindow: DAY,
      disputeWindow: 2 * DAY,
    }
    const { listingId: id } = await createListing(sellerWallet, {
      ...terms,
      contentHash: `0x${'c3'.repeat(32)}` as Hex,
      biddingEnd: start + HOUR,
      revealEnd: start + 2 * HOUR,
      price: parseEther('0.1'),
    })
    const listingId = id.toString()
    const bids = [
      { index: WINNER, amount: parseEther('0.5'), deposit: parseEther('0.8'), salt: randomSalt() },
      { index: LOSER, amount: parseEther('0.3'), deposit: parseEther('0.5'), salt: randomSalt() },
    ]
    const wallets = new Map<number, SoukWagmiConfig>([[SELLER, sellerWallet]])
    for (const b of bids) {
      const w = await wallet(b.index)
      wallets.set(b.index, w)
      const commitment = computeCommitment({
        chainId: served.stack.config.chain.id,
        market: served.stack.config.contracts.market,
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

    // everyone opens their page once; nobody reloads or presses Refresh from here on (the winner moves from My
    // bids to My orders once, before the escrow steps it then watches)
    const loser = await s.person('loser', PHONE)
    await loser.goto(`${served.site.url}#/bids`)
    await s.connect(loser, LOSER)
    const seller = await s.person('seller')
    await seller.goto(`${served.site.url}#/sales`)
    await s.connect(seller, SELLER)
    const winner = await s.person('winner')
    await winner.goto(`${served.site.url}#/bids`)
    await s.connect(winner, WINNER)
    const arbiter = await s.person('arbiter')
    await arbiter.goto(`${served.site.url}#/arbiter`)
    await s.connect(arbiter, ARBITER)
    const row = `souk-bids-view li[data-listing-id="${listingId}"]`
    await shows(loser, `${row}[data-phase="finalizable"]`, 'the loser’s bid waiting for finalize')
    await shows(seller, 'souk-sales-view [data-testid=counts]', 'the seller’s counts', /0 sold/)

    // finalize (by the seller): the loser is told and offered the deposit, the winner sees the change to take
    await finalizeAuction(sellerWallet, { listingId: id })
    await shows(loser, `${row}[data-outcome="lost"]`, 'the loser told “you did not win”', 'you did not win')
    await shows(loser, `${row} [data-action="withdraw-bid"]`, 'the loser offered the deposit back')
    await shows(winner, `${row}[data-outcome="won"]`, 'the winner’s bid as won', /you won.*0\.5 ETH/)
    await shows(winner, 'souk-bids-view souk-withdraw-all [data-testid=owed]', 'the winner’s change to withdraw')
    await shows(seller, 'souk-sales-view [data-testid=counts]', 'the sale counted', /1 sold/)
    await shows(seller, order(listingId, 'funded'), 'the seller’s escrow')
    await s.shot(loser, 'loser-after-finalize')
    await s.shot(winner, 'winner-bids-after-finalize')

    // the loser takes the deposit back from My bids
    await loser.locator(`${row} [data-action="withdraw-bid"]`).click()
    await shows(loser, `${row}[data-outcome="lost"]`, 'the loser’s deposit returned', 'deposit was returned')
    // the winner takes the change (from Node): the view stops offering it
    await withdraw(wallets.get(WINNER)!)
    await winner
      .locator('souk-bids-view souk-withdraw-all [data-testid=owed]')
      .waitFor({ state: 'detached', timeout: 60_000 })
      .catch(() => assert.fail('the winner’s withdrawn change was still offered'))

    // the winner watches My orders; the seller ships, the winner confirms
    await winner.goto(`${served.site.url}#/orders`)
    await shows(winner, order(listingId, 'funded'), 'the winner’s order')
    await markShipped(sellerWallet, { listingId: id })
    await shows(winner, order(listingId, 'shipped'), 'the order shipped, on the buyer’s page')
    await shows(seller, order(listingId, 'shipped'), 'the order shipped, on the seller’s page')
    await confirmReceipt(wallets.get(WINNER)!, { listingId: id })
    await shows(seller, order(listingId, 'released'), 'the order paid out, on the seller’s page')
    await shows(seller, 'souk-sales-view [data-testid=counts]', 'the sale counted as paid out', /1 paid out/)
    await shows(seller, 'souk-sales-view souk-withdraw-all [data-testid=owed]', 'the seller’s payout to withdraw')
    await shows(winner, order(listingId, 'released'), 'the order completed, on the buyer’s page')
    await withdraw(sellerWallet)
    await seller
      .locator('souk-sales-view souk-withdraw-all [data-testid=owed]')
      .waitFor({ state: 'detached', timeout: 60_000 })
      .catch(() => assert.fail('the seller’s withdrawn payout was still offered'))
    await s.shot(seller, 'seller-paid-out')

    // a bought item goes wrong: disputed, then decided; the arbiter's desk follows
    const now = await getChainTime(sellerWallet)
    const shown = `0x${'d4'.repeat(32)}` as Hex
    const { listingId: boughtId } = await createListing(sellerWallet, {
      ...terms,
      contentHash: shown,
      buyNow: true,
      biddingEnd: now + DAY,
      price: parseEther('1'),
    })
    const bought = boughtId.toString()
    await buyListing(wallets.get(WINNER)!, { listingId: boughtId, contentHash: shown })
    await shows(winner, order(bought, 'funded'), 'the bought item on the buyer’s page')
    await dispute(wallets.get(WINNER)!, { listingId: boughtId, arbiter: arbiterAddress })
    await shows(arbiter, `souk-arbiter-view ${order(bought, 'disputed')}`, 'the dispute on the arbiter’s desk')
    await shows(seller, order(bought, 'disputed'), 'the dispute on the seller’s page')
    await shows(
      arbiter,
      'souk-arbiter-view souk-arbiter-record',
      'the arbiter’s record counting the open dispute',
      /1 received/,
    )
    await s.shot(arbiter, 'arbiter-open-dispute')
    await resolveDispute(await wallet(ARBITER), { listingId: boughtId, toBuyer: parseEther('0.5') })
    await shows(
      arbiter,
      `souk-arbiter-view [data-testid=decided] li[data-listing-id="${bought}"][data-status="split"]`,
      'the decided case under Decided',
    )
    await shows(winner, order(bought, 'split'), 'the decision on the buyer’s page')
    await shows(seller, order(bought, 'split'), 'the decision on the seller’s page')
    await s.shot(arbiter, 'arbiter-decided')

    // the four views as they now stand, at phone and desktop width, in English and Chinese
    await winner.goto(`${served.site.url}#/bids`)
    await shows(winner, `${row}[data-outcome="won"]`, 'the winner’s bids')
    const views = { loser, seller, winner, arbiter }
    for (const lang of ['en', 'zh-Hans'] as const)
      for (const [who, page] of Object.entries(views)) {
        await s.language(page, lang)
        for (const width of [360, 1280]) {
          await page.setViewportSize({ width, height: 800 })
          await s.shot(page, `${who}-${width}-${lang}`)
        }
      }
    assert.deepEqual(s.errors, [])
  })
})
