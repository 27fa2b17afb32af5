/**
 * The trust index against a real anvil with the v3 contracts: two sales completed and rated (ETH and token),
 * one disputed, split by the arbiter the buyer chose and the arbiter rated, one refunded (its rating weighs
 * nothing), then every figure of TrustSummary and ArbiterTrust; the IndexedDB-like cache reused by a new index
 * (a reload) that asks the RPC only for the blocks after it; and what the chain refuses so that the fold never
 * sees it (a second settlement, a second rating, a stranger's rating), while the fold itself ignores repeated
 * and foreign logs.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseEther, type Address, type PublicClient } from 'viem'
import { devArbiterMetadataCid } from '../../scripts/deploy.ts'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { buyListing } from '../../src/chain/actions/buyListing.ts'
import { confirmReceipt } from '../../src/chain/actions/confirmReceipt.ts'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { dispute } from '../../src/chain/actions/dispute.ts'
import { markShipped } from '../../src/chain/actions/markShipped.ts'
import { rate } from '../../src/chain/actions/rate.ts'
import { refund } from '../../src/chain/actions/refund.ts'
import { resolveDispute } from '../../src/chain/actions/resolveDispute.ts'
import type { SoukWagmiConfig } from '../../src/chain/config.ts'
import { ContractRevertError } from '../../src/chain/errors.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { memoryLogCache } from '../../src/chain/reads/logCache.ts'
import { ChainTrust } from '../../src/chain/trust/chain-trust.ts'
import { decodeTrustLogs, scanTrustLogs } from '../../src/chain/trust/scan.ts'
import { TrustIndex } from '../../src/chain/trust/trust-index.ts'
import type { TrustLog } from '../../src/chain/trust/trust-log.ts'
import { encodeListing } from '../../src/core/listing.ts'
import type { Currency } from '../../src/services/types.ts'
import { anvilRpc } from '../helpers/anvil.ts'
import { listingDoc, publicClient, seller as person } from '../helpers/catalog.ts'

const ETH: Currency = { id: 'ETH', symbol: 'ETH', decimals: 18 }
type Person = { wagmi: SoukWagmiConfig; address: Address }

/** A client whose eth_getLogs block ranges are recorded. */
function spied(client: PublicClient): { client: PublicClient; ranges: [bigint, bigint][] } {
  const ranges: [bigint, bigint][] = []
  const getLogs = client.getLogs.bind(client) as PublicClient['getLogs']
  const wrapped = {
    ...client,
    getLogs: ((args: { fromBlock: bigint; toBlock: bigint }) => {
      ranges.push([args.fromBlock, args.toBlock])
      return getLogs(args as Parameters<PublicClient['getLogs']>[0])
    }) as PublicClient['getLogs'],
  }
  return { client: wrapped as PublicClient, ranges }
}

async function caughtName(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  assert.ok(err instanceof ContractRevertError, `expected a contract refusal, got ${String(err)}`)
  return err.errorName
}

