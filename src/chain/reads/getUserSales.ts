/** A seller's listings (ListingCreated logs filtered by the indexed seller), each with its state and escrow. */
import type { Address, Hex } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { RpcUnreachableError, UnknownChainError } from '../errors.ts'
import { getMarketEvents } from '../market.ts'
import type { GetAuctionReturnType } from './getAuction.ts'
import { getAuctions } from './getAuctions.ts'

export interface UserSale {
  listingId: bigint
  /** The newest content hash (ContentHashUpdated replaces the one from ListingCreated). */
  contentHash: Hex
  categoryId: number
  auction: GetAuctionReturnType
}

export interface GetUserSalesParameters {
  seller: Address
}

export type GetUserSalesReturnType = UserSale[]

export type GetUserSalesErrorType = RpcUnreachableError | UnknownChainError

export async function getUserSales(
  wagmi: SoukWagmiConfig,
  { seller }: GetUserSalesParameters,
): Promise<GetUserSalesReturnType> {
  const created = await getMarketEvents(wagmi, 'ListingCreated', { seller })
  const ids = created.flatMap((l) => (l.args.listingId === undefined ? [] : [l.args.listingId]))
  const updates = ids.length ? await getMarketEvents(wagmi, 'ContentHashUpdated', { listingId: ids }) : []
  const latestHash = new Map<bigint, Hex>()
  for (const u of updates)
    if (u.args.listingId !== undefined && u.args.contentHash) latestHash.set(u.args.listingId, u.args.contentHash)
  const auctions = await getAuctions(wagmi, { listingIds: ids })
  return created.flatMap((l) => {
    const { listingId, terms } = l.args
    const auction = listingId === undefined ? undefined : auctions.get(listingId)
    if (listingId === undefined || !terms || !auction) return []
    return [
      {
        listingId,
        contentHash: latestHash.get(listingId) ?? terms.contentHash,
        categoryId: terms.categoryId,
        auction,
      },
    ]
  })
}
