/**
 * Issue #15, weakness 3, against real relay processes: throwaway peers that advertise the relay-list protocol
 * in identify and announce themselves (and made-up "others") in signed gossip are checked before they are
 * trusted, so they never enter a relay's pool nor reach the browsers behind it, while a real relay that joins
 * later is learnt at once. A relay outside development mode never dials loopback or private addresses.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { freePort, startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { RELAY_LIST_PROTOCOL, RELAYS_TOPIC } from '../../src/p2p/protocols.ts'
import { encodeRelayAnnouncement } from '../../src/p2p/relay-list.ts'
import { RelayVerifier, type RelayRejection } from '../../src/p2p/relay-verifier.ts'
import type { SoukNode } from '../../src/p2p/node.ts'
import { waitFor } from '../helpers/wait.ts'
import { client, health, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const THROWAWAYS = 12

/** A peer that claims to be a relay: serves nothing, announces an address where nothing listens. */
async function fakeRelay(fakeAddr: string): Promise<Libp2p<{ pubsub: GossipSub }>> {
  const node = await createLibp2p({
    addresses: { announce: [fakeAddr] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  })
  // advertised in identify, answered by a stream reset
  await node.handle(RELAY_LIST_PROTOCOL, (stream) => stream.abort(new Error('not a relay')))
  return node
}

async function relayIds(http: string): Promise<string[]> {
  const h = await health(http)
  return h.relays.map((r) => r.peerId)
}

describe('poisoned relay lists', { concurrency: 1 }, () => {
  const cleanup: (() => Promise<unknown>)[] = []
  let relayA: Relay
  let browser: SoukNode
  const fakes: Libp2p<{ pubsub: GossipSub }>[] = []

  before(async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    relayA = await startRelay({ dataDir: dir.path, name: 'relayA' })
    cleanup.push(() => relayA.proc.stop())
    browser = await client([relayA.wsAddr])
    cleanup.push(() => browser.stop())
  })
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('throwaway peers claiming to be relays are checked and never trusted', async () => {
    const dead = await freePort()
    for (let i = 0; i < THROWAWAYS; i++) {
      const node = await fakeRelay(`/ip4/127.0.0.1/tcp/${dead}/ws`)
      fakes.push(node)
      cleanup.push(async () => await node.stop())
    }
    await Promise.all(fakes.map((f) => f.dial(multiaddr(relayA.wsAddr))))
    // each also announces itself, with a list of made-up others, in signed gossip
    await Promise.all(
      fakes.map((f) =>
        waitFor('the relay subscription to reach a throwaway peer', () =>
          f.services.pubsub.getSubscribers(RELAYS_TOPIC).some((p) => p.toString() === relayA.peerId),
        ),
      ),
    )
    for (const f of fakes) {
      const others = fakes
        .filter((o) => o !== f)
        .map((o) => ({ peerId: o.peerId.toString(), addrs: [`/ip4/127.0.0.1/tcp/${dead}/ws`] }))
      const self = { peerId: f.peerId.toString(), addrs: [`/ip4/127.0.0.1/tcp/${dead}/ws`] }
      await f.services.pubsub.publish(RELAYS_TOPIC, encodeRelayAnnouncement(self, others))
    }
    await waitFor(
      'the relay to check and reject every throwaway peer',
      async () =>
        (await metric(relayA.http, 'souk_relay_relay_candidates_rejected_total', { reason: 'unreachable' })) >=
        THROWAWAYS,
      { timeout: 30_000, interval: 200 },
    )
    assert.deepEqual(await relayIds(relayA.http), [], 'no throwaway peer in the relay pool')
    assert.equal(await metric(relayA.http, 'souk_relay_relay_candidates_verified_total'), 0)
    // the browser behind the relay heard of none of them (the relay passed no unverified announcement on)
    assert.deepEqual(
      browser.status.snapshot.relays.map((r) => r.peerId),
      [relayA.peerId],
    )
  })

  test('a real relay that joins later is verified and learnt by the relay and its browsers', async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    const relayB = await startRelay({ dataDir: dir.path, name: 'relayB', bootstrap: [relayA.wsAddr] })
    cleanup.push(() => relayB.proc.stop())
    await waitFor('relay A to verify relay B', async () => (await relayIds(relayA.http)).includes(relayB.peerId), {
      timeout: 20_000,
      interval: 200,
    })
    assert.ok((await metric(relayA.http, 'souk_relay_relay_candidates_verified_total')) >= 1)
    // generous: under a full parallel test run the machine is loaded and every dial (JS noise) is slow
    await waitFor(
      'the browser to learn and connect to relay B',
      () => browser.status.snapshot.relays.some((r) => r.peerId === relayB.peerId && r.connected),
      { timeout: 45_000, interval: 100 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; browser relays: ${JSON.stringify(browser.status.snapshot.relays)}`)
    })
    const known = browser.status.snapshot.relays.map((r) => r.peerId).sort()
    assert.deepEqual(known, [relayA.peerId, relayB.peerId].sort(), 'the browser knows exactly the two real relays')
  })

  test('outside development mode a relay dials no loopback address, whoever names it', async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    const strict = await startRelay({
      dataDir: dir.path,
      name: 'strict',
      privateAddrs: false,
      bootstrap: [relayA.wsAddr],
    })
    cleanup.push(() => strict.proc.stop())
    await waitFor(
      'the strict relay to refuse dialling its loopback bootstrap',
      async () => (await metric(strict.http, 'souk_relay_denied_dials_total')) >= 1,
      { timeout: 15_000 },
    )
    // a peer that connects and claims a loopback relay address is not even dialled back
    const liar = await fakeRelay(`/ip4/127.0.0.1/tcp/${await freePort()}/ws`)
    cleanup.push(async () => await liar.stop())
    await liar.dial(multiaddr(strict.wsAddr))
    await waitFor(
      'the strict relay to reject the loopback candidate',
      async () =>
        (await metric(strict.http, 'souk_relay_relay_candidates_rejected_total', { reason: 'private_address' })) >= 1,
      { timeout: 15_000 },
    )
    assert.equal(await metric(strict.http, 'souk_relay_relays_connected'), 0)
    // it knows its configured bootstrap relay, and no one else
    assert.deepEqual(await relayIds(strict.http), [relayA.peerId])
  })

  test('one source can vouch for only a few relays', async () => {
    const node = await createLibp2p({})
    cleanup.push(async () => await node.stop())
    const rejected: RelayRejection[] = []
    const verifier = new RelayVerifier(node, {
      allowPrivate: true,
      perSourceLimit: 4,
      concurrency: 1,
      onVerified: () => assert.fail('nothing here is a relay'),
      onRejected: (_r, reason) => rejected.push(reason),
    })
    const source = fakes[0]!.peerId.toString()
    for (const f of fakes.slice(1, 11)) {
      verifier.submit({ peerId: f.peerId.toString(), addrs: ['/ip4/127.0.0.1/tcp/1/ws'] }, source)
    }
    assert.equal(rejected.filter((r) => r === 'source_limit').length, 6)
    await waitFor('the four accepted candidates to be checked', () => rejected.length === 10)
    verifier.stop()
  })
})
