/** `buy(listingId)`: buys a fixed-price listing; the price goes into escrow. Approves the ERC-20 first if needed. */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import { ContractRevertError, type MarketTxErrorType } from '../errors.ts'
import { sendMarketTx, signerOf } from '../market.ts'
import { getAuction } from '../reads/getAuction.ts'
import { approveToken } from './approveToken.ts'

export interface BuyListingParameters {
  listingId: bigint
  account?: Address
}

export interface BuyListingReturnType {
  hash: Hash
  receipt: TransactionReceipt
  price: bigint
}

export type BuyListingErrorType = MarketTxErrorType

export async function buyListing(
  wagmi: SoukWagmiConfig,
  { listingId, account }: BuyListingParameters,
): Promise<BuyListingReturnType> {
  const { listing, token, phase } = await getAuction(wagmi, { listingId })
  if (!listing.buyNow) throw new ContractRevertError('NotBuyNow', [])
  if (phase !== 'on-sale') throw new ContractRevertError('ListingClosed', [])
  if (token) await approveToken(wagmi, { token, amount: listing.price, account: signerOf(wagmi, account) })
  const { hash, receipt } = await sendMarketTx(wagmi, {
    functionName: 'buy',
    args: [listingId],
    ...(token ? {} : { value: listing.price }),
    ...(account ? { account } : {}),
  })
  return { hash, receipt, price: listing.price }
}
