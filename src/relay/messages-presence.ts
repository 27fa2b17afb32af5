/**
 * The relay's presence table ("coordinates"): the latest signed record per device, from gossipsub
 * (`PRESENCE_TOPIC`, checked by a topic validator), from other relays' key answers and from anti-entropy;
 * expired records are swept. Bounded by `MAX_PRESENCE_RECORDS`.
 */
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId } from '@libp2p/interface'
import {
  MAX_ENVELOPE_BYTES,
  MessagingError,
  presenceId,
  verifyPresence,
  type BindingVerifier,
  type PresenceRecord,
} from '../core/messaging.ts'
import { DigestSet } from '../core/reconcile.ts'
import { sleep } from '../p2p/messaging/wire.ts'
import { PRESENCE_TOPIC } from '../p2p/protocols.ts'
import type { MessageStore } from './message-store.ts'
import type { MessagingCounters } from './messages-metrics.ts'

/** Presence records a relay keeps at once (each ~1 KiB); records expire after minutes. */
const MAX_PRESENCE_RECORDS = 200_000

export class PresenceTable {
  readonly records = new Map<string, PresenceRecord>()
  readonly digest = new DigestSet()
  /** Devices (signing keys) by address, for routing a message to the devices connected here. */
  readonly #byAddress = new Map<string, Set<string>>()
  readonly #store: MessageStore
  readonly #counters: MessagingCounters

  constructor(store: MessageStore, counters: MessagingCounters) {
    this.#store = store
    this.#counters = counters
  }

  get size(): number {
    return this.records.size
  }

  /** Keeps `p` if it is newer than what the table has; true when kept. */
  put(p: PresenceRecord): boolean {
    const current = this.records.get(p.device.sign)
    if (current && current.seen >= p.seen) return false
    if (!current && this.records.size >= MAX_PRESENCE_RECORDS) {
      this.#counters.dropped({ reason: 'relay_full', where: 'presence' })
      return false
    }
    if (current) this.digest.delete(presenceId(current))
    this.records.set(p.device.sign, p)
    this.digest.add(presenceId(p))
    let devices = this.#byAddress.get(p.device.address)
    if (!devices) this.#byAddress.set(p.device.address, (devices = new Set()))
    devices.add(p.device.sign)
    void this.#store.learnKey(p.device).catch(() => {})
    return true
  }

  /** The live records of `address`'s devices. */
  live(address: string, now = Date.now()): PresenceRecord[] {
    return [...(this.#byAddress.get(address) ?? [])]
      .map((sign) => this.records.get(sign))
      .filter((p): p is PresenceRecord => p !== undefined && p.expires > now)
  }

  /** The records whose ids are in `ids` (anti-entropy). */
  withIds(ids: Set<string>): PresenceRecord[] {
    return [...this.records.values()].filter((p) => ids.has(presenceId(p)))
  }

  sweep(now = Date.now()): void {
    for (const [k, p] of this.records)
      if (p.expires <= now) {
        this.records.delete(k)
        this.digest.delete(presenceId(p))
        const devices = this.#byAddress.get(p.device.address)
        devices?.delete(k)
        if (devices?.size === 0) this.#byAddress.delete(p.device.address)
      }
  }
}

/**
 * Validates presence gossip into `table`: the record's signature and binding, and that the gossip message's
 * own signer is the record's peer (only a device's own peer may announce where it is). Returns the stop function.
 */
export function servePresenceGossip({
  libp2p,
  table,
  bindings,
  counters,
  linkDelayMs,
  isRelayPeer,
  signal,
}: {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  table: PresenceTable
  bindings: BindingVerifier
  counters: MessagingCounters
  linkDelayMs: number
  isRelayPeer: (peer: PeerId) => boolean
  signal: AbortSignal
}): () => void {
  const pubsub = libp2p.services.pubsub
  pubsub.subscribe(PRESENCE_TOPIC)
  pubsub.topicValidators.set(PRESENCE_TOPIC, async (from, msg) => {
    if (linkDelayMs > 0 && isRelayPeer(from)) await sleep(linkDelayMs, signal).catch(() => {})
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(msg.data)
      if (text.length > MAX_ENVELOPE_BYTES) throw new MessagingError('oversized', 'presence record too large')
      const p = await verifyPresence(JSON.parse(text), { bindings })
      if (msg.type !== 'signed' || msg.from.toString() !== p.peerId)
        throw new MessagingError('bad_signature', 'presence announced by another peer')
      table.put(p)
      return TopicValidatorResult.Accept
    } catch (err) {
      counters.countDrop(err instanceof SyntaxError ? new MessagingError('malformed', 'not JSON') : err, 'presence')
      return TopicValidatorResult.Reject
    }
  })
  return () => {
    pubsub.topicValidators.delete(PRESENCE_TOPIC)
  }
}
