/**
 * The trust reads of one deployment, as the chain Worker serves them: a `TrustIndex` over the configured
 * market (its logs cached in IndexedDB where there is one) and the chain reads the queries need beyond the
 * logs — `getArbiter` counters, `getEscrow().resolved`, block times — batched through `readMarket` and
 * remembered where they cannot change (a closed escrow's decision, a block's time).
 */
import { getBlock, getPublicClient } from '@wagmi/core'
import type { Address } from 'viem'
import type { ArbiterTrust, Rating, TrustSummary } from '../../services/trust-types.ts'
import type { Currency } from '../../services/types.ts'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import { toSoukChainError } from '../errors.ts'
import { marketOf, readMarket, type MarketRead } from '../market.ts'
import type { ArbiterView } from '../reads/getArbiter.ts'
import { rememberArbiterSets } from '../reads/getArbiterSets.ts'
import type { EscrowView } from '../reads/getAuction.ts'
import { idbLogCache } from '../reads/idbLogCache.ts'
import type { LogCache } from '../reads/logCache.ts'
import type { TrustFold } from './fold.ts'
import * as q from './queries.ts'
import { TrustIndex, type TrustIndexOptions } from './trust-index.ts'
import type { TrustLog } from './trust-log.ts'

export interface ChainTrustOptions {
  currencyOf(token: Address): Promise<Currency>
  /** config.json `recommendedArbiters`, in order. */
  recommended?: readonly Address[] | undefined
  /** Fetches and validates an arbiter's profile document (the integrator's IPFS loader); none by default. */
  loadProfile?: q.TrustDeps['loadProfile']
  /** Default: IndexedDB (`souk-trust-logs`) where it exists, else memory. */
  cache?: LogCache<TrustLog> | undefined
  /** Passed to the index (tests: confirmations, maxRange, freshMs). */
  index?: Partial<Pick<TrustIndexOptions, 'confirmations' | 'maxRange' | 'concurrency' | 'freshMs' | 'cacheKey'>>
}

type Signal = { signal?: AbortSignal | undefined }

export class ChainTrust {
  readonly index: TrustIndex
  readonly #wagmi: SoukWagmiConfig
  readonly #deps: q.TrustDeps
  readonly #times = new Map<bigint, Promise<number>>()
  readonly #resolved = new Map<bigint, boolean>()
  #loadProfile: q.TrustDeps['loadProfile']
  /** The fold whose listings were handed to `getArbiterSets`, and how many of them. */
  #seeded: { fold: TrustFold | undefined; count: number } = { fold: undefined, count: 0 }

