/**
 * Issue #15, weaknesses 2 and 4, against real relay processes: throwaway peer ids from one address cannot
 * hoard reservations (capped per IP, freed when the peer leaves, so the next honest peer gets one) nor reset
 * the pin quota (charged per IP too), and a relay stops pinning at its global cap.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { subnetOf } from '../../src/relay/reservations.ts'
import { waitFor } from '../helpers/wait.ts'
import { client, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

// one after the other: the global-cap test's seller must not take one of the two reservations of the first
describe('sybils on one address', { concurrency: 1 }, () => {
  const cleanup: (() => Promise<unknown>)[] = []
  let capped: Relay
  let quota: Relay
  before(async () => {
    const dirs = await Promise.all([tempDir(), tempDir()])
    cleanup.push(...dirs.map((d) => d.remove))
    ;[capped, quota] = await Promise.all([
      startRelay({
        dataDir: dirs[0]!.path,
        name: 'capped',
        extraArgs: ['--reservations-per-ip', '2', '--total-quota-bytes', '50000'],
      }),
      startRelay({
        dataDir: dirs[1]!.path,
        name: 'quota',
        extraArgs: ['--max-file-bytes', '100000', '--peer-quota-bytes', '100000', '--ip-quota-bytes', '150000'],
      }),
    ])
    cleanup.push(
      () => capped.proc.stop(),
      () => quota.proc.stop(),
    )
  })
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('reservations are capped per IP and freed when their peer disconnects', async () => {
    const a = await client([capped.wsAddr])
    const b = await client([capped.wsAddr])
    cleanup.push(
      () => a.stop(),
      () => b.stop(),
    )
    // a third peer id from the same address is refused
    const c = await client([capped.wsAddr], { reservation: false })
    cleanup.push(() => c.stop())
    await waitFor(
      'the relay to refuse a third reservation from 127.0.0.1',
      async () => (await metric(capped.http, 'souk_relay_reservations_refused_total', { reason: 'per_ip' })) >= 1,
      { timeout: 15_000 },
    )
    assert.equal(await metric(capped.http, 'souk_relay_reservations'), 2)
    await c.stop()

    // one leaves: its reservation is freed at once (not after libp2p's two-hour TTL), and a new peer gets it
    await a.stop()
    await waitFor(
      'the reservation of the peer that left to be freed',
      async () => (await metric(capped.http, 'souk_relay_reservations')) === 1,
      { timeout: 10_000 },
    )
    assert.ok((await metric(capped.http, 'souk_relay_reservations_freed_total')) >= 1)
    const d = await client([capped.wsAddr])
    cleanup.push(() => d.stop())
    await waitFor(
      'the newcomer to hold the freed reservation',
      async () => (await metric(capped.http, 'souk_relay_reservations')) === 2,
    )
  })

  test('the pin quota is charged per IP, so fresh peer ids do not reset it', async () => {
    const first = await client([quota.wsAddr])
    const second = await client([quota.wsAddr])
    cleanup.push(
      () => first.stop(),
      () => second.stop(),
    )
    const m1 = new MediaStore(first)
    const m2 = new MediaStore(second)
    await m1.pin([await m1.addBytes(new Uint8Array(90_000).fill(1))])
    // a new peer id from the same address: its own quota is untouched, the address's is not
    await assert.rejects(m2.pin([await m2.addBytes(new Uint8Array(70_000).fill(2))]), /quota exceeded/)
    await m2.pin([await m2.addBytes(new Uint8Array(50_000).fill(3))])
    await assert.rejects(m2.pin([await m2.addBytes(new Uint8Array(20_000).fill(4))]), /quota exceeded/)
    assert.equal(await metric(quota.http, 'souk_relay_pins_rejected_total', { reason: 'quota exceeded' }), 2)
    assert.equal(await metric(quota.http, 'souk_relay_pinned_bytes'), 140_000)
  })

  test('a relay at its global pin cap refuses new media', async () => {
    const seller = await client([capped.wsAddr], { reservation: false })
    cleanup.push(() => seller.stop())
    await waitFor('the seller to connect', () => seller.status.snapshot.relays.some((r) => r.connected))
    const media = new MediaStore(seller)
    await media.pin([await media.addBytes(new Uint8Array(30_000).fill(5))])
    await assert.rejects(media.pin([await media.addBytes(new Uint8Array(30_000).fill(6))]), /relay full/)
    assert.equal(await metric(capped.http, 'souk_relay_pinned_bytes'), 30_000)
  })

  test('subnets: /24 for IPv4, /48 for IPv6', () => {
    assert.equal(subnetOf('203.0.113.7'), '203.0.113.0/24')
    assert.equal(subnetOf('2001:db8:1:2::5'), '2001:db8:1::/48')
    assert.equal(subnetOf('2001:db8::1'), '2001:db8:0::/48')
  })
})
