/**
 * A relay that is connected but holds no reservation for us: the circuit relay transport makes one attempt
 * when a relay connects and never another, so before RelayPool's reservation watchdog a refused or failed
 * attempt left the node unreachable through that relay for as long as the connection lasted. Here a real
 * circuit relay server with room for one reservation (that expires after a few seconds) refuses the second
 * client at first; the client must show the truth meanwhile and end up with a reservation by itself.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { waitFor } from '../helpers/wait.ts'

/** How long the server keeps a reservation: the first client's expires, making room for the second. */
const RESERVATION_TTL_MS = 8_000

describe('a connected relay without a reservation', () => {
  let server: Libp2p
  let relayAddr: string
  const nodes: SoukNode[] = []

  before(async () => {
    server = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0/ws'] },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        relay: circuitRelayServer({ reservations: { maxReservations: 1, reservationTtl: RESERVATION_TTL_MS } }),
      },
    })
    const addr = server.getMultiaddrs().find((m) => m.toString().includes('/ws'))
    assert.ok(addr, 'the relay server listens on WebSockets')
    relayAddr = addr.toString()
  })
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
    await server?.stop()
  })

  const start = async (reserveTimeoutMs?: number): Promise<SoukNode> => {
    const node = await createSoukNode({
      relays: [relayAddr],
      storage: 'memory',
      webrtc: false,
      reservations: 1,
      ...(reserveTimeoutMs !== undefined ? { reserveTimeoutMs } : {}),
    })
    nodes.push(node)
    return node
  }

  test('is shown as reserving, then dropped and redialled until a reservation is made', async () => {
    const first = await start()
    await waitFor('the first client to take the only reservation', () => first.status.snapshot.reservations === 1, {
      timeout: 15_000,
    })
    const second = await start(2_000)
    // refused (RESERVATION_REFUSED): connected, no reservation, and the status says so
    const waiting = await waitFor(
      'the second client to be connected without a reservation',
      () => {
        const s = second.status.snapshot
        const r = s.relays[0]
        return r?.connected && !r.reservation && r.reserving ? s : undefined
      },
      { timeout: 15_000 },
    )
    assert.equal(waiting.status, 'degraded', 'connected but unreachable is not "online"')
    assert.equal(waiting.reservations, 0)
    // the first reservation expires on the server; only a new attempt by the second client can use the room
    await first.stop()
    const done = await waitFor(
      'the second client to reserve on the relay once it has room',
      () => (second.status.snapshot.reservations === 1 ? second.status.snapshot : undefined),
      { timeout: RESERVATION_TTL_MS + 20_000 },
    )
    assert.equal(done.status, 'online')
    assert.equal(done.relays[0]?.reserving, false)
    assert.ok(
      (done.relays[0]?.reservationResets ?? 0) >= 1,
      'the pool dropped and redialled the relay to get a fresh attempt',
    )
  })
})
