/**
 * The sellers' summaries of a page of cards: one request for the page, answers reused, a card's abort stops
 * only its own wait, a failure is not remembered.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SummaryBatcher } from '../../src/services/summary-batcher.ts'
import type { TrustSummary } from '../../src/services/trust-types.ts'

const addr = (n: number): `0x${string}` => `0x${n.toString(16).padStart(40, '0')}`

function summary(address: `0x${string}`, sales: number): TrustSummary {
  return {
    address,
    ratings: { count: 0, positive: 0, neutral: 0, negative: 0, sharePositive: undefined, weighted: [] },
    completedSales: sales,
    salesValue: [],
    completedPurchases: 0,
    counterparties: 0,
    firstSeen: undefined,
  }
}

function source(fail = false) {
  const calls: `0x${string}`[][] = []
  return {
    calls,
    async trustSummaries(addresses: readonly `0x${string}`[]) {
      calls.push([...addresses])
      if (fail) throw new Error('the RPC is down')
      return addresses.map((a) => summary(a, Number.parseInt(a.slice(2), 16)))
    },
  }
}

test('twenty cards naming twelve sellers make one request; answers come back in order and are reused', async () => {
  const src = source()
  const b = new SummaryBatcher(src, { windowMs: 5 })
  const asked = Array.from({ length: 20 }, (_, i) => addr((i % 12) + 1))
  const got = await Promise.all(asked.map((a) => b.get(a)))
  assert.equal(src.calls.length, 1)
  assert.equal(src.calls[0]!.length, 12, 'each seller asked once')
  assert.deepEqual(
    got.map((s) => s.completedSales),
    asked.map((a) => Number.parseInt(a.slice(2), 16)),
  )
  // the listing page opened from a card: from memory, and an address in other letters is the same seller
  assert.equal((await b.get(addr(3).toUpperCase().replace('0X', '0x') as `0x${string}`)).completedSales, 3)
  assert.ok(b.peek(addr(3)))
  assert.equal(src.calls.length, 1)
})

test('answers expire after ttlMs; large pages are split into batches', async () => {
  let now = 0
  const src = source()
  const b = new SummaryBatcher(src, { windowMs: 1, ttlMs: 1_000, maxBatch: 4, now: () => now })
  await Promise.all([1, 2, 3, 4, 5, 6].map((n) => b.get(addr(n))))
  assert.deepEqual(
    src.calls.map((c) => c.length),
    [4, 2],
  )
  now = 999
  await b.get(addr(1))
  assert.equal(src.calls.length, 2)
  now = 1_000
  await b.get(addr(1))
  assert.equal(src.calls.length, 3)
  assert.equal(b.peek(addr(2)), undefined)
})

test("a card's abort stops its wait only; the others get the answer", async () => {
  const src = source()
  const b = new SummaryBatcher(src, { windowMs: 5 })
  const controller = new AbortController()
  const first = b.get(addr(7), { signal: controller.signal })
  const second = b.get(addr(7))
  controller.abort()
  await assert.rejects(first, { name: 'AbortError' })
  assert.equal((await second).completedSales, 7)
  assert.equal(src.calls.length, 1)
  const already = new AbortController()
  already.abort()
  assert.throws(() => b.get(addr(8), { signal: already.signal }), { name: 'AbortError' })
})

test('a failed request rejects every waiter and is not remembered', async () => {
  const failing = source(true)
  const b = new SummaryBatcher(failing, { windowMs: 1 })
  await assert.rejects(Promise.all([b.get(addr(1)), b.get(addr(2))]), /RPC is down/)
  assert.equal(b.peek(addr(1)), undefined)
  await assert.rejects(b.get(addr(1)), /RPC is down/)
  assert.equal(failing.calls.length, 2, 'asked again')
})
