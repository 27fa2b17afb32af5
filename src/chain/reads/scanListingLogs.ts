/**
 * The catalog's view of the chain: every `ListingCreated`, `ContentHashUpdated` and `ListingCancelled` log of
 * the market in a block range, read in slices public RPCs accept (`scanLogs`: the width adapts to "range too
 * large" and results-cap refusals). Takes a plain viem client, so the relay (which has no wallet and no wagmi
 * config) and the browser share it; in the browser pass `getPublicClient(wagmi)`.
 *
 * With a `cache` (IndexedDB in the browser: `idbLogCache`), what was read is kept as the scan goes, and a later
 * scan — after a reload, an error or an abort — asks the RPC only for the blocks after the cached part. Blocks
 * within `confirmations` of `toBlock` are never cached, so a reorganised head is read again.
 */
import { getAbiItem, parseEventLogs, type Address, type Log, type PublicClient } from 'viem'
import { soukMarketAbi } from '../abi/soukMarket.ts'
import { toSoukChainError } from '../errors.ts'
import type { LogCache } from './logCache.ts'
import { scanLogs } from './scanLogs.ts'

export type ListingLog =
  | {
      kind: 'created'
      listingId: bigint
      blockNumber: bigint
      logIndex: number
      seller: Address
      contentHash: `0x${string}`
      categoryId: number
      buyNow: boolean
      biddingEnd: number
      revealEnd: number
      price: bigint
      token: Address
    }
  | { kind: 'updated'; listingId: bigint; blockNumber: bigint; logIndex: number; contentHash: `0x${string}` }
  | { kind: 'cancelled'; listingId: bigint; blockNumber: bigint; logIndex: number }

export interface ScanListingLogsParameters {
  market: Address
  fromBlock: bigint
  toBlock: bigint
  /** Widest `eth_getLogs` slice (default 2,000 blocks: accepted by the common public RPCs); narrows on refusal. */
  maxRange?: bigint
  /** Calls in flight at once (default 4). */
  concurrency?: number
  signal?: AbortSignal
  /** Keeps the logs read, so the next scan starts where this one stopped. */
  cache?: LogCache<ListingLog>
  /** Cache key; default `<chain id>:<market>:listings-v1`. */
  cacheKey?: string
  /** Blocks below `toBlock` left out of the cache (default 64): the head may still be reorganised. */
  confirmations?: bigint
}

const EVENTS = [
  getAbiItem({ abi: soukMarketAbi, name: 'ListingCreated' }),
  getAbiItem({ abi: soukMarketAbi, name: 'ContentHashUpdated' }),
  getAbiItem({ abi: soukMarketAbi, name: 'ListingCancelled' }),
] as const

/** The listing logs of `[fromBlock, toBlock]`, in chain order. Throws a SoukChainError if the RPC fails. */
export async function scanListingLogs(client: PublicClient, p: ScanListingLogsParameters): Promise<ListingLog[]> {
  if (!p.cache) return await scanRange(client, p, p.fromBlock)
  const cache = p.cache
  const key = p.cacheKey ?? `${await chainIdOf(client)}:${p.market.toLowerCase()}:listings-v1`
  let entry = await cache.load(key)
  // a cache that starts after this scan's first block misses logs: start it again
  if (entry && entry.fromBlock > p.fromBlock) {
    await cache.clear(key)
    entry = undefined
  }
  const confirmations = p.confirmations ?? 64n
  // an incremental scan a little past the cache (the unconfirmed head) extends it; a far one leaves it alone
  if (entry && entry.toBlock + 1n < p.fromBlock && p.fromBlock - entry.toBlock > confirmations + (p.maxRange ?? 2_000n))
    return await scanRange(client, p, p.fromBlock)
  const cached = (entry?.items ?? []).filter((l) => l.blockNumber >= p.fromBlock && l.blockNumber <= p.toBlock)
  const start = entry ? entry.toBlock + 1n : p.fromBlock
  if (start > p.toBlock) return cached
  const safeTo = p.toBlock - confirmations
  let cachedTo = start - 1n
  const fresh = await scanRange(client, p, start, async (doneTo, logs) => {
    const to = doneTo < safeTo ? doneTo : safeTo
    if (to <= cachedTo) return
    await cache.append(
      key,
      start,
      to,
      logs.filter((l) => l.blockNumber <= to && l.blockNumber > cachedTo),
    )
    cachedTo = to
  })
  return [...cached, ...fresh.filter((l) => l.blockNumber >= p.fromBlock)]
}

async function chainIdOf(client: PublicClient): Promise<number> {
  return client.chain?.id ?? (await client.getChainId())
}

async function scanRange(
  client: PublicClient,
  p: ScanListingLogsParameters,
  fromBlock: bigint,
  onProgress?: (doneTo: bigint, logs: ListingLog[]) => Promise<void>,
): Promise<ListingLog[]> {
  try {
    const raw = await scanLogs({
      getLogs: (from, to) => client.getLogs({ address: p.market, events: EVENTS, fromBlock: from, toBlock: to }),
      fromBlock,
      toBlock: p.toBlock,
      ...(p.maxRange === undefined ? {} : { maxRange: p.maxRange }),
      ...(p.concurrency === undefined ? {} : { concurrency: p.concurrency }),
      ...(p.signal ? { signal: p.signal } : {}),
      ...(onProgress ? { onProgress: (doneTo: bigint, logs: Log[]) => onProgress(doneTo, decode(logs)) } : {}),
    })
    return decode(raw)
  } catch (err) {
    if (p.signal?.aborted) throw err
    throw toSoukChainError(err)
  }
}

function decode(raw: Log[]): ListingLog[] {
  return parseEventLogs({ abi: EVENTS, logs: raw, strict: true }).map((log): ListingLog => {
    const base = { listingId: log.args.listingId, blockNumber: log.blockNumber, logIndex: log.logIndex }
    if (log.eventName === 'ListingCreated') {
      const t = log.args.terms
      return {
        ...base,
        kind: 'created',
        seller: log.args.seller,
        contentHash: t.contentHash,
        categoryId: t.categoryId,
        buyNow: t.buyNow,
        biddingEnd: t.biddingEnd,
        revealEnd: t.revealEnd,
        price: t.price,
        token: t.token,
      }
    }
    if (log.eventName === 'ContentHashUpdated') return { ...base, kind: 'updated', contentHash: log.args.contentHash }
    return { ...base, kind: 'cancelled' }
  })
}
