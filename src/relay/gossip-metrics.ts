/**
 * Counts the gossip a relay drops, through gossipsub's own metrics hook (`metricsRegister`): messages that fail
 * validation (unsigned, bad signature, bad seqno, rejected by a topic validator), messages on topics the
 * relay does not carry, RPCs that do not decode, and inbound streams that broke (an RPC over
 * `maxInboundDataLength` ends the stream). Only these few series are kept; gossipsub's other metrics are
 * discarded here, so a scrape costs nothing per peer. Topic strings never become labels (an attacker picks
 * them), only the reason does.
 */
import type { GossipsubOpts } from '@libp2p/gossipsub'

/** Every reason counted (gossipsub's RejectReason and ValidateError values, and the ones named below). */
export const GOSSIP_DROP_REASONS = [
  'invalid_signature',
  'invalid_seqno',
  'invalid_peerid',
  'signature_present',
  'seqno_present',
  'from_present',
  'transform_failed',
  'ignore',
  'reject',
  'blacklisted',
  'invalid',
  'unknown_topic',
  'undecodable_rpc',
  'stream_error',
] as const

type MetricsRegister = NonNullable<GossipsubOpts['metricsRegister']>

type Inc = (labels?: Record<string, string | number> | number, value?: number) => void

/** `dropped(reason, n)` is called for each dropped input; `carried(topic)` says whether the relay routes it. */
export function gossipDropCounter(
  dropped: (reason: string, by: number) => void,
  carried: (topic: string) => boolean,
): MetricsRegister {
  const noop = { inc() {}, set() {}, addCollect() {}, observe() {}, reset() {}, startTimer: () => () => {} }
  const counting = (reasonOf: (labels: Record<string, string | number>) => string | undefined): { inc: Inc } => ({
    inc(labels, value) {
      const [l, by] = typeof labels === 'object' ? [labels, value ?? 1] : [{}, labels ?? 1]
      const reason = reasonOf(l)
      if (reason !== undefined) dropped(reason, by)
    },
  })
  const wanted: Record<string, (labels: Record<string, string | number>) => string | undefined> = {
    gossipsub_msg_received_invalid_total: (l) => String(l.error ?? 'invalid'),
    gossipsub_msg_received_prevalidation_total: (l) => (carried(String(l.topic)) ? undefined : 'unknown_topic'),
    gossipsub_rpc_data_err_count_total: () => 'undecodable_rpc',
    gossipsub_peer_read_stream_err_count_total: () => 'stream_error',
  }
  const register = {
    gauge(config: { name: string }) {
      const reasonOf = wanted[config.name]
      return reasonOf ? { ...noop, ...counting(reasonOf) } : noop
    },
    histogram: () => noop,
    avgMinMax: () => noop,
  }
  return register as MetricsRegister
}
