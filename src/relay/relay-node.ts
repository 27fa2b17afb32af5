/**
 * The relay peer: Helia on libp2p with a persistent identity and on-disk stores, serving browsers as a
 * WebSocket endpoint, circuit relay v2 server, gossipsub router and media pinner, and joining other relays.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createHelia, type Helia } from 'helia'
import { FsBlockstore } from 'blockstore-fs'
import { LevelDatastore } from 'datastore-level'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { gossipsub, TopicValidatorResult, type GossipSub, type SubscriptionChangeData } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import type { Libp2p, Stream, Connection } from '@libp2p/interface'
import { PIN_PROTOCOL, RELAY_ANNOUNCE_INTERVAL_MS, RELAY_LIST_PROTOCOL, RELAYS_TOPIC } from '../p2p/protocols.ts'
import { servePinRequest } from '../p2p/pin-protocol.ts'
import {
  decodeRelayAnnouncement,
  encodeRelayAnnouncement,
  serveRelayList,
  type RelayRecord,
} from '../p2p/relay-list.ts'
import { RelayPool } from '../p2p/relay-pool.ts'
import type { RelayConfig } from './config.ts'
import { Metrics } from './metrics.ts'
import { PinService } from './pinning.ts'
import { startMessaging } from './messages.ts'

export interface RelayServices extends Record<string, unknown> {
  identify: Identify
  ping: Ping
  relay: CircuitRelayService
  pubsub: GossipSub
}

export interface RelayNode {
  helia: Helia & { libp2p: Libp2p<RelayServices> }
  libp2p: Libp2p<RelayServices>
  pool: RelayPool
  pins: PinService
  metrics: Metrics
  /** This relay's record: peer id and the addresses browsers dial. */
  record(): RelayRecord
  stop(): Promise<void>
}

