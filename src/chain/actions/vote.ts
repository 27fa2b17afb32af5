/**
 * `vote(listingId, release)`: buyer, seller or arbiter votes to release to the seller (true) or refund the buyer
 * (false); two matching votes close the escrow.
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface VoteParameters {
  listingId: bigint
  /** true: release to the seller; false: refund the buyer. */
  release: boolean
  account?: Address
}

export interface VoteReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type VoteErrorType = MarketTxErrorType

export async function vote(
  wagmi: SoukWagmiConfig,
  { listingId, release, account }: VoteParameters,
): Promise<VoteReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'vote',
    args: [listingId, release],
    ...(account ? { account } : {}),
  })
}
