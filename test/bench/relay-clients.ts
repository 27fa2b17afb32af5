/**
 * One client process of the relay benchmark: starts COUNT light libp2p nodes (WebSockets, noise, yamux,
 * identify, circuit relay reservation, gossipsub subscription) against one relay, CONCURRENCY at a time.
 * Prints `{"connected":n,"failed":n,"connectMs":[...]}` once all are up, then holds them until stdin closes.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'

const relay = process.env.RELAY_ADDR!
const count = Number(process.env.COUNT ?? 100)
const concurrency = Number(process.env.CONCURRENCY ?? 25)
const topic = process.env.TOPIC ?? '/souk/bench/1.0.0'

const nodes: Libp2p[] = []
const connectMs: number[] = []
let failed = 0

async function one(): Promise<void> {
  const started = performance.now()
  const node = await createLibp2p({
    addresses: { listen: ['/p2p-circuit'] },
    transports: [webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 8 },
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) },
  })
  nodes.push(node)
  const reserved = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reservation within 60 s')), 60_000)
    const check = (): void => {
      if (node.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit'))) {
        clearTimeout(timer)
        node.removeEventListener('self:peer:update', check)
        resolve()
      }
    }
    node.addEventListener('self:peer:update', check)
  })
  // a failed dial must not leave the reservation timer to reject with no one listening (that killed the process)
  reserved.catch(() => {})
  node.services.pubsub.subscribe(topic)
  await node.dial(multiaddr(relay), { signal: AbortSignal.timeout(60_000) })
  await reserved
  connectMs.push(performance.now() - started)
}

let next = 0
async function worker(): Promise<void> {
  while (next < count) {
    next++
    try {
      await one()
    } catch (err) {
      failed++
      process.stderr.write(`client failed: ${(err as Error).message}\n`)
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker))
process.stdout.write(JSON.stringify({ connected: connectMs.length, failed, connectMs }) + '\n')

process.stdin.resume()
process.stdin.on('close', () => {
  void Promise.allSettled(nodes.map((n) => n.stop())).then(() => process.exit(0))
})
