/**
 * patches/@libp2p+websockets+10.1.21.patch: a connection sends what it has queued as few WebSocket messages (up to 128 KiB
 * each), not one message per buffer. A noise frame is two buffers (its length, its ciphertext), so a bulk
 * transfer used to cost two frames and two write syscalls per noise frame: the relay's largest syscall cost
 * under `bench:relay-attack`.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { webSockets } from '@libp2p/websockets'

const PROTOCOL = '/souk/test/bulk/1.0.0'
const BYTES = 512 * 1024
/** Noise's largest plaintext per frame (65535 bytes less its 16-byte tag). */
const NOISE_PLAINTEXT = 65_519

const nodes: Libp2p[] = []
after(async () => {
  await Promise.all(nodes.map(async (n) => await n.stop()))
})

async function wsNode(listen: string[]): Promise<Libp2p> {
  const n = await createLibp2p({
    addresses: { listen },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  })
  nodes.push(n)
  return n
}

test('a bulk transfer over WebSockets takes about one message per noise frame, not two', async () => {
  // the dialing side's WebSocket is Node's own (the listener's is the ws package's): count its messages
  let messages = 0
  const send = WebSocket.prototype.send
  WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<typeof send>) {
    messages++
    send.apply(this, args)
  }
  after(() => {
    WebSocket.prototype.send = send
  })

  const server = await wsNode(['/ip4/127.0.0.1/tcp/0/ws'])
  let resolveReceived: (n: number) => void = () => {}
  const received = new Promise<number>((resolve) => (resolveReceived = resolve))
  await server.handle(PROTOCOL, async (stream) => {
    let n = 0
    for await (const chunk of stream) n += chunk.byteLength
    resolveReceived(n)
    await stream.close()
  })
  const client = await wsNode([])
  const stream = await client.dialProtocol(server.getMultiaddrs()[0]!, PROTOCOL)
  const before = messages
  stream.send(new Uint8Array(BYTES).fill(7))
  await stream.close()
  assert.equal(await received, BYTES)
  const sent = messages - before

  const noiseFrames = Math.ceil(BYTES / NOISE_PLAINTEXT)
  // a few more for yamux's own frames (close); one message per buffer would be at least 2 × frames
  assert.ok(sent <= noiseFrames + 4, `${sent} WebSocket messages for ${noiseFrames} noise frames of data`)
})
