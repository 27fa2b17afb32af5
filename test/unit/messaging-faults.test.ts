/**
 * Messaging fault tests against real relay processes (Node devices built with the browser's node factory):
 * offline recipient, relay killed after accepting, sender offline mid-send, partition then heal, hostile
 * envelopes dropped and counted, and relays holding only ciphertext. The same faults in real Chromium:
 * test/browser/messaging/*.test.ts.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { killChildrenOnExit, startRelay, type Relay } from '../../scripts/lib/processes.ts'
import { openEnvelope, sealEnvelope, signPull, type Envelope } from '../../src/core/messaging.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { memoryStorage } from '../../src/p2p/messaging/storage.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { waitFor } from '../helpers/wait.ts'
import { device, deviceKeys, type Device } from '../helpers/messaging.ts'
import { metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

async function relay(
  opts: { bootstrap?: string[]; dir?: string; port?: number; httpPort?: number } = {},
): Promise<Relay & { dir: string }> {
  let dir = opts.dir
  if (!dir) {
    const d = await tempDir('souk-msg-test-')
    cleanup.push(d.remove)
    dir = d.path
  }
  const r = await startRelay({
    dataDir: dir,
    bootstrap: opts.bootstrap,
    port: opts.port,
    httpPort: opts.httpPort,
    extraArgs: ['--gossip-interval-ms', '200'],
  })
  cleanup.push(() => r.proc.stop())
  return { ...r, dir }
}

async function dev(...args: Parameters<typeof device>): Promise<Device> {
  const d = await device(...args)
  cleanup.push(() => d.stop())
  return d
}

const port = (r: Relay): number => Number(/\/tcp\/(\d+)/.exec(r.wsAddr)![1])
const httpPort = (r: Relay): number => Number(new URL(r.http).port)

/** Registers `keys` with the relays (a pull makes a relay learn the device key), then goes offline. */
async function register(relays: string[], keys: Awaited<ReturnType<typeof deviceKeys>>): Promise<void> {
  for (const r of relays) {
    const d = await dev([r], keys, { maxRelays: 1 })
    await d.client.pull()
    await d.stop()
  }
}

const texts = (d: Device): string[] =>
  d.client.conversations().flatMap((c) =>
    d.client
      .thread(c.conv)
      .filter((m) => m.direction === 'in')
      .map((m) => m.text),
  )

