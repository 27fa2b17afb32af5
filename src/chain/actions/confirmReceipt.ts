/**
 * The buyer confirms the item arrived: `vote(listingId, true)`. With the seller's shipping vote this releases the
 * price to the seller.
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface ConfirmReceiptParameters {
  listingId: bigint
  account?: Address
}

export interface ConfirmReceiptReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type ConfirmReceiptErrorType = MarketTxErrorType

export async function confirmReceipt(
  wagmi: SoukWagmiConfig,
  { listingId, account }: ConfirmReceiptParameters,
): Promise<ConfirmReceiptReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'vote',
    args: [listingId, true],
    ...(account ? { account } : {}),
  })
}
