/**
 * A message to someone who never set messaging up (issue #26): it waits in the sender's outbox, bounded, across
 * a restart, and goes out by itself once the recipient's device key appears in the relays' key directory — and
 * only to a key the recipient's wallet really signed. Real relay process; the hostile relay is a bare libp2p
 * node that answers key look-ups with forged bindings.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLibp2p, type Libp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Address } from 'viem'
import { killChildrenOnExit, startRelay, type Relay } from '../../scripts/lib/processes.ts'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import type { DeviceKeys, Envelope } from '../../src/core/messaging.ts'
import { encryptPhoto, type PhotoRef } from '../../src/core/message-photos.ts'
import { memoryStorage } from '../../src/p2p/messaging/storage.ts'
import { WaitingFullError } from '../../src/p2p/messaging/waiting.ts'
import { serverFrames } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { waitFor } from '../helpers/wait.ts'
import { device, deviceKeys, devAccount, type Device } from '../helpers/messaging.ts'
import { tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

async function relay(): Promise<Relay> {
  const d = await tempDir('souk-waiting-test-')
  cleanup.push(d.remove)
  const r = await startRelay({ dataDir: d.path })
  cleanup.push(() => r.proc.stop())
  return r
}

async function dev(...args: Parameters<typeof device>): Promise<Device> {
  const d = await device(...args)
  cleanup.push(() => d.stop())
  return d
}

const FAST = { retry: { minMs: 100, maxMs: 500 } }

const outgoing = (d: Device, peer: Address) =>
  d.client
    .conversations()
    .filter((c) => c.peer === peer)
    .flatMap((c) => d.client.thread(c.conv))
    .filter((m) => m.direction === 'out')

const incoming = (d: Device): string[] =>
  d.client.conversations().flatMap((c) =>
    d.client
      .thread(c.conv)
      .filter((m) => m.direction === 'in')
      .map((m) => m.text),
  )

/**
 * A relay that lies: every key look-up is answered with `bindings()`, every put acknowledged and recorded.
 * Counts the look-ups so a test can wait for the client to have asked several times.
 */
async function hostileRelay(bindings: () => unknown[]): Promise<{
  node: Libp2p
  addr: string
  lookups: number
  puts: Envelope[]
}> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() },
  })
  cleanup.push(async () => await node.stop())
  const state = { node, addr: node.getMultiaddrs()[0]!.toString(), lookups: 0, puts: [] as Envelope[] }
  await node.handle(MESSAGES_PROTOCOL, async (stream) => {
    const frames = serverFrames(stream)
    const req = (await frames.read({ timeoutMs: 5_000 })) as { t?: string; env?: Envelope }
    if (req.t === 'keys') {
      state.lookups++
      await frames.write({ t: 'keys', bindings: bindings(), presence: [] })
    } else if (req.t === 'put' && req.env) {
      state.puts.push(req.env)
      await frames.write({ t: 'ack', id: 'x', dup: false, stored: 1 })
    } else await frames.write({ t: 'page', items: [], more: false })
    await stream.close()
  })
  return state
}

