/**
 * `/souk/pin/1.0.0`: a browser asks a relay to pin listing media so it stays available when the seller's
 * browser is closed. One request frame `{ cids: string[] }`, one response frame `{ results: PinResult[] }`.
 * The relay fetches the blocks from the asking peer over bitswap before it answers, so a "pinned" reply
 * means the relay holds every block.
 */
import { CID } from 'multiformats/cid'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { abortQuietly, frameStream, FrameError, withDeadline } from './frames.ts'
import { MAX_PIN_CIDS, MAX_PIN_FRAME_BYTES, PIN_PROTOCOL, PIN_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './protocols.ts'

export interface PinResult {
  cid: string
  status: 'pinned' | 'rejected' | 'failed'
  /** Bytes held for this CID (all blocks of its DAG). */
  bytes?: number
  /** Why it was rejected or failed, for people: "file exceeds 8 MiB", "quota exceeded", ... */
  reason?: string
}

/**
 * What a pin is for: absent, listing media (dropped by a relay's collector once no listing references it after
 * a grace period); `message`, an encrypted message photo, which no listing names: kept as long as the relay keeps
 * messages (docs/messaging.md "Photos").
 */
export type PinKeep = 'message'

export function parsePinKeep(value: unknown): PinKeep | undefined {
  return (value as { keep?: unknown } | null)?.keep === 'message' ? 'message' : undefined
}

export function parsePinRequest(value: unknown): CID[] {
  if (typeof value !== 'object' || value === null) throw new FrameError('malformed', 'pin request must be an object')
  const cids = (value as { cids?: unknown }).cids
  if (!Array.isArray(cids) || cids.length === 0 || cids.length > MAX_PIN_CIDS)
    throw new FrameError('malformed', `pin request must name 1 to ${MAX_PIN_CIDS} CIDs`)
  return cids.map((c) => {
    if (typeof c !== 'string' || c.length > 128) throw new FrameError('malformed', 'CIDs must be strings')
    try {
      return CID.parse(c)
    } catch (err) {
      throw new FrameError('malformed', `not a CID: ${c.slice(0, 64)}`, { cause: err })
    }
  })
}

function parsePinResponse(value: unknown): PinResult[] {
  const results = (value as { results?: unknown } | null)?.results
  if (!Array.isArray(results)) throw new FrameError('malformed', 'pin response must be { results: [...] }')
  return results.flatMap((r): PinResult[] => {
    const v = r as Record<string, unknown>
    if (typeof v.cid !== 'string' || (v.status !== 'pinned' && v.status !== 'rejected' && v.status !== 'failed'))
      return []
    return [
      {
        cid: v.cid,
        status: v.status,
        ...(typeof v.bytes === 'number' ? { bytes: v.bytes } : {}),
        ...(typeof v.reason === 'string' ? { reason: v.reason.slice(0, 200) } : {}),
      },
    ]
  })
}

/** Asks one relay to pin `cids`; resolves once it has fetched them (or said why not). */
export async function requestPin(
  libp2p: Libp2p,
  relay: PeerId,
  cids: CID[],
  options: { signal?: AbortSignal; timeoutMs?: number; keep?: PinKeep } = {},
): Promise<PinResult[]> {
  const timeoutMs = options.timeoutMs ?? PIN_TIMEOUT_MS
  const signal = withDeadline(timeoutMs, options.signal)
  const stream = await libp2p.dialProtocol(relay, PIN_PROTOCOL, { signal })
  const frames = frameStream(stream, { maxBytes: MAX_PIN_FRAME_BYTES })
  try {
    await frames.write({ cids: cids.map((c) => c.toString()), ...(options.keep && { keep: options.keep }) }, { signal })
    const results = parsePinResponse(await frames.read({ timeoutMs, signal }))
    await stream.close().catch(() => {})
    return results
  } catch (err) {
    abortQuietly(stream, err as Error)
    throw err
  }
}

export interface PinHandler {
  (cid: CID, from: PeerId, signal: AbortSignal, keep: PinKeep | undefined): Promise<PinResult>
}

/** Serves one pin request on `stream`. Bad frames are reported to `onDropped` and the stream is reset. */
export async function servePinRequest(
  stream: Stream,
  connection: Connection,
  pin: PinHandler,
  onDropped: (reason: string) => void,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const frames = frameStream(stream, { maxBytes: MAX_PIN_FRAME_BYTES })
  const signal = AbortSignal.timeout(options.timeoutMs ?? PIN_TIMEOUT_MS)
  try {
    const request = await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS })
    const cids = parsePinRequest(request)
    const keep = parsePinKeep(request)
    const results: PinResult[] = []
    for (const cid of cids) results.push(await pin(cid, connection.remotePeer, signal, keep))
    await frames.write({ results }, { signal })
    await stream.close()
  } catch (err) {
    if (err instanceof FrameError) onDropped(err.reason)
    abortQuietly(stream, err as Error)
  }
}
