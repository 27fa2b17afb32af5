/**
 * `refund(listingId)`: the seller gives the buyer the whole price back (no arbiter fee). Allowed while the escrow
 * is open and before its deadline, also during a dispute (which it ends).
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface RefundParameters {
  listingId: bigint
  account?: Address
}

export interface RefundReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type RefundErrorType = MarketTxErrorType

export async function refund(
  wagmi: SoukWagmiConfig,
  { listingId, account }: RefundParameters,
): Promise<RefundReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'refund',
    args: [listingId],
    ...(account ? { account } : {}),
  })
}
