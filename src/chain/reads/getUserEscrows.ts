/**
 * Every escrow a person is part of, with their role: as buyer (Finalized / Purchased logs, buyer indexed),
 * as seller (ListingCreated, seller indexed) or as the arbiter a buyer chose when disputing (Disputed, arbiter
 * indexed: contracts v3 — an arbiter merely named in a listing's set has no say in its escrow).
 */
import type { Address } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { RpcUnreachableError, UnknownChainError } from '../errors.ts'
import { getMarketEvents } from '../market.ts'
import type { GetAuctionReturnType } from './getAuction.ts'
import { getAuctions } from './getAuctions.ts'

export type EscrowRole = 'buyer' | 'seller' | 'arbiter'

export interface UserEscrow {
  listingId: bigint
  role: EscrowRole
  auction: GetAuctionReturnType & { escrow: NonNullable<GetAuctionReturnType['escrow']> }
}

export interface GetUserEscrowsParameters {
  account: Address
}

export type GetUserEscrowsReturnType = UserEscrow[]

export type GetUserEscrowsErrorType = RpcUnreachableError | UnknownChainError

export async function getUserEscrows(
  wagmi: SoukWagmiConfig,
  { account }: GetUserEscrowsParameters,
): Promise<GetUserEscrowsReturnType> {
  const [finalized, purchased, listed, chosen] = await Promise.all([
    getMarketEvents(wagmi, 'Finalized', { buyer: account }),
    getMarketEvents(wagmi, 'Purchased', { buyer: account }),
    getMarketEvents(wagmi, 'ListingCreated', { seller: account }),
    getMarketEvents(wagmi, 'Disputed', { arbiter: account }),
  ])
  const roles = new Map<bigint, EscrowRole>()
  for (const l of [...finalized, ...purchased]) if (l.args.listingId !== undefined) roles.set(l.args.listingId, 'buyer')
  for (const l of listed)
    if (l.args.listingId !== undefined && !roles.has(l.args.listingId)) roles.set(l.args.listingId, 'seller')
  for (const l of chosen)
    if (l.args.listingId !== undefined && !roles.has(l.args.listingId)) roles.set(l.args.listingId, 'arbiter')
  const auctions = await getAuctions(wagmi, { listingIds: [...roles.keys()] })
  const out: UserEscrow[] = []
  for (const [listingId, role] of roles) {
    const auction = auctions.get(listingId)
    if (auction?.escrow) out.push({ listingId, role, auction: auction as UserEscrow['auction'] })
  }
  return out.sort((a, b) => (a.listingId < b.listingId ? -1 : 1))
}
