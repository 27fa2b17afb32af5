/** Listing windows (contracts v3): the limits, the sell form's check, and durations in words in both languages. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  DAY,
  HOUR,
  MAX_WINDOW,
  MIN_CONFIRM_WINDOW,
  MIN_DISPUTE_WINDOW,
  MIN_REVEAL_WINDOW,
  checkWindows,
  durationWords,
  minimumWindow,
  windowsAtMinimum,
} from '../../src/services/windows.ts'

test('the limits are the contract’s', () => {
  assert.equal(MIN_REVEAL_WINDOW, 3_600)
  assert.equal(MIN_CONFIRM_WINDOW, 86_400)
  assert.equal(MIN_DISPUTE_WINDOW, 86_400)
  assert.equal(MAX_WINDOW, 365 * 86_400)
  assert.deepEqual((['reveal', 'confirm', 'dispute'] as const).map(minimumWindow), [
    MIN_REVEAL_WINDOW,
    MIN_CONFIRM_WINDOW,
    MIN_DISPUTE_WINDOW,
  ])
})

test('exactly the minimum and exactly the maximum pass; one second less or more is refused', () => {
  const ok = { reveal: MIN_REVEAL_WINDOW, confirm: MIN_CONFIRM_WINDOW, dispute: MIN_DISPUTE_WINDOW }
  assert.deepEqual(checkWindows(ok), [])
  assert.deepEqual(checkWindows({ reveal: MAX_WINDOW, confirm: MAX_WINDOW, dispute: MAX_WINDOW }), [])
  const short = checkWindows({ reveal: MIN_REVEAL_WINDOW - 1, confirm: MIN_CONFIRM_WINDOW - 1, dispute: DAY - 1 })
  assert.deepEqual(
    short.map((p) => [p.kind, p.reason, p.min]),
    [
      ['reveal', 'too-short', 3_600],
      ['confirm', 'too-short', 86_400],
      ['dispute', 'too-short', 86_400],
    ],
  )
  const long = checkWindows({ reveal: MAX_WINDOW + 1, confirm: MAX_WINDOW + 1, dispute: MAX_WINDOW + 1 })
  assert.deepEqual(
    long.map((p) => [p.kind, p.reason, p.max]),
    [
      ['reveal', 'too-long', MAX_WINDOW],
      ['confirm', 'too-long', MAX_WINDOW],
      ['dispute', 'too-long', MAX_WINDOW],
    ],
  )
})

test('a buy-now listing has no reveal window; the dispute window meets the chosen arbiters’ minimum', () => {
  assert.deepEqual(checkWindows({ confirm: DAY, dispute: DAY }), [])
  const arbiterMinDispute = 3 * DAY
  assert.deepEqual(checkWindows({ confirm: DAY, dispute: 3 * DAY }, { arbiterMinDispute }), [])
  const [p] = checkWindows({ confirm: DAY, dispute: 3 * DAY - 1 }, { arbiterMinDispute })
  assert.deepEqual(p, { kind: 'dispute', reason: 'too-short', min: 3 * DAY, max: MAX_WINDOW })
  // an arbiter's smaller minimum never lowers the contract's
  assert.equal(checkWindows({ confirm: DAY, dispute: DAY - 1 }, { arbiterMinDispute: HOUR })[0]?.min, DAY)
})

test('fractions, NaN, infinities and negatives are not windows', () => {
  for (const bad of [DAY + 0.5, Number.NaN, Infinity, -Infinity])
    assert.equal(checkWindows({ confirm: bad, dispute: DAY })[0]?.reason, 'whole', String(bad))
  assert.equal(checkWindows({ confirm: -1, dispute: DAY })[0]?.reason, 'too-short')
})

test('windows at the minimum: exactly at it (or below, for an older listing), not one second above', () => {
  assert.deepEqual(windowsAtMinimum({ reveal: HOUR, confirm: DAY, dispute: DAY }), ['reveal', 'confirm', 'dispute'])
  assert.deepEqual(windowsAtMinimum({ reveal: HOUR + 1, confirm: DAY + 1, dispute: DAY + 1 }), [])
  assert.deepEqual(windowsAtMinimum({ reveal: 1, confirm: 2 * DAY, dispute: 2 * DAY }), ['reveal'])
  assert.deepEqual(windowsAtMinimum({ confirm: 2 * DAY, dispute: DAY }), ['dispute'])
})

test('durations in English words', () => {
  const en = (s: number, units?: number) => durationWords(s, 'en', units === undefined ? {} : { units })
  assert.equal(en(HOUR), '1 hour')
  assert.equal(en(2 * HOUR), '2 hours')
  assert.equal(en(DAY), '1 day')
  assert.equal(en(2 * DAY), '2 days')
  assert.equal(en(DAY + 6 * HOUR), '1 day 6 hours')
  assert.equal(en(DAY - 1), '23 hours 59 minutes')
  assert.equal(en(HOUR - 1), '59 minutes 59 seconds')
  assert.equal(en(90), '1 minute 30 seconds')
  assert.equal(en(1), '1 second')
  assert.equal(en(0), '0 seconds')
  assert.equal(en(-5), '0 seconds')
  assert.equal(en(Number.NaN), '0 seconds')
  assert.equal(en(MAX_WINDOW), '365 days')
  // what is left below the named units is dropped, never shown out of order
  assert.equal(en(DAY + 2 * HOUR + 5 * 60), '1 day 2 hours')
  assert.equal(en(DAY + 30), '1 day')
  assert.equal(en(DAY + 6 * HOUR, 1), '1 day')
  assert.equal(en(DAY + 6 * HOUR + 60, 3), '1 day 6 hours 1 minute')
})

test('durations in Chinese words', () => {
  assert.equal(durationWords(HOUR, 'zh-Hans'), '1 小时')
  assert.equal(durationWords(2 * DAY, 'zh-Hans'), '2 天')
  assert.equal(durationWords(DAY + 6 * HOUR, 'zh-Hans'), '1 天 6 小时')
  assert.equal(durationWords(DAY - 1, 'zh-Hans'), '23 小时 59 分钟')
  assert.equal(durationWords(5, 'zh-CN'), '5 秒')
  assert.equal(durationWords(0, 'zh-Hans'), '0 秒')
})
