/**
 * Issue #24, findings 2 and 3, against a real relay process with the catalog role (anvil + contracts):
 * a peer that never answers the head exchange, entries whose history nobody has, the same document put 300
 * times, and junk on the catalog topic. Honest listings keep reaching the relay and the other peers within
 * seconds while each of these goes on; the log does not grow with repeats; junk is refused and counted.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { base58btc } from 'multiformats/bases/base58'
import { sha256 } from 'multiformats/hashes/sha2'
import * as OrbitCore from '@orbitdb/core'
import { createOrbitDB, type DocumentsDatabase, type OrbitDB } from '@orbitdb/core'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { CATALOG_DB_NAME } from '../../src/p2p/protocols.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { catalogPeer, listingDoc, listOnChain, seller, type CatalogPeer } from '../helpers/catalog.ts'
import { waitFor } from '../helpers/wait.ts'
import { metric } from './relay-helpers.ts'

/** Generous against a loaded machine, far below what a stalled queue costs (the attacker's whole hold). */
const PROPAGATION_BOUND_MS = 5_000

/** A bare libp2p peer on the relay: subscribes, answers protocols (or not) as the test says. */
async function bareNode(relayAddr: string): Promise<Libp2p<{ pubsub: GossipSub }>> {
  const node = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  })
  await node.dial(multiaddr(relayAddr))
  return node
}

