import { expect } from '@open-wc/testing'
import { getBlock } from '@wagmi/core'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { getChainTime } from '../../../src/chain/market.ts'
import { getAuction } from '../../../src/chain/reads/getAuction.ts'
import { chainStack, contentHash, person, rpc } from './helpers.ts'

describe('durations mean what the form says (issue #26)', function () {
  this.timeout(60_000)

  it('an hour of bidding is an hour from the listing’s own block, also on an idle chain', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const arbiter = await person(stack.config, 9) // registered by the deploy script
    // the chain idles for 10 minutes: time moves, no block is mined (the latest block's timestamp stays behind)
    await rpc(stack.rpcUrl, 'evm_mine')
    const latest = Number((await getBlock(seller.wagmi, { blockTag: 'latest' })).timestamp)
    await rpc(stack.rpcUrl, 'evm_increaseTime', [600])
    expect(await getChainTime(seller.wagmi)).to.be.at.least(latest + 600, 'the chain’s time is not its last block’s')
    const { listingId, receipt } = await createListing(seller.wagmi, {
      contentHash: contentHash(`durations ${latest}`),
      biddingSeconds: 3_600,
      revealSeconds: 3_600,
      price: 1n,
      arbiters: [arbiter.address],
    })
    const mined = Number((await getBlock(seller.wagmi, { blockNumber: receipt.blockNumber })).timestamp)
    const { timeline } = await getAuction(seller.wagmi, { listingId })
    // read just before sending: at most a few seconds before the block that holds it, never 10 minutes
    expect(timeline.biddingEnd - mined).to.be.within(3_595, 3_600)
    expect(timeline.revealEnd - timeline.biddingEnd).to.equal(3_600)
  })
})
