/**
 * A relay that is connected but holds no reservation for us. The circuit relay transport (4.2.13 as
 * published) makes one attempt when a relay connects and never another, so a refused or timed-out attempt
 * left the node unreachable through that relay for as long as the connection lasted. Two fixes, each tested
 * here on its own: the transport now retries with backoff while connected (patches/@libp2p+circuit-relay-v2,
 * sent upstream), and RelayPool drops and redials a relay that stays without a reservation (the watchdog).
 *
 * A real circuit relay server with room for one reservation, which expires after a few seconds, refuses the
 * second client at first; the client must show the truth meanwhile and end up with a reservation by itself.
 */
import { afterEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import type { NetworkSnapshot } from '../../src/p2p/network-status.ts'
import { waitFor } from '../helpers/wait.ts'

/** How long the server keeps a reservation: the first client's expires, making room for the second. */
const RESERVATION_TTL_MS = 8_000
/** Longer than any test: the pool's watchdog never fires. */
const NO_WATCHDOG = 3_600_000

describe('a connected relay without a reservation', () => {
  const running: { stop(): void | Promise<void> }[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((n) => n.stop()))
  })

  /** A relay server with room for one reservation, and a first client holding it. */
  async function fullRelay(): Promise<string> {
    const server: Libp2p = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        relay: circuitRelayServer({ reservations: { maxReservations: 1, reservationTtl: RESERVATION_TTL_MS } }),
      },
    })
    running.push(server)
    const addr = server.getMultiaddrs().find((m) => m.toString().includes('/ws'))
    assert.ok(addr, 'the relay server listens on WebSockets')
    const first = await start(addr.toString(), NO_WATCHDOG)
    await waitFor('the first client to take the only reservation', () => first.status.snapshot.reservations === 1, {
      timeout: 15_000,
    })
    // the server keeps the first reservation until its TTL runs out, connected or not
    await first.stop()
    return addr.toString()
  }

  async function start(relay: string, reserveTimeoutMs: number): Promise<SoukNode> {
    const node = await createSoukNode({
      relays: [relay],
      storage: 'memory',
      webrtc: false,
      reservations: 1,
      reserveTimeoutMs,
    })
    running.push(node)
    return node
  }

  /** Waits until the relay is connected without a reservation and checks the status says so. */
  async function refused(node: SoukNode): Promise<void> {
    const s = await waitFor(
      'the client to be connected to the full relay without a reservation',
      () => {
        const r = node.status.snapshot.relays[0]
        return r?.connected && !r.reservation && r.reserving ? node.status.snapshot : undefined
      },
      { timeout: 15_000 },
    )
    assert.equal(s.status, 'online', 'a connected relay carries everything a shopper does')
    assert.equal(s.reachable, false, 'connected but not reachable by other browsers')
    assert.equal(s.reservations, 0)
  }

  const reserved = (node: SoukNode): Promise<NetworkSnapshot> =>
    waitFor(
      'the client to reserve on the relay once it has room',
      () => (node.status.snapshot.reservations === 1 ? node.status.snapshot : undefined),
      { timeout: RESERVATION_TTL_MS + 25_000 },
    )

  test('the transport retries a refused reservation on the same connection (patched circuit-relay-v2)', async () => {
    const relay = await fullRelay()
    const client = await start(relay, NO_WATCHDOG)
    await refused(client)
    const done = await reserved(client)
    assert.equal(done.status, 'online')
    assert.equal(done.reachable, true)
    assert.equal(done.relays[0]?.reserving, false)
    assert.equal(done.relays[0]?.reservationResets, 0, 'the same connection, not a redial by the pool')
  })

  test("the relay pool's watchdog drops and redials a relay that stays without a reservation", async () => {
    const relay = await fullRelay()
    // the relay has no room for RESERVATION_TTL_MS, so a 3 s watchdog fires at least once before any attempt
    // can succeed (whichever of the pool's redial and the transport's own retry then gets the reservation);
    // shorter than one attempt (connect, identify, reserve) it would hang up before the transport could try
    const client = await start(relay, 3_000)
    await refused(client)
    const done = await reserved(client)
    assert.equal(done.status, 'online')
    assert.ok((done.relays[0]?.reservationResets ?? 0) >= 1, 'the pool dropped and redialled the relay')
  })
})
