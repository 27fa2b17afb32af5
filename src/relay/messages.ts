/**
 * The relay's messaging role: store-and-forward of end-to-end encrypted envelopes, the presence table
 * ("coordinates"), delivery to recipients connected here (the seed's gateway), and anti-entropy with other
 * relays (the seed's gossip-synced offline pools). Attached to the relay node by `startMessaging`.
 *
 * Services: `message-store.ts` (envelopes on disk, a bounded index in memory), `messages-admission.ts` (the
 * limits: sender, mailbox, source, total), `messages-forward.ts` (local delivery, replication, key lookups),
 * `messages-presence.ts`, `messages-sync.ts` (anti-entropy). This file accepts envelopes and serves
 * `/souk/msg/1.0.0` (put, pull, keys).
 *
 * Everything from the network is verified (Ed25519 signature, wallet binding, timestamps, size) before it is
 * stored or forwarded; whatever fails or is refused is counted in `souk_relay_messages_dropped_total{reason}`,
 * and a refused put is answered with a code and a reason the sender's client reads. See docs/messaging.md.
 */
import { randomBytes } from 'node:crypto'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { Key, type Datastore } from 'interface-datastore'
import { getAddress, isAddress } from 'viem'
import {
  BindingVerifier,
  envelopeId,
  envelopeSize,
  MAX_ENVELOPE_BYTES,
  MessagingError,
  verifyEnvelope,
  verifyPull,
  type Envelope,
} from '../core/messaging.ts'
import { abortQuietly, FrameError } from '../p2p/frames.ts'
import { delayed, serverFrames, type Nack, type PullPage } from '../p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL, REQUEST_TIMEOUT_MS } from '../p2p/protocols.ts'
import type { RelayPool } from '../p2p/relay-pool.ts'
import { MessageStore, type StoredMessage } from './message-store.ts'
import { Admission, type MailboxLimits, type Source } from './messages-admission.ts'
import { forwarding } from './messages-forward.ts'
import { messagingCounters } from './messages-metrics.ts'
import { PresenceTable, servePresenceGossip } from './messages-presence.ts'
import { startSync } from './messages-sync.ts'
import type { Metrics } from './metrics.ts'

export interface MessagingConfig {
  /** How long messages are kept (default 14 days). */
  retentionMs: number
  /** Messages stored per sender address. */
  senderQuota: number
  /** Messages accepted per sender address per minute. */
  senderRatePerMinute: number
  /** Interval of anti-entropy rounds with one random relay. */
  gossipIntervalMs: number
  /** Latency added to every frame and gossip message received from another relay (benchmark only). */
  linkDelayMs: number
  /** What one recipient, one source and the whole relay may hold (issue #24). */
  mailbox: MailboxLimits
}

export interface MessagingDeps {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  datastore: Datastore
  metrics: Metrics
  pool: RelayPool
  config: MessagingConfig
}

export interface MessagingRole {
  readonly store: MessageStore
  readonly presence: PresenceTable
  /** One anti-entropy round with `peer` (exported for tests). */
  syncWith(peer: PeerId): Promise<void>
  stop(): Promise<void>
}

/** Largest page of a pull, in envelope bytes (a frame holds 1 MiB). */
const PULL_MAX_BYTES = 768 * 1024
const SALT_KEY = new Key('/souk/msgmeta/salt')

