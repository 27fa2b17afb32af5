/**
 * The forwarding half of store-and-forward: hands new envelopes to the recipient's devices connected to this
 * relay (the seed's gateway), pushes them to the other relays (eager replication, acknowledged once one other
 * relay stored them), and asks the other relays for the keys and coordinates of an address this relay does
 * not know.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { Libp2p } from '@libp2p/interface'
import type { Address } from 'viem'
import { MAX_DEVICES, parseBinding, verifyPresence, type BindingVerifier, type Envelope } from '../core/messaging.ts'
import { request } from '../p2p/messaging/wire.ts'
import { MESSAGE_DELIVER_PROTOCOL, MESSAGES_PROTOCOL } from '../p2p/protocols.ts'
import type { RelayPool } from '../p2p/relay-pool.ts'
import type { MessageStore } from './message-store.ts'
import type { MessagingCounters } from './messages-metrics.ts'
import type { PresenceTable } from './messages-presence.ts'

const REPLICATE_TIMEOUT_MS = 3_000

export interface ForwardDeps {
  libp2p: Libp2p
  pool: RelayPool
  store: MessageStore
  presence: PresenceTable
  bindings: BindingVerifier
  counters: MessagingCounters
  signal: AbortSignal
}

export interface Forwarding {
  /** Hands new messages to the recipient's devices that are connected to this relay (best effort). */
  deliverLocal(envelopes: Envelope[]): void
  /**
   * Eager push of a newly accepted message to every connected relay. Resolves once one other relay has stored
   * it (or none is connected, or `REPLICATE_TIMEOUT_MS` passed), so the client's ack means "held by two relays"
   * whenever two are reachable; the other pushes go on in the background and anti-entropy repairs the rest.
   * Returns how many relays hold it by then, this one included.
   */
  replicate(env: Envelope): Promise<number>
  /** Asks every connected relay for the keys and presence of `address`; verifies and keeps what they know. */
  askRelays(address: Address): Promise<void>
}

export function forwarding({ libp2p, pool, store, presence, bindings, counters, signal }: ForwardDeps): Forwarding {
  const connectedDirectly = (peerId: string): boolean =>
    libp2p
      .getConnections()
      .some((c) => c.remotePeer.toString() === peerId && c.status === 'open' && c.limits === undefined)

  return {
    deliverLocal(envelopes) {
      const byPeer = new Map<string, Envelope[]>()
      for (const env of envelopes) {
        for (const p of presence.live(env.to)) {
          if (!connectedDirectly(p.peerId) || !env.keys.some((k) => k.d === p.device.box)) continue
          let list = byPeer.get(p.peerId)
          if (!list) byPeer.set(p.peerId, (list = []))
          list.push(env)
        }
      }
      for (const [peer, envs] of byPeer) {
        request(libp2p, peerIdFromString(peer), MESSAGE_DELIVER_PROTOCOL, { t: 'deliver', envs }, { signal })
          .then(() => counters.delivered({}, envs.length))
          .catch(() => {})
      }
    },

    async replicate(env) {
      let replicas = 0
      const pushes = pool.relays
        .filter((r) => r.connected)
        .map(async (r) => {
          const answer = (await request(
            libp2p,
            peerIdFromString(r.peerId),
            MESSAGES_PROTOCOL,
            { t: 'put', env },
            { signal },
          )) as { t?: string }
          if (answer?.t !== 'ack') throw new Error('relay refused the replica')
          replicas++
        })
      if (pushes.length === 0) return 1
      for (const p of pushes) p.catch(() => {})
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        Promise.any(pushes).catch(() => {}),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, REPLICATE_TIMEOUT_MS))),
      ])
      clearTimeout(timer)
      return 1 + replicas
    },

    async askRelays(address) {
      await Promise.allSettled(
        pool.relays
          .filter((r) => r.connected)
          .map(async (r) => {
            const answer = (await request(
              libp2p,
              peerIdFromString(r.peerId),
              MESSAGES_PROTOCOL,
              { t: 'keys', address },
              { signal, timeoutMs: 3_000 },
            )) as { bindings?: unknown; presence?: unknown }
            for (const b of Array.isArray(answer?.bindings) ? answer.bindings.slice(0, MAX_DEVICES * 2) : []) {
              try {
                const binding = parseBinding(b)
                if (binding.address !== address) continue
                await bindings.verify(binding)
                await store.learnKey(binding)
              } catch (err) {
                counters.countDrop(err, 'keys')
              }
            }
            for (const p of Array.isArray(answer?.presence) ? answer.presence.slice(0, MAX_DEVICES * 2) : []) {
              try {
                presence.put(await verifyPresence(p, { bindings }))
              } catch (err) {
                counters.countDrop(err, 'keys')
              }
            }
          }),
      )
    },
  }
}
