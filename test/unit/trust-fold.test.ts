/**
 * The trust fold over hand-built log records (no chain): every figure of TrustSummary and ArbiterTrust, the
 * paging of ratings, and the logs it must ignore — a batch read twice, kinds it does not know, and records the
 * contract would never emit (a second settlement, a rating before the close, by a stranger, or twice).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { TrustFold } from '../../src/chain/trust/fold.ts'
import {
  arbiterTrust,
  ratingsOf,
  registeredArbiters,
  trustSummary,
  type ArbiterCounters,
  type TrustDeps,
} from '../../src/chain/trust/queries.ts'
import type { TrustLog } from '../../src/chain/trust/trust-log.ts'
import { encodeListing } from '../../src/core/listing.ts'
import type { Currency } from '../../src/services/types.ts'
import { listingDoc } from '../helpers/catalog.ts'

const addr = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, '0')}`
const SELLER = addr(0x5e11)
const BUYER_A = addr(0xb0a)
const BUYER_B = addr(0xb0b)
const ARB = addr(0xa1)
const ARB2 = addr(0xa2)
const TOKEN = addr(0x70c)
const ETH = '0x0000000000000000000000000000000000000000' as const
const ETH_C: Currency = { id: 'ETH', symbol: 'ETH', decimals: 18 }
const USD_C: Currency = { id: TOKEN, symbol: 'tUSD', decimals: 6 }

let block = 100n
/** The next log position (one block each; the block time is 1,000 × the block number). */
const at = (): { blockNumber: bigint; logIndex: number } => ({ blockNumber: ++block, logIndex: 0 })

function counters(over: Partial<ArbiterCounters> = {}): ArbiterCounters {
  return {
    registered: true,
    minFeeBps: 100,
    minDisputeWindow: 86_400,
    registeredAt: 1_000,
    metadataCid: 'bafy-profile',
    disputes: 0,
    decidedForBuyer: 0,
    decidedForSeller: 0,
    decidedSplit: 0,
    timedOut: 0,
    settledByParties: 0,
    valueDecided: 0n,
    ...over,
  }
}

function deps(over: Partial<TrustDeps> = {}): TrustDeps & { asked: { times: bigint[]; resolved: bigint[][] } } {
  const asked = { times: [] as bigint[], resolved: [] as bigint[][] }
  return {
    asked,
    currencyOf: async (t) => (t.toLowerCase() === ETH ? ETH_C : USD_C),
    blockTime: async (n) => {
      asked.times.push(n)
      return Number(n) * 1_000
    },
    getArbiters: async (as) => as.map((a) => counters(a.toLowerCase() === ARB ? { disputes: 1, decidedSplit: 1 } : {})),
    resolved: async (ids) => {
      asked.resolved.push([...ids])
      return new Map(ids.map((id) => [id, true]))
    },
    recommended: [ARB2],
    ...over,
  }
}

const list = (
  listingId: bigint,
  token: `0x${string}` = ETH,
  arbiters = [ARB],
  arbiterFeeBps = 100,
): Extract<TrustLog, { kind: 'listed' }> => ({
  ...at(),
  kind: 'listed',
  listingId,
  seller: SELLER,
  arbiters,
  token,
  price: 1n,
  arbiterFeeBps,
})
const sold = (listingId: bigint, buyer: `0x${string}`, price: bigint): TrustLog => ({
  ...at(),
  kind: 'sold',
  listingId,
  buyer,
  price,
})
const settled = (
  listingId: bigint,
  outcome: number,
  fees: { arbiterFee?: bigint; protocolFee?: bigint } = {},
): TrustLog => ({
  ...at(),
  kind: 'settled',
  listingId,
  outcome,
  toBuyer: 0n,
  toSeller: 0n,
  arbiterFee: fees.arbiterFee ?? 0n,
  protocolFee: fees.protocolFee ?? 0n,
})
const rated = (
  listingId: bigint,
  rater: `0x${string}`,
  subject: `0x${string}`,
  score: number,
  review: `0x${string}` = `0x${'0'.repeat(64)}`,
): TrustLog => ({ ...at(), kind: 'rated', listingId, rater, subject, score, review })

