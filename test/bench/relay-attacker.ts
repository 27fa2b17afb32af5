/**
 * The hostile peer of `npm run bench:relay-attack`, run as its own process against one relay on loopback for
 * DURATION_MS (bounded; it exits when the time is up or stdin closes). Each loop below is one attack from
 * issue #15, each with a fixed pace so the attack is the same from run to run:
 * - stall: pins of CIDs nobody has and of files one byte over the cap, from fresh peer ids
 * - sybil: waves of fresh peer ids that connect, take a reservation and leave
 * - poison: throwaway peers that advertise the relay-list protocol and announce made-up relays
 * - gossip: floods of invalid, unsigned, unknown-topic and oversized gossip RPCs
 * - streams: garbage, oversized and silent (slow-loris) pin streams
 * - quota: small pins from fresh peer ids
 * and those of issue #24 (test/bench/relay-attacker-floods.ts): slow CAR readers, stalled head exchanges, a
 * mailbox flood, a metric label flood and pin starvation.
 * Every connection leaves from SOURCE_ADDRESS (default 127.0.1.1): one attacker, one host, apart from the
 * well-behaved clients on 127.0.0.1, so the relay's per-IP limits apply to it as they would on the internet.
 * Prints one JSON line of counts on exit.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createSoukNode } from '../../src/p2p/node.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { requestPin } from '../../src/p2p/pin-protocol.ts'
import { PIN_PROTOCOL, RELAY_LIST_PROTOCOL, RELAYS_TOPIC } from '../../src/p2p/protocols.ts'
import { lpFrame, unsignedGossipRpc, varint } from '../unit/relay-helpers.ts'
import { useSourceAddress } from '../helpers/source-address.ts'
import type { Address } from 'viem'
import {
  labelFlood,
  mailboxFlood,
  pinStarvation,
  slowCarReaders,
  stalledHeadExchange,
  type AttackContext,
} from './relay-attacker-floods.ts'

const sourceAddress = process.env.SOURCE_ADDRESS ?? '127.0.1.1'
useSourceAddress(sourceAddress)

const relayAddr = multiaddr(process.env.RELAY_ADDR!)
const relayId = peerIdFromString(process.env.RELAY_PEER_ID!)
const maxFileBytes = Number(process.env.MAX_FILE_BYTES ?? 8 * 1024 * 1024)
const deadline = Date.now() + Number(process.env.DURATION_MS ?? 60_000)
const stop = new AbortController()
process.stdin.resume()
process.stdin.on('close', () => stop.abort())
const timer = setTimeout(() => stop.abort(), Math.max(0, deadline - Date.now()))

const counts: Record<string, number> = {}
const count = (what: string, n = 1): void => {
  counts[what] = (counts[what] ?? 0) + n
}
// a dial libp2p makes by itself (no caller to catch it) can time out on a busy machine: the attack goes on
const background = (err: unknown): void => {
  if (!counts.background_errors) process.stderr.write(`attacker: in the background: ${(err as Error).message}\n`)
  count('background_errors')
}
process.on('unhandledRejection', background)
process.on('uncaughtException', background)

/** Runs `round` every `everyMs` until the attack ends; errors are the relay saying no, which is the point. */
async function every(everyMs: number, round: () => Promise<void>): Promise<void> {
  while (!stop.signal.aborted) {
    const started = Date.now()
    await round().catch(() => count('attack_errors'))
    const wait = everyMs - (Date.now() - started)
    if (wait > 0 && !stop.signal.aborted)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait)
        stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
      })
  }
}

