/**
 * Who may store what on this relay (issue #24): the limits every envelope passes before it is stored,
 * whether it comes from a device or from another relay (eager replication, anti-entropy), so a relay cannot
 * be filled through another relay either.
 *
 * - the sender address: messages per minute (devices only) and messages stored;
 * - the recipient's mailbox: messages and bytes waiting (stored and not pulled yet);
 * - the source: bytes stored from one IP address (an IPv6 /64) and from one peer id, for devices; for another
 *   relay, half of this relay's total, so its own users keep room;
 * - the relay: bytes stored in all.
 *
 * Every byte cap on a source or the total also bounds messages: each counts at least `MIN_CHARGE` bytes
 * (so a flood of tiny envelopes cannot grow the in-memory index past `totalBytes / MIN_CHARGE` entries).
 * A refusal is a `MessagingError` whose reason the sender's client reads (`RefusalCode`) and the relay counts.
 */
import { createHash } from 'node:crypto'
import type { Connection, PeerId } from '@libp2p/interface'
import { MessagingError, type Envelope } from '../core/messaging.ts'
import { isNonPublicAddr, networkOf } from '../p2p/relay-list.ts'
import type { MessageStore } from './message-store.ts'
import { ipOf } from './reservations.ts'

export interface MailboxLimits {
  /** Messages waiting for one recipient (stored, not pulled yet). */
  recipientMessages: number
  /** Envelope bytes waiting for one recipient. */
  recipientBytes: number
  /** Bytes stored from one peer id (devices). */
  peerBytes: number
  /** Bytes stored from one IP address or IPv6 /64 (devices). */
  ipBytes: number
  /** Bytes stored in all; another relay may fill at most half of it. */
  totalBytes: number
  /**
   * Count private and loopback addresses per IP. Off on a public relay: there, such an address is the
   * operator's reverse proxy or container bridge, i.e. everybody (the per-peer and total caps still hold).
   */
  limitPrivateIps: boolean
}

/** The least an envelope counts against a source's or the total's byte cap. */
export const MIN_CHARGE = 4 * 1024

/** Where an envelope came from: a device's connection, or another relay's. */
export type Source = { kind: 'client'; connection: Connection } | { kind: 'relay'; peer: PeerId }

export interface AdmissionOptions {
  store: MessageStore
  limits: MailboxLimits
  senderQuota: number
  senderRatePerMinute: number
  /** Salts the source keys kept on disk, so the index holds no IP address in clear. */
  salt: Uint8Array
}

export class Admission {
  readonly #o: AdmissionOptions
  readonly #windows = new Map<string, { start: number; n: number }>()
  /** Hashed source keys by raw key (IP, peer id), bounded by `MAX_KEY_CACHE`. */
  readonly #keys = new Map<string, string>()

  constructor(options: AdmissionOptions) {
    this.#o = options
  }

  /** The accounting keys of a source, as the store keeps them. */
  sourceKeys(source: Source): string[] {
    if (source.kind === 'relay') return [this.#key('relay', source.peer.toString())]
    const keys = [this.#key('peer', source.connection.remotePeer.toString())]
    const ip = ipOf(source.connection.remoteAddr)
    if (ip !== undefined && (this.#o.limits.limitPrivateIps || !isNonPublicAddr(source.connection.remoteAddr)))
      keys.push(this.#key('ip', networkOf(ip)))
    return keys
  }

  /** Throws a `MessagingError` with a `RefusalCode` when `env` (`size` bytes) may not be stored now. */
  check(env: Envelope, size: number, source: Source, keys: readonly string[]): void {
    const { store } = this.#o
    const sender = env.from.address
    if (source.kind === 'client' && !this.#allowRate(sender.toLowerCase()))
      throw new MessagingError('rate_limited', 'This sender sent too many messages in the last minute; try later.')
    if (store.storedFor(sender) >= this.#o.senderQuota)
      throw new MessagingError('quota', 'This sender has too many messages stored on this relay.')
    this.precheck(env.to, size, keys)
  }

  /**
   * The limits that need no verified envelope (the relay's total, the source's share, the recipient's mailbox),
   * checked before the signature so a flood past them costs little; `to` may be unverified (a lie only gets
   * its own message refused). Throws like `check`.
   */
  precheck(to: unknown, size: number, keys: readonly string[]): void {
    const { store, limits } = this.#o
    const over = (used: { count: number; bytes: number }, cap: number): boolean =>
      used.bytes + size > cap || (used.count + 1) * MIN_CHARGE > cap
    if (over({ count: store.size, bytes: store.bytes }, limits.totalBytes))
      throw new MessagingError('relay_full', 'This relay stores no more messages for now; another relay may.')
    for (const key of keys) {
      const used = store.storedFrom(key)
      if (key.startsWith('relay:') && over(used, limits.totalBytes / 2))
        throw new MessagingError('relay_quota', 'This relay holds its share of messages from that relay.')
      if (key.startsWith('ip:') && over(used, limits.ipBytes))
        throw new MessagingError('ip_quota', 'Too many messages are stored from this network address.')
      if (key.startsWith('peer:') && over(used, limits.peerBytes))
        throw new MessagingError('peer_quota', 'Too many messages are stored from this device.')
    }
    if (typeof to !== 'string') return
    const waiting = store.waitingFor(to)
    if (waiting.count + 1 > limits.recipientMessages || waiting.bytes + size > limits.recipientBytes)
      throw new MessagingError(
        'mailbox_full',
        'The recipient’s mailbox on this relay is full until they fetch their messages.',
      )
  }

  /** Forgets rate windows that ended (called by the relay's sweep). */
  sweep(now = Date.now()): void {
    for (const [sender, w] of this.#windows) if (now - w.start >= 60_000) this.#windows.delete(sender)
  }

  #allowRate(sender: string): boolean {
    const now = Date.now()
    const w = this.#windows.get(sender)
    if (!w || now - w.start >= 60_000) {
      this.#windows.set(sender, { start: now, n: 1 })
      return true
    }
    return ++w.n <= this.#o.senderRatePerMinute
  }

  #key(kind: 'relay' | 'peer' | 'ip', raw: string): string {
    const cached = this.#keys.get(`${kind}:${raw}`)
    if (cached) return cached
    const h = createHash('sha256').update(this.#o.salt).update(`${kind}:${raw}`).digest('hex').slice(0, 16)
    const key = `${kind}:${h}`
    if (this.#keys.size >= MAX_KEY_CACHE) this.#keys.clear()
    this.#keys.set(`${kind}:${raw}`, key)
    return key
  }
}

const MAX_KEY_CACHE = 10_000
