/**
 * Many listings at once (the "my bids / sales / escrows" pages): one clock read and one batch of market
 * reads at the same block.
 */
import { getBlock } from '@wagmi/core'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import { toSoukChainError, type RpcUnreachableError, type UnknownChainError } from '../errors.ts'
import { readMarket, type MarketRead } from '../market.ts'
import {
  ESCROW_STATUSES,
  phaseOf,
  timelineOf,
  type EscrowView,
  type GetAuctionReturnType,
  type ListingView,
} from './getAuction.ts'

export interface GetAuctionsParameters {
  listingIds: readonly bigint[]
}

export type GetAuctionsReturnType = Map<bigint, GetAuctionReturnType>

export type GetAuctionsErrorType = RpcUnreachableError | UnknownChainError

const ZERO = '0x0000000000000000000000000000000000000000'

export async function getAuctions(
  wagmi: SoukWagmiConfig,
  { listingIds }: GetAuctionsParameters,
): Promise<GetAuctionsReturnType> {
  const ids = [...new Set(listingIds)]
  const out: GetAuctionsReturnType = new Map()
  if (ids.length === 0) return out
  const chain = configuredChain(wagmi)
  let block
  try {
    block = await getBlock(wagmi, { chainId: chain.id, blockTag: 'latest' })
  } catch (err) {
    throw toSoukChainError(err, { chain })
  }
  const reads: MarketRead[] = ids.flatMap((id) => [
    { functionName: 'getListing', args: [id] } as const,
    { functionName: 'getEscrow', args: [id] } as const,
  ])
  const results = (await readMarket(wagmi, reads, { blockNumber: block.number })) as unknown[]
  const now = Number(block.timestamp)
  ids.forEach((listingId, i) => {
    const listing = results[2 * i] as ListingView
    const escrow = results[2 * i + 1] as EscrowView
    out.set(listingId, {
      listingId,
      listing,
      phase: phaseOf(listing, now),
      timeline: timelineOf(listing, now),
      token: listing.token === ZERO ? undefined : listing.token,
      escrow: escrow.status === 0 ? undefined : { ...escrow, statusName: ESCROW_STATUSES[escrow.status] ?? 'none' },
      blockNumber: block.number,
    })
  })
  return out
}
