/**
 * Relay records: how relays tell browsers and each other which relays exist.
 *
 * A relay answers `RELAY_LIST_PROTOCOL` with the relays it knows (itself first) and announces itself on
 * `RELAYS_TOPIC`. Records from the network are untrusted: they are validated, capped and only ever used
 * as dial candidates (a "relay" that doesn't speak the circuit relay hop protocol simply gets no reservation).
 * Relays go further (`RelayVerifier` in src/p2p/relay-verifier.ts): a candidate is trusted only once it answered
 * the relay-list protocol from the address it announced, over a fresh connection, and granted a circuit relay
 * reservation there, and never on a private, loopback or link-local address outside a development config.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { isLinkLocal, isLoopback, isPrivate } from '@libp2p/utils'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { abortQuietly, frameStream, FrameError } from './frames.ts'
import {
  MAX_RELAY_ADDRS,
  MAX_RELAY_LIST_FRAME_BYTES,
  MAX_RELAYS_LISTED,
  RELAY_LIST_PROTOCOL,
  REQUEST_TIMEOUT_MS,
} from './protocols.ts'

export interface RelayRecord {
  peerId: string
  /** Dialable multiaddrs, each ending in `/p2p/<peerId>`. */
  addrs: string[]
}

/** True for addresses a browser can dial: WebSockets (ws or wss, also via dns/tls forms). */
export function isBrowserDialable(ma: Multiaddr): boolean {
  const names = ma.getComponents().map((c) => c.name)
  return names.includes('ws') || names.includes('wss') || (names.includes('tls') && names.includes('ws'))
}

/** The IP address a multiaddr starts with, if it starts with one. */
export function ipOf(ma: Multiaddr): string | undefined {
  const first = ma.getComponents()[0]
  return first && (first.name === 'ip4' || first.name === 'ip6') ? first.value : undefined
}

/** The eight 16-bit groups of an IPv6 address: `::` expanded, lower case, without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const [head = '', tail] = ip.toLowerCase().split('::')
  const groups = (s: string): string[] => (s ? s.split(':') : [])
  const h = groups(head)
  const t = tail === undefined ? [] : groups(tail)
  const missing = Math.max(0, 8 - h.length - t.length)
  return [...h, ...Array<string>(missing).fill('0'), ...t].map((g) => g.replace(/^0+(?=.)/, ''))
}

/** The /24 of an IPv4 address or the /48 of an IPv6 address: roughly "one network". */
export function subnetOf(ip: string): string {
  if (!ip.includes(':')) return ip.split('.').slice(0, 3).join('.') + '.0/24'
  return ipv6Groups(ip).slice(0, 3).join(':') + '::/48'
}

/** An IPv4 address, or the /64 of an IPv6 address: one host (a subscriber usually has a whole /64). */
export function networkOf(ip: string): string {
  if (!ip.includes(':')) return ip
  return ipv6Groups(ip).slice(0, 4).join(':') + '::/64'
}

/** True for addresses on private, loopback or link-local networks (or `localhost`), which relays never dial. */
export function isNonPublicAddr(ma: Multiaddr): boolean {
  return isPrivate(ma) || isLoopback(ma) || isLinkLocal(ma)
}

/** Validates one record; returns undefined if it is unusable. Addresses get `/p2p/<id>` appended if missing. */
export function parseRelayRecord(value: unknown): RelayRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.peerId !== 'string' || !Array.isArray(v.addrs)) return undefined
  let id: PeerId
  try {
    id = peerIdFromString(v.peerId)
  } catch {
    return undefined
  }
  const addrs: string[] = []
  for (const a of v.addrs.slice(0, MAX_RELAY_ADDRS)) {
    if (typeof a !== 'string' || a.length > 512) continue
    try {
      let ma = multiaddr(a)
      const p2p = ma.getComponents().filter((c) => c.name === 'p2p')
      if (p2p.length === 0) ma = ma.encapsulate(`/p2p/${id.toString()}`)
      else if (p2p.length > 1 || p2p[0]?.value !== id.toString()) continue
      if (ma.getComponents().some((c) => c.name === 'p2p-circuit')) continue
      addrs.push(ma.toString())
    } catch {
      continue
    }
  }
  if (addrs.length === 0) return undefined
  return { peerId: id.toString(), addrs }
}