describe('trust fold (hand-built logs)', () => {
  block = 100n
  const registered: TrustLog = {
    ...at(),
    kind: 'registered',
    arbiter: ARB,
    minFeeBps: 100,
    minDisputeWindow: 86_400,
    metadataCid: 'bafy-profile',
  }
  const registered2: TrustLog = { ...registered, ...at(), arbiter: ARB2 }
  const logs: TrustLog[] = [
    registered,
    registered2,
    // 1: ETH, sold to A for 1 ETH, released (protocol fee 0.005), both rate positive
    list(1n),
    sold(1n, BUYER_A, 10n ** 18n),
    settled(1n, 4, { protocolFee: 5n * 10n ** 15n }),
    rated(1n, BUYER_A, SELLER, 2),
    rated(1n, SELLER, BUYER_A, 2),
    // 2: token, sold to B for 100 tUSD, released (protocol fee 0.5), B rates neutral
    list(2n, TOKEN),
    sold(2n, BUYER_B, 100_000_000n),
    settled(2n, 4, { protocolFee: 500_000n }),
    rated(2n, BUYER_B, SELLER, 1),
    // 3: ETH, sold to B for 2 ETH, disputed, split by ARB (fee 0.02, protocol 0.0049), B rates seller
    //    negative and the arbiter positive
    list(3n, ETH, [ARB, ARB2]),
    sold(3n, BUYER_B, 2n * 10n ** 18n),
    { ...at(), kind: 'disputed', listingId: 3n, buyer: BUYER_B, arbiter: ARB },
    settled(3n, 6, { arbiterFee: 2n * 10n ** 16n, protocolFee: 49n * 10n ** 14n }),
    rated(3n, BUYER_B, SELLER, 0),
    rated(3n, BUYER_B, ARB, 2),
    // 4: refunded by the seller: a purchase for A, no sale, weight 0
    list(4n),
    sold(4n, BUYER_A, 10n ** 17n),
    settled(4n, 5),
    rated(4n, BUYER_A, SELLER, 2),
  ]

  it('counts sales, purchases, counterparties, first seen and fee-weighted ratings', async () => {
    const fold = new TrustFold()
    assert.equal(fold.add(logs), logs.length)
    const d = deps()
    const s = await trustSummary(fold, SELLER, d)
    assert.equal(s.completedSales, 3, 'released, released and split; the refund is no sale')
    assert.deepEqual(s.salesValue, [
      { currency: ETH_C, amount: 3n * 10n ** 18n },
      { currency: USD_C, amount: 100_000_000n },
    ])
    assert.equal(s.completedPurchases, 0)
    assert.equal(s.counterparties, 2)
    assert.equal(s.firstSeen, Number(logs[2]!.blockNumber) * 1_000)
    assert.deepEqual(s.arbitersNamed, [ARB, ARB2], 'the arbiters its listings named')
    assert.deepEqual(
      { ...s.ratings, weighted: undefined },
      { count: 4, positive: 2, neutral: 1, negative: 1, sharePositive: 0.5, weighted: undefined },
    )
    // ETH: +0.005 (listing 1), −(0.02 + 0.0049) (listing 3), +0 (refund) over 0.0299
    const eth = s.ratings.weighted.find((w) => w.currency.id === 'ETH')!
    assert.equal(eth.totalWeight, 5n * 10n ** 15n + 2n * 10n ** 16n + 49n * 10n ** 14n)
    assert.equal(eth.score, Math.trunc(((0.005 - 0.0249) / 0.0299) * 1e6) / 1e6)
    // token: one neutral of weight 0.5 → score 0
    assert.deepEqual(
      s.ratings.weighted.find((w) => w.currency.id === TOKEN),
      { currency: USD_C, score: 0, totalWeight: 500_000n },
    )

    const b = await trustSummary(fold, BUYER_B, d)
    assert.equal(b.completedPurchases, 2)
    assert.equal(b.completedSales, 0)
    assert.equal(b.counterparties, 1)
    assert.equal(b.ratings.count, 0)
    const a = await trustSummary(fold, BUYER_A, d)
    assert.equal(a.completedPurchases, 2, 'a refunded purchase is a closed one')
    assert.deepEqual([a.ratings.count, a.ratings.positive, a.ratings.weighted.length], [1, 1, 1])

    const nobody = await trustSummary(fold, addr(0xdead), d)
    assert.deepEqual(nobody.ratings, {
      count: 0,
      positive: 0,
      neutral: 0,
      negative: 0,
      sharePositive: undefined,
      weighted: [],
    })
    assert.equal(nobody.firstSeen, undefined)
  })

  it('an arbiter: listings naming it, sellers, cases decided, ratings, recommended first', async () => {
    const fold = new TrustFold()
    fold.add(logs)
    const d = deps({ getArbiters: async (as) => as.map(() => counters({ valueDecided: 2n * 10n ** 18n })) })
    const t = await arbiterTrust(fold, ARB, d)
    assert.equal(t.listings, 4)
    assert.equal(t.sellers, 1)
    assert.equal(t.recommended, false)
    assert.equal(t.profile, undefined)
    assert.deepEqual(t.valueDecided, [{ currency: ETH_C, amount: 2n * 10n ** 18n }])
    assert.deepEqual([t.ratings.count, t.ratings.positive], [1, 1])
    assert.deepEqual(t.ratings.weighted, [
      { currency: ETH_C, score: 1, totalWeight: 2n * 10n ** 16n + 49n * 10n ** 14n },
    ])
    const t2 = await arbiterTrust(fold, ARB2, {
      ...d,
      loadProfile: async (cid) => ({ v: 1, name: `profile ${cid}`, languages: ['en'], rules: '', contact: ARB2 }),
    })
    assert.deepEqual(
      [t2.listings, t2.recommended, t2.ratings.count, t2.profile?.name],
      [1, true, 0, 'profile bafy-profile'],
    )
    const all = await registeredArbiters(fold, d)
    assert.deepEqual(
      all.map((x) => x.address),
      [ARB2, ARB],
      'the recommended one first',
    )
  })

  it('pages the ratings received, newest first, with the review CID', async () => {
    const review = (await encodeListing(listingDoc(SELLER, 'a review stands in'))).contentHash
    const fold = new TrustFold()
    fold.add(logs)
    fold.add([
      list(9n),
      sold(9n, BUYER_A, 5n),
      settled(9n, 4, { protocolFee: 1n }),
      rated(9n, BUYER_A, SELLER, 2, review),
    ])
    const d = deps()
    const first = await ratingsOf(fold, SELLER, d, { offset: 0, limit: 2 })
    assert.deepEqual(
      first.map((r) => [r.listingId, r.score, r.raterRole, r.ofArbiter]),
      [
        ['9', 'positive', 'buyer', false],
        ['4', 'positive', 'buyer', false],
      ],
    )
    assert.equal(first[0]!.reviewCid, (await encodeListing(listingDoc(SELLER, 'a review stands in'))).cid.toString())
    assert.equal(first[0]!.weight, 1n)
    assert.equal(first[1]!.reviewCid, undefined)
    assert.equal(first[1]!.weight, 0n, 'a refund paid no fee: its rating weighs nothing')
    const rest = await ratingsOf(fold, SELLER, d, { offset: 2, limit: 10 })
    assert.deepEqual(
      rest.map((r) => r.listingId),
      ['3', '2', '1'],
    )
    assert.equal(rest[0]!.at, Number(logs[15]!.blockNumber) * 1_000)
    assert.deepEqual(
      (await ratingsOf(fold, ARB, d, { as: 'arbiter' })).map((r) => [r.listingId, r.ofArbiter]),
      [['3', true]],
    )
    assert.deepEqual(await ratingsOf(fold, ARB, d, { as: 'party' }), [])
  })

  it('ignores a batch read twice, kinds it does not know, and logs the contract would never emit', async () => {
    const fold = new TrustFold()
    fold.add(logs)
    const before = await trustSummary(fold, SELLER, deps())
    const ratedBefore = before.ratings.count
    assert.equal(fold.add(logs), 0, 'the same logs again change nothing')
    assert.equal(fold.add([...logs].reverse()), 0)
    const hostile: TrustLog[] = [
      // unknown kinds and listings
      { ...at(), kind: 'voted', listingId: 1n } as unknown as TrustLog,
      sold(77n, BUYER_A, 1n),
      settled(77n, 4, { protocolFee: 10n ** 18n }),
      rated(77n, BUYER_A, SELLER, 2),
      // a second settlement of listing 1, and ratings riding on it
      settled(1n, 4, { protocolFee: 10n ** 18n }),
      rated(1n, BUYER_A, SELLER, 0),
      // a second sale of listing 1
      sold(1n, BUYER_B, 10n ** 18n),
      // a stranger rates; a party rates a stranger as "arbiter"; the arbiter of no dispute is rated
      rated(2n, addr(0xbad), SELLER, 0),
      rated(2n, SELLER, addr(0xbad), 0),
      rated(1n, SELLER, ARB, 0),
      // a rating before its listing closed, a bad score
      list(10n),
      sold(10n, BUYER_A, 10n ** 18n),
      rated(10n, BUYER_A, SELLER, 0),
      rated(2n, SELLER, BUYER_B, 7),
      // a dispute by someone not the buyer, or naming an arbiter outside the set, or after the close
      { ...at(), kind: 'disputed', listingId: 10n, buyer: BUYER_B, arbiter: ARB },
      { ...at(), kind: 'disputed', listingId: 10n, buyer: BUYER_A, arbiter: ARB2 },
      { ...at(), kind: 'disputed', listingId: 2n, buyer: BUYER_B, arbiter: ARB },
      // a listing naming its seller as arbiter, or no arbiter
      { ...list(11n), arbiters: [SELLER] },
      { ...list(12n), arbiters: [] },
      // an unregistration of someone never registered
      { ...at(), kind: 'unregistered', arbiter: addr(0xbad) },
    ]
    const applied = fold.add(hostile)
    assert.equal(applied, 2, 'only listing 10 and its sale fit the rules')
    const after = await trustSummary(fold, SELLER, deps())
    assert.equal(after.ratings.count, ratedBefore)
    assert.deepEqual(after, before)
    assert.equal(fold.listings.get(1n)!.buyer, BUYER_A)
    assert.equal((await arbiterTrust(fold, ARB, deps())).listings, 5, 'listing 10 names it')
  })

  it('asks the contract whether a zero-fee token dispute was decided, and only then', async () => {
    const fold = new TrustFold()
    fold.add(logs)
    fold.add([
      // token, fee 0 bps: the logs cannot tell a decision from a confirmation during the dispute
      list(20n, TOKEN, [ARB], 0),
      sold(20n, BUYER_A, 7_000_000n),
      { ...at(), kind: 'disputed', listingId: 20n, buyer: BUYER_A, arbiter: ARB },
      settled(20n, 4, { protocolFee: 35_000n }),
      // token, fee 1%, settled without a fee: not decided, no question asked
      list(21n, TOKEN, [ARB], 100),
      sold(21n, BUYER_A, 9_000_000n),
      { ...at(), kind: 'disputed', listingId: 21n, buyer: BUYER_A, arbiter: ARB },
      settled(21n, 5),
    ])
    const d = deps()
    const t = await arbiterTrust(fold, ARB, d)
    assert.deepEqual(d.asked.resolved, [[20n]])
    assert.deepEqual(t.valueDecided, [{ currency: USD_C, amount: 7_000_000n }])
  })

  it('unregistered arbiters leave the list; the block time comes from the log when the node gave it', async () => {
    const fold = new TrustFold()
    fold.add(logs)
    fold.add([{ ...at(), kind: 'unregistered', arbiter: ARB2 }])
    assert.deepEqual(
      (await registeredArbiters(fold, deps())).map((a) => a.address),
      [ARB],
    )
    const timed = new TrustFold()
    timed.add([{ ...list(1n), time: 1_234 }])
    const d = deps()
    assert.equal((await trustSummary(timed, SELLER, d)).firstSeen, 1_234)
    assert.deepEqual(d.asked.times, [])
  })
})
