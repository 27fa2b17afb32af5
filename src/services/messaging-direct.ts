/**
 * When the page runs its direct (WebRTC) messaging node: while a conversation is open (`#/messages/0x…`), the
 * page is visible and messaging is ready. The node itself (libp2p with WebRTC) is loaded on demand
 * (messaging-direct-node.ts), so no other route downloads it or opens a relay socket for it. It stops
 * `STOP_AFTER_MS` after the conversation closes or the page is hidden, so going back and forth between the
 * list and a thread does not churn connections. Opening a thread connects to that person's devices ahead of
 * the first message. Failures are silent: the engine's client sends everything through the relays anyway.
 */
import type * as Comlink from 'comlink'
import type { Address } from 'viem'
import type { MessagingEngineApi } from '../engine/messaging-api.ts'
import type { DirectNode } from './messaging-direct-node.ts'

const STOP_AFTER_MS = 30_000
/** After a failed start, the next start waits at least this long. */
const RETRY_AFTER_MS = 30_000

const THREAD = /^#\/messages\/(0x[0-9a-fA-F]{40})$/

/** The person whose thread the URL shows, if any. */
export function openThread(hash: string): Address | undefined {
  return THREAD.exec(hash)?.[1] as Address | undefined
}

export interface DirectDeliveryOptions {
  /** What the controller reads: the service's status and wallet address. */
  ready(): Address | undefined
}

export class DirectDelivery {
  readonly #remote: Comlink.Remote<MessagingEngineApi>
  readonly #ready: () => Address | undefined
  #node: { address: Address; node: Promise<DirectNode | undefined> } | undefined
  #stopTimer: ReturnType<typeof setTimeout> | undefined
  #failedAt = 0
  #peer: Address | undefined
  #closed = false

  constructor(remote: Comlink.Remote<MessagingEngineApi>, { ready }: DirectDeliveryOptions) {
    this.#remote = remote
    this.#ready = ready
    if (typeof window === 'undefined') return
    window.addEventListener('hashchange', this.update)
    document.addEventListener('visibilitychange', this.update)
  }

  /** The direct node running now, if any (tests read its stats). */
  async current(): Promise<DirectNode | undefined> {
    return await this.#node?.node
  }

  /** Re-evaluates whether the node should run; call on every status or wallet change. */
  readonly update = (): void => {
    if (this.#closed) return
    const address = this.#ready()
    const peer = openThread(location.hash)
    const wanted = address !== undefined && peer !== undefined && document.visibilityState === 'visible'
    if (this.#node && this.#node.address !== address) this.#stop()
    if (!wanted) {
      this.#peer = undefined
      if (this.#node && this.#stopTimer === undefined) this.#stopTimer = setTimeout(() => this.#stop(), STOP_AFTER_MS)
      return
    }
    clearTimeout(this.#stopTimer)
    this.#stopTimer = undefined
    if (!this.#node && Date.now() - this.#failedAt >= RETRY_AFTER_MS) this.#start(address)
    if (peer !== this.#peer) {
      this.#peer = peer
      void this.#node?.node.then((n) => n?.prepare(peer))
    }
  }

  #start(address: Address): void {
    const node = import('./messaging-direct-node.ts')
      .then(({ startDirectNode }) => startDirectNode(this.#remote, address))
      .catch((err: unknown) => {
        // the relays deliver everything anyway; the next thread opened tries again
        console.info('souk: direct messaging is not available here', err)
        this.#failedAt = Date.now()
        if (this.#node?.node === node) this.#node = undefined
        return undefined
      })
    this.#node = { address, node }
  }

  #stop(): void {
    clearTimeout(this.#stopTimer)
    this.#stopTimer = undefined
    const running = this.#node
    this.#node = undefined
    this.#peer = undefined
    void running?.node.then((n) => n?.stop()).catch(() => undefined)
  }

  close(): void {
    this.#closed = true
    if (typeof window !== 'undefined') {
      window.removeEventListener('hashchange', this.update)
      document.removeEventListener('visibilitychange', this.update)
    }
    this.#stop()
  }
}
