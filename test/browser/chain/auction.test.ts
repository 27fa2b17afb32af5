import { expect } from '@open-wc/testing'
import { parseEther, type Hex } from 'viem'
import { getBalance } from '@wagmi/core'
import { BidVault } from '../../../src/chain/vault.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { placeBid } from '../../../src/chain/actions/placeBid.ts'
import { revealBid } from '../../../src/chain/actions/revealBid.ts'
import { withdrawBid } from '../../../src/chain/actions/withdrawBid.ts'
import { finalizeAuction } from '../../../src/chain/actions/finalizeAuction.ts'
import { markShipped } from '../../../src/chain/actions/markShipped.ts'
import { confirmReceipt } from '../../../src/chain/actions/confirmReceipt.ts'
import { withdraw } from '../../../src/chain/actions/withdraw.ts'
import { getAuction } from '../../../src/chain/reads/getAuction.ts'
import { getUserBids } from '../../../src/chain/reads/getUserBids.ts'
import { getUserSales } from '../../../src/chain/reads/getUserSales.ts'
import { getUserEscrows } from '../../../src/chain/reads/getUserEscrows.ts'
import { watchAuction } from '../../../src/chain/reads/watchMarket.ts'
import { computeCommitment } from '../../../src/chain/commitment.ts'
import type { ContractRevertError } from '../../../src/chain/errors.ts'
import { waitFor } from '../../helpers/wait.ts'
import { advanceTime, arbiterPerson, chainNow, chainStack, contentHash, freshVault, person } from './helpers.ts'

