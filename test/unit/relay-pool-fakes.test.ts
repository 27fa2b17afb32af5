/**
 * Issue #24, finding 7, against real relay processes: fake relays that do answer the relay-list protocol used to
 * fill a relay's pool (64 of 64), after which a real relay was verified but never added. Now:
 * - a candidate must grant a circuit relay reservation to be trusted, so a cheap fake that only answers the
 *   relay list never enters the pool;
 * - verified relays are capped per address and per /24 (here 2 and 4, set through the environment: the dev
 *   mode, every relay on loopback, lifts them by default), so sybils that are real circuit relays fill at most
 *   that many places per network;
 * - a pool full of such sybils still takes a real relay that other relays vouch for: it replaces one that
 *   nobody but itself announced.
 * Fakes listen on their own loopback addresses (127.0.x.y), as relays on other hosts would. Last, in process: a
 * relay in the pool that stops granting reservations is dropped at its next recheck.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, RELAY_V2_HOP_CODEC } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { RELAY_LIST_PROTOCOL } from '../../src/p2p/protocols.ts'
import { serveRelayList } from '../../src/p2p/relay-list.ts'
import { RelayPool } from '../../src/p2p/relay-pool.ts'
import { RelayVerifier } from '../../src/p2p/relay-verifier.ts'
import { subnetOf } from '../../src/relay/reservations.ts'
import { waitFor } from '../helpers/wait.ts'
import { health, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const POOL = 64
const CHEAP_FAKES = 24
const PER_IP = 2
const PER_SUBNET = 4

interface Fake {
  node: Libp2p
  ip: string
  hop: boolean
  /** Peers that asked it for its relay list: a relay checking a candidate asks first. */
  askedBy: Set<string>
}

/** A peer on `ip` that answers the relay list with itself first; with `hop`, also a circuit relay server. */
async function fakeRelay(ip: string, hop: boolean): Promise<Fake> {
  const node = await createLibp2p({
    addresses: { listen: [`/ip4/${ip}/tcp/0/ws`] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ...(hop ? { relay: circuitRelayServer() } : {}) },
  })
  const self = () => [{ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map((m) => m.toString()) }]
  const askedBy = new Set<string>()
  await node.handle(RELAY_LIST_PROTOCOL, (stream, connection) => {
    askedBy.add(connection.remotePeer.toString())
    void serveRelayList(stream, self, () => {})
  })
  return { node, ip, hop, askedBy }
}

async function poolOf(relay: Relay): Promise<{ peerId: string; connected: boolean }[]> {
  return (await health(relay.http)).relays
}

