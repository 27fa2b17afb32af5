/**
 * The relay as a real child process: ready line, /health and /metrics, restart keeps identity and pinned
 * media, relays form one network and a client that knows one relay learns the others.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import type { SoukNode } from '../../src/p2p/node.ts'
import { waitFor, within } from '../helpers/wait.ts'
import { client, health, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

describe('relay process', { concurrency: true }, () => {
  const cleanup: (() => Promise<unknown>)[] = []
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('prints a ready line and serves /health and /metrics', async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    const relay = await startRelay({ dataDir: dir.path })
    cleanup.push(() => relay.proc.stop())
    assert.match(relay.peerId, /^12D3Koo/)
    assert.ok(relay.wsAddr.endsWith(`/ws/p2p/${relay.peerId}`), relay.wsAddr)
    const h = await health(relay.http)
    assert.equal(h.ok, true)
    assert.equal(h.peerId, relay.peerId)
    assert.equal(await metric(relay.http, 'souk_relay_max_reservations'), 2048)
    const node = await client([relay.wsAddr])
    cleanup.push(() => node.stop())
    await waitFor(
      'the relay to count the reservation',
      async () => (await metric(relay.http, 'souk_relay_reservations')) === 1,
    )
    assert.equal(await metric(relay.http, 'souk_relay_peers'), 1)
    await waitFor(
      'the client to show up as a gossipsub peer',
      async () => (await metric(relay.http, 'souk_relay_pubsub_peers')) === 1,
    )
    assert.ok((await metric(relay.http, 'process_resident_memory_bytes')) > 10_000_000)
    const res = await fetch(`${relay.http}/nope`)
    assert.equal(res.status, 404)
    await node.stop()
  })

  test('a restart keeps its peer id and pinned media; SIGTERM exits 0', async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    const first = await startRelay({ dataDir: dir.path })
    cleanup.push(() => first.proc.stop())
    const seller = await client([first.wsAddr])
    const media = new MediaStore(seller)
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 31) % 251)
    const cid = await media.addBytes(bytes)
    const outcomes = await media.pin([cid])
    assert.equal(outcomes[0]?.results?.[0]?.status, 'pinned')
    assert.equal(await metric(first.http, 'souk_relay_pinned_bytes'), 200_000)
    await seller.stop()

    await first.proc.stop('SIGTERM')
    assert.equal(await first.proc.exited, 0, `relay exit code; output:\n${first.proc.output()}`)

    const second = await startRelay({ dataDir: dir.path })
    cleanup.push(() => second.proc.stop())
    assert.equal(second.peerId, first.peerId)
    assert.equal(await metric(second.http, 'souk_relay_pinned_bytes'), 200_000)
    // a new client that never had the bytes gets them from the restarted relay
    const buyer = await client([second.wsAddr], { reservation: false })
    cleanup.push(() => buyer.stop())
    await waitFor('the buyer to connect to the relay', () => buyer.status.snapshot.relays.some((r) => r.connected))
    const got = await within(
      'the pinned file from the restarted relay',
      new MediaStore(buyer).fetch(CID.parse(cid.toString())),
      15_000,
    )
    assert.deepEqual(got, bytes)
    assert.equal((await unixfs(buyer.helia).stat(cid)).size, 200_000n)
  })

  describe('several relays', { concurrency: 1 }, () => {
    const relays: Relay[] = []
    let browser: SoukNode | undefined
    before(async () => {
      const dirs = await Promise.all([tempDir(), tempDir(), tempDir()])
      cleanup.push(...dirs.map((d) => d.remove))
      // B and C were only told about A, and A about nobody: each must learn the others
      relays.push(await startRelay({ dataDir: dirs[0]!.path, name: 'relayA' }))
      const bootstrap = [relays[0]!.wsAddr]
      relays.push(
        ...(await Promise.all([
          startRelay({ dataDir: dirs[1]!.path, name: 'relayB', bootstrap }),
          startRelay({ dataDir: dirs[2]!.path, name: 'relayC', bootstrap }),
        ])),
      )
      cleanup.push(...relays.map((r) => () => r.proc.stop()))
    })

    test('relays find and connect to each other beyond their bootstrap list', async () => {
      const [a, , c] = relays as [Relay, Relay, Relay]
      await waitFor(
        'relay A to connect to relay C (learnt through B)',
        async () => {
          const h = await health(a.http)
          return h.relays.some((r) => r.peerId === c.peerId && r.connected)
        },
        { timeout: 20_000, interval: 200 },
      )
      await waitFor(
        'relay C to see both others',
        async () => (await metric(c.http, 'souk_relay_relays_connected')) === 2,
        {
          timeout: 20_000,
          interval: 200,
        },
      )
    })

    test('a client that knows one relay learns the others and connects to them', async () => {
      const [a, b, c] = relays as [Relay, Relay, Relay]
      browser = await client([a.wsAddr])
      cleanup.push(() => browser!.stop())
      await waitFor(
        'the client to connect to relays B and C it was never told about',
        () => {
          const connected = new Set(browser!.status.snapshot.relays.filter((r) => r.connected).map((r) => r.peerId))
          return connected.has(b.peerId) && connected.has(c.peerId)
        },
        { timeout: 20_000, interval: 100 },
      )
      await waitFor('reservations on two relays', () => browser!.status.snapshot.reservations >= 2, { timeout: 20_000 })
      assert.equal(browser.status.snapshot.status, 'online')
    })
  })
})
