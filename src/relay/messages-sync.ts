/**
 * Anti-entropy between relays (the seed's gossip-synced offline pools), for messages and presence records:
 * every `gossipIntervalMs` one round with a random connected relay. Digests of 64 buckets → the ids of the
 * buckets that differ → the items each side lacks (docs/messaging.md). Items go through the same `accept` as
 * any other envelope, so the relay's limits hold for them too; ids it refused for a limit are remembered for a
 * while (`REFUSED_TTL_MS`) and neither asked for nor offered to, so a full relay does not fetch and refuse the
 * same items every round.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { envelopeId, MessagingError, verifyPresence, type BindingVerifier, type Envelope } from '../core/messaging.ts'
import { bucketOf, DigestSet, ID_PATTERN, isDigest } from '../core/reconcile.ts'
import { abortQuietly, FrameError, type FrameStream } from '../p2p/frames.ts'
import { delayed, isRefusal, serverFrames } from '../p2p/messaging/wire.ts'
import { MESSAGES_SYNC_PROTOCOL, REQUEST_TIMEOUT_MS } from '../p2p/protocols.ts'
import type { RelayPool } from '../p2p/relay-pool.ts'
import type { MessageStore } from './message-store.ts'
import type { MessagingCounters } from './messages-metrics.ts'
import type { PresenceTable } from './messages-presence.ts'

const SYNC_BATCH_BYTES = 768 * 1024
/** How long an id refused for a limit is not asked for again (a mailbox may have been pulled since). */
const REFUSED_TTL_MS = 10 * 60_000
const MAX_REFUSED = 50_000
const MAX_ITEMS = 10_000
const MAX_WANTS = 20_000

export interface SyncDeps {
  libp2p: Libp2p
  store: MessageStore
  presence: PresenceTable
  bindings: BindingVerifier
  pool: RelayPool
  counters: MessagingCounters
  /** Verifies and stores one envelope from relay `from` (the limits apply); throws MessagingError. */
  accept(env: unknown, from: PeerId): Promise<{ fresh: boolean }>
  linkDelayMs: number
  gossipIntervalMs: number
  signal: AbortSignal
}

export interface Sync {
  /** One round with `peer` as the initiator (exported for tests). */
  syncWith(peer: PeerId): Promise<void>
  stop(): Promise<void>
}

