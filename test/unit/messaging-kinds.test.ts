/**
 * Structured message kinds (#14) through a real relay process: conversations per listing, a shipping address
 * kept only sealed on both devices, and hostile structured messages (tampered, oversized fields, malformed,
 * unknown kind or version, replayed) dropped and counted by the recipient. Also: a device that reloads while
 * offline still seals a message with the keys it learnt earlier, and the outbox sends it on reconnect.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { killChildrenOnExit, startRelay, type Relay } from '../../scripts/lib/processes.ts'
import {
  conversationId,
  MessagingError,
  parsePayload,
  sealEnvelope,
  shippingAddressErrors,
  type Envelope,
  type Payload,
  type ShippingAddress,
} from '../../src/core/messaging.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { memoryStorage, type MessagingStorage } from '../../src/p2p/messaging/storage.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { waitFor } from '../helpers/wait.ts'
import { device, deviceKeys, type Device } from '../helpers/messaging.ts'
import { tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

async function relay(opts: { dir?: string; port?: number; httpPort?: number } = {}): Promise<Relay & { dir: string }> {
  let dir = opts.dir
  if (!dir) {
    const d = await tempDir('souk-kinds-test-')
    cleanup.push(d.remove)
    dir = d.path
  }
  const r = await startRelay({ dataDir: dir, port: opts.port, httpPort: opts.httpPort })
  cleanup.push(() => r.proc.stop())
  return { ...r, dir }
}

async function dev(...args: Parameters<typeof device>): Promise<Device> {
  const d = await device(...args)
  cleanup.push(() => d.stop())
  return d
}

const ADDRESS: ShippingAddress = {
  name: 'Amina Haddad',
  street: '12 Derb Sidi Bouloukat',
  city: 'Marrakesh',
  postcode: '40000',
  country: 'Morocco',
}

/** Everything a device stored, as text: what would be in IndexedDB. */
async function stored(storage: MessagingStorage): Promise<string> {
  return JSON.stringify([await storage.messages(), await storage.outbox(), await storage.loadState()])
}

