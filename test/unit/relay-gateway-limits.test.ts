/**
 * The gateway's pure parts (src/relay/gateway-headers.ts, src/relay/gateway-limits.ts): which address a request
 * counts against, the slots, the read gate, Range and If-None-Match parsing. The relay process itself is
 * in relay-gateway-attack.test.ts.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { clientAddress, Gate, GatewaySlots, untilAborted } from '../../src/relay/gateway-limits.ts'
import { noneMatch, parseRange, pickFormat } from '../../src/relay/gateway-headers.ts'
import { waitFor } from '../helpers/wait.ts'

const req = (remoteAddress: string, forwarded?: string): IncomingMessage =>
  ({
    socket: { remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage

describe('gateway limits', () => {
  test('a request counts against its address; X-Forwarded-For only from a loopback or private proxy', () => {
    assert.equal(clientAddress(req('203.0.113.7')), '203.0.113.7')
    assert.equal(clientAddress(req('::ffff:203.0.113.7')), '203.0.113.7')
    assert.equal(clientAddress(req('203.0.113.7', '198.51.100.1')), '203.0.113.7', 'a stranger cannot pick its address')
    assert.equal(clientAddress(req('127.0.0.1', '198.51.100.1')), '198.51.100.1')
    assert.equal(clientAddress(req('172.17.0.1', 'spoofed, 198.51.100.2')), '198.51.100.2', 'the entry the proxy added')
    assert.equal(clientAddress(req('127.0.0.1', 'not an address')), '127.0.0.1')
    // IPv6 by /64: one subscriber's block
    assert.equal(clientAddress(req('2001:db8:1:2:aaaa::1')), '2001:db8:1:2::/64')
    assert.equal(clientAddress(req('2001:db8:1:2::ffff')), '2001:db8:1:2::/64')
    assert.equal(clientAddress(req('2001:db8::1')), '2001:db8:0:0::/64')
    assert.equal(clientAddress(req('::1', '2001:db8:0:7::9')), '2001:db8:0:7::/64')
  })

  test('slots: per address first, then in all; a release frees exactly one, once', () => {
    const slots = new GatewaySlots({ perIp: 2, max: 3 })
    const a1 = slots.take('a')
    const a2 = slots.take('a')
    assert.equal(slots.take('a'), 'per_ip')
    const b1 = slots.take('b')
    assert.equal(slots.take('c'), 'total')
    assert.equal(slots.take('a'), 'per_ip', 'the address at its cap hears 429, not 503')
    assert.equal(slots.active, 3)
    assert.ok(typeof a1 === 'function' && typeof a2 === 'function' && typeof b1 === 'function')
    a1()
    a1()
    assert.equal(slots.active, 2)
    assert.equal(typeof slots.take('c'), 'function')
  })

  test('the read gate runs at most its limit at once and drops a waiter whose signal aborts', async () => {
    const gate = new Gate(2)
    let running = 0
    let peak = 0
    const opens: (() => void)[] = []
    const task = async (): Promise<void> => {
      running++
      peak = Math.max(peak, running)
      await new Promise<void>((resolve) => opens.push(resolve))
      running--
    }
    const signal = new AbortController().signal
    const done = [gate.run(task, signal), gate.run(task, signal)]
    const aborter = new AbortController()
    const dropped = gate.run(task, aborter.signal)
    const third = gate.run(task, signal)
    aborter.abort(new Error('gone'))
    await assert.rejects(dropped, /gone/)
    await waitFor('two reads to start', () => opens.length >= 2)
    opens.splice(0).forEach((open) => open())
    await Promise.all(done)
    await waitFor('the third read to start', () => opens.length >= 1)
    opens.splice(0).forEach((open) => open())
    await third
    assert.equal(peak, 2)
  })

  test('a read that never ends gives up when its signal aborts', async () => {
    const aborter = new AbortController()
    const hung = untilAborted(new Promise<never>(() => {}), aborter.signal)
    aborter.abort(new Error('deadline'))
    await assert.rejects(hung, /deadline/)
    assert.equal(await untilAborted(Promise.resolve(7), new AbortController().signal), 7)
  })

  test('the format: ?format= wins, then Accept by q', () => {
    assert.equal(pickFormat('car', 'application/vnd.ipld.raw'), 'car')
    assert.equal(pickFormat(null, 'application/vnd.ipld.raw;q=0.5, application/vnd.ipld.car'), 'car')
    assert.equal(pickFormat(null, 'text/html'), undefined)
    assert.equal(pickFormat('tar', undefined), undefined)
  })

  test('Range: one range of bytes, else the whole body; 416 past the end', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 })
    assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 })
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 })
    assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 })
    assert.deepEqual(parseRange('bytes=50-5000', 100), { start: 50, end: 99 })
    assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable')
    assert.equal(parseRange('bytes=100-200', 100), 'unsatisfiable')
    assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable')
    for (const whole of [undefined, '', 'bytes=0-1,3-4', 'bytes=9-2', 'bytes=-', 'items=0-1', 'bytes=a-b'])
      assert.equal(parseRange(whole, 100), undefined, String(whole))
  })

  test('If-None-Match: a list, weak tags and *', () => {
    const etag = '"bafy.raw"'
    assert.equal(noneMatch(undefined, etag), false)
    assert.equal(noneMatch('"bafy.raw"', etag), true)
    assert.equal(noneMatch('"a", "bafy.raw"', etag), true)
    assert.equal(noneMatch('W/"bafy.raw"', etag), true)
    assert.equal(noneMatch(' * ', etag), true)
    assert.equal(noneMatch('"a","b"', etag), false)
    assert.equal(noneMatch('bafy.raw', etag), false, 'an unquoted tag is not a tag')
  })
})
