/**
 * The trust reads as the app makes them: through the chain Worker (`startChain`), whose trust index keeps the
 * market's logs in IndexedDB. A sale completes and is rated on the shared anvil; the page then reads the
 * seller's summary, the ratings, the arbiter's record and the registered arbiters; a second worker (a reload)
 * finds the cached logs and answers the same; a page-side abort stops the wait.
 */
import { expect } from '@open-wc/testing'
import { openDB } from 'idb'
import { parseEther, type Address } from 'viem'
import { buyListing } from '../../../src/chain/actions/buyListing.ts'
import { confirmReceipt } from '../../../src/chain/actions/confirmReceipt.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { rate } from '../../../src/chain/actions/rate.ts'
import { withdraw } from '../../../src/chain/actions/withdraw.ts'
import { startChain } from '../../../src/engine/chain-client.ts'
import { chainNow, chainStack, contentHash, person, rpc } from './helpers.ts'

// accounts: 5 seller, 6 buyer (as in escrow.test.ts: files run one at a time), 9 the dev arbiter
describe('chain: trust reads through the chain Worker', function () {
  this.timeout(120_000)

  it('summary, ratings, arbiter records; the cache survives a new worker; an abort stops the wait', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const arbiter = stack.config.recommendedArbiters![0]! as Address
    const start = await chainNow(seller.wagmi)
    const shown = contentHash(`trust ${start} ${Math.random()}`)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: shown,
      buyNow: true,
      biddingEnd: start + 86_400,
      price: parseEther('0.4'),
      arbiters: [arbiter],
    })
    await buyListing(buyer.wagmi, { listingId, contentHash: shown })
    await confirmReceipt(buyer.wagmi, { listingId })
    await rate(buyer.wagmi, { listingId, ofArbiter: false, score: 'positive' })
    await withdraw(seller.wagmi).catch(() => undefined)
    // blocks above the trades, so they lie below the unconfirmed head the index never caches
    await rpc(stack.rpcUrl, 'anvil_mine', ['0x50'])

    const first = await startChain(stack.config, { dedicated: true })
    const summary = await first.service.trustSummary(seller.address)
    expect(summary.completedSales).to.be.greaterThan(0)
    expect(summary.ratings.count).to.be.greaterThan(0)
    const eth = summary.ratings.weighted.find((w) => w.currency.id === 'ETH')
    // this sale's weight: its protocol fee, 0.5% of 0.4 ETH
    expect(eth && eth.totalWeight >= parseEther('0.002')).to.equal(true)
    const [newest] = await first.service.ratingsOf(seller.address, { limit: 1 })
    expect(newest).to.deep.include({ listingId: listingId.toString(), rater: buyer.address, score: 'positive' })
    expect(newest!.weight).to.equal(parseEther('0.002'))
    const record = await first.service.arbiterTrust(arbiter)
    expect(record).to.deep.include({ address: arbiter, registered: true, recommended: true, profile: undefined })
    expect(record.listings).to.be.greaterThan(0)
    const registered = await first.service.registeredArbiters()
    expect(registered[0]?.address).to.equal(arbiter, 'the recommended arbiter first')

    // the worker kept the logs in IndexedDB
    const db = await openDB('souk-trust-logs')
    const keys = (await db.getAllKeys('ranges')).map(String)
    db.close()
    expect(keys.some((k) => k.includes(stack.market.toLowerCase()) && k.endsWith(':trust-v1'))).to.equal(true)
    await first.close()

    const second = await startChain(stack.config, { dedicated: true })
    expect(await second.service.trustSummary(seller.address)).to.deep.equal(summary)
    const controller = new AbortController()
    const reading = second.service.trustSummary(buyer.address, { signal: controller.signal })
    controller.abort()
    const aborted = await reading.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((aborted as Error | undefined)?.name).to.equal('AbortError')
    await second.close()
  })
})
