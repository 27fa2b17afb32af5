/**
 * Issue #24, finding 6, against a real relay process: attackers on four other addresses keep every pin slot
 * busy with pins of CIDs nobody has (each used to hold its slot for the whole block timeout), and an honest
 * seller's pin still completes within 10 s. Slots are shared per address (at most 2 running, the rest queued
 * round-robin, a bounded queue per address), and a pin whose asker does not send its root block fails fast.
 *
 * Each attacker address is a 127.0.0.x loopback address of its own, dialled from a child process
 * (test/unit/fixtures/pin-flooder.ts binds its WebSockets there), so the relay sees distinct source IPs.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  ROOT,
  spawnReady,
  startRelay,
  killChildrenOnExit,
  type ManagedProcess,
  type Relay,
} from '../../scripts/lib/processes.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { FairQueue, type QueueFullError } from '../../src/relay/fair-queue.ts'
import { requestPin } from '../../src/p2p/pin-protocol.ts'
import type { SoukNode } from '../../src/p2p/node.ts'
import { waitFor, within } from '../helpers/wait.ts'
import { client, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const ATTACKER_IPS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']
const QUEUE_PER_IP = 4

describe('pin slots under a flood of unknown CIDs from other addresses', () => {
  const cleanup: (() => Promise<unknown>)[] = []
  let relay: Relay
  let seller: SoukNode
  const flooders: ManagedProcess[] = []

  before(async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    // product limits: 8 pin slots, 10 s per block; the per-address queue is smaller so the refusal shows
    relay = await startRelay({
      dataDir: dir.path,
      name: 'pin-fairness',
      env: { SOUK_RELAY_PIN_QUEUE_PER_IP: String(QUEUE_PER_IP) },
    })
    cleanup.push(() => relay.proc.stop())
    seller = await client([relay.wsAddr], { reservation: false })
    cleanup.push(() => seller.stop())
    await waitFor('the seller to connect', () => seller.status.snapshot.relays.some((r) => r.connected))
  })
  after(async () => {
    for (const f of flooders) await f.stop().catch(() => {})
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('an honest pin completes within 10 s while four addresses flood the slots', async (t) => {
    const media = new MediaStore(seller)
    const photo = await media.addBytes(new Uint8Array(600_000).map((_, i) => (i * 31) % 253))
    const started = await Promise.all(
      ATTACKER_IPS.map((ip) =>
        spawnReady({
          name: `flooder-${ip}`,
          command: process.execPath,
          args: [join(ROOT, 'test', 'unit', 'fixtures', 'pin-flooder.ts')],
          env: { BIND_IP: ip, RELAY_ADDR: relay.wsAddr, RELAY_PEER_ID: relay.peerId, PEERS: '2', STREAMS: '4' },
          ready: (line) => (line.includes('"ready"') ? true : undefined),
        }),
      ),
    )
    flooders.push(...started.map((s) => s.proc))
    await waitFor(
      'the flood to keep every pin slot busy',
      async () => (await metric(relay.http, 'souk_relay_pins_fetching')) >= 8,
      { timeout: 20_000, interval: 100 },
    )

    const t0 = Date.now()
    const [result] = await within(
      'the honest pin',
      requestPin(seller.libp2p, peerIdFromString(relay.peerId), [photo], { timeoutMs: 60_000 }),
      25_000,
    )
    const ms = Date.now() - t0
    t.diagnostic(`honest pin under the flood: ${ms} ms, ${JSON.stringify(result)}`)
    assert.equal(result?.status, 'pinned', JSON.stringify(result))
    assert.ok(ms < 10_000, `the honest pin took ${ms} ms`)

    // the attackers' pins failed fast (their asker never sent a root block) or were refused at the queue
    await waitFor(
      'the relay to refuse pins beyond the per-address queue',
      async () => (await metric(relay.http, 'souk_relay_pins_rejected_total', { reason: 'queue full' })) >= 1,
      { timeout: 15_000, interval: 200 },
    )
    // each flooder's pin fails once its probe (2 s) finds no root block from the asker
    await waitFor(
      "the flooders' pins to be refused as not provided",
      async () => (await metric(relay.http, 'souk_relay_pins_rejected_total', { reason: 'not provided' })) >= 4,
      { timeout: 15_000, interval: 200 },
    )
    // each address held at most its share of the slots throughout (sampled now)
    assert.ok((await metric(relay.http, 'souk_relay_pins_fetching')) <= 8)
    for (const f of flooders) await f.stop()
    const counts = flooders.map(
      (f) =>
        f
          .output()
          .split('\n')
          .find((l) => l.includes('"counts"')) ?? '(none)',
    )
    t.diagnostic(`flooders: ${counts.join(' | ')}`)
  })
})

describe('the fair queue behind the pin slots', () => {
  /** A job that runs until `release` is called for its name. */
  function harness(options: ConstructorParameters<typeof FairQueue>[0]) {
    const queue = new FairQueue(options)
    const started: string[] = []
    const releases = new Map<string, () => void>()
    const add = (key: string, name: string, signal = new AbortController().signal): Promise<string> =>
      queue.add(
        key,
        () =>
          new Promise<string>((resolve) => {
            started.push(name)
            releases.set(name, () => resolve(name))
          }),
        { signal },
      )
    const release = async (name: string): Promise<void> => {
      releases.get(name)!()
      await new Promise((resolve) => setImmediate(resolve))
    }
    return { queue, started, add, release }
  }

  test('a free slot goes round-robin to the addresses that wait, each below its share', async () => {
    const { queue, started, add, release } = harness({ concurrency: 2, perKey: 1, queuedPerKey: 8, maxQueued: 64 })
    const done = ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'].map((n) => add(n[0]!, n))
    assert.deepEqual(started, ['a1', 'b1'], 'one per address at once')
    assert.equal(queue.queued, 4)
    await release('a1')
    assert.deepEqual(started.slice(2), ['c1'], 'c never ran: its turn before a again')
    await release('c1')
    await release('b1')
    assert.deepEqual(started.slice(3), ['a2', 'b2'])
    for (const n of ['a2', 'b2']) await release(n)
    await release('a3')
    assert.deepEqual(await Promise.all(done), ['a1', 'a2', 'a3', 'b1', 'b2', 'c1'])
    assert.equal(queue.running + queue.queued, 0)
  })

  test('each address and the whole queue are bounded; a request that gives up leaves the queue', async () => {
    const { queue, add, release } = harness({ concurrency: 1, perKey: 1, queuedPerKey: 2, maxQueued: 3 })
    const first = add('a', 'a1')
    const waiting = [add('a', 'a2'), add('a', 'a3')]
    await assert.rejects(add('a', 'a4'), (err: QueueFullError) => err.scope === 'key' && /queue full/.test(err.message))
    const gaveUp = new AbortController()
    const b1 = add('b', 'b1', gaveUp.signal)
    await assert.rejects(add('c', 'c1'), (err: QueueFullError) => err.scope === 'all')
    gaveUp.abort(new Error('the asker went away'))
    await assert.rejects(b1, /went away/)
    assert.equal(queue.queued, 2)
    await release('a1')
    await release('a2')
    await release('a3')
    assert.deepEqual(await Promise.all([first, ...waiting]), ['a1', 'a2', 'a3'])
  })
})