async function lightNode(
  opts: { announce?: string[]; reserve?: boolean } = {},
): Promise<Libp2p<{ pubsub: GossipSub }>> {
  return await createLibp2p({
    addresses: { listen: opts.reserve ? ['/p2p-circuit'] : [], announce: opts.announce ?? [] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  })
}

const enc = new TextEncoder()

const loops: Promise<void>[] = []

// stall: a missing CID and an over-cap file, from a fresh peer id each time
loops.push(
  every(4_000, async () => {
    const node = await createSoukNode({ relays: [relayAddr.toString()], storage: 'memory', webrtc: false })
    try {
      await node.libp2p.dial(relayAddr, { signal: AbortSignal.timeout(10_000) })
      const missing = CID.createV1(raw.code, await sha256.digest(enc.encode(`nobody has this ${Math.random()}`)))
      const over = await new MediaStore(node).addBytes(new Uint8Array(maxFileBytes + 1).fill(Date.now() & 0xff))
      await Promise.allSettled([
        requestPin(node.libp2p, relayId, [missing], { timeoutMs: 15_000 }),
        requestPin(node.libp2p, relayId, [over], { timeoutMs: 15_000 }),
      ])
      count('stall_pairs')
    } finally {
      await node.stop()
    }
  }),
)

// sybil: 50 fresh peer ids take reservations, hold them a moment and leave
loops.push(
  every(5_000, async () => {
    const nodes = await Promise.all(Array.from({ length: 50 }, async () => await lightNode({ reserve: true })))
    try {
      await Promise.allSettled(nodes.map(async (n) => await n.dial(relayAddr, { signal: AbortSignal.timeout(10_000) })))
      count('sybil_peers', nodes.length)
    } finally {
      await Promise.allSettled(nodes.map(async (n) => await n.stop()))
    }
  }),
)

// poison: throwaway "relays" with addresses where nothing listens, announcing each other
loops.push(
  every(5_000, async () => {
    const fake = '/ip4/127.0.0.1/tcp/9/ws'
    const nodes = await Promise.all(Array.from({ length: 10 }, async () => await lightNode({ announce: [fake] })))
    try {
      await Promise.allSettled(
        nodes.map(async (n) => {
          await n.handle(RELAY_LIST_PROTOCOL, (s) => s.abort(new Error('not a relay')))
          await n.dial(relayAddr, { signal: AbortSignal.timeout(10_000) })
          n.services.pubsub.subscribe(RELAYS_TOPIC)
          const others = nodes.map((o) => ({ peerId: o.peerId.toString(), addrs: [fake] }))
          await n.services.pubsub.publish(
            RELAYS_TOPIC,
            enc.encode(JSON.stringify({ peerId: n.peerId.toString(), addrs: [fake], relays: others })),
          )
        }),
      )
      count('poison_peers', nodes.length)
    } finally {
      await Promise.allSettled(nodes.map(async (n) => await n.stop()))
    }
  }),
)

// gossip and stream floods from one long-lived peer
const flooder = await lightNode()
// on a busy machine a handshake can miss its deadline: dial again, as an attacker would
for (let attempt = 1; ; attempt++) {
  try {
    await flooder.dial(relayAddr, { signal: AbortSignal.timeout(10_000) })
    break
  } catch (err) {
    count('dials_refused')
    if (attempt >= 20 || stop.signal.aborted) throw err
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt))
  }
}
loops.push(
  every(1_000, async () => {
    const stream = await flooder.dialProtocol(relayId, '/meshsub/1.1.0', { signal: AbortSignal.timeout(5_000) })
    for (let i = 0; i < 50; i++) {
      stream.send(unsignedGossipRpc(RELAYS_TOPIC, `{"peerId":"forged ${i}"}`))
      stream.send(unsignedGossipRpc(`/junk/${i}`, 'x'.repeat(512)))
    }
    stream.send(lpFrame([0xff, 0xff, 0xff]))
    stream.send(Uint8Array.from(varint(4 * 1024 * 1024)))
    stream.send(new Uint8Array(32 * 1024))
    count('gossip_rpcs', 103)
    for (let i = 0; i < 20; i++) {
      await flooder.services.pubsub.publish(RELAYS_TOPIC, enc.encode(`{"not":"an announcement ${i}"}`)).catch(() => {})
    }
    count('signed_junk', 20)
  }),
)
loops.push(
  every(1_000, async () => {
    // garbage, oversized and silent pin streams (the relay resets them; the silent ones after its timeout)
    const streams = await Promise.allSettled(
      Array.from({ length: 4 }, async () => await flooder.dialProtocol(relayId, PIN_PROTOCOL)),
    )
    streams.forEach((r, i) => {
      if (r.status !== 'fulfilled') return
      if (i === 0) r.value.send(lpFrame([...enc.encode('{"cids":["nope"]}')]))
      if (i === 1) r.value.send(Uint8Array.from([...varint(10_000_000), ...new Uint8Array(8_192)]))
      // 2 and 3 say nothing
    })
    count('pin_streams', streams.length)
  }),
)

// quota: small pins from fresh peer ids (per-IP and global caps hold them)
loops.push(
  every(3_000, async () => {
    const node = await createSoukNode({ relays: [relayAddr.toString()], storage: 'memory', webrtc: false })
    try {
      await node.libp2p.dial(relayAddr, { signal: AbortSignal.timeout(10_000) })
      const media = new MediaStore(node)
      const cid = await media.addBytes(crypto.getRandomValues(new Uint8Array(64 * 1024)))
      await requestPin(node.libp2p, relayId, [cid], { timeoutMs: 15_000 })
      count('quota_pins')
    } finally {
      await node.stop()
    }
  }),
)

// issue #24
const ctx: AttackContext = {
  relayAddr,
  relayId,
  http: process.env.RELAY_HTTP!,
  sourceAddress,
  signal: stop.signal,
  count,
}
const attack = (name: string, run: () => Promise<void>): Promise<void> =>
  run().catch((err: unknown) => {
    count(`${name}_failed`)
    process.stderr.write(`attacker: ${name} stopped: ${(err as Error).message}\n`)
  })
loops.push(attack('slow_car_readers', () => slowCarReaders(ctx)))
if (process.env.CATALOG_ADDRESS)
  loops.push(attack('stalled_head_exchange', () => stalledHeadExchange(ctx, process.env.CATALOG_ADDRESS!)))
if (process.env.VICTIM) loops.push(attack('mailbox_flood', () => mailboxFlood(ctx, process.env.VICTIM as Address)))
loops.push(attack('label_flood', () => labelFlood(ctx)))
loops.push(attack('pin_starvation', () => pinStarvation(ctx)))

await Promise.all(loops)
clearTimeout(timer)
await Promise.resolve(flooder.stop()).catch(() => {})
process.stdout.write(JSON.stringify(counts) + '\n')
process.exit(0)