/** An OrbitDB writer on the catalog's address whose access controller admits anything. */
async function hostileWriter(
  stack: Stack,
): Promise<{ db: DocumentsDatabase; orbit: OrbitDB; node: SoukNode; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'souk-freeze-'))
  const node = await createSoukNode({ relays: stack.config.relays, storage: 'memory', webrtc: false, reservations: 0 })
  await waitFor('the hostile writer to reach the relay', () => node.libp2p.getConnections().length > 0, {
    timeout: 15_000,
  })
  const orbit = await createOrbitDB({ ipfs: node.helia, id: 'hostile', directory: join(dir, 'orbitdb') })
  const address = `/souk-listings/${stack.config.chain.id}/${stack.config.contracts.market.toLowerCase()}`
  const db = await orbit.open(CATALOG_DB_NAME, {
    type: 'documents',
    AccessController: Object.assign(async () => ({ type: 'souk-listings', address, canAppend: async () => true }), {
      type: 'souk-listings',
    }),
  })
  db.events.on('error', () => {})
  await waitFor(
    'the relay to subscribe to the hostile writer',
    () => node.libp2p.services.pubsub.getSubscribers(db.address).length > 0,
    { timeout: 15_000 },
  )
  return {
    db,
    orbit,
    node,
    async stop() {
      await orbit.stop()
      await node.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** OrbitDB's entry module (not in the typed subset the catalog uses). */
const { Entry } = OrbitCore as unknown as {
  Entry: {
    create(
      identity: unknown,
      logId: string,
      payload: unknown,
      encrypt: undefined,
      clock: null,
      next: string[],
      refs: string[],
    ): Promise<Record<string, unknown>>
    encode(entry: Record<string, unknown>): Promise<{ hash: string; bytes: Uint8Array }>
  }
}

/** A hash in the form of an entry's that no peer has a block for. */
async function missingHash(i: number): Promise<string> {
  const digest = await sha256.digest(new TextEncoder().encode(`nobody has this block ${i} ${Math.random()}`))
  return CID.createV1(dagCbor.code, digest).toString(base58btc)
}

describe('catalog under a peer that stalls it (issue #24, 2 and 3)', { concurrency: 1 }, () => {
  let stack: Stack
  let alice: Awaited<ReturnType<typeof seller>>
  let a: CatalogPeer
  let b: CatalogPeer
  const stops: (() => Promise<unknown>)[] = []
  const http = (): string => stack.relays[0]!.http
  const listings = (): Promise<number> => metric(http(), 'souk_relay_catalog_listings')

  before(async () => {
    stack = await startStack({ relays: 1, echo: process.env.SOUK_TEST_ECHO === '1' })
    alice = await seller(stack.config, 1)
    a = await catalogPeer(stack.config)
    stops.push(() => a.stop())
    b = await catalogPeer(stack.config)
    stops.push(() => b.stop())
    await Promise.all([a.catalog.replicating, b.catalog.replicating])
  })
  after(async () => {
    for (const s of stops.reverse()) await s().catch(() => {})
    await stack?.stop()
  })

  /** Lists a new document on chain, puts it from peer A; resolves with how long until the relay and B had it. */
  async function propagate(title: string): Promise<{ relayMs: number; peerMs: number; id: string }> {
    const before = await listings()
    const l = await listOnChain(alice.wagmi, listingDoc(alice.address, title))
    const id = l.listingId.toString()
    const t0 = Date.now()
    await a.catalog.put(l.listingId, l.encoded)
    const [relayMs, peerMs] = await Promise.all([
      waitFor(`the relay to verify "${title}"`, async () => ((await listings()) > before ? Date.now() - t0 : 0), {
        timeout: PROPAGATION_BOUND_MS,
        interval: 20,
      }),
      waitFor(`peer B to show "${title}"`, () => (b.catalog.verified.has(id) ? Date.now() - t0 : 0), {
        timeout: PROPAGATION_BOUND_MS,
        interval: 20,
      }),
    ])
    return { relayMs, peerMs, id }
  }

  test('a peer that never answers the head exchange, or stalls streams it opens, holds up nobody', async () => {
    const topic = a.catalog.address
    const protocol = `/orbitdb/heads${topic}`
    // silent: subscribes and accepts the relay's head exchange, then neither reads nor writes nor closes
    const silent = await bareNode(stack.relays[0]!.wsAddr)
    stops.push(async () => await silent.stop())
    const held: Stream[] = []
    let silentOpen = 0
    await silent.handle(protocol, (stream) => {
      held.push(stream)
      silentOpen++
      stream.addEventListener('close', () => silentOpen--)
    })
    silent.services.pubsub.subscribe(topic)
    // staller: opens head-exchange streams to the relay and never uses them
    const staller = await bareNode(stack.relays[0]!.wsAddr)
    stops.push(async () => await staller.stop())
    const relayPeer = multiaddr(stack.relays[0]!.wsAddr)
    const stalled = await Promise.all(
      [0, 1, 2].map(() => staller.dialProtocol(relayPeer, protocol).catch(() => undefined)),
    )
    assert.ok(stalled.some(Boolean), 'the staller opened a head-exchange stream')
    await waitFor('the relay to open its head exchange with the silent peer', () => held.length > 0, {
      timeout: 15_000,
    })

    const { relayMs, peerMs } = await propagate('Brass lamp')
    assert.ok(silentOpen > 0, 'the silent peer still held its stream when the listing arrived')
    process.stdout.write(
      `# new listing with a silent peer holding the exchange: relay ${relayMs} ms, peer ${peerMs} ms\n`,
    )

    // the relay ends both exchanges at its deadline and counts them
    await waitFor(
      'the relay to time out the stalled exchanges',
      async () => (await metric(http(), 'souk_relay_catalog_head_exchanges_failed_total', { reason: 'timeout' })) >= 2,
      { timeout: 20_000, interval: 200 },
    )
    await waitFor('the silent peer to see its stream closed', () => silentOpen === 0, { timeout: 5_000 })
  })

  test('entries whose history nobody has are dropped fast and delay no honest listing', async () => {
    const evil = await hostileWriter(stack)
    stops.push(() => evil.stop())
    // authentic and current (so the relay's checks pass), but pointing at blocks nobody has
    const m = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Pewter jug'))
    const identity = (evil.orbit as unknown as { identity: unknown }).identity
    const before = await metric(http(), 'souk_relay_catalog_dropped_total', { reason: 'missing_entry' })
    const listedBefore = await listings()
    for (let i = 0; i < 6; i++) {
      const entry = await Entry.create(
        identity,
        evil.db.address,
        { op: 'PUT', key: m.listingId.toString(), value: { _id: m.listingId.toString(), doc: m.encoded.bytes } },
        undefined,
        null,
        [await missingHash(i)],
        [],
      )
      const { bytes } = await Entry.encode(entry)
      await evil.node.libp2p.services.pubsub.publish(evil.db.address, bytes)
    }
    // the relay checks each entry before fetching anything for it (so the listing itself shows at once)
    await waitFor('the relay to check the entries', async () => (await listings()) >= listedBefore + 1, {
      timeout: 10_000,
    })
    const { relayMs, peerMs } = await propagate('Tin whistle')
    process.stdout.write(
      `# new listing behind 6 entries with missing history: relay ${relayMs} ms, peer ${peerMs} ms\n`,
    )
    await waitFor(
      'the relay to drop the six entries and count them',
      async () => (await metric(http(), 'souk_relay_catalog_dropped_total', { reason: 'missing_entry' })) >= before + 6,
      { timeout: 20_000, interval: 200 },
    )
  })

  test('the same document put 300 times adds at most one log entry', async () => {
    const evil = await hostileWriter(stack)
    stops.push(() => evil.stop())
    const d = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Cedar chest'))
    const listed = await listings()
    const relayEntries = await metric(http(), 'souk_relay_catalog_entries')
    const bEntries = b.catalog.entries.size
    await a.catalog.put(d.listingId, d.encoded)
    // the entry joined to both logs (not only the listing verified): a repeat is one only once the log holds
    // the entry it repeats
    await waitFor(
      'the relay and B to hold the listing and its entry',
      async () =>
        b.catalog.verified.has(String(d.listingId)) &&
        b.catalog.entries.size > bEntries &&
        (await listings()) > listed &&
        (await metric(http(), 'souk_relay_catalog_entries')) > relayEntries,
      { timeout: 20_000 },
    )
    // the honest peer's own repeat writes nothing
    const ownBefore = a.catalog.entries.size
    await a.catalog.put(d.listingId, d.encoded)
    assert.equal(a.catalog.entries.size, ownBefore, 'a repeated put by the seller writes no entry')

    const relayBefore = await metric(http(), 'souk_relay_catalog_entries')
    const peerBefore = b.catalog.entries.size
    for (let i = 0; i < 300; i++) await evil.db.put({ _id: d.listingId.toString(), doc: d.encoded.bytes })
    await waitFor(
      'the relay to refuse the 300 repeats',
      async () => (await metric(http(), 'souk_relay_catalog_gossip_rejected_total', { reason: 'duplicate' })) >= 300,
      { timeout: 20_000, interval: 200 },
    )
    // one more honest listing, so anything the repeats could have become has arrived by now
    await propagate('Rowan stool')
    assert.ok(
      (await metric(http(), 'souk_relay_catalog_entries')) - relayBefore <= 2,
      'relay log: the new listing at most',
    )
    assert.ok(b.catalog.entries.size - peerBefore <= 2, 'peer log: the new listing at most')
  })

  test('junk on the catalog topic is refused by the validator and counted', async () => {
    const topic = a.catalog.address
    const junk = await bareNode(stack.relays[0]!.wsAddr)
    stops.push(async () => await junk.stop())
    junk.services.pubsub.subscribe(topic)
    await waitFor(
      'the relay to see the junk peer on the topic',
      () => junk.services.pubsub.getSubscribers(topic).length > 0,
      {
        timeout: 15_000,
      },
    )
    const droppedBefore = b.catalog.dropped.malformed
    const rejected = (reason: string): Promise<number> =>
      metric(http(), 'souk_relay_catalog_gossip_rejected_total', { reason })
    await junk.services.pubsub.publish(topic, new Uint8Array(100 * 1024))
    await junk.services.pubsub.publish(topic, new TextEncoder().encode('not an entry'))
    await junk.services.pubsub.publish(topic, dagCbor.encode({ id: '/orbitdb/zdpuSomeOtherLog', v: 2 }))
    // a flood, sent at once: past its burst (1,000) a peer is ignored
    const pubsub = junk.services.pubsub
    await Promise.all(
      Array.from({ length: 2_000 }, (_, i) => pubsub.publish(topic, dagCbor.encode({ id: topic, n: i }))),
    )
    await waitFor(
      'the relay to count each kind of junk',
      async () => {
        const counts = await Promise.all(['oversized', 'malformed', 'foreign_log', 'rate'].map(rejected))
        if (counts.every((n) => n >= 1)) return true
        throw new Error(`oversized, malformed, foreign_log, rate: ${counts.join(', ')}`)
      },
      { timeout: 15_000, interval: 200 },
    )
    // none of it reached the honest peer's log (it was not forwarded), and honest listings still flow
    await propagate('Jute rug')
    assert.equal(b.catalog.dropped.malformed, droppedBefore)
  })
})
