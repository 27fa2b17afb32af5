/**
 * The attacks of issue #24 for the hostile peer of `npm run bench:relay-attack` (test/bench/relay-attacker.ts):
 * what one stranger with one machine and no money tried against a relay with the product's defaults.
 * - slowCarReaders: sockets that ask the gateway for a CAR of a large pinned DAG and never read the answer
 * - stalledHeadExchange: peers that subscribe to the catalog and never answer the head exchange stream
 * - mailboxFlood: throwaway wallets storing 32 KB messages for one recipient as fast as the relay takes them
 * - labelFlood: message-protocol requests with random request kinds and fields (metric label values)
 * - pinStarvation: pins of CIDs nobody has, kept outstanding from several identities at once
 * Each runs until `signal` aborts and counts what it did; errors are the relay saying no, which is the point.
 */
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import type { PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import type { Address } from 'viem'
import { createDeviceKeys, parseBinding, sealEnvelope, type DeviceBinding } from '../../src/core/messaging.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { requestPin } from '../../src/p2p/pin-protocol.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { sleep } from '../../src/p2p/messaging/wire.ts'

export interface AttackContext {
  relayAddr: Multiaddr
  relayId: PeerId
  /** The relay's HTTP origin (gateway, /health). */
  http: string
  /** Address this process's connections leave from (test/helpers/source-address.ts). */
  sourceAddress: string
  signal: AbortSignal
  count(what: string, n?: number): void
}

const enc = new TextEncoder()

async function soukNode(ctx: AttackContext): Promise<SoukNode> {
  const node = await createSoukNode({
    relays: [ctx.relayAddr.toString()],
    storage: 'memory',
    webrtc: false,
    reservations: 0,
  })
  // the relay takes a few new connections a second from one address (--inbound-rate): try again, as an
  // attacker would, while the other attacks' waves of peers use up that allowance
  for (let attempt = 1; ; attempt++) {
    try {
      await node.libp2p.dial(ctx.relayAddr, { signal: AbortSignal.timeout(10_000) })
      return node
    } catch (err) {
      ctx.count('dials_refused')
      if (attempt >= 20 || ctx.signal.aborted) {
        await node.stop()
        throw err
      }
      await sleep(500 * attempt, ctx.signal).catch(() => {})
    }
  }
}

/** Holds `n` gateway CAR requests for a large DAG open without reading a byte; replaces each the relay cuts. */
export async function slowCarReaders(ctx: AttackContext, n = 100): Promise<void> {
  // three large files of the attacker's own, pinned like any seller's photos (just under the default 8 MiB
  // cap), asked for at once on each socket (HTTP/1.1 pipelining): 21 MB, more than loopback's socket buffers
  // absorb, so the relay's writes really stall
  const node = await soukNode(ctx)
  const cids: CID[] = []
  try {
    const media = new MediaStore(node)
    for (let i = 0; i < 3; i++) cids.push(await media.addBytes(new Uint8Array(randomBytes(7 * 1024 * 1024))))
    const results = await requestPin(node.libp2p, ctx.relayId, cids, { timeoutMs: 60_000 })
    if (results.some((r) => r.status !== 'pinned'))
      throw new Error(`the attacker's DAGs were not pinned: ${results.map((r) => r.status).join(', ')}`)
  } finally {
    await node.stop()
  }
  const { hostname, port } = new URL(ctx.http)
  // a paused socket never reads the relay's FIN, so it cannot tell when the relay cut it: like an attacker who
  // does not care, drop every socket and open `n` fresh ones every 12 s
  let open: Socket[] = []
  const wave = (): void => {
    for (const s of open) s.destroy()
    open = Array.from({ length: n }, () => {
      const socket = connect({ host: hostname, port: Number(port), localAddress: ctx.sourceAddress })
      socket.on('connect', () => {
        for (const cid of cids)
          socket.write(`GET /ipfs/${cid.toString()}?format=car HTTP/1.1\r\nHost: relay\r\nAccept: */*\r\n\r\n`)
        socket.pause() // and never read: the relay's writes fill the socket buffers, then stall
        ctx.count('car_readers')
      })
      socket.on('error', () => {})
      return socket
    })
  }
  while (!ctx.signal.aborted) {
    wave()
    await sleep(12_000, ctx.signal).catch(() => {})
  }
  for (const s of open) s.destroy()
}

async function gossipNode(): Promise<Libp2p<{ pubsub: GossipSub }>> {
  return await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  })
}

/**
 * Peers that join the catalog's topic and take the relay's head exchange stream (OrbitDB dials every new
 * subscriber) without ever answering it; every 20 s a fresh set joins. One more opens the exchange itself
 * and says nothing.
 */
