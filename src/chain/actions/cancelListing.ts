/** `cancel(listingId)`: the seller withdraws a listing that has no bid yet. */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface CancelListingParameters {
  listingId: bigint
  account?: Address
}

export interface CancelListingReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type CancelListingErrorType = MarketTxErrorType

export async function cancelListing(
  wagmi: SoukWagmiConfig,
  { listingId, account }: CancelListingParameters,
): Promise<CancelListingReturnType> {
  return await sendMarketTx(wagmi, { functionName: 'cancel', args: [listingId], ...(account ? { account } : {}) })
}
