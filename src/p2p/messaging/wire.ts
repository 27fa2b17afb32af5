/**
 * Frames of the messaging protocols (`MESSAGES_PROTOCOL`, `MESSAGE_DELIVER_PROTOCOL`, `MESSAGES_SYNC_PROTOCOL`):
 * one length-prefixed JSON request, one response, with the size cap and timeout of `frames.ts`.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { abortQuietly, frameStream, withDeadline, type FrameStream } from '../frames.ts'
import { MAX_MESSAGES_FRAME_BYTES, REQUEST_TIMEOUT_MS } from '../protocols.ts'

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