// accounts: 1 seller, 2 and 3 bidders, 4 arbiter (other chain test files use 5..9)
describe('chain: a sealed-bid auction from listing to escrow release', function () {
  this.timeout(120_000)

  it('lists, takes two sealed bids, keeps the secrets across a reload, reveals, finalizes, withdraws and releases', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 1)
    let alice = await person(stack.config, 2)
    let bob = await person(stack.config, 3)
    const arbiter = await arbiterPerson(stack.config, 4)

    // list
    const start = await chainNow(seller.wagmi)
    const shown = contentHash(`lamp ${start}`)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: shown,
      categoryId: 3,
      biddingEnd: start + 600,
      revealEnd: start + 4_200, // the shortest reveal window is an hour (contracts v3)
      price: parseEther('0.1'),
      arbiters: [arbiter.address],
      arbiterFeeBps: 100,
    })
    expect(listingId > 0n).to.equal(true)
    const listed = await getAuction(seller.wagmi, { listingId })
    expect(listed.phase).to.equal('bidding')
    expect(listed.timeline.nextDeadline).to.equal(start + 600)
    expect(listed.listing.seller).to.equal(seller.address)

    const phases: string[] = []
    const unwatch = watchAuction(seller.wagmi, { listingId, onChange: (s) => phases.push(s.phase) })

    // two accounts bid, each in its own browser profile
    let aliceVault = await freshVault('alice')
    let bobVault = await freshVault('bob')
    const aliceBid = await placeBid(alice.wagmi, {
      listingId,
      contentHash: shown,
      amount: parseEther('2'),
      deposit: parseEther('3'),
      vault: aliceVault,
    })
    const bobBid = await placeBid(bob.wagmi, {
      listingId,
      contentHash: shown,
      amount: parseEther('1.5'),
      vault: bobVault,
    })
    expect(aliceBid.secret.status).to.equal('confirmed')
    expect(aliceBid.secret.txHash).to.equal(aliceBid.hash)
    // the commitment is exactly what the contract computes
    expect(aliceBid.commitment).to.equal(
      computeCommitment({
        chainId: stack.config.chain.id,
        market: stack.market,
        listingId,
        bidder: alice.address,
        amount: parseEther('2'),
        salt: aliceBid.secret.salt,
      }),
    )

    // "reload": drop every in-memory object (vault connections, wagmi configs) and start from scratch
    const names = { alice: aliceVault.name, bob: bobVault.name }
    const commitments: { alice: Hex; bob: Hex } = { alice: aliceBid.commitment, bob: bobBid.commitment }
    aliceVault.close()
    bobVault.close()
    aliceVault = await BidVault.open({ name: names.alice })
    bobVault = await BidVault.open({ name: names.bob })
    alice = await person(stack.config, 2)
    bob = await person(stack.config, 3)
    const restored = await aliceVault.get(commitments.alice)
    expect(restored?.amount).to.equal(parseEther('2'))
    expect(restored?.salt).to.equal(aliceBid.secret.salt)
    expect(restored?.status).to.equal('confirmed')
    expect((await bobVault.list({ listingId, chainId: stack.config.chain.id, market: stack.market })).length).to.equal(
      1,
    )

    // reveal window
    await advanceTime(stack.rpcUrl, 600)
    expect((await getAuction(alice.wagmi, { listingId })).phase).to.equal('revealing')
    // the live view moves on by itself: the new block crossed the bidding deadline
    await waitFor('the live auction view to reach "revealing"', () => phases.includes('revealing'))
    const aliceReveal = await revealBid(alice.wagmi, { commitment: commitments.alice, vault: aliceVault })
    await revealBid(bob.wagmi, { commitment: commitments.bob, vault: bobVault })
    expect(aliceReveal.secret.status).to.equal('revealed')
    const revealing = await getAuction(alice.wagmi, { listingId })
    expect(revealing.listing.highestBid).to.equal(parseEther('2'))
    expect(revealing.listing.secondBidOrPrice).to.equal(parseEther('1.5'))

    // the outbid bid comes back in full at once
    const bobRefund = await withdrawBid(bob.wagmi, { listingId, commitment: commitments.bob, vault: bobVault })
    expect(bobRefund.refund).to.equal(parseEther('1.5'))
    expect((await bobVault.get(commitments.bob))?.status).to.equal('withdrawn')

    // finalize: the winner pays the second price
    await advanceTime(stack.rpcUrl, 3_600)
    expect((await getAuction(bob.wagmi, { listingId })).phase).to.equal('finalizable')
    const fin = await finalizeAuction(bob.wagmi, { listingId })
    expect(fin.buyer).to.equal(alice.address)
    expect(fin.price).to.equal(parseEther('1.5'))
    const ended = await getAuction(bob.wagmi, { listingId })
    expect(ended.phase).to.equal('ended')
    expect(ended.escrow?.statusName).to.equal('funded')

    // the winner's deposit - price was credited at finalize: one withdraw collects it (no withdrawBid)
    const aliceChange = await withdraw(alice.wagmi)
    expect(aliceChange.amount).to.equal(parseEther('1.5'))
    const settled = await withdrawBid(alice.wagmi, {
      listingId,
      commitment: commitments.alice,
      vault: aliceVault,
    }).catch((e: unknown) => e)
    expect((settled as ContractRevertError).errorName).to.equal('UnknownBid')

    // escrow: shipped, confirmed, released; the seller withdraws the price
    await markShipped(seller.wagmi, { listingId })
    expect((await getAuction(seller.wagmi, { listingId })).escrow?.statusName).to.equal('shipped')
    await confirmReceipt(alice.wagmi, { listingId })
    expect((await getAuction(seller.wagmi, { listingId })).escrow?.statusName).to.equal('released')
    const before = await getBalance(seller.wagmi, { address: seller.address })
    const out = await withdraw(seller.wagmi)
    // the price less the protocol fee (0.5%, contracts v3)
    expect(out.amount >= parseEther('1.4925')).to.equal(true)
    const after = await getBalance(seller.wagmi, { address: seller.address })
    expect(after.value > before.value).to.equal(true)

    // the lists a person sees
    const bids = await getUserBids(alice.wagmi, { bidder: alice.address, vault: aliceVault })
    const mine = bids.find((b) => b.commitment === commitments.alice)!
    expect(mine.placed).to.equal(true)
    expect(mine.withdrawn).to.equal(true) // BidWithdrawn at finalize
    expect(mine.secret?.status).to.equal('revealed')
    expect(mine.auction?.phase).to.equal('ended')
    const sales = await getUserSales(seller.wagmi, { seller: seller.address })
    expect(sales.some((s) => s.listingId === listingId && s.categoryId === 3)).to.equal(true)
    const escrows = await getUserEscrows(alice.wagmi, { account: alice.address })
    const escrow = escrows.find((e) => e.listingId === listingId)!
    expect(escrow.role).to.equal('buyer')
    expect(escrow.auction.escrow.statusName).to.equal('released')
    // an arbiter named in the set has no say (and no escrow on its desk) unless the buyer chooses it in a dispute
    const arbiterEscrows = await getUserEscrows(arbiter.wagmi, { account: arbiter.address })
    expect(arbiterEscrows.find((e) => e.listingId === listingId)).to.equal(undefined)

    // the live view followed the phases from events and blocks
    await waitFor('the live auction view to reach "ended"', () => phases.includes('ended'))
    unwatch()
    expect(phases[0]).to.equal('bidding')
    aliceVault.close()
    bobVault.close()
  })

  it('bids in an ERC-20: approves the market for the deposit, then bids with the token', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 1)
    const carol = await person(stack.config, 3)
    const arbiter = await arbiterPerson(stack.config, 4)
    const start = await chainNow(seller.wagmi)
    const shown = contentHash(`token lamp ${start}`)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: shown,
      biddingEnd: start + 600,
      revealEnd: start + 4_200, // the shortest reveal window is an hour (contracts v3)
      price: 10_000_000n,
      token: stack.token,
      arbiters: [arbiter.address],
    })
    const auction = await getAuction(carol.wagmi, { listingId })
    expect(auction.token?.toLowerCase()).to.equal(stack.token.toLowerCase())
    const vault = await freshVault('carol')
    const bid = await placeBid(carol.wagmi, {
      listingId,
      contentHash: shown,
      amount: 12_000_000n,
      deposit: 20_000_000n,
      vault,
    })
    expect(bid.secret.token?.toLowerCase()).to.equal(stack.token.toLowerCase())
    expect(bid.secret.status).to.equal('confirmed')
    const bids = await getUserBids(carol.wagmi, { bidder: carol.address, vault })
    expect(bids.find((b) => b.commitment === bid.commitment)?.onChain?.deposit).to.equal(20_000_000n)
    vault.close()
  })
})