export async function startMessaging({
  libp2p,
  datastore,
  metrics,
  pool,
  config,
}: MessagingDeps): Promise<MessagingRole> {
  const store = new MessageStore(datastore)
  await store.load()
  const admission = new Admission({
    store,
    limits: config.mailbox,
    senderQuota: config.senderQuota,
    senderRatePerMinute: config.senderRatePerMinute,
    salt: await saltOf(datastore),
  })
  // a loop turn before each wallet signature check: a flood of new wallets cannot hold the event loop
  const bindings = new BindingVerifier(
    undefined,
    async () => await new Promise<void>((resolve) => setImmediate(resolve)),
  )
  const counters = messagingCounters(metrics)
  const presence = new PresenceTable(store, counters)
  const controller = new AbortController()
  const { signal } = controller
  const isRelayPeer = (peer: PeerId | string): boolean => pool.isRelay(peer.toString())
  const forward = forwarding({ libp2p, pool, store, presence, bindings, counters, signal })

  metrics.gauge('souk_relay_messages_stored', 'Envelopes held for offline recipients', () => store.size)
  metrics.gauge('souk_relay_messages_stored_bytes', 'Bytes of envelopes held (on disk)', () => store.bytes)
  metrics.gauge('souk_relay_presence_records', 'Live presence records', () => presence.size)
  metrics.gauge('souk_relay_messages_limit_bytes', 'Envelope bytes this relay holds at most', () => {
    return config.mailbox.totalBytes
  })

  const stopPresence = servePresenceGossip({
    libp2p,
    table: presence,
    bindings,
    counters,
    linkDelayMs: config.linkDelayMs,
    isRelayPeer,
    signal,
  })

  /** Verifies and stores one envelope. Throws MessagingError when it must be refused. */
  const accept = async (value: unknown, source: Source): Promise<{ id: string; dup: boolean; m?: StoredMessage }> => {
    const rawSize = envelopeSize(value)
    if (rawSize > MAX_ENVELOPE_BYTES) throw new MessagingError('oversized', 'envelope exceeds 64 KiB')
    const keys = admission.sourceKeys(source)
    // a flood past the limits is refused before the (costly) signature check; not a message stored already
    // (an outbox retry is acknowledged as a duplicate below)
    if (!store.has(idOf(value))) admission.precheck((value as { to?: unknown } | null)?.to, rawSize, keys)
    const { envelope, id } = await verifyEnvelope(value, { bindings, retentionMs: config.retentionMs })
    const origin = source.kind
    if (store.has(id)) {
      counters.dropped({ reason: 'duplicate', where: origin })
      return { id, dup: true }
    }
    const size = envelopeSize(envelope)
    // the limits and the store's tallies change together (no await between): puts in flight cannot overshoot
    admission.check(envelope, size, source, keys)
    // hand it to a recipient connected here before the disk write: delivery latency is the online path
    forward.deliverLocal([envelope])
    const { m, dup } = await store.put(id, envelope, size, keys)
    if (dup) {
      counters.dropped({ reason: 'duplicate', where: origin })
      return { id, dup: true }
    }
    counters.accepted({ origin })
    return { id, dup: false, m }
  }

  // ------------------------------------------------------------------ /souk/msg/1.0.0
  const serveMessages = async (stream: Stream, connection: Connection): Promise<void> => {
    const fromRelay = isRelayPeer(connection.remotePeer)
    const frames = fromRelay ? delayed(serverFrames(stream), config.linkDelayMs) : serverFrames(stream)
    let req: Record<string, unknown>
    try {
      req = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal })) as Record<string, unknown>
      if (typeof req !== 'object' || req === null) throw new FrameError('malformed', 'request must be an object')
    } catch (err) {
      counters.countDrop(err, 'request')
      abortQuietly(stream, err as Error)
      return
    }
    let answer: unknown
    try {
      if (req.t === 'put') {
        const source: Source = fromRelay
          ? { kind: 'relay', peer: connection.remotePeer }
          : { kind: 'client', connection }
        const r = await accept(req.env, source)
        // `stored`: how many relays are known to hold it when this ack leaves (this one plus replicas that answered)
        const stored = r.m && !fromRelay ? await forward.replicate(r.m.env) : 1
        answer = { t: 'ack', id: r.id, dup: r.dup, stored }
      } else if (req.t === 'pull') {
        answer = await pull(req)
      } else if (req.t === 'keys') {
        if (typeof req.address !== 'string' || !isAddress(req.address))
          throw new MessagingError('malformed', 'bad address')
        const address = getAddress(req.address)
        // a device asks its relay; a relay that knows no key for the address asks the other relays once
        // (the seed's gateway: keys and coordinates live somewhere in the mesh, not everywhere yet)
        if (!fromRelay && store.keysOf(address).length === 0) await forward.askRelays(address)
        answer = { t: 'keys', bindings: store.keysOf(address), presence: presence.live(address) }
      } else {
        throw new MessagingError('malformed', 'unknown request')
      }
    } catch (err) {
      // the request kind names where; a made-up kind counts as "other" (the label list is fixed)
      counters.countDrop(err, String(req.t))
      answer = (
        err instanceof MessagingError
          ? { t: 'nack', reason: err.shortMessage, code: err.reason }
          : { t: 'nack', reason: 'error', code: 'error' }
      ) satisfies Nack
    }
    try {
      await frames.write(answer, { signal })
      await stream.close()
    } catch (err) {
      abortQuietly(stream, err as Error)
    }
  }

  /**
   * A pull is signed by a device of the recipient, so nobody else can list someone's mail. `max` (bytes, up to
   * `PULL_MAX_BYTES`) bounds the page; 0 asks only what waits.
   */
  const pull = async (req: Record<string, unknown>): Promise<PullPage> => {
    const { device, after } = await verifyPull(req, { bindings })
    await store.learnKey(device)
    const max =
      typeof req.max === 'number' && Number.isFinite(req.max) && req.max >= 0
        ? Math.min(req.max, PULL_MAX_BYTES)
        : PULL_MAX_BYTES
    const { items, more, waiting } = await store.page(device.address, after, max)
    return { t: 'page', items: items.map((m) => ({ env: m.env, at: m.at })), more, waiting }
  }

  await libp2p.handle(
    MESSAGES_PROTOCOL,
    (stream: Stream, connection: Connection) => {
      void serveMessages(stream, connection)
    },
    { maxInboundStreams: 64, runOnLimitedConnection: false },
  )

  const sync = await startSync({
    libp2p,
    store,
    presence,
    bindings,
    pool,
    counters,
    accept: async (env, from) => ({ fresh: (await accept(env, { kind: 'relay', peer: from })).m !== undefined }),
    linkDelayMs: config.linkDelayMs,
    gossipIntervalMs: config.gossipIntervalMs,
    signal,
  })

  const sweep = (): void => {
    presence.sweep()
    admission.sweep()
  }
  const sweepTimer = setInterval(() => {
    sweep()
    void store.expire(Date.now() - config.retentionMs).catch(() => {})
  }, 30_000)
  sweep()
  await store.expire(Date.now() - config.retentionMs)

  return {
    store,
    presence,
    syncWith: sync.syncWith,
    async stop() {
      clearInterval(sweepTimer)
      controller.abort(new Error('relay stopping'))
      stopPresence()
      await sync.stop()
      await libp2p.unhandle(MESSAGES_PROTOCOL).catch(() => {})
    },
  }
}

/** The id of an envelope not verified yet ('' when it is not even shaped like one). */
function idOf(value: unknown): string {
  try {
    return envelopeId(value as Envelope)
  } catch {
    return ''
  }
}

/** The salt of the source keys kept on disk, made at the first start. */
async function saltOf(datastore: Datastore): Promise<Uint8Array> {
  try {
    return await datastore.get(SALT_KEY)
  } catch {
    const salt = new Uint8Array(randomBytes(16))
    await datastore.put(SALT_KEY, salt)
    return salt
  }
}
