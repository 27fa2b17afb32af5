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
  error?: string
}

/** Something that holds a snapshot and fires `change` when it moves. */
export interface StatusSource<T> extends EventTarget {
  readonly snapshot: T
}
