/**
 * `markShipped(listingId)`: the seller shipped the item. Starts the buyer's confirm window; when it ends without a
 * confirmation, refund or dispute, the seller can `claimTimeout`.
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface MarkShippedParameters {
  listingId: bigint
  account?: Address
}

export interface MarkShippedReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type MarkShippedErrorType = MarketTxErrorType

export async function markShipped(
  wagmi: SoukWagmiConfig,
  { listingId, account }: MarkShippedParameters,
): Promise<MarkShippedReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'markShipped',
    args: [listingId],
    ...(account ? { account } : {}),
  })
}
