/**
 * Test page for the P2P e2e tests and the relay benchmark: the real browser node and media store, driven
 * through `window.souk` by playwright.
 */
import { createSoukNode, type SoukNode } from '../../../src/p2p/node.ts'
import { MediaStore, type AddedPhoto, type FetchProgress, type RelayPinOutcome } from '../../../src/p2p/media.ts'
import type { NetworkSnapshot } from '../../../src/p2p/network-status.ts'

export interface StartOptions {
  relays: string[]
  storage?: 'indexeddb' | 'memory'
  storageName?: string
  /** Trustless HTTP gateways for media, and whether http:// / loopback ones may be used. */
  gateways?: string[]
  allowLocalGateways?: boolean
}

export interface ConnectionInfo {
  peer: string
  addr: string
  limited: boolean
}

let node: SoukNode | undefined
let media: MediaStore | undefined
const received = new Map<string, string[]>()

function need(): { node: SoukNode; media: MediaStore } {
  if (!node || !media) throw new Error('call souk.start() first')
  return { node, media }
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** A photo-like test image: gradients and noise, so the encoder has real work to do. */
async function testPhoto(width: number, height: number, seed: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height)
  const ctx = canvas.getContext('2d')!
  const g = ctx.createLinearGradient(0, 0, width, height)
  g.addColorStop(0, `hsl(${seed % 360} 80% 50%)`)
  g.addColorStop(1, `hsl(${(seed * 7) % 360} 70% 30%)`)
  ctx.fillStyle = g
  ctx.fillRect(0, 0, width, height)
  for (let i = 0; i < 400; i++) {
    ctx.fillStyle = `hsl(${(seed + i * 37) % 360} 60% ${30 + (i % 50)}%)`
    ctx.beginPath()
    ctx.arc((i * 97 * seed) % width, (i * 61) % height, 5 + (i % 40), 0, Math.PI * 2)
    ctx.fill()
  }
  return await canvas.convertToBlob({ type: 'image/png' })
}

const api = {
  async start(opts: StartOptions): Promise<string> {
    node = await createSoukNode({
      relays: opts.relays,
      storage: opts.storage ?? 'indexeddb',
      storageName: opts.storageName,
      ...(opts.gateways ? { gateways: opts.gateways, allowLocalGateways: opts.allowLocalGateways === true } : {}),
    })
    media = new MediaStore(node)
    node.libp2p.services.pubsub.addEventListener('message', (evt) => {
      const list = received.get(evt.detail.topic) ?? []
      list.push(new TextDecoder().decode(evt.detail.data))
      received.set(evt.detail.topic, list)
    })
    return node.peerId
  },
  snapshot(): NetworkSnapshot {
    return need().node.status.snapshot
  },
  connections(): ConnectionInfo[] {
    return need()
      .node.libp2p.getConnections()
      .map((c) => ({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), limited: c.limits !== undefined }))
  },
  /** Dials another browser; `retries` lists why earlier attempts failed (from the network status). */
  async dialPeer(peerId: string): Promise<ConnectionInfo & { ms: number; retries: string[] }> {
    const { node } = need()
    const started = performance.now()
    const retries: string[] = []
    const watch = (): void => {
      const dial = node.status.snapshot.dials.find((d) => d.peerId === peerId)
      if (dial?.lastError && !retries.includes(dial.lastError)) retries.push(dial.lastError)
    }
    node.status.addEventListener('change', watch)
    try {
      const c = await node.dialPeer(peerId)
      return {
        peer: c.remotePeer.toString(),
        addr: c.remoteAddr.toString(),
        limited: c.limits !== undefined,
        ms: performance.now() - started,
        retries,
      }
    } finally {
      node.status.removeEventListener('change', watch)
    }
  },
  /** Closes every connection to `peerId` (direct and relayed), so the next `dialPeer` starts from nothing. */
  async hangUp(peerId: string): Promise<void> {
    const { node } = need()
    const { peerIdFromString } = await import('@libp2p/peer-id')
    await node.libp2p.hangUp(peerIdFromString(peerId))
  },
  /** Time to dial a relay (WebSocket + noise + yamux) that this node is not yet connected to. */
  async dialRelay(addr: string): Promise<number> {
    const { node } = need()
    const { multiaddr } = await import('@multiformats/multiaddr')
    const started = performance.now()
    await node.libp2p.dial(multiaddr(addr))
    return performance.now() - started
  },
  subscribe(topic: string): void {
    need().node.libp2p.services.pubsub.subscribe(topic)
  },
  async publish(topic: string, text: string): Promise<number> {
    const r = await need().node.libp2p.services.pubsub.publish(topic, new TextEncoder().encode(text))
    return r.recipients.length
  },
  received(topic: string): string[] {
    return received.get(topic) ?? []
  },
  async addPhoto(
    width: number,
    height: number,
    seed = 1,
  ): Promise<AddedPhoto & { sha256: string; thumbSha256: string }> {
    const { media } = need()
    const photo = await media.addPhoto(await testPhoto(width, height, seed))
    const [full, thumb] = await Promise.all([media.fetch(photo.cid), media.fetch(photo.thumbCid)])
    return { ...photo, sha256: await sha256(full), thumbSha256: await sha256(thumb) }
  },
  async pin(cids: string[], minRelays = 1): Promise<RelayPinOutcome[]> {
    return await need().media.pin(cids, { minRelays })
  },
  async fetchMedia(
    cid: string,
    timeoutMs = 20_000,
  ): Promise<{ sha256: string; bytes: number; progress: FetchProgress[]; width: number; height: number }> {
    const progress: FetchProgress[] = []
    const bytes = await need().media.fetch(cid, {
      signal: AbortSignal.timeout(timeoutMs),
      onProgress: (p) => progress.push(p),
    })
    const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/webp' }))
    const out = {
      sha256: await sha256(bytes),
      bytes: bytes.byteLength,
      progress,
      width: bitmap.width,
      height: bitmap.height,
    }
    bitmap.close()
    return out
  },
  async stop(): Promise<void> {
    media?.close()
    await node?.stop()
    node = undefined
    media = undefined
  },
}

export type SoukPageApi = typeof api
declare global {
  interface Window {
    /** The test page's API, driven by playwright. */
    souk: SoukPageApi
  }
}
window.souk = api
document.title = 'souk p2p test page'
document.body.dataset.ready = 'true'