export async function stalledHeadExchange(ctx: AttackContext, catalogAddress: string, peers = 4): Promise<void> {
  // OrbitDB's head exchange protocol id (@orbitdb/core src/sync.js): '/orbitdb/heads/' joined with the address
  const protocol = `/orbitdb/heads/${catalogAddress}`.replace(/(?<=\/)\/+/g, '')
  const held: Stream[] = []
  while (!ctx.signal.aborted) {
    const nodes = await Promise.all(Array.from({ length: peers }, gossipNode))
    const joined = await Promise.allSettled(
      nodes.map(async (n) => {
        await n.handle(protocol, (stream) => {
          held.push(stream) // never read, never written, never closed
          ctx.count('head_exchanges_held')
        })
        await n.dial(ctx.relayAddr, { signal: AbortSignal.timeout(10_000) })
        n.services.pubsub.subscribe(catalogAddress)
        const silent = await n.dialProtocol(ctx.relayId, protocol, { signal: AbortSignal.timeout(10_000) })
        held.push(silent)
      }),
    )
    ctx.count('head_exchange_joins_failed', joined.filter((j) => j.status === 'rejected').length)
    await sleep(20_000, ctx.signal).catch(() => {})
    held.length = 0
    await Promise.allSettled(nodes.map(async (n) => await n.stop()))
  }
}

/** 60 throwaway wallets store messages of ~32 KB for `victim`, as fast as the relay acknowledges them. */
export async function mailboxFlood(ctx: AttackContext, victim: Address, wallets = 60): Promise<void> {
  const node = await soukNode(ctx)
  try {
    const keys = (await request(node.libp2p, ctx.relayId, MESSAGES_PROTOCOL, { t: 'keys', address: victim })) as {
      bindings?: unknown[]
    }
    const devices: DeviceBinding[] = (keys.bindings ?? []).map(parseBinding)
    if (devices.length === 0) throw new Error('the victim has no device key at the relay')
    // a read receipt listing ~900 message ids is a 32 KB payload the relay cannot tell from a real message
    const ids = Array.from({ length: 900 }, (_, i) => i.toString(16).padStart(32, '0'))
    await Promise.allSettled(
      Array.from({ length: wallets }, async () => {
        const account = privateKeyToAccount(generatePrivateKey())
        const from = await createDeviceKeys(account.address, (message) => account.signMessage({ message }))
        for (let clock = 1; !ctx.signal.aborted; clock++) {
          const { envelope } = await sealEnvelope({ from, to: victim, devices, payload: { t: 'read', ids }, clock })
          try {
            const answer = (await request(
              node.libp2p,
              ctx.relayId,
              MESSAGES_PROTOCOL,
              { t: 'put', env: envelope },
              {
                signal: ctx.signal,
                timeoutMs: 10_000,
              },
            )) as { t?: string }
            ctx.count(answer.t === 'ack' ? 'flood_stored' : 'flood_refused')
          } catch {
            ctx.count('flood_refused')
            await sleep(200, ctx.signal).catch(() => {})
          }
        }
      }),
    )
  } finally {
    await node.stop()
  }
}

/** Requests whose kind and fields are random strings, 50 at a time (15,000 a minute at most). */
export async function labelFlood(ctx: AttackContext): Promise<void> {
  const node = await soukNode(ctx)
  const word = (): string => `k${Math.random().toString(36).slice(2, 10)}`
  try {
    while (!ctx.signal.aborted) {
      const started = Date.now()
      await Promise.allSettled(
        Array.from({ length: 50 }, async () => {
          const kind = word()
          const frame =
            Math.random() < 0.5
              ? { t: kind, [word()]: word() }
              : { t: 'put', env: { v: 1, kind, t: kind, from: { address: word() }, to: word() } }
          await request(node.libp2p, ctx.relayId, MESSAGES_PROTOCOL, frame, { signal: ctx.signal, timeoutMs: 5_000 })
        }),
      )
      ctx.count('label_requests', 50)
      await sleep(Math.max(0, 200 - (Date.now() - started)), ctx.signal).catch(() => {})
    }
  } finally {
    await node.stop()
  }
}

/** `identities` peers each keep `perPeer` pins of CIDs nobody has outstanding, for the whole attack. */
export async function pinStarvation(ctx: AttackContext, identities = 4, perPeer = 4): Promise<void> {
  const nodes = await Promise.all(Array.from({ length: identities }, async () => await soukNode(ctx)))
  try {
    await Promise.allSettled(
      nodes.flatMap((node) =>
        Array.from({ length: perPeer }, async () => {
          while (!ctx.signal.aborted) {
            const missing = CID.createV1(raw.code, await sha256.digest(enc.encode(`nobody has ${Math.random()}`)))
            const started = Date.now()
            const [r] = await requestPin(node.libp2p, ctx.relayId, [missing], { timeoutMs: 30_000 }).catch(() => [])
            ctx.count(r?.status === 'pinned' ? 'starve_pinned' : 'starve_refused')
            // the pin protocol's rate limit (per peer per minute) would refuse a hot loop: pace as it allows
            await sleep(Math.max(0, 1_000 - (Date.now() - started)), ctx.signal).catch(() => {})
          }
        }),
      ),
    )
  } finally {
    await Promise.allSettled(nodes.map(async (n) => await n.stop()))
  }
}
