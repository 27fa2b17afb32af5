/**
 * The catalog topic's gossipsub validator, on relays and in browsers. OrbitDB publishes each new log entry on
 * the topic named after the log's address; gossipsub hands a message to OrbitDB (and forwards it to other
 * peers) only once this has accepted it. Checked, in this order, before anything is queued:
 *
 * - size: an entry carries one document (≤ 32 KiB) plus its signature and links: ≤ MAX_CATALOG_ENTRY_BYTES;
 * - shape: it decodes as an OrbitDB entry of *this* log, a PUT of `{ _id, doc }` (`parseEntryValue`);
 * - rate: each forwarding peer has a token bucket (`ratePerSecond`, bursts of `burst`); past it, ignored;
 * - repeats: a new entry with the same key and document as one the log already holds (`isDuplicate`).
 *
 * Junk is rejected (gossipsub lowers the sender's score), too much or a repeat is ignored (not forwarded,
 * no penalty: an honest relay may forward a burst). Each refusal is reported with its reason.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { base58btc } from 'multiformats/bases/base58'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from '@noble/hashes/sha2.js'
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { CatalogEntryRejectedError, parseEntryValue, type CatalogEntryValue } from '../core/catalog.ts'

/** Largest catalog entry accepted from gossip: a 32 KiB document and the entry's own fields. */
export const MAX_CATALOG_ENTRY_BYTES = 48 * 1024
/** Entries per second one peer may send on the topic, and the burst above it (defaults; relays: a flag). */
export const CATALOG_GOSSIP_RATE = 100
export const CATALOG_GOSSIP_BURST_FACTOR = 10
/** Links (`next`, `refs`) one entry may carry. */
const MAX_LINKS = 64
/** Peers whose buckets are remembered; the idlest are forgotten past this. */
const MAX_TRACKED_PEERS = 4_096

export type GossipRejectReason = 'oversized' | 'malformed' | 'foreign_log' | 'rate' | 'duplicate'

export interface CatalogGossipOptions {
  /** The log's id (= the topic). */
  logId: string
  ratePerSecond?: number
  burst?: number
  /** True when this entry (by hash) repeats the key and document of another entry the log holds. */
  isDuplicate?: (hash: string, value: CatalogEntryValue) => boolean | Promise<boolean>
  onRejected?: (reason: GossipRejectReason) => void
}

export type CatalogGossipValidator = (peer: PeerId, message: Message) => Promise<TopicValidatorResult>

interface Bucket {
  tokens: number
  at: number
}

/** The validator to set in `pubsub.topicValidators` for the catalog's topic. */
export function catalogGossipValidator(o: CatalogGossipOptions): CatalogGossipValidator {
  const rate = o.ratePerSecond ?? CATALOG_GOSSIP_RATE
  const burst = o.burst ?? rate * CATALOG_GOSSIP_BURST_FACTOR
  const buckets = new Map<string, Bucket>()
  const refuse = (reason: GossipRejectReason, result: TopicValidatorResult): TopicValidatorResult => {
    o.onRejected?.(reason)
    return result
  }
  const take = (peer: string): boolean => {
    const now = Date.now()
    let b = buckets.get(peer)
    if (b === undefined) {
      if (buckets.size >= MAX_TRACKED_PEERS) buckets.delete(buckets.keys().next().value as string)
      b = { tokens: burst, at: now }
    } else buckets.delete(peer)
    // most recently used last, so the first key is the idlest
    buckets.set(peer, b)
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate)
    b.at = now
    if (b.tokens < 1) return false
    b.tokens--
    return true
  }
  return async (peer, message) => {
    const data = message.data
    if (data.byteLength > MAX_CATALOG_ENTRY_BYTES) return refuse('oversized', TopicValidatorResult.Reject)
    if (!take(peer.toString())) return refuse('rate', TopicValidatorResult.Ignore)
    let entry: Record<string, unknown>
    let value: CatalogEntryValue
    try {
      entry = dagCbor.decode<Record<string, unknown>>(data)
      if (typeof entry !== 'object' || entry === null) return refuse('malformed', TopicValidatorResult.Reject)
      if (entry.id !== o.logId) return refuse('foreign_log', TopicValidatorResult.Reject)
      if (!isEntryShape(entry)) return refuse('malformed', TopicValidatorResult.Reject)
      const payload = entry.payload as Record<string, unknown>
      value = parseEntryValue(payload.value)
      if (payload.op !== 'PUT' || payload.key !== value._id) return refuse('malformed', TopicValidatorResult.Reject)
    } catch (err) {
      const oversized = err instanceof CatalogEntryRejectedError && err.reason === 'oversized'
      return refuse(oversized ? 'oversized' : 'malformed', TopicValidatorResult.Reject)
    }
    if (o.isDuplicate && (await o.isDuplicate(entryHash(data), value)))
      return refuse('duplicate', TopicValidatorResult.Ignore)
    return TopicValidatorResult.Accept
  }
}

function isEntryShape(e: Record<string, unknown>): boolean {
  const links = (l: unknown): boolean =>
    Array.isArray(l) && l.length <= MAX_LINKS && l.every((h) => typeof h === 'string' && h.length <= 128)
  const payload = e.payload as Record<string, unknown> | undefined
  return (
    e.v === 2 &&
    typeof payload === 'object' &&
    payload !== null &&
    links(e.next) &&
    links(e.refs) &&
    typeof e.clock === 'object' &&
    e.clock !== null &&
    typeof e.key === 'string' &&
    typeof e.identity === 'string' &&
    typeof e.sig === 'string'
  )
}

/** The hash OrbitDB gives an entry: the base58btc CIDv1 (dag-cbor, sha2-256) of its bytes. */
export function entryHash(bytes: Uint8Array): string {
  return CID.createV1(dagCbor.code, Digest.create(0x12, sha256(bytes))).toString(base58btc)
}
