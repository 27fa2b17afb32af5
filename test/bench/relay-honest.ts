/**
 * The well-behaved side of `npm run bench:relay-attack`, all from 127.0.0.1 (the attacker is on another
 * address): a fresh client each round that takes a reservation, pins, fetches over bitswap and the gateway;
 * a pair of messaging devices that message each other; a seller whose new listing another catalog peer must
 * see; and a sampler of the relay's `/health`.
 */
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { SoukConfig } from '../../src/core/config.ts'
import { createSoukNode } from '../../src/p2p/node.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { requestPin } from '../../src/p2p/pin-protocol.ts'
import type { ChatMessage } from '../../src/p2p/messaging/storage.ts'
import { catalogPeer, listingDoc, listOnChain, seller, type CatalogPeer } from '../helpers/catalog.ts'
import { device, deviceKeys, type Device } from '../helpers/messaging.ts'
import { waitFor } from '../helpers/wait.ts'

/** Fresh bytes each round, so every pin is new work for the relay. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)))
  return out
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN
}

export interface Round {
  phase: string
  ok: number
  total: number
  pinMs?: number
  fetchMs?: number
  gatewayMs?: number
  messageMs?: number
  propagationMs?: number
  errors: string[]
}

/** Counts one operation of a round: ok, or its error kept for the report. */
export function stepper(r: Round) {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    r.total++
    try {
      const v = await fn()
      r.ok++
      return v
    } catch (err) {
      // viem-style errors carry a short message for people; the full one ends with version lines
      const e = err as Error & { shortMessage?: string }
      r.errors.push(`${what}: ${e.shortMessage ?? e.message}`)
      return undefined
    }
  }
}

/** Connect + reserve, pin 100 KB, fetch what the previous round pinned over bitswap and over HTTP. */
export class MediaClient {
  #previous: CID | undefined
  readonly relay: { wsAddr: string; http: string }
  readonly relayId: PeerId
  constructor(relay: { wsAddr: string; http: string }, relayId: PeerId) {
    this.relay = relay
    this.relayId = relayId
  }

  async round(r: Round): Promise<void> {
    const step = stepper(r)
    const node = await createSoukNode({ relays: [this.relay.wsAddr], storage: 'memory', webrtc: false })
    try {
      await step('connect+reserve', () =>
        waitFor('a reservation', () => node.status.snapshot.reservations > 0, { timeout: 10_000, interval: 25 }),
      )
      const media = new MediaStore(node)
      const cid = await media.addBytes(randomBytes(100_000))
      const pinned = await step('pin', async () => {
        const started = performance.now()
        const [result] = await requestPin(node.libp2p, this.relayId, [cid], { timeoutMs: 20_000 })
        if (result?.status !== 'pinned') throw new Error(`pin ${result?.status}: ${result?.reason}`)
        r.pinMs = performance.now() - started
        return cid
      })
      const target = this.#previous
      if (target) {
        await step('fetch', async () => {
          const started = performance.now()
          await media.fetch(target, { signal: AbortSignal.timeout(10_000) })
          r.fetchMs = performance.now() - started
        })
        await step('gateway', async () => {
          const started = performance.now()
          const res = await fetch(`${this.relay.http}/ipfs/${target.toString()}?format=car`, {
            signal: AbortSignal.timeout(10_000),
          })
          if (res.status !== 200) throw new Error(`gateway answered ${res.status}`)
          await res.arrayBuffer()
          r.gatewayMs = performance.now() - started
        })
      }
      if (pinned) this.#previous = pinned
    } finally {
      await node.stop()
    }
  }
}

/** Two people with messaging set up (anvil dev accounts 4 and 5) who message each other through the relay. */
export class MessagingPair {
  readonly alice: Device
  readonly bob: Device
  private constructor(alice: Device, bob: Device) {
    this.alice = alice
    this.bob = bob
  }

  static async start(relays: string[]): Promise<MessagingPair> {
    const [alice, bob] = await Promise.all([
      deviceKeys(4).then((k) => device(relays, k)),
      deviceKeys(5).then((k) => device(relays, k)),
    ])
    return new MessagingPair(alice, bob)
  }

  get victim(): string {
    return this.bob.client.keys.binding.address
  }

  /** Alice sends Bob a line; the time until Bob's device shows it. */
  async round(r: Round, n: number): Promise<void> {
    await stepper(r)('message', async () => {
      const text = `round ${n} ${Math.random()}`
      const started = performance.now()
      const arrived = new Promise<void>((resolve, reject) => {
        const signal = AbortSignal.timeout(10_000)
        const on = (e: Event): void => {
          if ((e as CustomEvent<ChatMessage>).detail.text !== text) return
          this.bob.client.removeEventListener('message', on)
          resolve()
        }
        this.bob.client.addEventListener('message', on)
        signal.addEventListener('abort', () => {
          this.bob.client.removeEventListener('message', on)
          reject(new Error('Bob never got the message within 10 s'))
        })
      })
      await this.alice.client.send(this.bob.client.keys.binding.address, text)
      await arrived
      r.messageMs = performance.now() - started
    })
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.alice.stop(), this.bob.stop()])
  }
}

/** A seller (anvil dev account 3) whose new listing a second catalog peer must see. */
export class CatalogProbe {
  readonly sellerPeer: CatalogPeer
  readonly viewer: CatalogPeer
  readonly wallet: Awaited<ReturnType<typeof seller>>
  private constructor(sellerPeer: CatalogPeer, viewer: CatalogPeer, wallet: Awaited<ReturnType<typeof seller>>) {
    this.sellerPeer = sellerPeer
    this.viewer = viewer
    this.wallet = wallet
  }

  static async start(config: SoukConfig): Promise<CatalogProbe> {
    const wallet = await seller(config, 3)
    const [sellerPeer, viewer] = await Promise.all([catalogPeer(config), catalogPeer(config)])
    return new CatalogProbe(sellerPeer, viewer, wallet)
  }

  get address(): string {
    return this.viewer.catalog.address
  }

  /** Lists on chain, puts the document into the catalog, and times until the other peer shows it. */
  async round(r: Round, n: number): Promise<void> {
    const step = stepper(r)
    const listed = await step('list on chain', () =>
      listOnChain(this.wallet.wagmi, listingDoc(this.wallet.address, `Attack-proof lamp ${n}`)),
    )
    if (!listed) return
    await step('propagation', async () => {
      const id = listed.listingId.toString()
      const started = performance.now()
      await Promise.all([
        this.sellerPeer.catalog.put(listed.listingId, listed.encoded),
        this.viewer.catalog.whenListed(id, AbortSignal.timeout(10_000)),
      ])
      r.propagationMs = performance.now() - started
    })
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.sellerPeer.stop(), this.viewer.stop()])
  }
}

/** Asks the relay's `/health` every `everyMs`; a request that fails or takes 5 s counts as 5 s, not ok. */
export class HealthSampler {
  readonly samples: { phase: string; ms: number; ok: boolean }[] = []
  #timer: ReturnType<typeof setInterval> | undefined
  readonly http: string
  readonly phase: () => string
  constructor(http: string, phase: () => string) {
    this.http = http
    this.phase = phase
  }

  start(everyMs = 250): void {
    this.#timer = setInterval(() => {
      const phase = this.phase()
      const started = performance.now()
      fetch(`${this.http}/health`, { signal: AbortSignal.timeout(5_000) })
        .then(async (res) => {
          await res.arrayBuffer()
          this.samples.push({ phase, ms: performance.now() - started, ok: res.status === 200 })
        })
        .catch(() => this.samples.push({ phase, ms: 5_000, ok: false }))
    }, everyMs)
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}