export async function startSync(d: SyncDeps): Promise<Sync> {
  const { libp2p, store, presence, counters, signal } = d
  /** Ids refused for a limit, by when they may be asked for again (insertion order = expiry order). */
  const refused = new Map<string, number>()
  const isRefused = (id: string): boolean => {
    const until = refused.get(id)
    if (until === undefined) return false
    if (until > Date.now()) return true
    refused.delete(id)
    return false
  }
  const remember = (id: string): void => {
    refused.delete(id)
    refused.set(id, Date.now() + REFUSED_TTL_MS)
    if (refused.size > MAX_REFUSED) refused.delete(refused.keys().next().value!)
  }

  const itemsFor = async (ids: string[], budget: number): Promise<{ env: Envelope }[]> => {
    const out: { env: Envelope }[] = []
    let bytes = 0
    for (const id of ids.slice(0, MAX_ITEMS)) {
      const m = await store.get(id)
      if (!m) continue
      bytes += JSON.stringify(m.env).length
      if (out.length > 0 && bytes > budget) break
      out.push({ env: m.env })
    }
    return out
  }
  /** Our ids of `buckets`, and the ids we refused in them (so the other side does not send those). */
  const idsOfBuckets = (set: DigestSet, buckets: number[], withRefused: boolean): Record<number, string[]> => {
    const out: Record<number, string[]> = Object.fromEntries(buckets.map((b) => [b, set.idsIn(b)]))
    if (withRefused)
      for (const id of refused.keys()) {
        const b = bucketOf(id)
        if (out[b] && isRefused(id)) out[b].push(id)
      }
    return out
  }
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
      for (const id of ids) if (!set.has(id) && !isRefused(id)) wanted.push(id)
    }
    return { mine, wanted }
  }
  const ingest = async (items: unknown, records: unknown, from: PeerId): Promise<void> => {
    if (Array.isArray(items))
      for (const it of items.slice(0, MAX_ITEMS)) {
        const env = (it as { env?: unknown } | null)?.env
        try {
          if ((await d.accept(env, from)).fresh) counters.synced({ kind: 'message' })
        } catch (err) {
          counters.countDrop(err, 'sync')
          // refused for a limit: not again for a while (the id of what it claims to be; a lie only hides itself)
          if (err instanceof MessagingError && isRefusal(err.reason)) {
            try {
              remember(envelopeId(env as Envelope))
            } catch {
              /* not even shaped like an envelope */
            }
          }
        }
      }
    if (Array.isArray(records))
      for (const rec of records.slice(0, MAX_ITEMS)) {
        try {
          if (presence.put(await verifyPresence(rec, { bindings: d.bindings }))) counters.synced({ kind: 'presence' })
        } catch (err) {
          counters.countDrop(err, 'sync')
        }
      }
  }

  // initiator: digest → their ids of differing buckets → our items + wants → their items
  const syncWith = async (peer: PeerId): Promise<void> => {
    const stream = await libp2p.dialProtocol(peer, MESSAGES_SYNC_PROTOCOL, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      negotiateFully: false,
    })
    const frames: FrameStream = delayed(serverFrames(stream), d.linkDelayMs)
    try {
      await frames.write({ t: 'digest', m: store.digest.digest(), p: presence.digest.digest() }, { signal })
      const ids = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal })) as Record<string, unknown>
      if (ids?.t === 'same') {
        counters.syncs({ result: 'same' })
        await stream.close()
        return
      }
      const m = missing(store.digest, parseBucketIds(ids?.m))
      const p = missing(presence.digest, parseBucketIds(ids?.p))
      await frames.write(
        {
          t: 'items',
          m: await itemsFor(m.mine, SYNC_BATCH_BYTES),
          p: presence.withIds(new Set(p.mine)),
          want: { m: m.wanted.slice(0, MAX_WANTS), p: p.wanted.slice(0, MAX_WANTS) },
        },
        { signal },
      )
      const theirs = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS * 3, signal })) as Record<string, unknown>
      await stream.close()
      await ingest(theirs?.m, theirs?.p, peer)
      counters.syncs({ result: 'exchanged' })
    } catch (err) {
      counters.syncs({ result: 'failed' })
      abortQuietly(stream, err as Error)
      throw err
    }
  }
  const serveSync = async (stream: Stream, connection: Connection): Promise<void> => {
    if (!d.pool.isRelay(connection.remotePeer.toString())) {
      counters.dropped({ reason: 'not_a_relay', where: 'sync' })
      abortQuietly(stream, new Error('anti-entropy is between relays'))
      return
    }
    const frames = delayed(serverFrames(stream), d.linkDelayMs)
    try {
      const digest = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal })) as Record<string, unknown>
      if (!isDigest(digest?.m) || !isDigest(digest?.p)) throw new FrameError('malformed', 'bad digest')
      const mb = store.digest.differing(digest.m)
      const pb = presence.digest.differing(digest.p)
      if (mb.length === 0 && pb.length === 0) {
        await frames.write({ t: 'same' }, { signal })
        await stream.close()
        return
      }
      await frames.write(
        { t: 'ids', m: idsOfBuckets(store.digest, mb, true), p: idsOfBuckets(presence.digest, pb, false) },
        { signal },
      )
      const items = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS * 3, signal })) as Record<string, unknown>
      const want = (items?.want ?? {}) as { m?: unknown; p?: unknown }
      const wm = Array.isArray(want.m) ? want.m.filter((i): i is string => typeof i === 'string') : []
      const wp = new Set(Array.isArray(want.p) ? want.p.filter((i): i is string => typeof i === 'string') : [])
      await frames.write({ t: 'items', m: await itemsFor(wm, SYNC_BATCH_BYTES), p: presence.withIds(wp) }, { signal })
      await stream.close()
      await ingest(items?.m, items?.p, connection.remotePeer)
      counters.syncs({ result: 'served' })
    } catch (err) {
      counters.countDrop(err, 'sync')
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
    const peers = d.pool.relays.filter((r) => r.connected)
    if (peers.length === 0) return
    const peer = peers[Math.floor(Math.random() * peers.length)]!
    syncing = true
    syncWith(peerIdFromString(peer.peerId))
      .catch(() => {})
      .finally(() => {
        syncing = false
      })
  }
  const timer = setInterval(round, d.gossipIntervalMs)
  return {
    syncWith,
    async stop() {
      clearInterval(timer)
      await libp2p.unhandle(MESSAGES_SYNC_PROTOCOL).catch(() => {})
    },
  }
}
