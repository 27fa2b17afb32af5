/**
 * The browser's P2P node: Helia (IPFS blocks) on libp2p, built by one function from a plain options object.
 *
 * Transports: WebSockets to relays (the backbone), circuit relay v2 (a `/p2p-circuit` listen address per
 * wanted reservation, so other browsers can reach this one), and WebRTC between browsers (signalled over
 * the relayed connection, then direct). Noise + yamux, identify, ping, gossipsub. Blocks and the identity
 * (Helia keeps the private key in its datastore) live in IndexedDB, so the peer id and media survive
 * reloads; `storage: 'memory'` is for tests and Node clients.
 */
import { createHeliaLight, type Helia } from 'helia'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { hasServices } from './libp2p-services.ts'
import { withDeadline } from './frames.ts'
import { fallbackRouter } from '@helia/fallback-router'
import { trustlessGatewayBlockBroker } from '@helia/trustless-gateway-client'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as json from 'multiformats/codecs/json'
import { sha512 } from 'multiformats/hashes/sha2'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { Key } from 'interface-datastore'
import { BaseError } from 'viem'
import type { Connection, Libp2p, PrivateKey } from '@libp2p/interface'
import { NetworkStatus } from './network-status.ts'
import { RelayPool, type BackoffOptions } from './relay-pool.ts'
import type { RelayRecord } from './relay-list.ts'
import { openStores, type NodeStores } from './storage.ts'

export interface SoukNodeOptions {
  /** Relay multiaddrs from config.json, each ending in `/p2p/<peer id>`. More are learnt from peers. */
  relays: string[]
  /** `indexeddb` (default) keeps identity and blocks across reloads; `memory` forgets them on stop. */
  storage?: 'indexeddb' | 'memory'
  /** IndexedDB name prefix (default `souk`); two nodes in one origin need different names. */
  storageName?: string
  /** Relays kept connected at once (default 3). */
  maxRelays?: number
  /** Circuit relay reservations held at once, i.e. relays through which others can reach us (default 2). */
  reservations?: number
  /** Enable the WebRTC transport (default true; Node test clients without WebRTC turn it off). */
  webrtc?: boolean
  /** ICE servers for WebRTC (default none: host candidates only, enough on one network). */
  iceServers?: RTCIceServer[]
  /**
   * Trustless HTTP gateways (at most 5 are used) from which blocks are fetched beside bitswap, each checked
   * against its CID by Helia. Usually the relays' HTTP ports, so media loads before any libp2p connection.
   */
  gateways?: string[]
  /** Allow gateways on http:// and private addresses (development on one machine; default false). */
  allowLocalGateways?: boolean
  /** Reconnect backoff towards relays. */
  backoff?: BackoffOptions
  /**
   * How long a connected relay may go without a reservation (while fewer than `reservations` are held)
   * before the relay pool drops and redials it so the transport tries again (default 15 s).
   */
  reserveTimeoutMs?: number
  /** Use this identity instead of the stored one. */
  privateKey?: PrivateKey
}

export interface SoukServices extends Record<string, unknown> {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
}

export type SoukHelia = Helia & { libp2p: Libp2p<SoukServices> }

export interface SoukNode {
  readonly helia: SoukHelia
  readonly libp2p: Libp2p<SoukServices>
  readonly peerId: string
  readonly relays: RelayPool
  readonly status: NetworkStatus
  /**
   * Opens a connection to another browser: through a connected relay, upgraded to direct WebRTC when
   * WebRTC is enabled. Resolves with the direct connection (or the relayed one without WebRTC). Tries each
   * connected relay in turn.
   */
  dialPeer(peerId: string, options?: { signal?: AbortSignal }): Promise<Connection>
  stop(): Promise<void>
}

const RELAYS_KEY = new Key('/souk/relays')
/** @helia/fallback-router never evicts its providers from a session: more than five would crowd out peers. */
const MAX_GATEWAYS = 5

/** One failed attempt of `dialPeer`, naming the step it reached; the libp2p error is its cause. */
export class DialAttemptError extends BaseError {
  override name = 'DialAttemptError'
}
/** Attempts of a browser-to-browser dial through each relay, and the time each may take. */
const DIAL_ATTEMPTS_PER_RELAY = 3
const DIAL_ATTEMPT_TIMEOUT_MS = 10_000
/** Longest a retry waits for the previous attempt's dial to leave libp2p's dial queue. */
const DIAL_QUEUE_DRAIN_MS = 2_000

