/**
 * Many listings at once (the "my bids / sales / escrows" pages): one clock read and one batch of market
 * reads at the same block.
 */
import type { SoukWagmiConfig } from '../config.ts'
import type { RpcUnreachableError, UnknownChainError } from '../errors.ts'
import { readMarket, type MarketRead } from '../market.ts'
import { getArbiterSets } from './getArbiterSets.ts'
import { auctionView, latestBlock, type EscrowView, type GetAuctionReturnType, type ListingView } from './getAuction.ts'

export interface GetAuctionsParameters {
  listingIds: readonly bigint[]
}

export type GetAuctionsReturnType = Map<bigint, GetAuctionReturnType>

export type GetAuctionsErrorType = RpcUnreachableError | UnknownChainError

export async function getAuctions(
  wagmi: SoukWagmiConfig,
  { listingIds }: GetAuctionsParameters,
): Promise<GetAuctionsReturnType> {
  const ids = [...new Set(listingIds)]
  const out: GetAuctionsReturnType = new Map()
  if (ids.length === 0) return out
  const block = await latestBlock(wagmi)
  const reads: MarketRead[] = ids.flatMap((id) => [
    { functionName: 'getListing', args: [id] } as const,
    { functionName: 'getEscrow', args: [id] } as const,
  ])
  const [results, sets] = await Promise.all([
    readMarket(wagmi, reads, { blockNumber: block.number }),
    getArbiterSets(wagmi, { listingIds: ids }),
  ])
  ids.forEach((listingId, i) =>
    out.set(
      listingId,
      auctionView(
        listingId,
        results[2 * i] as ListingView,
        results[2 * i + 1] as EscrowView,
        block,
        sets.get(listingId) ?? [],
      ),
    ),
  )
  return out
}
