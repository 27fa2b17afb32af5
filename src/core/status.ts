/**
 * Shapes of the live status the UI shows. Services (p2p, chain) implement these; components only read them,
 * so views can be tested with a real service on a test network.
 */

export interface RelayStatus {
  peerId: string
  addr: string
  connected: boolean
  reservation: boolean
  /** Connected, but the reservation this node wants there is still being made (or re-made). */
  reserving?: boolean
  /** When the next dial is due (ms since epoch) after a failed one. */
  retryAt?: number
  /** Times the connection was dropped and redialled because no reservation came on it. */
  reservationResets?: number
}

export interface NetworkSnapshot {
  peerId: string
  /** `online`: a relay is connected; `offline`: none (after one was, or all failed); `starting` before. */
  status: 'starting' | 'online' | 'offline'
  relays: RelayStatus[]
  directPeers: number
  peersSeen: number
  bytesStored: number
  /** Direct connections to other browsers being dialled, with the attempt they are at. */
  dials?: { peerId: string; attempt: number; attempts: number }[]
  /** Diagnostics (src/p2p/network-status.ts fills them; a status from elsewhere may not). */
  reservations?: number
  reservationsWanted?: number
  /** Other browsers can dial this node (it holds the relay reservations it wants). */
  reachable?: boolean
  /** This node's own addresses (relayed `/p2p-circuit` ones included). */
  multiaddrs?: string[]
  /** Browser-to-browser dial attempts that had to be repeated. */
  dialRetries?: number
}

export interface ChainSnapshot {
  status: 'connecting' | 'ok' | 'error'
  chainId?: number
  blockNumber?: bigint
  /**
   * The chain's time (unix seconds) as of `timeAt`: what a transaction sent then would see as `block.timestamp`
   * (the pending block's timestamp where the RPC has one, else the latest block's).
   */
  time?: number
  /** When `time` was read, this device's milliseconds since epoch (`Date.now()`; the Worker and the page share it). */
  timeAt?: number
  error?: string
}

/**
 * The chain's time now, unix seconds: the last time read from the chain plus the device time elapsed since, so
 * it moves between blocks (an idle anvil mines none) and a device clock that is off does not matter (only
 * elapsed time is taken from it). Undefined before the chain was read.
 */
export function chainNow(s: ChainSnapshot | undefined, nowMs = Date.now()): number | undefined {
  if (s?.time === undefined || s.timeAt === undefined) return undefined
  return s.time + Math.max(0, nowMs - s.timeAt) / 1000
}

/** Something that holds a snapshot and fires `change` when it moves. */
export interface StatusSource<T> extends EventTarget {
  readonly snapshot: T
}
