/**
 * The relay peer: Helia on libp2p with a persistent identity and on-disk stores, serving browsers as a
 * WebSocket endpoint, circuit relay v2 server, gossipsub router and media pinner, and joining other relays.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createHelia, type Helia } from 'helia'
import { BaseError } from 'viem'
import { FsBlockstore } from 'blockstore-fs'
import { LevelDatastore } from 'datastore-level'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { gossipsub, TopicValidatorResult, type GossipSub, type SubscriptionChangeData } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import type { Libp2p, Stream, Connection, PeerId } from '@libp2p/interface'
import { PIN_PROTOCOL, RELAY_ANNOUNCE_INTERVAL_MS, RELAY_LIST_PROTOCOL, RELAYS_TOPIC } from '../p2p/protocols.ts'
import { servePinRequest } from '../p2p/pin-protocol.ts'
import {
  decodeRelayAnnouncement,
  encodeRelayAnnouncement,
  isBrowserDialable,
  isNonPublicAddr,
  serveRelayList,
  type RelayRecord,
} from '../p2p/relay-list.ts'
import { RelayVerifier, type RelayRejection } from '../p2p/relay-verifier.ts'
import type { AdmissionRefusal } from '../p2p/relay-admission.ts'
import { RelayPool } from '../p2p/relay-pool.ts'
import { hasServices } from '../p2p/libp2p-services.ts'
import type { RelayConfig } from './config.ts'
import { Metrics } from './metrics.ts'
import { PinService, type BlockRetriever } from './pinning.ts'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Blockstore } from 'interface-blockstore'
import { GOSSIP_DROP_REASONS, gossipDropCounter } from './gossip-metrics.ts'
import { ipOf, ReservationGuard } from './reservations.ts'
import { createGateway } from './gateway.ts'
import type { HealthReport, HttpEndpoints } from './http.ts'
import type { Logger } from './log.ts'
import { startRelayCatalog } from './catalog.ts'
import { startMessaging } from './messages.ts'
import { startHealthCheck } from './health.ts'
import { PEER_RECORDS_PER_CONNECTION, PeerRecordStore } from './peer-records.ts'
import { libp2pLogger } from './libp2p-logger.ts'

/** Every reason `RelayVerifier` gives (the label values of `souk_relay_relay_candidates_rejected_total`). */
const RELAY_REJECTIONS = [
  'private_address',
  'no_usable_address',
  'unreachable',
  'wrong_answer',
  'source_limit',
  'queue_full',
  'recently_failed',
  'no_reservation',
  // kept out of the pool by its admission (src/p2p/relay-admission.ts)
  'per_ip',
  'per_subnet',
  'pool_full',
] as const satisfies readonly (RelayRejection | AdmissionRefusal)[]

/** How often each relay in the pool is checked again (still a relay granting reservations, or dropped). */
const RELAY_RECHECK_MS = 10 * 60_000

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
  /** The blockstore under Helia: no lock, no network (deletes here never wait for reads in progress). */
  blockstore: Blockstore
  /** This relay's record: peer id and the addresses browsers dial. */
  record(): RelayRecord
  /** Whether the relay can serve: libp2p started, blockstore readable, disk not full. */
  health(): Promise<HealthReport>
  /** The trustless gateway for the HTTP server (`/ipfs/<cid>`, pinned media only). */
  gateway: NonNullable<HttpEndpoints['gateway']>
  stop(): Promise<void>
}

