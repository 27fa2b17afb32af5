/**
 * Frames of the messaging protocols (`MESSAGES_PROTOCOL`, `MESSAGE_DELIVER_PROTOCOL`, `MESSAGES_SYNC_PROTOCOL`):
 * one length-prefixed JSON request, one response, with the size cap and timeout of `frames.ts`.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { abortQuietly, frameStream, withDeadline, type FrameStream } from '../frames.ts'
import { MAX_MESSAGES_FRAME_BYTES, REQUEST_TIMEOUT_MS } from '../protocols.ts'

/**
 * Why a relay refused to store a message (`{ t: 'nack', code, reason }`): the sender keeps it in its outbox and
 * tries again later (another relay may take it, or this one once the mailbox was pulled). `rate_limited` and
 * `quota` are the sender address's own limits; the others are the relay's limits (docs/messaging.md).
 */
export const REFUSAL_CODES = [
  'mailbox_full',
  'ip_quota',
  'peer_quota',
  'relay_quota',
  'relay_full',
  'quota',
  'rate_limited',
] as const
export type RefusalCode = (typeof REFUSAL_CODES)[number]

export function isRefusal(code: unknown): code is RefusalCode {
  return (REFUSAL_CODES as readonly unknown[]).includes(code)
}

/** Messages and envelope bytes, e.g. what waits for a recipient after its cursor. */
export interface Tally {
  count: number
  bytes: number
}

/** A relay's answer to `put` when it does not store the envelope. */
export interface Nack {
  t: 'nack'
  /** For people: what was refused and why. */
  reason: string
  /** For programs: a `MessagingErrorReason` (a `RefusalCode` when the relay's limits refused it). */
  code?: string
}

/**
 * A relay's answer to `pull` (`{ t: 'pull', device, after, ts, sig, max? }`, `max`: bytes of envelopes the
 * device wants in this page, 0 to ask only what waits): the envelopes after the cursor, oldest first, whether
 * more follow, and everything waiting after the cursor (this page included) so the device can show progress.
 */
export interface PullPage {
  t: 'page'
  items: { env: unknown; at: number }[]
  more: boolean
  waiting?: Tally
}

export interface RequestOptions {
  signal?: AbortSignal
  timeoutMs?: number
}

/** Opens `protocol` to `peer`, sends one frame, returns the answer frame. */
export async function request(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  peer: PeerId,
  protocol: string,
  value: unknown,
  { signal, timeoutMs = REQUEST_TIMEOUT_MS }: RequestOptions = {},
): Promise<unknown> {
  const combined = withDeadline(timeoutMs, signal)
  // optimistic protocol select: the protocol id goes out with the first frame instead of costing a round trip
  // of its own (on a busy machine every round trip is two more process wake-ups)
  const stream = await libp2p.dialProtocol(peer, protocol, {
    signal: combined,
    runOnLimitedConnection: true,
    negotiateFully: false,
  })
  return await exchange(stream, value, combined, timeoutMs)
}

/** `request` on one given connection (a direct WebRTC one, when a relayed one to the same peer exists too). */
export async function requestOn(
  connection: Connection,
  protocol: string,
  value: unknown,
  { signal, timeoutMs = REQUEST_TIMEOUT_MS }: RequestOptions = {},
): Promise<unknown> {
  const combined = withDeadline(timeoutMs, signal)
  const stream = await connection.newStream(protocol, { signal: combined, negotiateFully: false })
  return await exchange(stream, value, combined, timeoutMs)
}

async function exchange(stream: Stream, value: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
  const frames = frameStream(stream, { maxBytes: MAX_MESSAGES_FRAME_BYTES })
  try {
    await frames.write(value, { signal })
    const answer = await frames.read({ timeoutMs, signal })
    await stream.close().catch(() => {})
    return answer
  } catch (err) {
    abortQuietly(stream, err as Error)
    throw err
  }
}

/** Frames of an inbound stream, capped like every other request. */
export function serverFrames(stream: Stream): FrameStream {
  return frameStream(stream, { maxBytes: MAX_MESSAGES_FRAME_BYTES })
}

/**
 * The delaying stream wrapper used to emulate a slow link between relays: every frame read is held `delayMs`
 * before the caller sees it (one-way latency added at the receiving end; both ends wrap, so a round trip
 * costs 2 × delayMs). Only the benchmark turns it on.
 */
export function delayed(frames: FrameStream, delayMs: number): FrameStream {
  if (delayMs <= 0) return frames
  return {
    stream: frames.stream,
    write: (value, options) => frames.write(value, options),
    async read(options) {
      const value = await frames.read(options)
      await sleep(delayMs, options.signal)
      return value
    },
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal!.reason as Error)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