describe('trust index over a real chain (contracts v3)', { timeout: 240_000 }, () => {
  let stack: Stack
  let seller: Person, buyerA: Person, buyerB: Person, arbiter9: Person, arbiter8: Person, stranger: Person
  let token: Address
  let usd: Currency
  const ids: Record<'a' | 'b' | 'c' | 'd', bigint> = { a: 0n, b: 0n, c: 0n, d: 0n }
  let sellerFirstSeen = 0
  let reviewCid = ''
  let trust: ChainTrust
  const rpc = (method: string, params: unknown[] = []): Promise<unknown> =>
    anvilRpc(stack.config.chain.rpcUrls[0]!, method, params)

  async function buyNow(price: bigint, arbiters: Address[], extra: { token?: Address } = {}): Promise<bigint> {
    const now = await getChainTime(seller.wagmi)
    const shown = (await encodeListing(listingDoc(seller.address, `lamp ${now} ${Math.random()}`))).contentHash
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: shown,
      buyNow: true,
      biddingEnd: now + 86_400,
      price,
      arbiters,
      ...extra,
    })
    return listingId
  }
  const buy = async (who: Person, listingId: bigint): Promise<void> => {
    const { getListingContent } = await import('../../src/chain/reads/getListingContent.ts')
    const { contentHash } = await getListingContent(who.wagmi, { listingId })
    await buyListing(who.wagmi, { listingId, contentHash })
  }

  before(async () => {
    stack = await startStack({ relays: 0 })
    const people = await Promise.all([1, 2, 3, 9, 8, 4].map((i) => person(stack.config, i)))
    ;[seller, buyerA, buyerB, arbiter9, arbiter8, stranger] = people as [Person, Person, Person, Person, Person, Person]
    token = stack.config.contracts.token!
    usd = { id: token, symbol: 'tUSD', decimals: 6 }
    reviewCid = (await encodeListing(listingDoc(buyerB.address, 'review: as described, slow post'))).cid.toString()

    // A: 1 ETH, confirmed at once; both rate positive (weight: the protocol fee, 0.005 ETH)
    ids.a = await buyNow(parseEther('1'), [arbiter9.address])
    const block = await rpc('eth_getBlockByNumber', ['latest', false])
    sellerFirstSeen = Number(BigInt((block as { timestamp: string }).timestamp))
    await buy(buyerA, ids.a)
    await confirmReceipt(buyerA.wagmi, { listingId: ids.a })
    await rate(buyerA.wagmi, { listingId: ids.a, ofArbiter: false, score: 'positive' })
    await rate(seller.wagmi, { listingId: ids.a, ofArbiter: false, score: 'positive' })
    // B: 100 tUSD, shipped and confirmed; the buyer rates neutral with a review (weight 0.5 tUSD)
    ids.b = await buyNow(100_000_000n, [arbiter9.address], { token })
    await buy(buyerB, ids.b)
    await markShipped(seller.wagmi, { listingId: ids.b })
    await confirmReceipt(buyerB.wagmi, { listingId: ids.b })
    await rate(buyerB.wagmi, { listingId: ids.b, ofArbiter: false, score: 'neutral', reviewCid })
    // C: 2 ETH naming arbiters 9 and 8 (fee: the higher minimum, 2%); the buyer disputes choosing 8, which
    //    splits (1 ETH back); weight 0.04 fee + 0.0098 protocol fee (0.5% of the decided 1.96)
    ids.c = await buyNow(parseEther('2'), [arbiter9.address, arbiter8.address])
    await buy(buyerB, ids.c)
    await dispute(buyerB.wagmi, { listingId: ids.c, arbiter: arbiter8.address })
    await resolveDispute(arbiter8.wagmi, { listingId: ids.c, toBuyer: parseEther('1') })
    await rate(buyerB.wagmi, { listingId: ids.c, ofArbiter: false, score: 'negative' })
    await rate(buyerB.wagmi, { listingId: ids.c, ofArbiter: true, score: 'positive' })
    await rate(seller.wagmi, { listingId: ids.c, ofArbiter: true, score: 'negative' })
    // D: 0.1 ETH refunded by the seller: no fee, so the buyer's positive rating weighs 0
    ids.d = await buyNow(parseEther('0.1'), [arbiter9.address])
    await buy(buyerA, ids.d)
    await refund(seller.wagmi, { listingId: ids.d })
    await rate(buyerA.wagmi, { listingId: ids.d, ofArbiter: false, score: 'positive' })

    trust = new ChainTrust(seller.wagmi, {
      currencyOf: async (t) => (t.toLowerCase() === token.toLowerCase() ? usd : ETH),
      recommended: stack.config.recommendedArbiters ?? [],
      cache: memoryLogCache<TrustLog>(),
    })
  })
  after(async () => {
    await stack?.stop()
  })

  it("the seller's summary: sales, their value, counterparties, first seen and fee-weighted ratings", async () => {
    const s = await trust.trustSummary(seller.address)
    assert.equal(s.completedSales, 3, 'A and B released, C split; D refunded is no sale')
    assert.deepEqual(s.salesValue, [
      { currency: ETH, amount: parseEther('3') },
      { currency: usd, amount: 100_000_000n },
    ])
    assert.equal(s.completedPurchases, 0)
    assert.equal(s.counterparties, 2)
    assert.equal(s.firstSeen, sellerFirstSeen)
    assert.deepEqual(s.arbitersNamed, [arbiter9.address, arbiter8.address])
    const { weighted, ...counts } = s.ratings
    assert.deepEqual(counts, { count: 4, positive: 2, neutral: 1, negative: 1, sharePositive: 0.5 })
    const total = parseEther('0.005') + parseEther('0.0498')
    const net = parseEther('0.005') - parseEther('0.0498')
    assert.deepEqual(weighted, [
      { currency: ETH, score: Number((net * 1_000_000n) / total) / 1_000_000, totalWeight: total },
      { currency: usd, score: 0, totalWeight: 500_000n },
    ])
  })

  it("the buyers' summaries", async () => {
    const a = await trust.trustSummary(buyerA.address)
    assert.deepEqual(
      [a.completedPurchases, a.completedSales, a.counterparties, a.ratings.count, a.ratings.positive],
      [2, 0, 1, 1, 1],
    )
    assert.deepEqual(a.ratings.weighted, [{ currency: ETH, score: 1, totalWeight: parseEther('0.005') }])
    assert.ok(a.firstSeen && a.firstSeen >= sellerFirstSeen)
    const b = await trust.trustSummary(buyerB.address)
    assert.deepEqual([b.completedPurchases, b.counterparties, b.ratings.count, b.salesValue.length], [2, 1, 0, 0])
  })

  it("the chosen arbiter's record, and the one named but never chosen", async () => {
    const t8 = await trust.arbiterTrust(arbiter8.address)
    const { ratings, registeredAt, ...rest } = t8
    assert.ok(registeredAt > 0 && registeredAt <= sellerFirstSeen)
    assert.deepEqual(rest, {
      address: arbiter8.address,
      registered: true,
      minFeeBps: 200,
      minDisputeWindow: 2 * 86_400,
      metadataCid: await devArbiterMetadataCid(1),
      profile: undefined,
      recommended: false,
      disputes: 1,
      decidedForBuyer: 0,
      decidedForSeller: 0,
      decidedSplit: 1,
      timedOut: 0,
      settledByParties: 0,
      valueDecided: [{ currency: ETH, amount: parseEther('2') }],
      listings: 1,
      sellers: 1,
    })
    assert.deepEqual(ratings, {
      count: 2,
      positive: 1,
      neutral: 0,
      negative: 1,
      sharePositive: 0.5,
      weighted: [{ currency: ETH, score: 0, totalWeight: 2n * parseEther('0.0498') }],
    })
    const t9 = await trust.arbiterTrust(arbiter9.address)
    assert.deepEqual(
      [t9.recommended, t9.listings, t9.sellers, t9.disputes, t9.valueDecided, t9.ratings.count],
      [true, 4, 1, 0, [], 0],
    )
    assert.deepEqual(
      (await trust.registeredArbiters()).map((a) => a.address),
      [arbiter9.address, arbiter8.address, stack.deployment!.arbiters![2]],
      'the recommended one first, then the one with a decided case',
    )
  })

  it('the ratings received, newest first, paged, with the review CID and the weight', async () => {
    const page1 = await trust.ratingsOf(seller.address, { offset: 0, limit: 2 })
    assert.deepEqual(
      page1.map((r) => [r.listingId, r.score, r.rater, r.weight]),
      [
        [ids.d.toString(), 'positive', buyerA.address, 0n],
        [ids.c.toString(), 'negative', buyerB.address, parseEther('0.0498')],
      ],
    )
    const page2 = await trust.ratingsOf(seller.address, { offset: 2, limit: 2 })
    assert.deepEqual(
      page2.map((r) => [r.listingId, r.score, r.reviewCid, r.currency.symbol]),
      [
        [ids.b.toString(), 'neutral', reviewCid, 'tUSD'],
        [ids.a.toString(), 'positive', undefined, 'ETH'],
      ],
    )
    assert.ok(page2[1]!.at >= sellerFirstSeen)
    assert.deepEqual(
      (await trust.ratingsOf(arbiter8.address, { as: 'arbiter' })).map((r) => [r.raterRole, r.score]),
      [
        ['seller', 'negative'],
        ['buyer', 'positive'],
      ],
    )
  })

  it('the chain refuses a second settlement, a second rating and a stranger’s; the fold ignores repeats', async () => {
    const before = await trust.trustSummary(seller.address)
    assert.equal(await caughtName(refund(seller.wagmi, { listingId: ids.a })), 'EscrowNotOpen')
    assert.equal(await caughtName(confirmReceipt(buyerA.wagmi, { listingId: ids.a })), 'EscrowNotOpen')
    assert.equal(
      await caughtName(resolveDispute(arbiter8.wagmi, { listingId: ids.c, toBuyer: 0n })),
      'WrongEscrowStatus',
    )
    assert.equal(
      await caughtName(rate(buyerA.wagmi, { listingId: ids.a, ofArbiter: false, score: 'negative' })),
      'AlreadyRated',
    )
    assert.equal(
      await caughtName(rate(stranger.wagmi, { listingId: ids.a, ofArbiter: false, score: 'negative' })),
      'NotEscrowParty',
    )
    assert.equal(
      await caughtName(rate(buyerA.wagmi, { listingId: ids.a, ofArbiter: true, score: 'negative' })),
      'NoArbiterDecision',
    )
    const head = await publicClient(stack.config).getBlockNumber()
    const all = await scanTrustLogs(publicClient(stack.config), {
      market: stack.config.contracts.market,
      fromBlock: BigInt(stack.config.contracts.deployBlock ?? 0),
      toBlock: head,
    })
    for (const id of Object.values(ids))
      assert.equal(
        all.filter((l) => l.kind === 'settled' && l.listingId === id).length,
        1,
        `listing ${id} settled once`,
      )
    const fold = await trust.index.refresh()
    assert.equal(fold.add(all), 0, 'every log read again is a repeat')
    // logs of events the index does not fold (Shipped, Withdrawn, …) decode to nothing
    const raw = await publicClient(stack.config).getLogs({ address: stack.config.contracts.market, fromBlock: 0n })
    assert.equal(decodeTrustLogs(raw).length, all.length)
    assert.ok(raw.length > all.length)
    assert.deepEqual(await trust.trustSummary(seller.address), before)
  })

  it('a new index on the same cache (a reload) reads only the blocks after it, and sees what came since', async () => {
    const base = publicClient(stack.config)
    const cache = memoryLogCache<TrustLog>()
    const options = {
      market: stack.config.contracts.market,
      deployBlock: BigInt(stack.config.contracts.deployBlock ?? 0),
      cache,
      confirmations: 5n,
      maxRange: 40n,
      freshMs: 0,
    }
    // history long enough for many slices
    await rpc('anvil_mine', ['0x64'])
    const first = spied(base)
    const one = new TrustIndex({ ...options, client: first.client })
    await one.refresh()
    const head1 = one.head
    assert.ok(first.ranges.length >= 3, `the first read took ${first.ranges.length} calls`)
    assert.equal(first.ranges[0]![0], options.deployBlock)

    // something new: the seller rates buyer B on the token sale, then a few blocks
    await rate(seller.wagmi, { listingId: ids.b, ofArbiter: false, score: 'positive' })
    await rpc('anvil_mine', ['0xa'])

    // the same index: only from the first unconfirmed block on
    const again = first.ranges.length
    await one.refresh()
    const resumed = first.ranges.slice(again)
    assert.ok(resumed.length > 0 && resumed.length <= 2, `${resumed.length} calls to resume`)
    assert.equal(resumed[0]![0], head1 - options.confirmations + 1n)

    // a reload: a new index over the cache asks nothing below the cached part
    const second = spied(base)
    const two = new TrustIndex({ ...options, client: second.client })
    await two.refresh()
    assert.ok(second.ranges.length > 0)
    const lowest = second.ranges.reduce((m, [from]) => (from < m ? from : m), second.ranges[0]![0])
    assert.equal(lowest, one.head - options.confirmations + 1n, 'the reload read cached blocks again')
    assert.ok(second.ranges.length <= 1, `${second.ranges.length} calls after the reload`)
    const rated = two.fold.party(buyerB.address)!.received
    assert.deepEqual(
      rated.map((r) => [r.listingId, r.score]),
      [[ids.b, 2]],
      'the rating made after the first read',
    )
    // both indexes agree with a read from scratch
    const fresh = new TrustIndex({ ...options, cache: memoryLogCache<TrustLog>(), client: base })
    await fresh.refresh()
    for (const who of [seller, buyerA, buyerB, arbiter8])
      assert.deepEqual(two.fold.party(who.address), fresh.fold.party(who.address), `${who.address} differs`)
  })
})
