/**
 * The relay's messaging role: store-and-forward of end-to-end encrypted envelopes, the presence table
 * ("coordinates"), delivery to recipients connected here (the seed's gateway), and anti-entropy with other
 * relays (the seed's gossip-synced offline pools). Attached to the relay node by `startMessaging`.
 *
 * Everything from the network is verified (Ed25519 signature, wallet binding, timestamps, size) before it is
 * stored or forwarded; whatever fails is dropped and counted in `souk_relay_messages_dropped_total{reason}`.
 * See docs/messaging.md.
 */
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { isAddress, getAddress, type Address } from 'viem'
import {
  BindingVerifier,
  envelopeSize,
  MAX_DEVICES,
  MAX_ENVELOPE_BYTES,
  parseBinding,
  MessagingError,
  presenceId,
  verifyEnvelope,
  verifyPresence,
  verifyPull,
  type Envelope,
  type PresenceRecord,
} from '../core/messaging.ts'
import { DigestSet, ID_PATTERN, isDigest } from '../core/reconcile.ts'
import { abortQuietly, FrameError, type FrameStream } from '../p2p/frames.ts'
import { delayed, request, serverFrames, sleep } from '../p2p/messaging/wire.ts'
import {
  MESSAGE_DELIVER_PROTOCOL,
  MESSAGES_PROTOCOL,
  MESSAGES_SYNC_PROTOCOL,
  PRESENCE_TOPIC,
  REQUEST_TIMEOUT_MS,
} from '../p2p/protocols.ts'
import type { RelayPool } from '../p2p/relay-pool.ts'
import { MessageStore, type StoredMessage } from './message-store.ts'
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
  readonly presence: ReadonlyMap<string, PresenceRecord>
  /** One anti-entropy round with `peer` (exported for tests). */
  syncWith(peer: PeerId): Promise<void>
  stop(): Promise<void>
}

/** Label values of `souk_relay_messages_dropped_total` (any other value counts as "other"). */
const DROP_REASONS = [
  'malformed',
  'oversized',
  'unsigned',
  'bad_signature',
  'bad_binding',
  'stale',
  'future',
  'not_for_me',
  'rate_limited',
  'quota',
  'timeout',
  'closed',
  'duplicate',
  'not_a_relay',
  'error',
]
/** Where a drop happened: an origin, a protocol step, or the request kind (`put`, `pull`, `keys`). */
const DROP_WHERE = ['client', 'relay', 'presence', 'keys', 'sync', 'request', 'put', 'pull']

const PULL_MAX_BYTES = 768 * 1024
const SYNC_BATCH_BYTES = 768 * 1024
const REPLICATE_TIMEOUT_MS = 3_000
/** Presence records a relay keeps at once (each ~1 KiB); records expire after minutes. */
const MAX_PRESENCE_RECORDS = 200_000

