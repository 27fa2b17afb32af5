/**
 * `resolve(listingId, toBuyer)`: the arbiter decides a dispute, possibly a split. Its fee comes off the price
 * first; `toBuyer` of the rest goes to the buyer, the remainder to the seller.
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export interface ResolveDisputeParameters {
  listingId: bigint
  /** Amount refunded to the buyer: 0 releases to the seller, price - fee refunds the buyer, between is a split. */
  toBuyer: bigint
  account?: Address
}

export interface ResolveDisputeReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type ResolveDisputeErrorType = MarketTxErrorType

export async function resolveDispute(
  wagmi: SoukWagmiConfig,
  { listingId, toBuyer, account }: ResolveDisputeParameters,
): Promise<ResolveDisputeReturnType> {
  return await sendMarketTx(wagmi, {
    functionName: 'resolve',
    args: [listingId, toBuyer],
    ...(account ? { account } : {}),
  })
}
