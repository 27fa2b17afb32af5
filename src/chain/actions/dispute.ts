/**
 * `dispute(listingId)`: the buyer or the seller opens a dispute (before shipping or within the confirm window); the
 * arbiter then has the dispute window to decide. The arbiter has no say in an escrow until someone disputes.
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface DisputeParameters {
  listingId: bigint
  account?: Address
}

export interface DisputeReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type DisputeErrorType = MarketTxErrorType

export async function dispute(
  wagmi: SoukWagmiConfig,
  { listingId, account }: DisputeParameters,
): Promise<DisputeReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'dispute',
    args: [listingId],
    ...(account ? { account } : {}),
  })
}
