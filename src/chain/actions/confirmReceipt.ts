/**
 * The buyer confirms the item arrived: `confirm(listingId)` releases the price to the seller at once (no arbiter
 * fee). Allowed while the escrow is open and before its deadline, also during a dispute (which it ends).
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
    functionName: 'confirm',
    args: [listingId],
    ...(account ? { account } : {}),
  })
}
