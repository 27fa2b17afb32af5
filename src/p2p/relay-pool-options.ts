/**
 * Options and state of `RelayPool` (src/p2p/relay-pool.ts).
 */
import type { Message } from '@libp2p/gossipsub'
import type { RelayRecord } from './relay-list.ts'
import type { AdmissionLimits, AdmissionRefusal } from './relay-admission.ts'

export interface BackoffOptions {
  /** First retry delay in ms (default 500). */
  minMs?: number
  /** Longest delay in ms (default 30 000). */
  maxMs?: number
  factor?: number
}

/** The gossipsub service as far as the pool needs it. */
export interface PubSubLike {
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  addEventListener(type: 'message', listener: (evt: CustomEvent<Message>) => void): void
  removeEventListener(type: 'message', listener: (evt: CustomEvent<Message>) => void): void
}

export interface RelayPoolOptions {
  /** Multiaddrs (ending in /p2p/<id>) known up front, e.g. from config.json or --bootstrap. */
  relays: string[]
  /** Keep at most this many relays connected (default 3; relays use Infinity). */
  maxConnected?: number
  backoff?: BackoffOptions
  /** Dial timeout per attempt (default 10 s). */
  dialTimeoutMs?: number
  pubsub?: PubSubLike
  /** Only learn relays whose addresses a browser can dial (default true). */
  browserDialableOnly?: boolean
  /**
   * Checks relays heard of from the network before trusting them (relays pass a `RelayVerifier`, which calls
   * `addVerified`); without one, learnt relays are dial candidates at once.
   */
  verifier?: { submit(record: RelayRecord, source: string): void }
  /** Remembers learnt relays across restarts. */
  store?: { load(): Promise<RelayRecord[]>; save(records: RelayRecord[]): Promise<void> }
  /** Relays that should hold a circuit relay reservation for us (default 0: relays reserve nowhere). */
  reservations?: number
  /**
   * How long a connected relay may go without a reservation, while fewer than `reservations` are held,
   * before the pool hangs up and redials it (default 15 s; the transport gives one attempt 10 s).
   */
  reserveTimeoutMs?: number
  /**
   * Relays (with a verifier): at most this many verified relays per IP address and per /24 or /48, a relay
   * vouched for by more relays taking the place of a worse one (src/p2p/relay-admission.ts). `onRefused` is
   * told why a verified relay got no place (it waits, parked, for a better rank).
   */
  admission?: AdmissionLimits & { onRefused?(record: RelayRecord, reason: AdmissionRefusal): void }
  /**
   * Relays: every `everyMs` each learnt relay is checked again (`check`, e.g. `RelayVerifier.recheck`: still a
   * relay, still granting reservations); one that fails is dropped and hung up (default: never).
   */
  recheck?: { everyMs: number; check(record: RelayRecord): Promise<boolean> }
}

export interface RelayState {
  peerId: string
  addrs: string[]
  source: 'config' | 'learnt'
  connected: boolean
  /** Holds a circuit relay reservation for us (our `/p2p-circuit` address through it is announced). */
  reservation: boolean
  /** Connected, a reservation is wanted and none is held yet (since `Date.now()` = this). */
  reservingSince?: number
  /** When the next redial is due (epoch ms) while the relay is backing off. */
  retryAt?: number
  /** Has been connected at least once (only such relays are passed on to others). */
  verified: boolean
  failures: number
  /** Times the pool dropped this relay's connection because no reservation came on it. */
  reservationResets: number
}
