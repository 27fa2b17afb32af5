/**
 * The catalog's view of the chain: every `ListingCreated`, `ContentHashUpdated` and `ListingCancelled` log of
 * the market in a block range, read in slices that public RPCs accept (most cap `eth_getLogs` at a few
 * thousand blocks or results) and a few slices at a time; a slice the RPC refuses as too large is halved. Takes a plain viem client, so the relay (which has
 * no wallet and no wagmi config) and the browser share it; in the browser pass `getPublicClient(wagmi)`.
 */
import { getAbiItem, parseEventLogs, type Address, type PublicClient } from 'viem'
import { soukMarketAbi } from '../abi/soukMarket.ts'
import { toSoukChainError } from '../errors.ts'

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
  /** Blocks per `eth_getLogs` call (default 2,000: accepted by the common public RPCs). */
  maxRange?: bigint
  /** Calls in flight at once (default 4). */
  concurrency?: number
  signal?: AbortSignal
}

const EVENTS = [
  getAbiItem({ abi: soukMarketAbi, name: 'ListingCreated' }),
  getAbiItem({ abi: soukMarketAbi, name: 'ContentHashUpdated' }),
  getAbiItem({ abi: soukMarketAbi, name: 'ListingCancelled' }),
] as const

/** The listing logs of `[fromBlock, toBlock]`, in chain order. Throws a SoukChainError if the RPC fails. */
export async function scanListingLogs(client: PublicClient, p: ScanListingLogsParameters): Promise<ListingLog[]> {
  const maxRange = p.maxRange ?? 2_000n
  const ranges: [bigint, bigint][] = []
  for (let from = p.fromBlock; from <= p.toBlock; from += maxRange) {
    const to = from + maxRange - 1n
    ranges.push([from, to < p.toBlock ? to : p.toBlock])
  }
  const out: ListingLog[][] = Array.from({ length: ranges.length }, () => [])
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < ranges.length) {
      p.signal?.throwIfAborted()
      const i = next++
      const [fromBlock, toBlock] = ranges[i]!
      const raw = await getLogsSplitting(client, p.market, fromBlock, toBlock, p.signal)
      const logs = parseEventLogs({ abi: EVENTS, logs: raw, strict: true })
      out[i] = logs.map((log): ListingLog => {
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
        if (log.eventName === 'ContentHashUpdated')
          return { ...base, kind: 'updated', contentHash: log.args.contentHash }
        return { ...base, kind: 'cancelled' }
      })
    }
  }
  await Promise.all(Array.from({ length: Math.min(p.concurrency ?? 4, ranges.length) }, worker))
  return out.flat()
}

/** What RPCs answer when a range holds too many logs (or viem refuses the body): then the range is halved. */
const TOO_MANY = /too large|size limit|more than|exceed|too many|limit|range/i

async function getLogsSplitting(
  client: PublicClient,
  address: Address,
  fromBlock: bigint,
  toBlock: bigint,
  signal: AbortSignal | undefined,
): Promise<Awaited<ReturnType<typeof getRange>>> {
  signal?.throwIfAborted()
  try {
    return await getRange(client, address, fromBlock, toBlock)
  } catch (err) {
    const text = err instanceof Error ? `${err.name} ${err.message}` : String(err)
    if (toBlock <= fromBlock || !TOO_MANY.test(text)) throw toSoukChainError(err)
    const mid = fromBlock + (toBlock - fromBlock) / 2n
    const first = await getLogsSplitting(client, address, fromBlock, mid, signal)
    return [...first, ...(await getLogsSplitting(client, address, mid + 1n, toBlock, signal))]
  }
}

function getRange(client: PublicClient, address: Address, fromBlock: bigint, toBlock: bigint) {
  return client.getLogs({ address, events: EVENTS, fromBlock, toBlock })
}