export function parseRelayList(value: unknown): RelayRecord[] {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { relays?: unknown }).relays))
    throw new FrameError('malformed', 'relay list must be { relays: [...] }')
  const out: RelayRecord[] = []
  for (const r of (value as { relays: unknown[] }).relays.slice(0, MAX_RELAYS_LISTED)) {
    const rec = parseRelayRecord(r)
    if (rec) out.push(rec)
  }
  return out
}

/** Asks a connected relay which relays it knows. */
export async function fetchRelayList(
  libp2p: Libp2p,
  peer: PeerId,
  options: { signal?: AbortSignal } = {},
): Promise<RelayRecord[]> {
  const stream = await libp2p.dialProtocol(peer, RELAY_LIST_PROTOCOL, {
    signal: options.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const frames = frameStream(stream, { maxBytes: MAX_RELAY_LIST_FRAME_BYTES })
  try {
    await frames.write({ want: 'relays' })
    const reply = await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal: options.signal })
    await stream.close().catch(() => {})
    return parseRelayList(reply)
  } catch (err) {
    abortQuietly(stream, err as Error)
    throw err
  }
}

/** Answers one relay-list request with `relays()`; `onDropped` is told why a bad request was dropped. */
export async function serveRelayList(
  stream: Stream,
  relays: () => RelayRecord[],
  onDropped: (reason: string) => void,
): Promise<void> {
  const frames = frameStream(stream, { maxBytes: MAX_RELAY_LIST_FRAME_BYTES })
  try {
    await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS })
    const list: RelayRecord[] = []
    let size = 16
    for (const r of relays().slice(0, MAX_RELAYS_LISTED)) {
      size += JSON.stringify(r).length + 1
      if (size > MAX_RELAY_LIST_FRAME_BYTES) break
      list.push(r)
    }
    await frames.write({ relays: list })
    await stream.close()
  } catch (err) {
    if (err instanceof FrameError) onDropped(err.reason)
    abortQuietly(stream, err as Error)
  }
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

/**
 * Gossip payload announcing a relay, with the other relays it is connected to. The gossip message is signed,
 * so the announcing record must be the sender's own (`peerId` equals `from`); the others are only candidates.
 */
export interface RelayAnnouncement {
  self: RelayRecord
  others: RelayRecord[]
}

const MAX_ANNOUNCED_OTHERS = 16

export function encodeRelayAnnouncement(self: RelayRecord, others: RelayRecord[] = []): Uint8Array {
  let out = textEncoder.encode(JSON.stringify({ ...self, relays: [] }))
  for (let n = Math.min(others.length, MAX_ANNOUNCED_OTHERS); n >= 0; n--) {
    out = textEncoder.encode(JSON.stringify({ ...self, relays: others.slice(0, n) }))
    if (out.byteLength <= MAX_RELAY_LIST_FRAME_BYTES) break
  }
  return out
}

export function decodeRelayAnnouncement(data: Uint8Array, from: PeerId | undefined): RelayAnnouncement | undefined {
  if (data.byteLength > MAX_RELAY_LIST_FRAME_BYTES || from === undefined) return undefined
  try {
    const value = JSON.parse(textDecoder.decode(data)) as { relays?: unknown }
    const self = parseRelayRecord(value)
    if (self === undefined || self.peerId !== from.toString()) return undefined
    const others = Array.isArray(value.relays)
      ? value.relays
          .slice(0, MAX_ANNOUNCED_OTHERS)
          .map((r) => parseRelayRecord(r))
          .filter((r): r is RelayRecord => r !== undefined)
      : []
    return { self, others }
  } catch {
    return undefined
  }
}