describe('structured message kinds', () => {
  test('address validation: required fields, lengths, patterns; the phone is optional', () => {
    assert.deepEqual(shippingAddressErrors(ADDRESS), {})
    assert.deepEqual(shippingAddressErrors({ ...ADDRESS, phone: '+212 524-38 00 00' }), {})
    assert.deepEqual(shippingAddressErrors({}), {
      name: 'required',
      street: 'required',
      city: 'required',
      postcode: 'required',
      country: 'required',
    })
    assert.deepEqual(shippingAddressErrors({ ...ADDRESS, name: '   ', postcode: '40000;DROP', phone: 'call me' }), {
      name: 'required',
      postcode: 'invalid',
      phone: 'invalid',
    })
    assert.deepEqual(shippingAddressErrors({ ...ADDRESS, street: 'x'.repeat(201), city: 7 }), {
      street: 'too-long',
      city: 'invalid',
    })
    assert.deepEqual(shippingAddressErrors({ ...ADDRESS, postcode: '100000' }), {}, 'a Chinese postcode')
  })

  test('payload kinds are versioned: unknown kinds and versions are unsupported, broken known ones malformed', () => {
    const reason = (v: unknown): string | undefined => {
      try {
        parsePayload(v)
        return undefined
      } catch (err) {
        return err instanceof MessagingError ? err.reason : 'other'
      }
    }
    assert.equal(reason({ t: 'address', v: 1, listing: '7', address: ADDRESS }), undefined)
    assert.equal(reason({ t: 'text', text: 'hi', listing: '7' }), undefined)
    assert.equal(reason({ t: 'offer', v: 1, amount: '1' }), 'unsupported')
    assert.equal(reason({ t: 'address', v: 2, listing: '7', address: ADDRESS }), 'unsupported')
    assert.equal(reason({ t: 'address', v: 1, address: ADDRESS }), 'malformed', 'an address names its listing')
    assert.equal(
      reason({ t: 'address', v: 1, listing: '7', address: { ...ADDRESS, name: 'n'.repeat(5_000) } }),
      'malformed',
    )
    assert.equal(reason({ t: 'text', text: 'hi', listing: '7; drop' }), 'malformed')
    assert.equal(reason({ t: 'text', text: 'x'.repeat(8_001) }), 'malformed')
    assert.equal(reason({ t: 'read', ids: ['nope'] }), 'malformed')
    assert.equal(reason(null), 'malformed')
  })

  test(
    'per listing conversations, the address sealed at rest, hostile structured messages dropped and counted',
    { timeout: 120_000 },
    async () => {
      const a = await relay()
      const [winnerKeys, sellerKeys, malloryKeys] = [await deviceKeys(5), await deviceKeys(6), await deviceKeys(7)]
      const sellerStorage = memoryStorage()
      const seller = await dev([a.wsAddr], sellerKeys, { storage: sellerStorage, maxRelays: 1 })
      await seller.client.pull() // the relay learns the seller's device key
      const winnerStorage = memoryStorage()
      const winner = await dev([a.wsAddr], winnerKeys, { storage: winnerStorage, maxRelays: 1 })
      const to = sellerKeys.binding.address

      await winner.client.send(to, 'About the lamp', { listing: '7' })
      await winner.client.send(to, 'About the rug', { listing: '8' })
      const sent = await winner.client.sendAddress(to, '7', { ...ADDRESS, name: '  Amina Haddad ' })
      assert.deepEqual(sent.address, ADDRESS, 'the sender sees what it sent, trimmed')
      await waitFor('three messages at the seller', () => seller.client.stats.received === 3, { timeout: 20_000 })

      const convs = seller.client.conversations()
      assert.deepEqual(convs.map((c) => c.listing).sort(), ['7', '8'], 'one conversation per listing')
      const lamp = convs.find((c) => c.listing === '7')!
      assert.equal(lamp.conv, conversationId(winnerKeys.binding.address, to, '7'))
      const thread = seller.client.thread(lamp.conv)
      assert.deepEqual(
        thread.map((m) => m.kind ?? 'text'),
        ['text', 'address'],
      )
      assert.deepEqual(thread[1]!.address, ADDRESS, 'the seller reads the address')
      assert.equal(thread[1]!.text, '')

      // neither device keeps the address in clear
      for (const [who, storage] of [
        ['seller', sellerStorage],
        ['winner', winnerStorage],
      ] as const) {
        const text = await stored(storage)
        for (const value of Object.values(ADDRESS))
          assert.ok(!text.includes(value), `the ${who}'s storage holds "${value}" in clear`)
      }

      // hostile structured messages, each a valid envelope signed by Mallory's bound key
      const put = async (env: Envelope): Promise<string | undefined> =>
        (
          (await request(winner.node.libp2p, peerIdFromString(a.peerId), MESSAGES_PROTOCOL, {
            t: 'put',
            env,
          })) as { t?: string }
        ).t
      const seal = async (payload: Payload): Promise<Envelope> =>
        (
          await sealEnvelope({
            from: malloryKeys,
            to,
            devices: [sellerKeys.binding],
            payload,
            clock: 1,
          })
        ).envelope
      const bad: Payload[] = [
        JSON.parse('{"t":"address","v":2,"listing":"7","address":{}}'),
        JSON.parse('{"t":"refund-now","v":1,"listing":"7"}'),
        { t: 'address', v: 1, listing: '7', address: { ...ADDRESS, street: 'A'.repeat(20_000) } },
        { t: 'address', v: 1, listing: '7', address: { ...ADDRESS, postcode: '<script>' } },
        JSON.parse('{"t":"address","v":1,"address":{"name":"x"}}'),
      ]
      for (const p of bad) assert.equal(await put(await seal(p)), 'ack', 'relays cannot tell: they only see ciphertext')
      // a tampered address envelope: the relay refuses it
      const genuine = await seal({ t: 'address', v: 1, listing: '7', address: ADDRESS })
      const other = await seal({ t: 'address', v: 1, listing: '7', address: { ...ADDRESS, city: 'Fes' } })
      assert.equal(await put({ ...genuine, ct: other.ct }), 'nack')
      // a replay of a genuine address: stored once
      assert.equal(await put(genuine), 'ack')
      assert.equal(await put(genuine), 'ack')
      await waitFor(
        'the seller to drop the 5 bad payloads and accept the genuine one',
        () =>
          (seller.client.stats.dropped.unsupported ?? 0) + (seller.client.stats.dropped.malformed ?? 0) === 5 &&
          seller.client.stats.received === 4,
        { timeout: 20_000 },
      )
      assert.deepEqual(seller.client.stats.dropped, { unsupported: 2, malformed: 3 })
      await seller.client.pull() // the replay, pulled again, is a duplicate
      assert.equal(seller.client.stats.received, 4)
      const fromMallory = seller.client
        .conversations()
        .filter((c) => c.peer === malloryKeys.binding.address)
        .flatMap((c) => seller.client.thread(c.conv))
      assert.equal(fromMallory.length, 1, 'one address from Mallory, once')
      assert.equal(fromMallory[0]!.listing, '7')
    },
  )

  test(
    'a device reloaded while offline seals with the keys it learnt before; the outbox sends on reconnect',
    {
      timeout: 120_000,
    },
    async () => {
      const a = await relay()
      const [aliceKeys, bobKeys] = [await deviceKeys(5), await deviceKeys(6)]
      const bobProbe = await dev([a.wsAddr], bobKeys, { maxRelays: 1 })
      await bobProbe.client.pull()
      await bobProbe.stop()
      const aliceStorage = memoryStorage()
      let alice = await dev([a.wsAddr], aliceKeys, { storage: aliceStorage, maxRelays: 1 })
      await alice.client.send(bobKeys.binding.address, 'before', { listing: '3' })
      await waitFor('the first message acknowledged', () => alice.client.pending === 0, { timeout: 15_000 })
      await alice.stop()
      await a.proc.stop('SIGKILL')

      // the app reloads with no network: a new client on the same storage, no relay reachable
      alice = await dev([a.wsAddr], aliceKeys, { storage: aliceStorage, maxRelays: 1, waitConnected: false })
      const queued = await alice.client.send(bobKeys.binding.address, 'written offline after a reload', {
        listing: '3',
      })
      assert.equal(queued.state, 'queued')
      assert.equal(alice.client.pending, 1)

      const back = await relay({
        dir: a.dir,
        port: Number(/\/tcp\/(\d+)/.exec(a.wsAddr)![1]),
        httpPort: Number(new URL(a.http).port),
      })
      await waitFor('the outbox to drain', () => alice.client.pending === 0, { timeout: 30_000 })
      const bob = await dev([back.wsAddr], bobKeys, { maxRelays: 1 })
      await waitFor('both messages at Bob', () => bob.client.stats.received === 2, { timeout: 20_000 })
      const conv = bob.client.conversations()[0]!
      assert.equal(conv.listing, '3')
      assert.deepEqual(
        bob.client.thread(conv.conv).map((m) => m.text),
        ['before', 'written offline after a reload'],
      )
    },
  )
})
