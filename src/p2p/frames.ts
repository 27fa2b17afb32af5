/**
 * Length-prefixed JSON frames for Souk's small request/response protocols.
 *
 * Every read has a size cap and a timeout. A peer that sends more than the cap, bytes that are not a frame,
 * or nothing at all gets a `FrameError` whose `reason` the caller counts before resetting the stream.
 */
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { BaseError } from 'viem'

export type FrameErrorReason = 'oversized' | 'malformed' | 'timeout' | 'closed'

export class FrameError extends BaseError {
  override name = 'FrameError'
  readonly reason: FrameErrorReason
  constructor(reason: FrameErrorReason, message: string, options?: { cause?: unknown }) {
    super(message)
    if (options?.cause !== undefined) this.cause = options.cause
    this.reason = reason
  }
}

export interface FrameStreamOptions {
  /** Largest frame accepted, in bytes. */
  maxBytes: number
}

export interface FrameStream {
  read(options: { timeoutMs: number; signal?: AbortSignal }): Promise<unknown>
  write(value: unknown, options?: { signal?: AbortSignal }): Promise<void>
  readonly stream: Stream
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Wraps a libp2p stream so it reads and writes one JSON value per length-prefixed frame. */
export function frameStream(stream: Stream, { maxBytes }: FrameStreamOptions): FrameStream {
  // maxBufferSize bounds what a flood can make us hold before the frame length is even checked
  const lp: LengthPrefixedStream<Stream> = lpStream(stream, { maxDataLength: maxBytes, maxBufferSize: maxBytes + 16 })
  // count what arrives ourselves: when a flood overflows the read buffer while the peer closes its end, the
  // buffer's own error can surface as a plain end-of-stream
  let received = 0
  stream.addEventListener('message', (evt) => {
    received += evt.data.byteLength
  })
  return {
    stream,
    async read({ timeoutMs, signal }) {
      const timeout = AbortSignal.timeout(timeoutMs)
      const combined = signal ? AbortSignal.any([timeout, signal]) : timeout
      let bytes: Uint8Array
      try {
        bytes = (await lp.read({ signal: combined })).subarray()
      } catch (err) {
        const e = toFrameError(err, timeout.aborted)
        throw e.reason === 'closed' && received > maxBytes + 16
          ? new FrameError('oversized', `peer sent ${received} bytes, more than a frame may hold`, { cause: err })
          : e
      }
      let text: string
      try {
        text = decoder.decode(bytes)
        return JSON.parse(text) as unknown
      } catch (err) {
        throw new FrameError('malformed', 'frame is not UTF-8 JSON', { cause: err })
      }
    },
    async write(value, options) {
      const bytes = encoder.encode(JSON.stringify(value))
      if (bytes.byteLength > maxBytes)
        throw new FrameError('oversized', `frame of ${bytes.byteLength} bytes exceeds ${maxBytes}`)
      await lp.write(bytes, options)
    },
  }
}

function toFrameError(err: unknown, timedOut: boolean): FrameError {
  if (err instanceof FrameError) return err
  const name = err instanceof Error ? err.name : ''
  const message = err instanceof Error ? err.message : String(err)
  if (timedOut || name === 'AbortError' || name === 'TimeoutError')
    return new FrameError('timeout', 'no frame arrived in time', { cause: err })
  // a length prefix with more varint bytes than the cap needs announces an oversized frame too
  if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError' || name === 'StreamBufferError')
    return new FrameError('oversized', message, { cause: err })
  if (name === 'InvalidMessageLengthError') return new FrameError('malformed', message, { cause: err })
  return new FrameError('closed', message, { cause: err })
}

/** Resets a stream after a protocol error, ignoring a stream that is already gone. */
/** `signal` (when given) bounded by a deadline of `ms` from now: aborted by whichever comes first. */
export function withDeadline(ms: number, signal?: AbortSignal): AbortSignal {
  const deadline = AbortSignal.timeout(ms)
  return signal ? AbortSignal.any([deadline, signal]) : deadline
}

export function abortQuietly(stream: Stream, err: Error): void {
  try {
    stream.abort(err)
  } catch {
    /* already closed */
  }
}