export async function startRelayNode(config: RelayConfig, options: { log?: Logger } = {}): Promise<RelayNode> {
  const log = options.log
  await mkdir(config.dataDir, { recursive: true })
  const blockstore = new FsBlockstore(join(config.dataDir, 'blocks'))
  const datastore = new LevelDatastore(join(config.dataDir, 'datastore'))
  await blockstore.open()
  await datastore.open()
  // a block /health reads back to prove the store answers
  const canaryBytes = new TextEncoder().encode('souk relay health check')
  const canary = CID.createV1(raw.code, await sha256.digest(canaryBytes))
  await blockstore.put(canary, canaryBytes)
  const metrics = new Metrics()
  const dropped = metrics.counter(
    'souk_relay_dropped_frames_total',
    'Frames dropped from peers, by protocol and reason',
    {
      protocol: ['pin', 'relay-list'],
      reason: ['oversized', 'malformed', 'timeout', 'closed', 'limited_connection', 'rate_limited'],
    },
  )
  const invalidGossip = metrics.counter(
    'souk_relay_invalid_gossip_total',
    'Gossip messages rejected by validation, by topic',
    { topic: [RELAYS_TOPIC] },
  )
  const droppedGossip = metrics.counter(
    'souk_relay_dropped_gossip_total',
    'Gossip dropped: invalid or unsigned messages, unknown topics, undecodable or oversized RPCs, by reason',
    { reason: GOSSIP_DROP_REASONS },
  )
  const deniedDials = metrics.counter(
    'souk_relay_denied_dials_total',
    'Dials refused because the address is private, loopback or link-local',
  )
  const guard = new ReservationGuard(config, metrics)
  let carried: (topic: string) => boolean = () => true
  const ip = config.host.includes(':') ? 'ip6' : 'ip4'

  const created = await createHelia({
    blockstore,
    datastore,
    http: { delegatedRouters: [], recursiveGateways: [] },
    // a want or block sent to a peer that vanished (a sybil wave) must not hold a send slot for 10 s while
    // honest browsers wait for their blocks behind it
    bitswap: { messageSendTimeout: 3_000, messageSendConcurrency: 256 },
    libp2p: {
      // the peer store in memory, not in `datastore` (LevelDB): libp2p rewrites a record on every stream
      datastore: new PeerRecordStore(PEER_RECORDS_PER_CONNECTION * config.maxConnections),
      logger: libp2pLogger(),
      addresses: {
        listen: [`/${ip}/${config.host}/tcp/${config.port}/ws`],
        ...(config.announce.length > 0 ? { announce: config.announce } : {}),
      },
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [],
      connectionGater: {
        // relays learn addresses from strangers: never let one point us at a private network
        denyDialMultiaddr: (ma: Multiaddr) => {
          const deny = !config.allowPrivateAddrs && isNonPublicAddr(ma)
          if (deny) deniedDials()
          return deny
        },
        denyInboundRelayReservation: (peer: PeerId) => guard.deny(peer),
      },
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
          metricsRegister: gossipDropCounter(
            (reason, by) => droppedGossip({ reason }, by),
            (topic) => carried(topic),
          ),
          metricsTopicStrToLabel: new Map(),
          scoreParams: {
            // browsers behind one carrier NAT share an address: gossipsub's default penalty from the 11th peer
            // of one IP on would stop the relay gossiping to all of them (the per-address caps bound sybils).
            // In development every peer is 127.0.0.1, which is exempt.
            IPColocationFactorThreshold: Math.max(10, config.reservationsPerSubnet),
            ...(config.allowPrivateAddrs ? { IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']) } : {}),
          },
        }),
      },
    },
  } as Parameters<typeof createHelia>[0])
  // pins fetch blocks from the bitswap broker itself, not through Helia's locked, storing blockstore (see
  // pinning.ts): catch the broker when the bitswap mixin adds it at start
  let bitswap: Exclude<Parameters<Helia['addBlockBroker']>[0], (components: never) => unknown> | undefined
  const addBlockBroker = created.addBlockBroker.bind(created)
  created.addBlockBroker = (broker) => {
    if (typeof broker !== 'function' && broker.name === 'bitswap') bitswap = broker
    addBlockBroker(broker)
  }
  await created.start()
  // createHelia's types do not carry a service map given in its `libp2p` options: check the services are there
  // (libp2p lists its services only once started)
  if (!hasServices<typeof created, RelayServices>(created, ['identify', 'ping', 'relay', 'pubsub'])) {
    await created.stop()
    throw new BaseError('the relay started without its libp2p services (identify, ping, relay, pubsub)')
  }
  const helia = created
  const libp2p = helia.libp2p
  const retrieve: BlockRetriever = async (cid, opts) => {
    if (bitswap?.retrieve === undefined) throw new Error('bitswap is not running')
    return await bitswap.retrieve(cid, opts)
  }
  guard.attach(libp2p)
  carried = (topic) => libp2p.services.pubsub.getTopics().includes(topic)

  const pins = new PinService(helia, blockstore, retrieve, config, metrics)
  await pins.load()
  const catalog = await startRelayCatalog(
    { helia, metrics, pins, messageRetentionMs: config.messaging.retentionMs },
    config.dataDir,
    config.catalog,
  )

  const record = (): RelayRecord => ({
    peerId: libp2p.peerId.toString(),
    addrs: libp2p.getMultiaddrs().map((m) => m.toString()),
  })
  const relaysRejected = metrics.counter(
    'souk_relay_relay_candidates_rejected_total',
    'Relays heard of that were not trusted, by reason',
    { reason: RELAY_REJECTIONS },
  )
  const relaysVerified = metrics.counter('souk_relay_relay_candidates_verified_total', 'Relays verified')
  const verifier = new RelayVerifier(libp2p, {
    allowPrivate: config.allowPrivateAddrs,
    addrFilter: isBrowserDialable,
    // a relay grants the reservations browsers need; a peer that only answers the relay list is not one
    requireReservation: true,
    onVerified: (rec) => {
      relaysVerified()
      log?.info({ relay: rec.peerId, addr: rec.addrs[0] }, 'relay verified')
      relayPool.addVerified(rec)
    },
    onRejected: (rec, reason) => {
      relaysRejected({ reason })
      log?.debug({ relay: rec.peerId, reason }, 'relay candidate rejected')
    },
  })
  const relayPool = new RelayPool(libp2p, {
    relays: config.bootstrap,
    maxConnected: Number.POSITIVE_INFINITY,
    pubsub: libp2p.services.pubsub,
    backoff: { minMs: 1_000, maxMs: 60_000 },
    verifier,
    admission: {
      perIp: config.relaysPerIp,
      perSubnet: config.relaysPerSubnet,
      onRefused: (rec, reason) => {
        relaysRejected({ reason })
        log?.debug({ relay: rec.peerId, reason }, 'verified relay kept out of the pool for now')
      },
    },
    recheck: { everyMs: RELAY_RECHECK_MS, check: async (rec) => await verifier.recheck(rec) },
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
      const ip = ipOf(connection.remoteAddr)
      if (!pins.allow(connection.remotePeer, ip)) {
        dropped({ protocol: 'pin', reason: 'rate_limited' })
        stream.abort(new Error('too many pin requests'))
        return
      }
      void servePinRequest(
        stream,
        connection,
        (cid, peer, signal, keep) => pins.handle(cid, { peer, ip, ...(keep && { keep }) }, signal),
        dropper('pin'),
      )
    },
    { maxInboundStreams: 4 },
  )
  await libp2p.handle(
    RELAY_LIST_PROTOCOL,
    (stream: Stream) => {
      void serveRelayList(stream, () => [record(), ...relayPool.verifiedRecords()], dropper('relay-list'))
    },
    { maxInboundStreams: 2, runOnLimitedConnection: false },
  )

  const pubsub = libp2p.services.pubsub
  pubsub.topicValidators.set(RELAYS_TOPIC, (_peer, msg) => {
    const announced = decodeRelayAnnouncement(msg.data, msg.type === 'signed' ? msg.from : undefined)
    if (announced === undefined) {
      invalidGossip({ topic: RELAYS_TOPIC })
      return TopicValidatorResult.Reject
    }
    // pass on only announcements of relays verified here, so browsers never learn unchecked ones from us;
    // an unknown announcer is checked first (a real relay re-announces every 30 s and on every change)
    const trusted = relayPool.verifiedRecords().some((r) => r.peerId === announced.self.peerId)
    if (!trusted) verifier.submit(announced.self, announced.self.peerId)
    return trusted ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
  })
  await relayPool.start()
  const messaging = await startMessaging({ libp2p, datastore, metrics, pool: relayPool, config: config.messaging })

  const announce = (): void => {
    pubsub.publish(RELAYS_TOPIC, encodeRelayAnnouncement(record(), relayPool.verifiedRecords())).catch(() => {})
  }
  const announceTimer = setInterval(announce, RELAY_ANNOUNCE_INTERVAL_MS)
  // announce again whenever another relay joins, so relays and browsers already connected learn it at once
  relayPool.addEventListener('change', announce)
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
  metrics.gauge('souk_relay_relays_known', 'Other relays known', () => relayPool.relays.length)
  metrics.gauge(
    'souk_relay_relays_connected',
    'Other relays connected',
    () => relayPool.relays.filter((r) => r.connected).length,
  )
  metrics.gauge('souk_relay_relay_candidates_pending', 'Relays waiting for verification', () => verifier.pending)
  metrics.gauge('souk_relay_pubsub_peers', 'Gossipsub peers', () => pubsub.getPeers().length)

  const healthCheck = startHealthCheck({
    blockstore,
    canary: { cid: canary, bytes: canaryBytes },
    dataDir: config.dataDir,
    minFreeDiskBytes: config.minFreeDiskBytes,
    started: () => libp2p.status === 'started',
  })
  const gateway = createGateway(
    {
      isPinned: async (cid, { signal }) => await pins.isPinned(cid, { signal }),
      getBlock: (cid, { signal }) => blockstore.get(cid, { signal }),
    },
    metrics,
    config.gateway,
  )

  let stopped = false
  return {
    helia,
    libp2p,
    pool: relayPool,
    pins,
    metrics,
    blockstore,
    record,
    health: () => healthCheck.report(),
    gateway,
    async stop() {
      if (stopped) return
      stopped = true
      healthCheck.stop()
      clearInterval(announceTimer)
      relayPool.removeEventListener('change', announce)
      pubsub.removeEventListener('subscription-change', onSubscription)
      clearTimeout(joinTimer)
      verifier.stop()
      guard.detach()
      relayPool.stop()
      await catalog?.stop()
      await messaging.stop()
      await helia.stop()
      await blockstore.close()
      await datastore.close()
    },
  }
}
