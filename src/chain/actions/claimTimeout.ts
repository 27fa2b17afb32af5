/**
 * `claimTimeout(listingId)`: anyone applies an escrow timeout: a shipped item the buyer neither confirmed nor
 * disputed in time is released to the seller; a dispute the arbiter did not decide in time refunds the buyer.
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface ClaimTimeoutParameters {
  listingId: bigint
  account?: Address
}

export interface ClaimTimeoutReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type ClaimTimeoutErrorType = MarketTxErrorType

export async function claimTimeout(
  wagmi: SoukWagmiConfig,
  { listingId, account }: ClaimTimeoutParameters,
): Promise<ClaimTimeoutReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'claimTimeout',
    args: [listingId],
    ...(account ? { account } : {}),
  })
}
