import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  formatAmount,
  formatCountdown,
  parseAmount,
  readAmount,
  shortAddress,
  currencyOf,
} from '../../src/services/format.ts'
import { chainNow } from '../../src/core/status.ts'
import { parseRoute, href } from '../../src/components/routes.ts'

const ETH = { id: 'ETH' as const, symbol: 'ETH', decimals: 18 }
const TUSD = { id: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const, symbol: 'TUSD', decimals: 6 }

test('amounts: what a person types, to smallest units and back', () => {
  assert.equal(parseAmount('1.5', 18), 1_500_000_000_000_000_000n)
  assert.equal(parseAmount(' 12 ', 6), 12_000_000n)
  for (const bad of ['', 'abc', '-1', '1e3', '0.1234567', '1,2,3', '1.2.3', ',5', '5,'])
    assert.equal(parseAmount(bad, 6), undefined, bad)
  assert.equal(formatAmount(1_500_000_000_000_000_000n, ETH, 'en'), '1.5 ETH')
  assert.equal(formatAmount(1_234_567_890_000n, TUSD, 'en'), '1,234,567.89 TUSD')
  assert.equal(formatAmount(1n, ETH, 'en'), '0 ETH')
  assert.equal(currencyOf('tusd', [ETH, TUSD]), TUSD)
  assert.equal(currencyOf(TUSD.id.toLowerCase(), [ETH, TUSD]), TUSD)
})

test('amounts: the decimal comma of the reader’s locale is taken; a text that could mean two amounts is refused', () => {
  assert.equal(parseAmount('0,3', 18), 300_000_000_000_000_000n)
  assert.equal(parseAmount('0.3', 18), 300_000_000_000_000_000n)
  assert.equal(parseAmount('12,75', 6), 12_750_000n)
  assert.equal(parseAmount('0,300', 6), 300_000n, 'a leading zero: only decimals')
  assert.equal(parseAmount('1,0005', 6), 1_000_500n)
  assert.deepEqual(readAmount('1,000.5', 6), { problem: 'mixed' })
  assert.deepEqual(readAmount('1.000,5', 6), { problem: 'mixed' })
  assert.deepEqual(readAmount('1,000', 6), { problem: 'mixed' }, 'a thousand in English, one in German')
  assert.deepEqual(readAmount('0,1234567', 6), { problem: 'precision' })
  assert.deepEqual(readAmount('abc', 6), { problem: 'invalid' })
})

test('the chain clock: the chain’s time when read plus the device time elapsed since, unknown before a read', () => {
  assert.equal(chainNow(undefined), undefined)
  assert.equal(chainNow({ status: 'connecting' }), undefined)
  // read at device time 1,000,000 ms: the chain said 2,000,000,000 s (the device clock is 23 days behind)
  const s = { status: 'ok' as const, time: 2_000_000_000, timeAt: 1_000_000 }
  assert.equal(chainNow(s, 1_000_000), 2_000_000_000)
  assert.equal(chainNow(s, 1_061_500), 2_000_000_061.5, 'ticks between blocks')
  assert.equal(chainNow(s, 999_000), 2_000_000_000, 'never before the time read')
})

test('countdowns and addresses', () => {
  assert.equal(formatCountdown(65), '01:05')
  assert.equal(formatCountdown(3_661), '01:01:01')
  assert.equal(formatCountdown(2 * 86_400 + 5), '2d 00:00:05')
  assert.equal(formatCountdown(-4), '00:00')
  assert.equal(
    formatCountdown(86_400, (d) => `${d}天`),
    '1天 00:00:00',
  )
  assert.equal(shortAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8'), '0x7099…79C8')
})

test('routes: deep links parse, anything else is not found', () => {
  assert.deepEqual(parseRoute('#/listing/42').params, { id: '42' })
  assert.equal(parseRoute('').name, 'home')
  assert.equal(parseRoute('#/search?q=lamp&category=home').query.get('category'), 'home')
  assert.equal(parseRoute('#/seller/0x70997970C51812dc3A010C7d01b50e0d17dc79C8').name, 'seller')
  assert.equal(parseRoute('#/messages').name, 'messages')
  assert.deepEqual(parseRoute('#/messages/0x70997970C51812dc3A010C7d01b50e0d17dc79C8').params, {
    address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  })
  for (const bad of ['#/listing/abc', '#/listing/1/../2', '#/seller/0x12', '#/messages/0x12', '#/nope'])
    assert.equal(parseRoute(bad).name, 'not-found', bad)
  assert.equal(href('/search', { q: 'brass lamp', category: '', sort: undefined }), '#/search?q=brass+lamp')
})