describe('messages to people who have not set up messaging', { concurrency: false, timeout: 240_000 }, () => {
  test('kept, bounded per recipient and in all, kept across a restart, delivered in order when the key appears', async () => {
    const r = await relay()
    const aliceKeys = await deviceKeys(11)
    const bobKeys = await deviceKeys(12)
    const bob = bobKeys.binding.address
    const carol = devAccount(13).address
    const dave = devAccount(14).address
    const storage = memoryStorage()
    const limits = { ...FAST, perRecipient: 4, total: 6 }
    let alice = await dev([r.wsAddr], aliceKeys, { storage, options: { waiting: limits } })

    // a flood to an address that never set up: the first four wait, the fifth is refused with a reason
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      const m = await alice.client.send(bob, `to Bob ${i}`)
      assert.equal(m.state, 'waiting')
      ids.push(m.id)
    }
    await assert.rejects(alice.client.send(bob, 'to Bob 4'), (err: unknown) => {
      assert.ok(err instanceof WaitingFullError)
      assert.equal(err.scope, 'recipient')
      assert.match(err.shortMessage, new RegExp(`4 messages already wait for ${bob} to set up messaging`))
      return true
    })
    // and in all: two for Carol fit, the seventh message overall (to Dave) does not
    for (let i = 0; i < 2; i++) await alice.client.send(carol, `to Carol ${i}`)
    await assert.rejects(alice.client.send(dave, 'to Dave'), (err: unknown) => {
      assert.ok(err instanceof WaitingFullError)
      assert.equal(err.scope, 'total')
      return true
    })
    assert.equal(alice.client.waiting, 6)
    assert.equal(alice.client.pending, 0, 'nothing unsealed went to the outbox of envelopes')
    assert.equal(outgoing(alice, bob).length, 4, 'the refused message was not kept (the sender saw the error instead)')

    // the sender's device restarts: everything that waited still waits, in order
    await alice.stop()
    alice = await dev([r.wsAddr], aliceKeys, { storage, options: { waiting: limits } })
    assert.equal(alice.client.waiting, 6)
    assert.deepEqual(
      outgoing(alice, bob).map((m) => [m.text, m.state]),
      [0, 1, 2, 3].map((i) => [`to Bob ${i}`, 'waiting']),
    )

    // Bob sets up messaging (his device announces its key to the relay): the four go out by themselves, in order
    const bobDevice = await dev([r.wsAddr], bobKeys)
    await waitFor('Bob to receive the four messages that waited', () => incoming(bobDevice).length === 4, {
      timeout: 30_000,
    })
    assert.deepEqual(incoming(bobDevice), ['to Bob 0', 'to Bob 1', 'to Bob 2', 'to Bob 3'])
    await waitFor(
      'Alice to see them sent (same message ids, each sealed into an envelope)',
      () => outgoing(alice, bob).every((m) => m.state !== 'waiting' && m.state !== 'queued' && m.envelope),
      { timeout: 15_000 },
    )
    assert.deepEqual(
      outgoing(alice, bob).map((m) => m.id),
      ids,
      'each message once, under the id send() gave it',
    )
    assert.equal(alice.client.waiting, 2, 'Carol’s two still wait')
    assert.deepEqual(
      (await storage.waiting()).map((w) => w.to),
      [carol, carol],
    )
    assert.equal((await storage.messages()).filter((m) => m.state === 'waiting').length, 2)
    // Bob's delivery receipt names the envelopes; Alice sees her messages delivered under their own ids
    await waitFor('the receipts to reach Alice', () => outgoing(alice, bob).every((m) => m.state === 'delivered'), {
      timeout: 15_000,
    })
    // room again: a message to Dave may wait now
    assert.equal((await alice.client.send(dave, 'to Dave')).state, 'waiting')
  })

  test('a waiting message keeps its photos, pinned again when it is sealed, and they arrive intact', async () => {
    const r = await relay()
    const bobKeys = await deviceKeys(21)
    const repinned: string[][] = []
    const alice = await dev([r.wsAddr], await deviceKeys(20), {
      options: { waiting: FAST, repin: async (photos) => void repinned.push(photos.map((p) => p.cid)) },
    })
    const { ciphertext, ref } = await encryptPhoto({
      bytes: new Uint8Array([1, 2, 3]),
      mime: 'image/jpeg',
      width: 10,
      height: 8,
    })
    const photo: PhotoRef = { cid: CID.createV1(raw.code, await sha256.digest(ciphertext)).toString(), ...ref }
    const m = await alice.client.send(bobKeys.binding.address, 'the scratch', { photos: [photo] })
    assert.equal(m.state, 'waiting')
    assert.deepEqual(m.photos, [photo])
    assert.equal(repinned.length, 0, 'pinned by the sender before sending, not again while it waits')
    const bob = await dev([r.wsAddr], bobKeys)
    const got = await waitFor(
      'Bob to receive the message that waited, with its photo',
      () =>
        bob.client
          .conversations()
          .flatMap((c) => bob.client.thread(c.conv))
          .find((x) => x.text === 'the scratch'),
      { timeout: 30_000 },
    )
    assert.deepEqual(got.photos, [photo])
    assert.deepEqual(repinned, [[photo.cid]])
  })

  test('a message that waited too long is given up and says so', async () => {
    const r = await relay()
    const alice = await dev([r.wsAddr], await deviceKeys(15), {
      options: { waiting: { ...FAST, maxAgeMs: 300 } },
    })
    const erin = devAccount(16).address
    const m = await alice.client.send(erin, 'are you there?')
    await waitFor('the message to be given up', () => outgoing(alice, erin)[0]?.refused?.code === 'expired', {
      timeout: 10_000,
    })
    const given = outgoing(alice, erin)[0]!
    assert.equal(given.id, m.id)
    assert.equal(given.state, 'waiting')
    assert.match(given.refused!.reason, new RegExp(`${erin} did not set up messaging`))
    assert.equal(alice.client.waiting, 0, 'it no longer counts against the limits')
  })

  test('a forged key for the address is never used; the key its wallet signed is', async () => {
    const aliceKeys = await deviceKeys(17)
    const bobKeys = await deviceKeys(18)
    const malloryKeys: DeviceKeys = await deviceKeys(19)
    const bob = bobKeys.binding.address
    let genuine = false
    const evil = await hostileRelay(() => [
      // Mallory's keys and signature, Bob's address: the signature does not recover Bob
      { ...malloryKeys.binding, address: bob },
      // Mallory's genuine binding, for Mallory: not Bob's
      malloryKeys.binding,
      // a made-up signature
      { ...malloryKeys.binding, address: bob, sig: `0x${'11'.repeat(65)}` },
      ...(genuine ? [bobKeys.binding] : []),
    ])
    const alice = await dev([`${evil.addr}`], aliceKeys, { options: { waiting: FAST } })
    const m = await alice.client.send(bob, 'for Bob only')
    assert.equal(m.state, 'waiting')
    await waitFor('three look-ups at the lying relay', () => evil.lookups >= 3, { timeout: 20_000 })
    assert.equal(outgoing(alice, bob)[0]!.state, 'waiting', 'sealed to a key Bob never signed')
    assert.equal(evil.puts.length, 0, 'something was handed to the lying relay')
    assert.ok((alice.client.stats.dropped.bad_binding ?? 0) >= 4, 'the forged bindings were not counted')

    // Bob's own binding shows up among the forged ones: the message goes out, to Bob's key alone
    genuine = true
    await waitFor('the message handed to the relay', () => evil.puts.length > 0, { timeout: 20_000 })
    assert.deepEqual(
      evil.puts[0]!.keys.map((k) => k.d),
      [bobKeys.binding.box],
      'encrypted to exactly Bob’s device key',
    )
    assert.equal(evil.puts[0]!.to, bob)
  })
})
