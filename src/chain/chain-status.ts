import { createPublicClient, fallback, http, type PublicClient } from 'viem'
import type { SoukConfig } from '../core/config.ts'
import type { ChainSnapshot, StatusSource } from '../core/status.ts'

/**
 * Follows the configured chain: whether its RPC answers, its chain id (checked against config) and the latest
 * block. Fires `change` on every move; retries an unreachable RPC with backoff.
 */
export class ChainStatus extends EventTarget implements StatusSource<ChainSnapshot> {
  #snapshot: ChainSnapshot = { status: 'connecting' }
  readonly client: PublicClient
  readonly #expectedChainId: number
  #unwatch: (() => void) | undefined
  #retry: ReturnType<typeof setTimeout> | undefined
  #attempt = 0
  #stopped = false

  constructor(config: SoukConfig, { pollingInterval = 1_000 }: { pollingInterval?: number } = {}) {
    super()
    this.#expectedChainId = config.chain.id
    this.client = createPublicClient({
      transport: fallback(config.chain.rpcUrls.map((url) => http(url, { retryCount: 1, timeout: 5_000 }))),
      pollingInterval,
    })
  }

  get snapshot(): ChainSnapshot {
    return this.#snapshot
  }

  #set(next: ChainSnapshot): void {
    this.#snapshot = next
    this.dispatchEvent(new Event('change'))
  }

  /** Starts following the chain. Resolves after the first attempt, whether or not the RPC answered. */
  async start(): Promise<void> {
    this.#stopped = false
    try {
      const chainId = await this.client.getChainId()
      if (chainId !== this.#expectedChainId) {
        this.#set({
          status: 'error',
          chainId,
          error: `RPC is on chain ${chainId}, config expects ${this.#expectedChainId}`,
        })
        return
      }
      const blockNumber = await this.client.getBlockNumber()
      this.#attempt = 0
      this.#set({ status: 'ok', chainId, blockNumber, ...(await this.#time()) })
      this.#unwatch = this.client.watchBlockNumber({
        emitOnBegin: false,
        onBlockNumber: (n) =>
          void this.#time().then((time) => {
            // a later block answered first: keep its snapshot
            if ((this.#snapshot.blockNumber ?? -1n) <= n) this.#set({ status: 'ok', chainId, blockNumber: n, ...time })
          }),
        onError: (err) => this.#fail(err),
      })
    } catch (err) {
      this.#fail(err)
    }
  }

  /**
   * The chain's time now: the pending block's timestamp (anvil and most nodes stamp it with their own clock, so
   * an idle chain's time is known although its latest block is old), never behind the latest block's.
   */
  async #time(): Promise<{ time: number; timeAt: number } | Record<string, never>> {
    const [pending, latest] = await Promise.allSettled([
      this.client.getBlock({ blockTag: 'pending' }),
      this.client.getBlock({ blockTag: 'latest' }),
    ])
    const times = [pending, latest].flatMap((r) => (r.status === 'fulfilled' ? [Number(r.value.timestamp)] : []))
    return times.length ? { time: Math.max(...times), timeAt: Date.now() } : {}
  }

  #fail(err: unknown): void {
    this.#unwatch?.()
    this.#unwatch = undefined
    const message =
      err instanceof Error ? ((err as { shortMessage?: string }).shortMessage ?? err.message) : String(err)
    this.#set({ ...this.#snapshot, status: 'error', error: message })
    if (this.#stopped) return
    const delay = Math.min(30_000, 1_000 * 2 ** this.#attempt++)
    clearTimeout(this.#retry)
    this.#retry = setTimeout(() => void this.start(), delay)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#retry)
    this.#unwatch?.()
    this.#unwatch = undefined
  }
}
