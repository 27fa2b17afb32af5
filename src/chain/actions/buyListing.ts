/**
 * `buy(listingId, contentVersion)`: buys a fixed-price listing; the price goes into escrow. Approves the ERC-20
 * first if needed. `contentHash` is the document shown to the person: if the seller replaced it, the purchase
 * fails with ContentChanged (here, or in the contract if the swap lands first).
 */
import type { Address, Hash, Hex, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import { ContractRevertError, type MarketTxErrorType } from '../errors.ts'
import { sendMarketTx, signerOf } from '../market.ts'
import { getAuction } from '../reads/getAuction.ts'
import { contentVersionOf } from '../reads/getListingContent.ts'
import { approveToken } from './approveToken.ts'

export interface BuyListingParameters {
  listingId: bigint
  /** The content hash of the listing document shown to the person. */
  contentHash: Hex
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
  { listingId, contentHash, account }: BuyListingParameters,
): Promise<BuyListingReturnType> {
  const { listing, token, phase } = await getAuction(wagmi, { listingId })
  if (!listing.buyNow) throw new ContractRevertError('NotBuyNow', [])
  if (phase !== 'on-sale') throw new ContractRevertError('ListingClosed', [])
  const version = await contentVersionOf(wagmi, {
    listingId,
    shown: contentHash,
    onChainVersion: listing.contentVersion,
  })
  if (token) await approveToken(wagmi, { token, amount: listing.price, account: signerOf(wagmi, account) })
  const { hash, receipt } = await sendMarketTx(wagmi, {
    functionName: 'buy',
    args: [listingId, version],
    ...(token ? {} : { value: listing.price }),
    ...(account ? { account } : {}),
  })
  return { hash, receipt, price: listing.price }
}
