/** The listing page's trust warnings (issue #25): each rule at its limits, and the order they come in. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ArbiterTrust, TrustSummary } from '../../src/services/trust-types.ts'
import { NEW_ARBITER_AGE, dustPerCase, trustWarnings } from '../../src/services/trust-warnings.ts'
import { DAY, HOUR } from '../../src/services/windows.ts'

const ETH = { id: 'ETH' as const, symbol: 'ETH', decimals: 18 }
const TUSD = { id: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const, symbol: 'TUSD', decimals: 6 }
const SELLER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const
const A = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as const
const B = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' as const
const NOW = 1_800_000_000
const WINDOWS = { reveal: DAY, confirm: 3 * DAY, dispute: 3 * DAY }

function seller(over: Partial<TrustSummary> = {}): TrustSummary {
  return {
    address: SELLER,
    ratings: { count: 0, positive: 0, neutral: 0, negative: 0, sharePositive: undefined, weighted: [] },
    completedSales: 5,
    salesValue: [{ currency: ETH, amount: 10n ** 18n }],
    completedPurchases: 0,
    counterparties: 5,
    firstSeen: NOW - 400 * DAY,
    ...over,
  }
}

function arbiter(over: Partial<ArbiterTrust> = {}): ArbiterTrust {
  return {
    address: A,
    registered: true,
    minFeeBps: 100,
    minDisputeWindow: DAY,
    registeredAt: NOW - 200 * DAY,
    metadataCid: '',
    profile: undefined,
    recommended: false,
    disputes: 4,
    decidedForBuyer: 2,
    decidedForSeller: 1,
    decidedSplit: 1,
    timedOut: 0,
    settledByParties: 0,
    valueDecided: [{ currency: ETH, amount: 4n * 10n ** 17n }],
    listings: 40,
    sellers: 12,
    ratings: { count: 0, positive: 0, neutral: 0, negative: 0, sharePositive: undefined, weighted: [] },
    ...over,
  }
}

const kinds = (input: Parameters<typeof trustWarnings>[0]) =>
  trustWarnings(input).map((w) => `${w.kind}:${w.about ?? ''}`)

test('an established seller with an established arbiter and roomy windows: no warning', () => {
  assert.deepEqual(trustWarnings({ seller: seller(), arbiters: [arbiter()], windows: WINDOWS, now: NOW }), [])
})

test('no-sales: a seller with no completed sale', () => {
  assert.deepEqual(
    kinds({ seller: seller({ completedSales: 0 }), arbiters: [arbiter()], windows: WINDOWS, now: NOW }),
    [`no-sales:${SELLER}`],
  )
})

test('new-arbiter: under 30 days and no decided case; exactly 30 days or one decided case is not new', () => {
  const fresh = { registeredAt: NOW - NEW_ARBITER_AGE + 1, decidedForBuyer: 0, decidedForSeller: 0, decidedSplit: 0 }
  const w = (over: Partial<ArbiterTrust>) =>
    kinds({ seller: seller(), arbiters: [arbiter(over)], windows: WINDOWS, now: NOW })
  assert.deepEqual(w({ ...fresh, valueDecided: [] }), [`new-arbiter:${A}`])
  assert.deepEqual(w({ ...fresh, registeredAt: NOW - NEW_ARBITER_AGE, valueDecided: [] }), [])
  assert.deepEqual(w({ ...fresh, decidedSplit: 1 }), [])
  // timed-out or settled cases are not decisions
  assert.deepEqual(w({ ...fresh, timedOut: 3, settledByParties: 2, valueDecided: [] }), [`new-arbiter:${A}`])
  // never registered: its age is unknown, so it is new
  assert.deepEqual(w({ ...fresh, registeredAt: 0, valueDecided: [] }), [`new-arbiter:${A}`])
})

test('dust-record: the value decided per decided case below the threshold, currencies measured each by its own', () => {
  const w = (over: Partial<ArbiterTrust>) =>
    kinds({ seller: seller(), arbiters: [arbiter(over)], windows: WINDOWS, now: NOW })
  const unit = dustPerCase(ETH)
  assert.equal(unit, 5n * 10n ** 15n)
  assert.equal(dustPerCase(TUSD), 10_000_000n)
  // 4 decided cases: exactly 4 thresholds is enough, one wei less is dust
  assert.deepEqual(w({ valueDecided: [{ currency: ETH, amount: 4n * unit }] }), [])
  assert.deepEqual(w({ valueDecided: [{ currency: ETH, amount: 4n * unit - 1n }] }), [`dust-record:${A}`])
  // a 1-wei self-dealt case escaping "new arbiter"
  assert.deepEqual(
    w({
      registeredAt: NOW - DAY,
      decidedForBuyer: 1,
      decidedForSeller: 0,
      decidedSplit: 0,
      valueDecided: [{ currency: ETH, amount: 1n }],
    }),
    [`dust-record:${A}`],
  )
  // 2 thresholds of ETH and 2 of TUSD cover 4 cases
  assert.deepEqual(
    w({
      valueDecided: [
        { currency: ETH, amount: 2n * unit },
        { currency: TUSD, amount: 20_000_000n },
      ],
    }),
    [],
  )
  // huge values do not lose the comparison to floating point
  assert.deepEqual(w({ valueDecided: [{ currency: ETH, amount: 2n ** 127n }] }), [])
  // no decided case: nothing to measure
  assert.deepEqual(w({ decidedForBuyer: 0, decidedForSeller: 0, decidedSplit: 0, valueDecided: [] }), [])
  // a deployment's own thresholds
  assert.deepEqual(
    kinds({ seller: seller(), arbiters: [arbiter()], windows: WINDOWS, now: NOW, dust: () => 10n ** 18n }),
    [`dust-record:${A}`],
  )
})

test('closed-circle: only this seller ever named the arbiter, over more than one listing', () => {
  const w = (a: Partial<ArbiterTrust>[], s: Partial<TrustSummary> = {}) =>
    kinds({ seller: seller(s), arbiters: a.map(arbiter), windows: WINDOWS, now: NOW })
  assert.deepEqual(w([{ sellers: 1, listings: 2 }]), [`closed-circle:${A}`])
  assert.deepEqual(w([{ sellers: 1, listings: 1 }]), [])
  assert.deepEqual(w([{ sellers: 2, listings: 30 }]), [])
  // the seller's listings named only this arbiter: a circle; it also named an arbiter others use: not closed
  assert.deepEqual(w([{ sellers: 1, listings: 9 }], { arbitersNamed: [A.toLowerCase() as `0x${string}`] }), [
    `closed-circle:${A}`,
  ])
  assert.deepEqual(w([{ sellers: 1, listings: 9 }], { arbitersNamed: [A, B] }), [])
  // two socks in the same set are still a circle
  assert.deepEqual(
    w(
      [
        { sellers: 1, listings: 9 },
        { address: B, sellers: 1, listings: 9 },
      ],
      { arbitersNamed: [A, B] },
    ),
    [`closed-circle:${A}`, `closed-circle:${B}`],
  )
})

test('minimum-windows: exactly at the minimum warns and names the windows; one second more does not', () => {
  const w = (windows: { reveal?: number; confirm: number; dispute: number }) =>
    trustWarnings({ seller: seller(), arbiters: [arbiter()], windows, now: NOW })
  assert.deepEqual(w({ reveal: HOUR, confirm: 2 * DAY, dispute: 2 * DAY }), [
    { kind: 'minimum-windows', windows: ['reveal'] },
  ])
  assert.deepEqual(w({ reveal: HOUR + 1, confirm: DAY + 1, dispute: DAY + 1 }), [])
  assert.deepEqual(w({ confirm: DAY, dispute: DAY }), [{ kind: 'minimum-windows', windows: ['confirm', 'dispute'] }])
})

test('the order: seller, then each arbiter in the set’s order, then the windows', () => {
  const got = kinds({
    seller: seller({ completedSales: 0 }),
    arbiters: [
      arbiter({ address: B, registeredAt: NOW - DAY, decidedForBuyer: 0, decidedForSeller: 0, decidedSplit: 0 }),
      arbiter({ valueDecided: [], sellers: 1, listings: 3 }),
    ],
    windows: { reveal: HOUR, confirm: DAY, dispute: DAY },
    now: NOW,
  })
  assert.deepEqual(got, [
    `no-sales:${SELLER}`,
    `new-arbiter:${B}`,
    `dust-record:${A}`,
    `closed-circle:${A}`,
    'minimum-windows:',
  ])
})
