/** `updateContentHash(listingId, contentHash)`: the seller points the listing at a new document, before any bid. */
import type { Address, Hash, Hex, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface UpdateListingParameters {
  listingId: bigint
  /** sha2-256 digest of the new document's CID. */
  contentHash: Hex
  account?: Address
}

export interface UpdateListingReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type UpdateListingErrorType = MarketTxErrorType

export async function updateListing(
  wagmi: SoukWagmiConfig,
  { listingId, contentHash, account }: UpdateListingParameters,
): Promise<UpdateListingReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'updateContentHash',
    args: [listingId, contentHash],
    ...(account ? { account } : {}),
  })
}