describe('fake relays cannot crowd a real relay out of the pool', () => {
  const cleanup: (() => Promise<unknown>)[] = []
  let relayA: Relay
  let relayC: Relay
  const fakes = new Map<string, Fake>()

  before(async () => {
    const [dirA, dirC] = await Promise.all([tempDir(), tempDir()])
    cleanup.push(dirA.remove, dirC.remove)
    relayA = await startRelay({
      dataDir: dirA.path,
      name: 'relayA',
      env: { SOUK_RELAY_RELAYS_PER_IP: String(PER_IP), SOUK_RELAY_RELAYS_PER_SUBNET: String(PER_SUBNET) },
    })
    cleanup.push(() => relayA.proc.stop())
    relayC = await startRelay({ dataDir: dirC.path, name: 'relayC', bootstrap: [relayA.wsAddr] })
    cleanup.push(() => relayC.proc.stop())
    await waitFor(
      'relay A to take relay C',
      async () => (await poolOf(relayA)).some((r) => r.peerId === relayC.peerId),
      {
        timeout: 20_000,
        interval: 200,
      },
    )
  })
  after(async () => {
    await Promise.all([...fakes.values()].map(async (f) => await Promise.resolve(f.node.stop()).catch(() => {})))
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  /**
   * Connects fakes to relay A a few at a time, so its verifier (32 waiting at most) checks every one: the next
   * batch dials only once relay A has started checking each fake of this one. (Waiting for its pending count
   * to drop was racy: a fake's dial resolves before relay A has identified it and queued its check, so the
   * count could be low while a whole batch was still to come, and the next batch then overflowed the queue.)
   */
  async function join(list: Fake[]): Promise<void> {
    for (let i = 0; i < list.length; i += 16) {
      const batch = list.slice(i, i + 16)
      await Promise.all(batch.map((f) => f.node.dial(multiaddr(relayA.wsAddr))))
      await waitFor(
        'relay A to start checking each fake that connected',
        () => batch.every((f) => f.askedBy.has(relayA.peerId)),
        { timeout: 30_000, interval: 100 },
      ).catch(async (err: Error) => {
        const unchecked = batch.filter((f) => !f.askedBy.has(relayA.peerId)).length
        const full = await metric(relayA.http, 'souk_relay_relay_candidates_rejected_total', { reason: 'queue_full' })
        throw new Error(`${err.message}: ${unchecked} of ${batch.length} never asked, queue_full ${full}`)
      })
    }
    // relay A has started checking every fake: once none is pending, every check is done
    await waitFor(
      'relay A to check every fake',
      async () => (await metric(relayA.http, 'souk_relay_relay_candidates_pending')) === 0,
      { timeout: 30_000, interval: 200 },
    )
  }

  test('cheap fakes, sybil relays and then a real relay', async (t) => {
    // cheap fakes on one address: they answer the relay list, nothing else (70 filled the pool before)
    const cheap = await Promise.all(Array.from({ length: CHEAP_FAKES }, () => fakeRelay('127.0.1.2', false)))
    // sybils that are real circuit relays: 16 networks × 2 addresses × 2 relays fill the pool at the caps, plus a
    // third relay on one address and a third address in one network, which the caps refuse
    const sybilIps = Array.from({ length: 16 }, (_, n) => [`127.0.${10 + n}.2`, `127.0.${10 + n}.3`]).flat()
    const sybils = await Promise.all([
      ...sybilIps.flatMap((ip) => [fakeRelay(ip, true), fakeRelay(ip, true)]),
      fakeRelay('127.0.10.2', true),
      fakeRelay('127.0.11.4', true),
    ])
    for (const f of [...cheap, ...sybils]) fakes.set(f.node.peerId.toString(), f)

    const t0 = Date.now()
    await join(cheap)
    const afterCheap = await poolOf(relayA)
    t.diagnostic(`pool after the cheap fakes: ${afterCheap.length} relays (${Date.now() - t0} ms)`)
    assert.deepEqual(
      afterCheap.filter((r) => fakes.get(r.peerId)?.hop === false).map((r) => r.peerId),
      [],
      'no cheap fake in the pool',
    )
    assert.ok(
      (await metric(relayA.http, 'souk_relay_relay_candidates_rejected_total', { reason: 'no_reservation' })) >=
        CHEAP_FAKES,
      'every cheap fake was checked for a reservation and refused',
    )

    const t1 = Date.now()
    await join(sybils)
    const full = await poolOf(relayA)
    t.diagnostic(`pool after the sybils: ${full.length} relays (${Date.now() - t1} ms)`)
    const perIp = new Map<string, number>()
    const perSubnet = new Map<string, number>()
    for (const r of full) {
      const f = fakes.get(r.peerId)
      if (!f) continue
      perIp.set(f.ip, (perIp.get(f.ip) ?? 0) + 1)
      perSubnet.set(subnetOf(f.ip), (perSubnet.get(subnetOf(f.ip)) ?? 0) + 1)
    }
    assert.ok(Math.max(...perIp.values()) <= PER_IP, `at most ${PER_IP} per address: ${JSON.stringify([...perIp])}`)
    assert.ok(Math.max(...perSubnet.values()) <= PER_SUBNET, `at most ${PER_SUBNET} per /24`)
    assert.equal(full.length, POOL, 'the sybils filled the pool')
    assert.ok((await metric(relayA.http, 'souk_relay_relay_candidates_rejected_total', { reason: 'per_ip' })) >= 1)
    assert.ok((await metric(relayA.http, 'souk_relay_relay_candidates_rejected_total', { reason: 'per_subnet' })) >= 1)

    // a real relay joins A and C: C vouches for it, no one vouches for a sybil, so it takes a sybil's place
    const t2 = Date.now()
    const dirB = await tempDir()
    cleanup.push(dirB.remove)
    const relayB = await startRelay({ dataDir: dirB.path, name: 'relayB', bootstrap: [relayA.wsAddr, relayC.wsAddr] })
    cleanup.push(() => relayB.proc.stop())
    await waitFor(
      'relay A to take relay B into its full pool and connect to it',
      async () => (await poolOf(relayA)).some((r) => r.peerId === relayB.peerId && r.connected),
      { timeout: 30_000, interval: 200 },
    ).catch(async (err: Error) => {
      const pool = await poolOf(relayA)
      throw new Error(`${err.message}; pool: ${pool.length}, C in it: ${pool.some((r) => r.peerId === relayC.peerId)}`)
    })
    t.diagnostic(`relay B started and taken in ${Date.now() - t2} ms`)
    const final = await poolOf(relayA)
    assert.ok(final.length <= POOL)
    assert.ok(
      final.some((r) => r.peerId === relayC.peerId),
      'relay C stays',
    )
    assert.equal(final.filter((r) => fakes.get(r.peerId)?.hop === false).length, 0, 'still no cheap fake')
  })
})

describe('a relay that stops being one', () => {
  test('is dropped from the pool and hung up at its next recheck', async (t) => {
    const a = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    })
    const x = await fakeRelay('127.0.0.1', true)
    t.after(async () => {
      await Promise.all([a.stop(), x.node.stop()])
    })
    const rejected: string[] = []
    const verifier = new RelayVerifier(a, {
      allowPrivate: true,
      requireReservation: true,
      onVerified: (rec) => pool.addVerified(rec),
      onRejected: (_r, reason) => rejected.push(reason),
    })
    const pool = new RelayPool(a, {
      relays: [],
      maxConnected: Number.POSITIVE_INFINITY,
      verifier,
      admission: { perIp: PER_IP, perSubnet: PER_SUBNET },
      recheck: { everyMs: 1_000, check: async (rec) => await verifier.recheck(rec) },
    })
    await pool.start()
    t.after(() => {
      pool.stop()
      verifier.stop()
    })
    const xId = x.node.peerId.toString()
    await x.node.dial(a.getMultiaddrs()[0]!)
    await waitFor('the relay to be verified and taken', () => pool.relays.some((r) => r.peerId === xId && r.connected))
    // it stops serving the circuit relay hop protocol: no more reservations through it
    await x.node.unhandle(RELAY_V2_HOP_CODEC)
    await waitFor('the pool to drop it', () => !pool.isRelay(xId), { timeout: 10_000 })
    assert.deepEqual(rejected, ['no_reservation'])
    await waitFor('the connection to it to be closed', () => a.getConnections(x.node.peerId).length === 0)
  })
})
