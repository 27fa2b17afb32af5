/**
 * The messaging role's counters, shared by its services (store-and-forward, presence, anti-entropy). Every
 * label value is from a fixed list (src/relay/metrics.ts maps anything else to "other").
 */
import { MessagingError } from '../core/messaging.ts'
import { FrameError } from '../p2p/frames.ts'
import { REFUSAL_CODES } from '../p2p/messaging/wire.ts'
import type { Metrics } from './metrics.ts'

/** Label values of `souk_relay_messages_dropped_total{reason}`. */
export const DROP_REASONS = [
  'malformed',
  'oversized',
  'unsigned',
  'bad_signature',
  'bad_binding',
  'stale',
  'future',
  'not_for_me',
  'timeout',
  'closed',
  'duplicate',
  'not_a_relay',
  'error',
  ...REFUSAL_CODES,
]
/** Where a drop happened: an origin, a protocol step, or the request kind (`put`, `pull`, `keys`). */
export const DROP_WHERE = ['client', 'relay', 'presence', 'keys', 'sync', 'request', 'put', 'pull']

export interface MessagingCounters {
  accepted(labels: { origin: 'client' | 'relay' }): void
  dropped(labels: { reason: string; where: string }): void
  delivered(labels: Record<string, never>, by: number): void
  syncs(labels: { result: 'same' | 'exchanged' | 'served' | 'failed' }): void
  synced(labels: { kind: 'message' | 'presence' }): void
  /** Counts `err` as a drop (its reason when it is a MessagingError or FrameError). */
  countDrop(err: unknown, where: string): void
}

export function messagingCounters(metrics: Metrics): MessagingCounters {
  const accepted = metrics.counter('souk_relay_messages_accepted_total', 'Envelopes stored, by origin', {
    origin: ['client', 'relay'],
  })
  const dropped = metrics.counter(
    'souk_relay_messages_dropped_total',
    'Envelopes, requests and presence records dropped or refused, by reason and where',
    { reason: DROP_REASONS, where: DROP_WHERE },
  )
  const delivered = metrics.counter('souk_relay_messages_delivered_total', 'Envelopes delivered to connected devices')
  const syncs = metrics.counter('souk_relay_sync_rounds_total', 'Anti-entropy rounds, by result', {
    result: ['same', 'exchanged', 'served', 'failed'],
  })
  const synced = metrics.counter('souk_relay_sync_items_total', 'Items received by anti-entropy, by kind', {
    kind: ['message', 'presence'],
  })
  return {
    accepted,
    dropped,
    delivered: (labels, by) => delivered(labels, by),
    syncs,
    synced,
    countDrop(err, where) {
      const reason = err instanceof MessagingError ? err.reason : err instanceof FrameError ? err.reason : 'error'
      dropped({ reason, where })
    },
  }
}
