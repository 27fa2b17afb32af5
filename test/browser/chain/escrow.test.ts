import { expect } from '@open-wc/testing'
import { parseEther, type Address, type Hex } from 'viem'
import { buyListing } from '../../../src/chain/actions/buyListing.ts'
import { claimTimeout } from '../../../src/chain/actions/claimTimeout.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { dispute } from '../../../src/chain/actions/dispute.ts'
import { markShipped } from '../../../src/chain/actions/markShipped.ts'
import { resolveDispute } from '../../../src/chain/actions/resolveDispute.ts'
import { refund } from '../../../src/chain/actions/refund.ts'
import { confirmReceipt } from '../../../src/chain/actions/confirmReceipt.ts'
import { withdraw } from '../../../src/chain/actions/withdraw.ts'
import { cancelListing } from '../../../src/chain/actions/cancelListing.ts'
import { updateListing } from '../../../src/chain/actions/updateListing.ts'
import type { SoukWagmiConfig } from '../../../src/chain/config.ts'
import { ContractRevertError } from '../../../src/chain/errors.ts'
import { getAuction } from '../../../src/chain/reads/getAuction.ts'
import { getUserSales } from '../../../src/chain/reads/getUserSales.ts'
import { getArbiter } from '../../../src/chain/reads/getArbiter.ts'
import { getUserEscrows } from '../../../src/chain/reads/getUserEscrows.ts'
import { getSettlements } from '../../../src/chain/reads/getEscrowHistory.ts'
import { rate } from '../../../src/chain/actions/rate.ts'
import { encodeListing } from '../../../src/core/listing.ts'
import { advanceTime, arbiterPerson, chainNow, chainStack, contentHash, person } from './helpers.ts'

// accounts: 5 seller, 6 buyer, 7 arbiter (4 a second arbiter of a set)
const HOUR = 3_600
const DAY = 24 * HOUR

async function forSale(
  seller: { wagmi: SoukWagmiConfig },
  arbiter: Address | readonly Address[],
  extra: { token?: Address; price?: bigint } = {},
): Promise<{ listingId: bigint; shown: Hex }> {
  const start = await chainNow(seller.wagmi)
  const shown = contentHash(`buy now ${start} ${Math.random()}`)
  const { listingId } = await createListing(seller.wagmi, {
    contentHash: shown,
    buyNow: true,
    biddingEnd: start + 24 * HOUR,
    price: extra.price ?? parseEther('1'),
    arbiters: typeof arbiter === 'string' ? [arbiter] : arbiter,
    arbiterFeeBps: 500,
    // the contract's shortest windows (v3)
    confirmWindow: DAY,
    disputeWindow: DAY,
    ...(extra.token ? { token: extra.token } : {}),
  })
  return { listingId, shown }
}

