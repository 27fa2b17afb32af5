import { expect } from '@open-wc/testing'
import { parseEther, type Address } from 'viem'
import { buyListing } from '../../../src/chain/actions/buyListing.ts'
import { claimTimeout } from '../../../src/chain/actions/claimTimeout.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { dispute } from '../../../src/chain/actions/dispute.ts'
import { markShipped } from '../../../src/chain/actions/markShipped.ts'
import { resolveDispute } from '../../../src/chain/actions/resolveDispute.ts'
import { vote } from '../../../src/chain/actions/vote.ts'
import { withdraw } from '../../../src/chain/actions/withdraw.ts'
import { cancelListing } from '../../../src/chain/actions/cancelListing.ts'
import { updateListing } from '../../../src/chain/actions/updateListing.ts'
import type { SoukWagmiConfig } from '../../../src/chain/config.ts'
import { ContractRevertError } from '../../../src/chain/errors.ts'
import { getAuction } from '../../../src/chain/reads/getAuction.ts'
import { getUserSales } from '../../../src/chain/reads/getUserSales.ts'
import { advanceTime, chainNow, chainStack, contentHash, person } from './helpers.ts'

// accounts: 5 seller, 6 buyer, 7 arbiter
const HOUR = 3_600

async function forSale(
  seller: { wagmi: SoukWagmiConfig },
  arbiter: Address,
  extra: { token?: Address; price?: bigint } = {},
): Promise<bigint> {
  const start = await chainNow(seller.wagmi)
  const { listingId } = await createListing(seller.wagmi, {
    contentHash: contentHash(`buy now ${start} ${Math.random()}`),
    buyNow: true,
    biddingEnd: start + 24 * HOUR,
    price: extra.price ?? parseEther('1'),
    arbiter,
    arbiterFeeBps: 500,
    confirmWindow: 2 * HOUR,
    disputeWindow: 3 * HOUR,
    ...(extra.token ? { token: extra.token } : {}),
  })
  return listingId
}

describe('chain: escrow paths', function () {
  this.timeout(120_000)

  it('updates and cancels a listing before any bid', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const arbiter = await person(stack.config, 7)
    const listingId = await forSale(seller, arbiter.address)
    await updateListing(seller.wagmi, { listingId, contentHash: contentHash('v2') })
    const sale = (await getUserSales(seller.wagmi, { seller: seller.address })).find((s) => s.listingId === listingId)
    expect(sale?.contentHash).to.equal(contentHash('v2'))
    await cancelListing(seller.wagmi, { listingId })
    expect((await getAuction(seller.wagmi, { listingId })).phase).to.equal('cancelled')
  })

  it('dispute decided by the arbiter as a split; everyone withdraws their share', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const arbiter = await person(stack.config, 7)
    const listingId = await forSale(seller, arbiter.address)
    await buyListing(buyer.wagmi, { listingId })
    expect((await getAuction(buyer.wagmi, { listingId })).phase).to.equal('sold')
    await markShipped(seller.wagmi, { listingId })
    await dispute(buyer.wagmi, { listingId })
    const disputed = await getAuction(buyer.wagmi, { listingId })
    expect(disputed.escrow?.statusName).to.equal('disputed')
    // fee 5% of 1 ETH = 0.05; of the remaining 0.95, 0.45 back to the buyer
    await resolveDispute(arbiter.wagmi, { listingId, toBuyer: parseEther('0.45') })
    expect((await getAuction(buyer.wagmi, { listingId })).escrow?.statusName).to.equal('split')
    expect((await withdraw(buyer.wagmi)).amount >= parseEther('0.45')).to.equal(true)
    expect((await withdraw(seller.wagmi)).amount >= parseEther('0.5')).to.equal(true)
    expect((await withdraw(arbiter.wagmi)).amount >= parseEther('0.05')).to.equal(true)
    const nothing = await withdraw(arbiter.wagmi).catch((e: unknown) => e)
    expect((nothing as ContractRevertError).errorName).to.equal('NothingToWithdraw')
  })

  it('seller claims after the confirm window; an unanswered dispute refunds the buyer; 2 of 3 refund', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const arbiter = await person(stack.config, 7)

    // the buyer neither confirms nor disputes
    const shipped = await forSale(seller, arbiter.address)
    await buyListing(buyer.wagmi, { listingId: shipped })
    await markShipped(seller.wagmi, { listingId: shipped })
    const early = await claimTimeout(seller.wagmi, { listingId: shipped }).catch((e: unknown) => e)
    expect((early as ContractRevertError).errorName).to.equal('TimeoutNotReached')
    await advanceTime(stack.rpcUrl, 2 * HOUR)
    await claimTimeout(seller.wagmi, { listingId: shipped })
    expect((await getAuction(seller.wagmi, { listingId: shipped })).escrow?.statusName).to.equal('released')

    // the arbiter never answers a dispute
    const silent = await forSale(seller, arbiter.address)
    await buyListing(buyer.wagmi, { listingId: silent })
    await dispute(buyer.wagmi, { listingId: silent })
    await advanceTime(stack.rpcUrl, 3 * HOUR)
    await claimTimeout(buyer.wagmi, { listingId: silent })
    expect((await getAuction(buyer.wagmi, { listingId: silent })).escrow?.statusName).to.equal('refunded')

    // buyer and arbiter vote to refund, in a token listing (approve first)
    const tokenSale = await forSale(seller, arbiter.address, { token: stack.token, price: 5_000_000n })
    await buyListing(buyer.wagmi, { listingId: tokenSale })
    await vote(buyer.wagmi, { listingId: tokenSale, release: false })
    await vote(arbiter.wagmi, { listingId: tokenSale, release: false })
    expect((await getAuction(buyer.wagmi, { listingId: tokenSale })).escrow?.statusName).to.equal('refunded')
    const back = await withdraw(buyer.wagmi, { token: stack.token })
    expect(back.amount >= 5_000_000n - 250_000n).to.equal(true)
    await withdraw(seller.wagmi).catch(() => undefined)
  })
})