export async function startRelayNode(config: RelayConfig): Promise<RelayNode> {
  await mkdir(config.dataDir, { recursive: true })
  const blockstore = new FsBlockstore(join(config.dataDir, 'blocks'))
  const datastore = new LevelDatastore(join(config.dataDir, 'datastore'))
  await blockstore.open()
  await datastore.open()
  const metrics = new Metrics()
  const dropped = metrics.counter(
    'souk_relay_dropped_frames_total',
    'Frames dropped from peers, by protocol and reason',
  )
  const invalidGossip = metrics.counter(
    'souk_relay_invalid_gossip_total',
    'Gossip messages rejected by validation, by topic',
  )
  const ip = config.host.includes(':') ? 'ip6' : 'ip4'

  const helia = (await createHelia({
    blockstore,
    datastore,
    http: { delegatedRouters: [], recursiveGateways: [] },
    libp2p: {
      addresses: {
        listen: [`/${ip}/${config.host}/tcp/${config.port}/ws`],
        ...(config.announce.length > 0 ? { announce: config.announce } : {}),
      },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [],
      connectionManager: {
        maxConnections: config.maxConnections,
        inboundConnectionThreshold: config.inboundRate,
        maxIncomingPendingConnections: 512,
      },
      services: {
        identify: identify(),
        ping: ping(),
        relay: circuitRelayServer({
          reservations: {
            maxReservations: config.maxReservations,
            defaultDataLimit: BigInt(config.relayedDataLimit),
            defaultDurationLimit: config.relayedDurationMs,
          },
          maxInboundHopStreams: 64,
          maxOutboundStopStreams: 1024,
        }),
        // browsers and other relays reach the relay over direct WebSocket connections, which are not limited,
        // so gossipsub needs no runOnLimitedConnection here
        pubsub: gossipsub({
          allowPublishToZeroTopicPeers: true,
          maxInboundDataLength: 1024 * 1024,
          doPX: false,
        }),
      },
    },
  } as Parameters<typeof createHelia>[0])) as unknown as RelayNode['helia']
  await helia.start()
  const libp2p = helia.libp2p

  const pins = new PinService(helia, config, metrics)
  await pins.load()

  const record = (): RelayRecord => ({
    peerId: libp2p.peerId.toString(),
    addrs: libp2p.getMultiaddrs().map((m) => m.toString()),
  })
  const pool = new RelayPool(libp2p, {
    relays: config.bootstrap,
    maxConnected: Number.POSITIVE_INFINITY,
    pubsub: libp2p.services.pubsub,
    backoff: { minMs: 1_000, maxMs: 60_000 },
  })

  const dropper = (protocol: string) => (reason: string) => dropped({ protocol, reason })
  await libp2p.handle(
    PIN_PROTOCOL,
    (stream: Stream, connection: Connection) => {
      if (connection.limits !== undefined) {
        dropped({ protocol: 'pin', reason: 'limited_connection' })
        stream.abort(new Error('pin requests must come over a direct connection'))
        return
      }
      if (!pins.allow(connection.remotePeer)) {
        dropped({ protocol: 'pin', reason: 'rate_limited' })
        stream.abort(new Error('too many pin requests'))
        return
      }
      void servePinRequest(stream, connection, pins.handle, dropper('pin'))
    },
    { maxInboundStreams: 4 },
  )
  await libp2p.handle(
    RELAY_LIST_PROTOCOL,
    (stream: Stream) => {
      void serveRelayList(stream, () => [record(), ...pool.verifiedRecords()], dropper('relay-list'))
    },
    { maxInboundStreams: 2, runOnLimitedConnection: false },
  )

  const pubsub = libp2p.services.pubsub
  pubsub.topicValidators.set(RELAYS_TOPIC, (_peer, msg) => {
    const ok = decodeRelayAnnouncement(msg.data, msg.type === 'signed' ? msg.from : undefined) !== undefined
    if (!ok) invalidGossip({ topic: RELAYS_TOPIC })
    return ok ? TopicValidatorResult.Accept : TopicValidatorResult.Reject
  })
  await pool.start()
  const messaging = await startMessaging({ libp2p, datastore, metrics, pool, config: config.messaging })

  const announce = (): void => {
    pubsub.publish(RELAYS_TOPIC, encodeRelayAnnouncement(record(), pool.verifiedRecords())).catch(() => {})
  }
  const announceTimer = setInterval(announce, RELAY_ANNOUNCE_INTERVAL_MS)
  // announce again whenever another relay joins, so relays and browsers already connected learn it at once
  pool.addEventListener('change', announce)
  // and whenever a peer starts listening on the topic: an announcement made before it subscribed never
  // reached it, and it must not wait for the next periodic one (coalesced, many may subscribe at once)
  let joinTimer: ReturnType<typeof setTimeout> | undefined
  const onSubscription = (event: CustomEvent<SubscriptionChangeData>): void => {
    if (!event.detail.subscriptions.some((s) => s.topic === RELAYS_TOPIC && s.subscribe)) return
    joinTimer ??= setTimeout(() => {
      joinTimer = undefined
      announce()
    }, 200)
  }
  pubsub.addEventListener('subscription-change', onSubscription)

  const cpuStart = process.cpuUsage()
  metrics.gauge(
    'souk_relay_peers',
    'Connected peers',
    () => new Set(libp2p.getConnections().map((c) => c.remotePeer.toString())).size,
  )
  metrics.gauge('souk_relay_connections', 'Open connections', () => libp2p.getConnections().length)
  metrics.gauge(
    'souk_relay_reservations',
    'Circuit relay v2 reservations held',
    () => libp2p.services.relay.reservations.size,
  )
  metrics.gauge('souk_relay_max_reservations', 'Reservation limit', () => config.maxReservations)
  metrics.gauge('souk_relay_relays_known', 'Other relays known', () => pool.relays.length)
  metrics.gauge(
    'souk_relay_relays_connected',
    'Other relays connected',
    () => pool.relays.filter((r) => r.connected).length,
  )
  metrics.gauge('souk_relay_pubsub_peers', 'Gossipsub peers', () => pubsub.getPeers().length)
  metrics.gauge('process_resident_memory_bytes', 'Resident set size', () => process.memoryUsage.rss())
  metrics.gauge('process_cpu_seconds_total', 'User + system CPU time', () => {
    const u = process.cpuUsage(cpuStart)
    return (u.user + u.system) / 1e6
  })

  let stopped = false
  return {
    helia,
    libp2p,
    pool,
    pins,
    metrics,
    record,
    async stop() {
      if (stopped) return
      stopped = true
      clearInterval(announceTimer)
      pool.removeEventListener('change', announce)
      pubsub.removeEventListener('subscription-change', onSubscription)
      clearTimeout(joinTimer)
      pool.stop()
      await messaging.stop()
      await helia.stop()
      await blockstore.close()
      await datastore.close()
    },
  }
}
