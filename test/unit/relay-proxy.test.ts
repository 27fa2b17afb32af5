/**
 * A public relay behind the documented reverse proxy (docs/operators.md: Caddy in front of the WebSocket port)
 * sees every browser come from the proxy's loopback address. The per-address reservation caps must not count
 * that address, or all browsers together would get `--reservations-per-ip` reservations. (Development relays,
 * `--allow-private-addrs`, do count loopback: test/unit/relay-sybil.test.ts.)
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { killChildrenOnExit, startRelay } from '../../scripts/lib/processes.ts'
import { client, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()
const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

test('browsers behind a loopback proxy each get a reservation past the per-IP cap', async () => {
  const dir = await tempDir()
  cleanup.push(dir.remove)
  const relay = await startRelay({
    dataDir: dir.path,
    privateAddrs: false,
    extraArgs: ['--reservations-per-ip', '2', '--reservations-per-subnet', '2'],
  })
  cleanup.push(() => relay.proc.stop())
  // each waits until it holds a reservation
  const browsers = await Promise.allSettled(Array.from({ length: 4 }, () => client([relay.wsAddr])))
  for (const b of browsers) if (b.status === 'fulfilled') cleanup.push(() => b.value.stop())
  assert.deepEqual(
    browsers.map((b) => b.status),
    ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
    'a browser behind the proxy got no reservation',
  )
  assert.equal(await metric(relay.http, 'souk_relay_reservations_refused_total', { reason: 'per_ip' }), 0)
  assert.ok((await metric(relay.http, 'souk_relay_reservations')) >= 4)
})