describe('chain: escrow paths', function () {
  this.timeout(120_000)

  it('updates and cancels a listing before any sale; a purchase of the old document is refused', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId, shown } = await forSale(seller, arbiter.address)
    await updateListing(seller.wagmi, { listingId, contentHash: contentHash('v2') })
    const sale = (await getUserSales(seller.wagmi, { seller: seller.address })).find((s) => s.listingId === listingId)
    expect(sale?.contentHash).to.equal(contentHash('v2'))
    expect((await getAuction(buyer.wagmi, { listingId })).listing.contentVersion).to.equal(1)
    const stale = await buyListing(buyer.wagmi, { listingId, contentHash: shown }).catch((e: unknown) => e)
    expect((stale as ContractRevertError).errorName).to.equal('ContentChanged')
    await cancelListing(seller.wagmi, { listingId })
    expect((await getAuction(seller.wagmi, { listingId })).phase).to.equal('cancelled')
  })

  it('dispute decided by the arbiter as a split; everyone withdraws their share', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId, shown } = await forSale(seller, arbiter.address)
    await buyListing(buyer.wagmi, { listingId, contentHash: shown })
    expect((await getAuction(buyer.wagmi, { listingId })).phase).to.equal('sold')
    await markShipped(seller.wagmi, { listingId })
    // the arbiter has no say until someone disputes
    const early = await resolveDispute(arbiter.wagmi, { listingId, toBuyer: 0n }).catch((e: unknown) => e)
    expect((early as ContractRevertError).errorName).to.equal('WrongEscrowStatus')
    const recordBefore = await getArbiter(buyer.wagmi, { arbiter: arbiter.address })
    // only the buyer disputes (v3): the seller's remedies are refund and the claim after the confirm window
    const bySeller = await dispute(seller.wagmi, { listingId, arbiter: arbiter.address }).catch((e: unknown) => e)
    expect((bySeller as ContractRevertError).errorName).to.equal('NotBuyer')
    await dispute(buyer.wagmi, { listingId, arbiter: arbiter.address })
    const disputed = await getAuction(buyer.wagmi, { listingId })
    expect(disputed.escrow?.statusName).to.equal('disputed')
    // fee 5% of 1 ETH = 0.05; of the remaining 0.95 (less the protocol fee), 0.45 back to the buyer
    await resolveDispute(arbiter.wagmi, { listingId, toBuyer: parseEther('0.45') })
    expect((await getAuction(buyer.wagmi, { listingId })).escrow?.statusName).to.equal('split')
    const record = await getArbiter(buyer.wagmi, { arbiter: arbiter.address })
    expect(record.registered).to.equal(true)
    expect(record.disputes).to.equal(recordBefore.disputes + 1)
    expect(record.decidedSplit).to.equal(recordBefore.decidedSplit + 1)
    expect((await withdraw(buyer.wagmi)).amount >= parseEther('0.45')).to.equal(true)
    // every decision pays the protocol fee (0.5% by default) on the decided 0.95: 0.00475; the seller gets the rest
    const [settled] = (await getSettlements(buyer.wagmi, { listingIds: [listingId] })).values()
    expect(settled).to.deep.include({
      outcome: 'split',
      toBuyer: parseEther('0.45'),
      arbiterFee: parseEther('0.05'),
      protocolFee: parseEther('0.00475'),
      toSeller: parseEther('0.49525'),
    })
    expect((await withdraw(seller.wagmi)).amount >= parseEther('0.49525')).to.equal(true)
    expect((await withdraw(arbiter.wagmi)).amount >= parseEther('0.05')).to.equal(true)
    const nothing = await withdraw(arbiter.wagmi).catch((e: unknown) => e)
    expect((nothing as ContractRevertError).errorName).to.equal('NothingToWithdraw')
  })

  it('seller claims after the confirm window; an unanswered dispute refunds the buyer; the seller refunds', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const arbiter = await arbiterPerson(stack.config, 7)

    // the buyer neither confirms nor disputes
    const { listingId: shipped, shown: shippedDoc } = await forSale(seller, arbiter.address)
    await buyListing(buyer.wagmi, { listingId: shipped, contentHash: shippedDoc })
    await markShipped(seller.wagmi, { listingId: shipped })
    const early = await claimTimeout(seller.wagmi, { listingId: shipped }).catch((e: unknown) => e)
    expect((early as ContractRevertError).errorName).to.equal('TimeoutNotReached')
    await advanceTime(stack.rpcUrl, DAY)
    // from the deadline on only the claim remains: a late confirmation (or refund) is refused
    const late = await confirmReceipt(buyer.wagmi, { listingId: shipped }).catch((e: unknown) => e)
    expect((late as ContractRevertError).errorName).to.equal('ConfirmWindowClosed')
    await claimTimeout(seller.wagmi, { listingId: shipped })
    expect((await getAuction(seller.wagmi, { listingId: shipped })).escrow?.statusName).to.equal('released')

    // the arbiter never answers a dispute
    const { listingId: silent, shown: silentDoc } = await forSale(seller, arbiter.address)
    await buyListing(buyer.wagmi, { listingId: silent, contentHash: silentDoc })
    await dispute(buyer.wagmi, { listingId: silent, arbiter: arbiter.address })
    await advanceTime(stack.rpcUrl, DAY)
    await claimTimeout(buyer.wagmi, { listingId: silent })
    expect((await getAuction(buyer.wagmi, { listingId: silent })).escrow?.statusName).to.equal('refunded')

    // the seller refunds a token sale on its own (approve first), no arbiter fee
    const { listingId: tokenSale, shown: tokenDoc } = await forSale(seller, arbiter.address, {
      token: stack.token,
      price: 5_000_000n,
    })
    await buyListing(buyer.wagmi, { listingId: tokenSale, contentHash: tokenDoc })
    await refund(seller.wagmi, { listingId: tokenSale })
    expect((await getAuction(buyer.wagmi, { listingId: tokenSale })).escrow?.statusName).to.equal('refunded')
    const back = await withdraw(buyer.wagmi, { token: stack.token })
    expect(back.amount >= 5_000_000n).to.equal(true)
    await withdraw(seller.wagmi).catch(() => undefined)
  })

  it('the buyer chooses the arbiter from the set; only the chosen one decides; each party rates once', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const first = await arbiterPerson(stack.config, 7)
    const second = await arbiterPerson(stack.config, 4)
    const { listingId, shown } = await forSale(seller, [first.address, second.address])
    expect((await getAuction(buyer.wagmi, { listingId })).arbiters).to.deep.equal([first.address, second.address])
    await buyListing(buyer.wagmi, { listingId, contentHash: shown })
    const early = await rate(buyer.wagmi, { listingId, ofArbiter: false, score: 'positive' }).catch((e: unknown) => e)
    expect((early as ContractRevertError).errorName).to.equal('NotClosed')
    const outside = await dispute(buyer.wagmi, { listingId, arbiter: seller.address }).catch((e: unknown) => e)
    expect((outside as ContractRevertError).errorName).to.equal('WrongArbiterSet')
    await dispute(buyer.wagmi, { listingId, arbiter: second.address })
    const state = await getAuction(buyer.wagmi, { listingId })
    expect(state.listing.arbiter).to.equal(second.address)
    expect(state.escrow?.arbiter).to.equal(second.address)
    // the arbiter the buyer did not choose has no say, and the chosen one sees the case on its desk
    const notChosen = await resolveDispute(first.wagmi, { listingId, toBuyer: 0n }).catch((e: unknown) => e)
    expect((notChosen as ContractRevertError).errorName).to.equal('NotArbiter')
    expect((await getUserEscrows(second.wagmi, { account: second.address })).map((e) => e.listingId)).to.include(
      listingId,
    )
    expect((await getUserEscrows(first.wagmi, { account: first.address })).map((e) => e.listingId)).not.to.include(
      listingId,
    )
    await resolveDispute(second.wagmi, { listingId, toBuyer: 0n })
    const review = (
      await encodeListing({
        schema: 'souk/listing/1',
        title: 'a review',
        description: 'fine',
        category: 'home',
        condition: 'good',
        images: [],
        shipping: { from: 'Porto' },
        language: 'en',
        seller: seller.address,
        createdAt: 1,
      })
    ).cid.toString()
    await rate(buyer.wagmi, { listingId, ofArbiter: false, score: 'positive', reviewCid: review })
    await rate(buyer.wagmi, { listingId, ofArbiter: true, score: 'neutral' })
    await rate(seller.wagmi, { listingId, ofArbiter: false, score: 'positive' })
    await rate(seller.wagmi, { listingId, ofArbiter: true, score: 'positive' })
    const again = await rate(seller.wagmi, { listingId, ofArbiter: false, score: 'negative' }).catch((e: unknown) => e)
    expect((again as ContractRevertError).errorName).to.equal('AlreadyRated')
    const stranger = await rate(first.wagmi, { listingId, ofArbiter: false, score: 'negative' }).catch(
      (e: unknown) => e,
    )
    expect((stranger as ContractRevertError).errorName).to.equal('NotEscrowParty')
    expect((await getAuction(buyer.wagmi, { listingId })).escrow?.ratings).to.equal(4 | 8 | 16 | 32)
    await withdraw(seller.wagmi).catch(() => undefined)
    await withdraw(second.wagmi).catch(() => undefined)
  })

  it('no rating of an arbiter that did not decide', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const buyer = await person(stack.config, 6)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId, shown } = await forSale(seller, arbiter.address)
    await buyListing(buyer.wagmi, { listingId, contentHash: shown })
    await dispute(buyer.wagmi, { listingId, arbiter: arbiter.address })
    await confirmReceipt(buyer.wagmi, { listingId })
    const none = await rate(buyer.wagmi, { listingId, ofArbiter: true, score: 'negative' }).catch((e: unknown) => e)
    expect((none as ContractRevertError).errorName).to.equal('NoArbiterDecision')
    await rate(buyer.wagmi, { listingId, ofArbiter: false, score: 'positive' })
    await withdraw(seller.wagmi).catch(() => undefined)
  })
})