export async function createSoukNode(options: SoukNodeOptions): Promise<SoukNode> {
  const stores: NodeStores = await openStores(options.storage ?? 'indexeddb', options.storageName ?? 'souk')
  const useWebRTC = options.webrtc ?? true
  const reservations = Math.max(0, options.reservations ?? 2)
  const listen = [...Array.from({ length: reservations }, () => '/p2p-circuit'), ...(useWebRTC ? ['/webrtc'] : [])]
  // the pool needs libp2p, and libp2p's gater asks the pool: see RelayPool.isBackingOff
  const late: { pool?: RelayPool } = {}
  let helia: SoukHelia
  try {
    // Helia composed by hand (what createHelia does, minus its defaults): no public HTTP gateways or delegated
    // routers (blocks come from relays and peers over bitswap, and from the configured gateways below) and none of libp2p's default services
    // (DHT, AutoNAT, DCUtR, …), which a browser here doesn't run and shouldn't download and compile
    const light = createHeliaLight({
      blockstore: stores.blockstore,
      datastore: stores.datastore,
      codecs: [dagCbor, dagJson, json],
      hashers: [sha512],
    } as Parameters<typeof createHeliaLight>[0])
    const composed = withBitswap(
      withLibp2pLight(light, {
        ...(options.privateKey ? { privateKey: options.privateKey } : {}),
        addresses: { listen },
        transports: [
          webSockets(),
          circuitRelayTransport({ reservationCompletionTimeout: 10_000 }),
          ...(useWebRTC ? [webRTC({ rtcConfiguration: { iceServers: options.iceServers ?? [] } })] : []),
        ],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        // relays are plain ws:// on loopback in development; the browser's default gater refuses those
        // (a https page can't open ws:// anyway: mixed content is blocked by the browser itself)
        connectionGater: {
          denyDialMultiaddr: () => false,
          denyDialPeer: (peerId) => late.pool?.isBackingOff(peerId.toString()) ?? false,
        },
        // every dial here has its own deadline (the pool's, dialPeer's per attempt); libp2p's default 6 s per
        // address cut WebRTC dials short on a loaded machine, where SDP over the relay + ICE + DTLS + SCTP can
        // take longer, and then every retry failed the same way
        connectionManager: { maxConnections: 64, addressDialTimeout: DIAL_ATTEMPT_TIMEOUT_MS },
        peerDiscovery: [],
        services: {
          identify: identify(),
          ping: ping(),
          pubsub: gossipsub({
            allowPublishToZeroTopicPeers: true,
            // relayed browser↔browser connections are limited (small data/time budget): gossip travels over
            // the relays' direct WebSocket connections and over direct WebRTC connections instead
            runOnLimitedConnection: false,
            maxInboundDataLength: 1024 * 1024,
          }),
        },
      } as Parameters<typeof withLibp2pLight>[1]),
    )
    const gateways = (options.gateways ?? []).slice(0, MAX_GATEWAYS)
    if (gateways.length > 0) {
      // no delegated routers or public gateways (what @helia/http's withHTTP adds): only the configured ones
      composed.addRouter(fallbackRouter({ gateways }))
      const local = options.allowLocalGateways === true
      composed.addBlockBroker(trustlessGatewayBlockBroker({ allowInsecure: local, allowLocal: local }))
    }
    await composed.start()
    // the service map given to withLibp2pLight is not in its return type: check the services are there (libp2p
    // lists them only once started)
    if (!hasServices<typeof composed, SoukServices>(composed, ['identify', 'ping', 'pubsub'])) {
      await composed.stop()
      throw new BaseError('the browser node started without its libp2p services (identify, ping, pubsub)')
    }
    helia = composed
  } catch (err) {
    await stores.close()
    throw err
  }
  const libp2p = helia.libp2p
  const relays = new RelayPool(libp2p, {
    relays: options.relays,
    maxConnected: options.maxRelays ?? 3,
    reservations,
    ...(options.reserveTimeoutMs !== undefined ? { reserveTimeoutMs: options.reserveTimeoutMs } : {}),
    backoff: options.backoff,
    pubsub: libp2p.services.pubsub,
    store: {
      async load() {
        try {
          return JSON.parse(new TextDecoder().decode(await stores.datastore.get(RELAYS_KEY))) as RelayRecord[]
        } catch {
          return []
        }
      },
      async save(records) {
        await stores.datastore.put(RELAYS_KEY, new TextEncoder().encode(JSON.stringify(records)))
      },
    },
  })
  late.pool = relays
  const status = new NetworkStatus({ libp2p, pool: relays, stores, reservationsWanted: reservations })
  await relays.start()
  status.start()

  return {
    helia,
    libp2p,
    peerId: libp2p.peerId.toString(),
    relays,
    status,
    async dialPeer(peerId, { signal } = {}) {
      const existing = libp2p
        .getConnections()
        .find((c) => c.remotePeer.toString() === peerId && c.status === 'open' && c.limits === undefined)
      if (existing) return existing
      const via = relays.relays.filter((r) => r.connected).flatMap((r) => r.addrs.slice(0, 1))
      if (via.length === 0) throw new Error('no relay connected: cannot reach other browsers')
      const suffix = useWebRTC ? `/p2p-circuit/webrtc/p2p/${peerId}` : `/p2p-circuit/p2p/${peerId}`
      // One relay at a time, each attempt with its own deadline: a relay that just died must not eat the whole
      // budget. Each relay is tried up to three times, a retry on a fresh relayed connection (the failed
      // attempt's one may be what is stuck). The attempt that used to stall (@libp2p/webrtc 6 waiting for an
      // "open" event of a data channel that had already opened and closed) is fixed by
      // patches/@libp2p+webrtc+6.0.33.patch; the retries stay for relays that die mid-dial.
      const target = peerIdFromString(peerId)
      const dropLimited = (): void => {
        for (const c of libp2p.getConnections(target))
          if (c.limits !== undefined) c.abort(new Error('retrying the dial on a fresh relayed connection'))
      }
      // libp2p's dial queue lets a new dial to a peer *join* a pending one. A timed-out attempt's dial job
      // outlives its caller for a moment (its transport is still unwinding), and a retry that joined it
      // inherited its failure at once (seen as attempts stopping after "dial-queue:calculated-addresses").
      // So a retry first waits, briefly and bounded, for the previous attempt's job to leave the queue.
      const previousDialGone = async (): Promise<void> => {
        const until = Date.now() + DIAL_QUEUE_DRAIN_MS
        while (libp2p.getDialQueue().some((d) => d.peerId?.equals(target) === true) && Date.now() < until) {
          if (signal?.aborted) return
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }
      // Every attempt shows in the network status (`dials`, `dialRetries`), so a retry is never silent.
      const errors: unknown[] = []
      const describe = (e: unknown): string =>
        e instanceof DialAttemptError && e.cause instanceof Error
          ? `${e.shortMessage} (${e.cause.name}: ${e.cause.message})`
          : e instanceof Error
            ? `${e.name}: ${e.message}`
            : String(e)
      const attempts = via.length * DIAL_ATTEMPTS_PER_RELAY
      let attempt = 0
      try {
        for (const addr of via) {
          for (let i = 0; i < DIAL_ATTEMPTS_PER_RELAY; i++) {
            attempt++
            const lastError = errors.length > 0 ? describe(errors.at(-1)) : undefined
            status.dialAttempt({ peerId, attempt, attempts, via: addr, ...(lastError ? { lastError } : {}) })
            if (attempt > 1) {
              await previousDialGone()
              dropLimited()
            }
            // the last step the dial reached (libp2p's progress events: relay hop, SDP, ICE…), so a failed
            // attempt says where it stopped
            let step = 'start'
            try {
              return await libp2p.dial(multiaddr(addr + suffix), {
                signal: withDeadline(DIAL_ATTEMPT_TIMEOUT_MS, signal),
                onProgress: (evt: { type: string }) => {
                  step = evt.type
                },
              })
            } catch (err) {
              const cause = err instanceof Error ? err : new Error(String(err))
              errors.push(new DialAttemptError(`attempt ${attempt} stopped after "${step}"`, { cause }))
              if (signal?.aborted) break
            }
          }
          if (signal?.aborted) break
        }
      } finally {
        status.dialEnded(peerId)
      }
      const why = errors.map(describe).join('; ')
      throw new AggregateError(errors, `could not reach ${peerId} through ${via.length} relay(s): ${why}`)
    },
    async stop() {
      status.stop()
      relays.stop()
      await helia.stop()
      await stores.close()
    },
  }
}
