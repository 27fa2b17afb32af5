/**
 * The page's direct messaging node (loaded on demand by `DirectDelivery`, src/services/messaging-direct.ts):
 * a small libp2p node with WebRTC, built by the app's own node factory, which the engine Worker's messaging
 * client cannot have (workers have no RTCPeerConnection). It holds a reservation on up to two of the engine's relays, so other browsers
 * can reach it, and registers itself with the worker as the device's `direct` peer (advertised in presence).
 *
 * - Outgoing: the worker hands envelopes (already encrypted and signed) to `deliver(peerId, envs)`; the node
 *   dials the recipient's page node through the relay circuit, upgraded to WebRTC, and sends them on
 *   `/souk/msg-deliver/1.0.0`. Only direct (not relayed) connections carry them.
 * - Incoming: envelopes arriving on that protocol go to the worker (`receiveDirect`), which verifies, dedupes
 *   by id and stores them as it does the relays' copy; the ids it accepts are acknowledged.
 *
 * A dial that fails (WebRTC blocked, the peer gone) is remembered for `FAILED_DIAL_BACKOFF_MS`: the worker
 * still sends every message through the relays, so nothing waits on it.
 */
import * as Comlink from 'comlink'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection, Stream } from '@libp2p/interface'
import { BaseError, type Address } from 'viem'
import type { Envelope } from '../core/messaging.ts'
import type { DirectPort, MessagingEngineApi } from '../engine/messaging-api.ts'
import { abortQuietly, FrameError } from '../p2p/frames.ts'
import { createSoukNode, type SoukNode } from '../p2p/node.ts'
import { MESSAGE_DELIVER_PROTOCOL, REQUEST_TIMEOUT_MS } from '../p2p/protocols.ts'
import { requestOn, serverFrames } from '../p2p/messaging/wire.ts'

/** The direct node could not start or reach a peer; the relays deliver instead. */
export class DirectNodeError extends BaseError {
  override name = 'DirectNodeError'
}

/** Longest a dial to another browser (relay hop, SDP, ICE, DTLS) may take. */
const DIAL_BUDGET_MS = 15_000
/** A peer that could not be reached directly is not dialled again for this long. */
const FAILED_DIAL_BACKOFF_MS = 60_000
/** How long the node waits for its relay reservation (without one, nobody can dial it). */
const RESERVATION_TIMEOUT_MS = 20_000
/** Envelopes in one direct delivery frame, at most. */
const MAX_ENVELOPES = 64

export interface DirectNodeStats {
  /** Envelopes handed to another device directly and acknowledged. */
  delivered: number
  /** Envelopes that reached this node directly. */
  received: number
  /** Dials that failed (the relays delivered). */
  failedDials: number
  /** Delivery frames dropped, by reason (malformed, oversized, timeout). */
  dropped: Record<string, number>
}

export interface DirectNode {
  readonly peerId: string
  readonly stats: DirectNodeStats
  /** Connects to `peer`'s devices ahead of the first message (best effort). */
  prepare(peer: Address): void
  stop(): Promise<void>
}

type Remote = Comlink.Remote<MessagingEngineApi>