describe('messaging faults with real relay processes', { concurrency: false, timeout: 420_000 }, () => {
  test('online recipient gets messages pushed; offline recipient gets every message once when back', async () => {
    const a = await relay()
    const b = await relay({ bootstrap: [a.wsAddr] })
    const [aliceKeys, bobKeys] = [await deviceKeys(1), await deviceKeys(2)]
    const bobStorage = memoryStorage()
    let bob = await dev([b.wsAddr], bobKeys, { storage: bobStorage, maxRelays: 1 })
    await bob.client.pull()
    const alice = await dev([a.wsAddr], aliceKeys, { maxRelays: 1 })
    await waitFor('relay A to know relay B', async () => (await metric(a.http, 'souk_relay_relays_connected')) === 1, {
      timeout: 20_000,
    })

    const hello = await alice.client.send(bobKeys.binding.address, 'online hello')
    await waitFor('the online message at Bob', () => texts(bob).includes('online hello'), { timeout: 15_000 })
    // Bob's device sends a delivery receipt through the relays (no direct connection here)
    await waitFor(
      'Alice to see "delivered"',
      () => alice.client.thread(hello.conv).find((m) => m.id === hello.id)?.state === 'delivered',
      { timeout: 15_000 },
    )

    await bob.stop()
    for (let i = 0; i < 20; i++) await alice.client.send(bobKeys.binding.address, `offline ${i}`)
    await waitFor('every message acknowledged by a relay', () => alice.client.pending === 0, { timeout: 30_000 })
    // a retry of an already stored message is acknowledged, not stored twice
    await waitFor(
      'relay B to hold all 21 and Bob’s delivery receipt (replicated from A)',
      async () => (await metric(b.http, 'souk_relay_messages_stored')) === 22,
    )

    bob = await dev([b.wsAddr], bobKeys, { storage: bobStorage, maxRelays: 1 })
    await waitFor('all 21 messages at Bob', () => texts(bob).length === 21, { timeout: 20_000 })
    await bob.client.pull() // a second pull overlaps the first (lookback) and must dedupe
    const got = texts(bob)
    assert.equal(got.length, 21)
    assert.equal(new Set(got).size, 21)
    assert.deepEqual(
      got.filter((t) => t.startsWith('offline')),
      Array.from({ length: 20 }, (_, i) => `offline ${i}`),
      'thread order is the send order',
    )
    assert.equal(bob.client.stats.received, 20, 'this session received the 20 offline ones, the first was stored')

    // read receipt travels back to Alice
    await bob.client.markRead(bob.client.conversations()[0]!.conv)
    await waitFor(
      'Alice to see her messages read',
      () => alice.client.thread(alice.client.conversations()[0]!.conv).every((m) => m.state === 'read'),
      {
        timeout: 20_000,
      },
    )
  })

  test('a relay killed right after accepting loses nothing: the recipient gets it through another relay', async () => {
    const a = await relay()
    const b = await relay({ bootstrap: [a.wsAddr] })
    const [aliceKeys, bobKeys] = [await deviceKeys(1), await deviceKeys(2)]
    await register([a.wsAddr], bobKeys)
    const alice = await dev([a.wsAddr], aliceKeys, { maxRelays: 1 })
    await waitFor('relay A to know relay B', async () => (await metric(a.http, 'souk_relay_relays_connected')) === 1, {
      timeout: 20_000,
    })
    const sent = await alice.client.send(bobKeys.binding.address, 'survives a crash')
    await waitFor('relay A to acknowledge', () => alice.client.thread(sent.conv)[0]?.state === 'sent', {
      timeout: 15_000,
    })
    await a.proc.stop('SIGKILL')
    const bob = await dev([b.wsAddr], bobKeys, { maxRelays: 1 })
    await waitFor('the message at Bob through relay B', () => texts(bob).includes('survives a crash'), {
      timeout: 20_000,
    })
  })

  test('sender offline mid-send: the outbox delivers when the sender is back', async () => {
    const a = await relay()
    const [aliceKeys, bobKeys] = [await deviceKeys(1), await deviceKeys(2)]
    await register([a.wsAddr], bobKeys)
    const aliceStorage = memoryStorage()
    let alice = await dev([a.wsAddr], aliceKeys, { storage: aliceStorage, maxRelays: 1 })
    await alice.client.send(bobKeys.binding.address, 'before') // learns Bob's keys
    await waitFor('the first message acknowledged', () => alice.client.pending === 0, { timeout: 15_000 })
    // the network goes away, the message is written, the tab is closed before any relay acknowledged it
    await a.proc.stop('SIGKILL')
    await waitFor('Alice to notice', () => !alice.node.relays.relays.some((r) => r.connected), { timeout: 15_000 })
    const queued = await alice.client.send(bobKeys.binding.address, 'written offline')
    assert.equal(queued.state, 'queued')
    assert.equal(alice.client.pending, 1)
    await alice.stop()
    assert.equal((await aliceStorage.outbox()).length, 1, 'the outbox survives closing the app')

    const back = await relay({ dir: a.dir, port: port(a), httpPort: httpPort(a) })
    alice = await dev([back.wsAddr], aliceKeys, { storage: aliceStorage, maxRelays: 1 })
    await waitFor('the outbox to drain', () => alice.client.pending === 0, { timeout: 20_000 })
    const bob = await dev([back.wsAddr], bobKeys, { maxRelays: 1 })
    await waitFor('both messages at Bob', () => texts(bob).length === 2, { timeout: 20_000 })
    assert.deepEqual(texts(bob), ['before', 'written offline'])
  })

  test('partitioned relays converge when healed', async () => {
    const a = await relay()
    const b = await relay()
    const [aliceKeys, carolKeys, bobKeys] = [await deviceKeys(1), await deviceKeys(3), await deviceKeys(2)]
    await register([a.wsAddr, b.wsAddr], bobKeys)
    const alice = await dev([a.wsAddr], aliceKeys, { maxRelays: 1 })
    const carol = await dev([b.wsAddr], carolKeys, { maxRelays: 1 })
    for (let i = 0; i < 10; i++) {
      await alice.client.send(bobKeys.binding.address, `from alice ${i}`)
      await carol.client.send(bobKeys.binding.address, `from carol ${i}`)
    }
    await waitFor('both sides to store their half', () => alice.client.pending === 0 && carol.client.pending === 0, {
      timeout: 30_000,
    })
    assert.equal(await metric(a.http, 'souk_relay_messages_stored'), 10)
    assert.equal(await metric(b.http, 'souk_relay_messages_stored'), 10)
    // heal: a browser that knows both relays bridges their gossip, so they learn and dial each other
    await dev([a.wsAddr, b.wsAddr], await deviceKeys(5))
    await waitFor(
      'both relays to hold all 20 messages',
      async () =>
        (await metric(a.http, 'souk_relay_messages_stored')) === 20 &&
        (await metric(b.http, 'souk_relay_messages_stored')) === 20,
      { timeout: 40_000 },
    )
    assert.ok(
      (await metric(a.http, 'souk_relay_sync_items_total')) + (await metric(b.http, 'souk_relay_sync_items_total')) >=
        10,
    )
    const bob = await dev([a.wsAddr], bobKeys, { maxRelays: 1 })
    await waitFor('all 20 at Bob from one relay', () => texts(bob).length === 20, { timeout: 20_000 })
  })

  test('forged, unsigned, replayed and oversized envelopes are dropped and counted; relays hold only ciphertext', async () => {
    const a = await relay()
    const [aliceKeys, bobKeys, malloryKeys] = [await deviceKeys(1), await deviceKeys(2), await deviceKeys(4)]
    await register([a.wsAddr], bobKeys)
    const mallory = await dev([a.wsAddr], malloryKeys, { maxRelays: 1 })
    const put = async (env: unknown): Promise<{ t?: string; reason?: string; dup?: boolean }> =>
      (await request(mallory.node.libp2p, peerIdFromString(a.peerId), MESSAGES_PROTOCOL, { t: 'put', env })) as {
        t?: string
      }
    const secret = 'the shipping address is 1 Secret Lane'
    const seal = async (over: Partial<Parameters<typeof sealEnvelope>[0]> = {}): Promise<Envelope> =>
      (
        await sealEnvelope({
          from: aliceKeys,
          to: bobKeys.binding.address,
          devices: [bobKeys.binding],
          payload: { t: 'text', text: secret },
          clock: 1,
          ...over,
        })
      ).envelope

    const genuine = await seal()
    assert.equal((await put(genuine)).t, 'ack')
    const replay = await put(genuine)
    assert.equal(replay.t, 'ack', 'a replay is acknowledged (outbox retries are replays too) …')
    assert.equal(replay.dup, true)
    assert.equal(
      await metric(a.http, 'souk_relay_messages_dropped_total', { reason: 'duplicate' }),
      1,
      '… but not stored again',
    )

    // Mallory claims Alice's address with her own device key
    const forged = await seal({
      from: { ...malloryKeys, binding: { ...malloryKeys.binding, address: aliceKeys.binding.address } },
    })
    assert.equal((await put(forged)).t, 'nack')
    assert.equal(await metric(a.http, 'souk_relay_messages_dropped_total', { reason: 'bad_binding' }), 1)
    // altered ciphertext under Alice's signature
    assert.equal((await put({ ...(await seal()), ct: genuine.ct })).t, 'nack')
    assert.equal(await metric(a.http, 'souk_relay_messages_dropped_total', { reason: 'bad_signature' }), 1)
    const { sig: _sig, ...unsigned } = await seal()
    assert.equal((await put(unsigned)).t, 'nack')
    assert.equal(await metric(a.http, 'souk_relay_messages_dropped_total', { reason: 'unsigned' }), 1)
    assert.equal((await put({ ...(await seal()), ct: 'A'.repeat(100_000) })).t, 'nack')
    assert.equal(await metric(a.http, 'souk_relay_messages_dropped_total', { reason: 'oversized' }), 1)
    // a frame over the 1 MiB cap resets the stream
    const raw = await mallory.node.libp2p.dialProtocol(peerIdFromString(a.peerId), MESSAGES_PROTOCOL)
    await lpStream(raw, { maxDataLength: 4 * 1024 * 1024 })
      .write(
        new TextEncoder().encode(JSON.stringify({ t: 'put', env: { ...(await seal()), ct: 'A'.repeat(1_100_000) } })),
      )
      .catch(() => {})
    await waitFor(
      'the oversized frame counted',
      async () => (await metric(a.http, 'souk_relay_messages_dropped_total', { reason: 'oversized' })) === 2,
    )
    assert.equal(await metric(a.http, 'souk_relay_messages_stored'), 1)
    assert.equal(await metric(a.http, 'souk_relay_messages_accepted_total'), 1)

    // the relay serves Bob's mail only to Bob's device, and what it has is ciphertext
    const asMallory = (await request(mallory.node.libp2p, peerIdFromString(a.peerId), MESSAGES_PROTOCOL, {
      ...(await signPull(malloryKeys, 0)),
      device: bobKeys.binding,
    })) as { t?: string }
    assert.equal(asMallory.t, 'nack')
    const page = (await request(
      mallory.node.libp2p,
      peerIdFromString(a.peerId),
      MESSAGES_PROTOCOL,
      await signPull(bobKeys, 0),
    )) as {
      items: { env: Envelope }[]
    }
    assert.equal(page.items.length, 1)
    assert.ok(!JSON.stringify(page).includes('Secret Lane'))
    await assert.rejects(openEnvelope(page.items[0]!.env, malloryKeys))
    assert.equal(((await openEnvelope(page.items[0]!.env, bobKeys)) as { text: string }).text, secret)
    // nor is the plaintext anywhere in the relay's data directory
    const files = await readdir(a.dir, { recursive: true, withFileTypes: true })
    let scanned = 0
    for (const f of files) {
      if (!f.isFile()) continue
      const bytes = await readFile(join(f.parentPath, f.name))
      scanned += bytes.byteLength
      assert.ok(!bytes.includes(Buffer.from('Secret Lane')), `plaintext found in ${f.name}`)
    }
    assert.ok(scanned > 0)
  })
})