  constructor(wagmi: SoukWagmiConfig, options: ChainTrustOptions) {
    this.#wagmi = wagmi
    const market = marketOf(wagmi)
    const chain = configuredChain(wagmi)
    const client = getPublicClient(wagmi, { chainId: chain.id })
    if (!client) throw new Error(`no public client for chain ${chain.id}`)
    this.#loadProfile = options.loadProfile
    this.index = new TrustIndex({
      client,
      market: market.address,
      deployBlock: market.deployBlock,
      cache: options.cache ?? (typeof indexedDB === 'undefined' ? undefined : idbLogCache<TrustLog>('souk-trust-logs')),
      ...options.index,
    })
    this.#deps = {
      currencyOf: options.currencyOf,
      blockTime: (n) => this.#blockTime(n),
      getArbiters: (as) => this.#getArbiters(as),
      resolved: (ids) => this.#getResolved(ids),
      recommended: options.recommended ?? [],
      loadProfile: (cid, o) => this.#loadProfile?.(cid, o) ?? Promise.resolve(undefined),
    }
  }

  /** Sets (or replaces) the arbiter profile loader, e.g. once IPFS is up. */
  setProfileLoader(load: q.TrustDeps['loadProfile']): void {
    this.#loadProfile = load
  }

  async trustSummary(address: Address, { signal }: Signal = {}): Promise<TrustSummary> {
    const fold = await this.#refresh(signal)
    return await q.trustSummary(fold, address, this.#deps, { signal })
  }

  /**
   * Several addresses' summaries over one refresh of the index (a page of listing cards names up to 20
   * sellers): one log read for all of them, in the order asked, duplicates answered once.
   */
  async trustSummaries(addresses: readonly Address[], { signal }: Signal = {}): Promise<TrustSummary[]> {
    const fold = await this.index.refresh({ signal })
    const unique = new Map<string, Promise<TrustSummary>>()
    for (const a of addresses)
      if (!unique.has(a.toLowerCase())) unique.set(a.toLowerCase(), q.trustSummary(fold, a, this.#deps, { signal }))
    return await Promise.all(addresses.map((a) => unique.get(a.toLowerCase())!))
  }

  async arbiterTrust(address: Address, { signal }: Signal = {}): Promise<ArbiterTrust> {
    const fold = await this.#refresh(signal)
    return await q.arbiterTrust(fold, address, this.#depsFor(), { signal })
  }

  async ratingsOf(
    address: Address,
    options: Signal & { offset?: number; limit?: number; as?: 'party' | 'arbiter' } = {},
  ): Promise<Rating[]> {
    const fold = await this.#refresh(options.signal)
    return await q.ratingsOf(fold, address, this.#deps, options)
  }

  async registeredArbiters({ signal }: Signal = {}): Promise<ArbiterTrust[]> {
    const fold = await this.#refresh(signal)
    return await q.registeredArbiters(fold, this.#depsFor(), { signal })
  }

  /** Refreshes the index; the listings' arbiter sets it read spare `getAuction` a log scan of its own. */
  async #refresh(signal: AbortSignal | undefined): Promise<TrustFold> {
    const fold = await this.index.refresh({ signal })
    if (this.#seeded.fold !== fold) this.#seeded = { fold, count: 0 }
    if (fold.listings.size > this.#seeded.count) {
      const fresh = [...fold.listings.values()].slice(this.#seeded.count)
      rememberArbiterSets(
        this.#wagmi,
        fresh.map((l) => [l.listingId, l.arbiters] as const),
      )
      this.#seeded.count = fold.listings.size
    }
    return fold
  }

  /** Without a loader, no profile is asked for (the deps' `loadProfile` is left out). */
  #depsFor(): q.TrustDeps {
    return this.#loadProfile ? this.#deps : { ...this.#deps, loadProfile: undefined }
  }

  async #blockTime(blockNumber: bigint): Promise<number> {
    let t = this.#times.get(blockNumber)
    if (!t) {
      t = getBlock(this.#wagmi, { chainId: configuredChain(this.#wagmi).id, blockNumber }).then(
        (b) => Number(b.timestamp),
        (err: unknown) => {
          this.#times.delete(blockNumber)
          throw toSoukChainError(err, { chain: configuredChain(this.#wagmi) })
        },
      )
      this.#times.set(blockNumber, t)
    }
    return await t
  }

  async #getArbiters(addresses: readonly Address[]): Promise<q.ArbiterCounters[]> {
    const reads: MarketRead<'getArbiter'>[] = addresses.map((a) => ({ functionName: 'getArbiter', args: [a] }))
    return (await readMarket(this.#wagmi, reads)) as ArbiterView[]
  }

  /** `getEscrow(id).resolved` of closed escrows (it cannot change once closed, so it is remembered). */
  async #getResolved(ids: readonly bigint[]): Promise<Map<bigint, boolean>> {
    const missing = ids.filter((id) => !this.#resolved.has(id))
    if (missing.length) {
      const reads: MarketRead<'getEscrow'>[] = missing.map((id) => ({ functionName: 'getEscrow', args: [id] }))
      const views = (await readMarket(this.#wagmi, reads)) as EscrowView[]
      missing.forEach((id, i) => this.#resolved.set(id, views[i]!.resolved))
    }
    return new Map(ids.map((id) => [id, this.#resolved.get(id) ?? false]))
  }
}