export async function startMessaging({
  libp2p,
  datastore,
  metrics,
  pool,
  config,
}: MessagingDeps): Promise<MessagingRole> {
  const store = new MessageStore(datastore)
  await store.load()
  const bindings = new BindingVerifier()
  const presence = new Map<string, PresenceRecord>()
  const presenceDigest = new DigestSet()
  const controller = new AbortController()
  const { signal } = controller
  const pubsub = libp2p.services.pubsub

  const accepted = metrics.counter('souk_relay_messages_accepted_total', 'Envelopes stored, by origin', {
    origin: ['client', 'relay'],
  })
  const dropped = metrics.counter(
    'souk_relay_messages_dropped_total',
    'Envelopes, requests and presence records dropped, by reason and where',
    { reason: DROP_REASONS, where: DROP_WHERE },
  )
  const delivered = metrics.counter('souk_relay_messages_delivered_total', 'Envelopes delivered to connected devices')
  const syncs = metrics.counter('souk_relay_sync_rounds_total', 'Anti-entropy rounds, by result', {
    result: ['same', 'exchanged', 'served', 'failed'],
  })
  const synced = metrics.counter('souk_relay_sync_items_total', 'Items received by anti-entropy, by kind', {
    kind: ['message', 'presence'],
  })
  metrics.gauge('souk_relay_messages_stored', 'Envelopes held for offline recipients', () => store.size)
  metrics.gauge('souk_relay_presence_records', 'Live presence records', () => presence.size)

  const countDrop = (err: unknown, where: string): void => {
    const reason = err instanceof MessagingError ? err.reason : err instanceof FrameError ? err.reason : 'error'
    dropped({ reason, where })
  }

  // ------------------------------------------------------------------ rate limits (per sender, per minute)
  const windows = new Map<string, { start: number; n: number }>()
  const allowSender = (address: string): boolean => {
    const now = Date.now()
    const w = windows.get(address)
    if (!w || now - w.start >= 60_000) {
      windows.set(address, { start: now, n: 1 })
      return true
    }
    return ++w.n <= config.senderRatePerMinute
  }

  // ------------------------------------------------------------------ presence table
  /** Devices (signing keys) by address, for routing a message to the devices connected here. */
  const byAddress = new Map<string, Set<string>>()
  const putPresence = (p: PresenceRecord): boolean => {
    const current = presence.get(p.device.sign)
    if (current && current.seen >= p.seen) return false
    if (!current && presence.size >= MAX_PRESENCE_RECORDS) {
      dropped({ reason: 'quota', where: 'presence' })
      return false
    }
    if (current) presenceDigest.delete(presenceId(current))
    presence.set(p.device.sign, p)
    presenceDigest.add(presenceId(p))
    let devices = byAddress.get(p.device.address)
    if (!devices) byAddress.set(p.device.address, (devices = new Set()))
    devices.add(p.device.sign)
    void store.learnKey(p.device).catch(() => {})
    return true
  }
  const sweepPresence = (): void => {
    const now = Date.now()
    for (const [k, p] of presence)
      if (p.expires <= now) {
        presence.delete(k)
        presenceDigest.delete(presenceId(p))
        const devices = byAddress.get(p.device.address)
        devices?.delete(k)
        if (devices?.size === 0) byAddress.delete(p.device.address)
      }
    for (const [sender, w] of windows) if (now - w.start >= 60_000) windows.delete(sender)
  }
  const isRelayPeer = (peer: PeerId | string): boolean => pool.isRelay(peer.toString())

  pubsub.subscribe(PRESENCE_TOPIC)
  pubsub.topicValidators.set(PRESENCE_TOPIC, async (from, msg) => {
    if (config.linkDelayMs > 0 && isRelayPeer(from)) await sleep(config.linkDelayMs, signal).catch(() => {})
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(msg.data)
      if (text.length > MAX_ENVELOPE_BYTES) throw new MessagingError('oversized', 'presence record too large')
      const p = await verifyPresence(JSON.parse(text), { bindings })
      // the gossip message is signed by its origin peer: only a device's own peer may announce where it is
      if (msg.type !== 'signed' || msg.from.toString() !== p.peerId)
        throw new MessagingError('bad_signature', 'presence announced by another peer')
      putPresence(p)
      return TopicValidatorResult.Accept
    } catch (err) {
      countDrop(err instanceof SyntaxError ? new MessagingError('malformed', 'not JSON') : err, 'presence')
      return TopicValidatorResult.Reject
    }
  })

  // ------------------------------------------------------------------ accepting envelopes
  /** Verifies and stores one envelope. Throws MessagingError when it must be refused. */
  const accept = async (
    value: unknown,
    origin: 'client' | 'relay',
  ): Promise<{ id: string; dup: boolean; m?: StoredMessage }> => {
    if (envelopeSize(value) > MAX_ENVELOPE_BYTES) throw new MessagingError('oversized', 'envelope exceeds 64 KiB')
    const { envelope, id } = await verifyEnvelope(value, { bindings, retentionMs: config.retentionMs })
    if (store.has(id)) {
      dropped({ reason: 'duplicate', where: origin })
      return { id, dup: true }
    }
    const sender = envelope.from.address.toLowerCase()
    if (origin === 'client' && !allowSender(sender))
      throw new MessagingError('rate_limited', 'too many messages from this sender')
    if (store.storedFor(envelope.from.address) >= config.senderQuota)
      throw new MessagingError('quota', 'this sender has too many messages stored')
    // hand it to a recipient connected here before the disk write: delivery latency is the online path
    deliverLocal([envelope])
    const m = await store.put(id, envelope)
    accepted({ origin })
    return { id, dup: false, m }
  }

  const connectedDirectly = (peerId: string): boolean =>
    libp2p
      .getConnections()
      .some((c) => c.remotePeer.toString() === peerId && c.status === 'open' && c.limits === undefined)

  /** Hands new messages to the recipient's devices that are connected to this relay (best effort). */
  const deliverLocal = (envelopes: Envelope[]): void => {
    const byPeer = new Map<string, Envelope[]>()
    for (const env of envelopes) {
      for (const sign of byAddress.get(env.to) ?? []) {
        const p = presence.get(sign)
        if (!p || p.expires <= Date.now() || !connectedDirectly(p.peerId)) continue
        if (!env.keys.some((k) => k.d === p.device.box)) continue
        let list = byPeer.get(p.peerId)
        if (!list) byPeer.set(p.peerId, (list = []))
        list.push(env)
      }
    }
    for (const [peer, envs] of byPeer) {
      request(libp2p, peerIdFromString(peer), MESSAGE_DELIVER_PROTOCOL, { t: 'deliver', envs }, { signal })
        .then(() => delivered({}, envs.length))
        .catch(() => {})
    }
  }

  /**
   * Eager push of a newly accepted message to every connected relay. Resolves once one other relay has stored
   * it (or none is connected, or `REPLICATE_TIMEOUT_MS` passed), so the client's ack means "held by two relays"
   * whenever two are reachable; the other pushes go on in the background and anti-entropy repairs the rest.
   * Returns how many relays hold it by then, this one included.
   */
  const replicate = async (m: StoredMessage): Promise<number> => {
    let replicas = 0
    const pushes = pool.relays
      .filter((r) => r.connected)
      .map(async (r) => {
        const answer = (await request(
          libp2p,
          peerIdFromString(r.peerId),
          MESSAGES_PROTOCOL,
          { t: 'put', env: m.env },
          { signal },
        )) as {
          t?: string
        }
        if (answer?.t !== 'ack') throw new Error('relay refused the replica')
        replicas++
      })
    if (pushes.length === 0) return 1
    for (const p of pushes) p.catch(() => {})
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      Promise.any(pushes).catch(() => {}),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, REPLICATE_TIMEOUT_MS))),
    ])
    clearTimeout(timer)
    return 1 + replicas
  }

  /** Asks every connected relay for the keys and presence of `address`; verifies and keeps what they know. */
  const askRelays = async (address: Address): Promise<void> => {
    await Promise.allSettled(
      pool.relays
        .filter((r) => r.connected)
        .map(async (r) => {
          const answer = (await request(
            libp2p,
            peerIdFromString(r.peerId),
            MESSAGES_PROTOCOL,
            { t: 'keys', address },
            {
              signal,
              timeoutMs: 3_000,
            },
          )) as { bindings?: unknown; presence?: unknown }
          for (const b of Array.isArray(answer?.bindings) ? answer.bindings.slice(0, MAX_DEVICES * 2) : []) {
            try {
              const binding = parseBinding(b)
              if (binding.address !== address) continue
              await bindings.verify(binding)
              await store.learnKey(binding)
            } catch (err) {
              countDrop(err, 'keys')
            }
          }
          for (const p of Array.isArray(answer?.presence) ? answer.presence.slice(0, MAX_DEVICES * 2) : []) {
            try {
              putPresence(await verifyPresence(p, { bindings }))
            } catch (err) {
              countDrop(err, 'keys')
            }
          }
        }),
    )
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
      countDrop(err, 'request')
      abortQuietly(stream, err as Error)
      return
    }
    let answer: unknown
    try {
      if (req.t === 'put') {
        const r = await accept(req.env, fromRelay ? 'relay' : 'client')
        // `stored`: how many relays are known to hold it when this ack leaves (this one plus replicas that answered)
        const stored = r.m && !fromRelay ? await replicate(r.m) : 1
        answer = { t: 'ack', id: r.id, dup: r.dup, stored }
      } else if (req.t === 'pull') {
        answer = await pull(req)
      } else if (req.t === 'keys') {
        if (typeof req.address !== 'string' || !isAddress(req.address))
          throw new MessagingError('malformed', 'bad address')
        const address = getAddress(req.address)
        // a device asks its relay; a relay that knows no key for the address asks the other relays once
        // (the seed's gateway: keys and coordinates live somewhere in the mesh, not everywhere yet)
        if (!fromRelay && store.keysOf(address).length === 0) await askRelays(address)
        const now = Date.now()
        answer = {
          t: 'keys',
          bindings: store.keysOf(address),
          presence: [...(byAddress.get(address) ?? [])]
            .map((sign) => presence.get(sign))
            .filter((p): p is PresenceRecord => p !== undefined && p.expires > now),
        }
      } else {
        throw new MessagingError('malformed', 'unknown request')
      }
    } catch (err) {
      // the request kind names where; a made-up kind counts as "other" (the label list is fixed)
      countDrop(err, String(req.t))
      answer = { t: 'nack', reason: err instanceof MessagingError ? err.shortMessage : 'error' }
    }
    try {
      await frames.write(answer, { signal })
      await stream.close()
    } catch (err) {
      abortQuietly(stream, err as Error)
    }
  }

  /** A pull is signed by a device of the recipient, so nobody else can list someone's mail. */
  const pull = async (req: Record<string, unknown>): Promise<unknown> => {
    const { device, after } = await verifyPull(req, { bindings })
    await store.learnKey(device)
    const { items, more } = store.page(device.address, after, PULL_MAX_BYTES)
    return { t: 'page', items: items.map((m) => ({ env: m.env, at: m.at })), more }
  }

  await libp2p.handle(
    MESSAGES_PROTOCOL,
    (stream: Stream, connection: Connection) => {
      void serveMessages(stream, connection)
    },
    { maxInboundStreams: 64, runOnLimitedConnection: false },
  )

  // ------------------------------------------------------------------ anti-entropy between relays
  const itemsFor = (ids: string[], budget: number): { env: Envelope }[] => {
    const out: { env: Envelope }[] = []
    let bytes = 0
    for (const id of ids) {
      const m = store.get(id)
      if (!m) continue
      bytes += JSON.stringify(m.env).length
      if (out.length > 0 && bytes > budget) break
      out.push({ env: m.env })
    }
    return out
  }
  const presenceFor = (ids: Set<string>): PresenceRecord[] =>
    [...presence.values()].filter((p) => ids.has(presenceId(p)))
  const idsOfBuckets = (set: DigestSet, buckets: number[]): Record<number, string[]> =>
    Object.fromEntries(buckets.map((b) => [b, set.idsIn(b)]))
  const parseBucketIds = (value: unknown): Map<number, string[]> => {
    const out = new Map<number, string[]>()
    if (typeof value !== 'object' || value === null) throw new FrameError('malformed', 'bucket ids must be an object')
    for (const [k, ids] of Object.entries(value)) {
      const b = Number(k)
      if (
        !Number.isInteger(b) ||
        b < 0 ||
        b >= 64 ||
        !Array.isArray(ids) ||
        !ids.every((i) => typeof i === 'string' && ID_PATTERN.test(i))
      )
        throw new FrameError('malformed', 'bad bucket ids')
      out.set(b, ids as string[])
    }
    return out
  }
  const missing = (set: DigestSet, theirs: Map<number, string[]>): { mine: string[]; wanted: string[] } => {
    const mine: string[] = []
    const wanted: string[] = []
    for (const [b, ids] of theirs) {
      const t = new Set(ids)
      for (const id of set.idsIn(b)) if (!t.has(id)) mine.push(id)
      for (const id of ids) if (!set.has(id)) wanted.push(id)
    }
    return { mine, wanted }
  }
  const ingest = async (items: unknown, records: unknown): Promise<StoredMessage[]> => {
    const fresh: StoredMessage[] = []
    if (Array.isArray(items))
      for (const it of items.slice(0, 10_000)) {
        try {
          const r = await accept((it as { env?: unknown } | null)?.env, 'relay')
          if (r.m) {
            fresh.push(r.m)
            synced({ kind: 'message' })
          }
        } catch (err) {
          countDrop(err, 'sync')
        }
      }
    if (Array.isArray(records))
      for (const rec of records.slice(0, 10_000)) {
        try {
          if (putPresence(await verifyPresence(rec, { bindings }))) synced({ kind: 'presence' })
        } catch (err) {
          countDrop(err, 'sync')
        }
      }
    return fresh
  }

  // initiator: digest → their ids of differing buckets → our items + wants → their items
  const syncWith = async (peer: PeerId): Promise<void> => {
    const stream = await libp2p.dialProtocol(peer, MESSAGES_SYNC_PROTOCOL, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      negotiateFully: false,
    })
    const frames: FrameStream = delayed(serverFrames(stream), config.linkDelayMs)
    try {
      await frames.write({ t: 'digest', m: store.digest.digest(), p: presenceDigest.digest() }, { signal })
      const ids = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal })) as Record<string, unknown>
      if (ids?.t === 'same') {
        syncs({ result: 'same' })
        await stream.close()
        return
      }
      const m = missing(store.digest, parseBucketIds(ids?.m))
      const p = missing(presenceDigest, parseBucketIds(ids?.p))
      await frames.write(
        {
          t: 'items',
          m: itemsFor(m.mine, SYNC_BATCH_BYTES),
          p: presenceFor(new Set(p.mine)),
          want: { m: m.wanted.slice(0, 20_000), p: p.wanted.slice(0, 20_000) },
        },
        { signal },
      )
      const theirs = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS * 3, signal })) as Record<string, unknown>
      await stream.close()
      await ingest(theirs?.m, theirs?.p)
      syncs({ result: 'exchanged' })
    } catch (err) {
      syncs({ result: 'failed' })
      abortQuietly(stream, err as Error)
      throw err
    }
  }

  const serveSync = async (stream: Stream, connection: Connection): Promise<void> => {
    if (!isRelayPeer(connection.remotePeer)) {
      dropped({ reason: 'not_a_relay', where: 'sync' })
      abortQuietly(stream, new Error('anti-entropy is between relays'))
      return
    }
    const frames = delayed(serverFrames(stream), config.linkDelayMs)
    try {
      const digest = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal })) as Record<string, unknown>
      if (!isDigest(digest?.m) || !isDigest(digest?.p)) throw new FrameError('malformed', 'bad digest')
      const mb = store.digest.differing(digest.m)
      const pb = presenceDigest.differing(digest.p)
      if (mb.length === 0 && pb.length === 0) {
        await frames.write({ t: 'same' }, { signal })
        await stream.close()
        return
      }
      await frames.write(
        { t: 'ids', m: idsOfBuckets(store.digest, mb), p: idsOfBuckets(presenceDigest, pb) },
        { signal },
      )
      const items = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS * 3, signal })) as Record<string, unknown>
      const want = (items?.want ?? {}) as { m?: unknown; p?: unknown }
      const wm = Array.isArray(want.m) ? want.m.filter((i): i is string => typeof i === 'string') : []
      const wp = new Set(Array.isArray(want.p) ? want.p.filter((i): i is string => typeof i === 'string') : [])
      await frames.write({ t: 'items', m: itemsFor(wm, SYNC_BATCH_BYTES), p: presenceFor(wp) }, { signal })
      await stream.close()
      await ingest(items?.m, items?.p)
      syncs({ result: 'served' })
    } catch (err) {
      countDrop(err, 'sync')
      abortQuietly(stream, err as Error)
    }
  }
  await libp2p.handle(
    MESSAGES_SYNC_PROTOCOL,
    (stream: Stream, connection: Connection) => {
      void serveSync(stream, connection)
    },
    { maxInboundStreams: 8, runOnLimitedConnection: false },
  )

  // one round at a time, with a random connected relay, every gossipIntervalMs
  let syncing = false
  const round = (): void => {
    if (syncing) return
    const peers = pool.relays.filter((r) => r.connected)
    if (peers.length === 0) return
    const peer = peers[Math.floor(Math.random() * peers.length)]!
    syncing = true
    syncWith(peerIdFromString(peer.peerId))
      .catch(() => {})
      .finally(() => {
        syncing = false
      })
  }
  const gossipTimer = setInterval(round, config.gossipIntervalMs)
  const sweepTimer = setInterval(() => {
    sweepPresence()
    void store.expire(Date.now() - config.retentionMs).catch(() => {})
  }, 30_000)
  sweepPresence()
  await store.expire(Date.now() - config.retentionMs)

  return {
    store,
    presence,
    syncWith,
    async stop() {
      clearInterval(gossipTimer)
      clearInterval(sweepTimer)
      controller.abort(new Error('relay stopping'))
      pubsub.topicValidators.delete(PRESENCE_TOPIC)
      await libp2p.unhandle(MESSAGES_PROTOCOL).catch(() => {})
      await libp2p.unhandle(MESSAGES_SYNC_PROTOCOL).catch(() => {})
    },
  }
}