/** Starts the page's direct node for `address` and registers it with the engine's messaging client. */
export async function startDirectNode(
  remote: Remote,
  address: Address,
  { signal, iceServers }: { signal?: AbortSignal; iceServers?: RTCIceServer[] } = {},
): Promise<DirectNode> {
  const relays = await remote.directRelays()
  if (relays.length === 0) throw new DirectNodeError('No relay is connected: no direct connection can be set up.')
  signal?.throwIfAborted()
  const node: SoukNode = await createSoukNode({
    relays,
    storage: 'memory',
    webrtc: true,
    ...(iceServers ? { iceServers } : {}),
    // a reservation on each relay the engine uses (up to two), so a sender reaches it through whichever of
    // them it shares
    maxRelays: Math.min(2, relays.length),
    reservations: Math.min(2, relays.length),
  })
  const controller = new AbortController()
  const stats: DirectNodeStats = { delivered: 0, received: 0, failedDials: 0, dropped: {} }
  const drop = (reason: string): void => void (stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1)
  const dials = new Map<string, Promise<Connection>>()
  const failed = new Map<string, number>()

  const serve = async (stream: Stream): Promise<void> => {
    const frames = serverFrames(stream)
    try {
      const req = (await frames.read({ timeoutMs: REQUEST_TIMEOUT_MS, signal: controller.signal })) as {
        t?: unknown
        envs?: unknown
      }
      if (req?.t !== 'deliver' || !Array.isArray(req.envs) || req.envs.length > MAX_ENVELOPES)
        throw new FrameError('malformed', 'bad direct delivery')
      stats.received += req.envs.length
      const ids = req.envs.length > 0 ? await remote.receiveDirect(address, req.envs) : []
      await frames.write({ t: 'ack', ids })
      await stream.close()
    } catch (err) {
      drop(err instanceof FrameError ? err.reason : 'failed')
      abortQuietly(stream, err as Error)
    }
  }

  /** A direct (WebRTC) connection to `peerId`: an open one, or one dial shared by every caller. */
  const connect = (peerId: string): Promise<Connection> => {
    const open = node.libp2p
      .getConnections(peerIdFromString(peerId))
      .find((c) => c.status === 'open' && c.limits === undefined)
    if (open) return Promise.resolve(open)
    const since = failed.get(peerId)
    if (since !== undefined && Date.now() - since < FAILED_DIAL_BACKOFF_MS)
      return Promise.reject(new DirectNodeError(`${peerId} could not be reached directly a moment ago.`))
    let dial = dials.get(peerId)
    if (!dial) {
      const budget = AbortSignal.any([controller.signal, AbortSignal.timeout(DIAL_BUDGET_MS)])
      // raced against the budget as well, so a dial step that does not honour its signal cannot hold every
      // later delivery to that peer
      dial = raceAbort(node.dialPeer(peerId, { signal: budget }), budget)
        .then((c) => {
          if (c.limits !== undefined) throw new DirectNodeError('Only a relayed connection could be opened.')
          failed.delete(peerId)
          return c
        })
        .catch((err: unknown) => {
          stats.failedDials++
          failed.set(peerId, Date.now())
          throw err
        })
        .finally(() => dials.delete(peerId))
      dials.set(peerId, dial)
    }
    return dial
  }

  const port: DirectPort = {
    async deliver(peerId: string, envs: Envelope[]): Promise<string[]> {
      const connection = await connect(peerId)
      const answer = (await requestOn(
        connection,
        MESSAGE_DELIVER_PROTOCOL,
        { t: 'deliver', envs: envs.slice(0, MAX_ENVELOPES) },
        { signal: controller.signal },
      )) as { ids?: unknown }
      const ids = Array.isArray(answer?.ids) ? answer.ids.filter((i): i is string => typeof i === 'string') : []
      stats.delivered += ids.length
      return ids
    },
    async connect(peerId: string): Promise<void> {
      await connect(peerId)
    },
  }

  try {
    // only direct connections: the handler is not run on limited (relayed) ones
    await node.libp2p.handle(MESSAGE_DELIVER_PROTOCOL, (stream: Stream) => void serve(stream), {
      maxInboundStreams: 16,
    })
    await reservation(node, AbortSignal.any([controller.signal, AbortSignal.timeout(RESERVATION_TIMEOUT_MS)]))
    signal?.throwIfAborted()
    await remote.setDirect(address, node.peerId, Comlink.proxy(port))
  } catch (err) {
    controller.abort()
    await node.stop()
    throw err
  }

  return {
    peerId: node.peerId,
    stats,
    prepare(peer) {
      void remote.prepareDirect(address, peer).catch(() => undefined)
    },
    async stop() {
      controller.abort(new DirectNodeError('The direct node stopped.'))
      await remote.setDirect(address, node.peerId).catch(() => undefined)
      await node.stop()
    },
  }
}

/** Resolves once the node holds a relay reservation (others can dial it), or fails when `signal` aborts. */
function reservation(node: SoukNode, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (node.status.snapshot.reservations > 0) done(resolve)
    }
    const onAbort = (): void =>
      done(() => reject(new DirectNodeError('No relay reservation for the direct node.', { cause: signal.reason })))
    const done = (fn: () => void): void => {
      node.status.removeEventListener('change', check)
      signal.removeEventListener('abort', onAbort)
      fn()
    }
    node.status.addEventListener('change', check)
    signal.addEventListener('abort', onAbort, { once: true })
    check()
  })
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new DirectNodeError('The direct dial ran out of time.', { cause: signal.reason }))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
