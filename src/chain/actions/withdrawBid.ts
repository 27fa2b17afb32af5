/**
 * `withdrawBid(listingId, commitment, to)`: takes a bid's deposit back once it can no longer win (outbid, or
 * after finalize; an unrevealed bid loses a 1% penalty to the treasury). The winning bid is settled by finalize
 * itself (its deposit - price is credited: collect it with `withdraw`; here it fails with UnknownBid). Marks the
 * vault entry `withdrawn` when a vault is given.
 */
import { parseEventLogs, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { marketOf, recipientOf, sendMarketTx } from '../market.ts'
import type { BidVault } from '../vault.ts'

export interface WithdrawBidParameters {
  listingId: bigint
  commitment: Hex
  /** Recipient of the refund; the bidder by default. */
  to?: Address
  vault?: BidVault
  account?: Address
}

export interface WithdrawBidReturnType {
  hash: Hash
  receipt: TransactionReceipt
  refund: bigint
  penalty: bigint
}

export type WithdrawBidErrorType = MarketTxErrorType

export async function withdrawBid(
  wagmi: SoukWagmiConfig,
  { listingId, commitment, to, vault, account }: WithdrawBidParameters,
): Promise<WithdrawBidReturnType> {
  const recipient = recipientOf(wagmi, to, account)
  const { hash, receipt } = await sendMarketTx(wagmi, {
    functionName: 'withdrawBid',
    args: [listingId, commitment, recipient],
    ...(account ? { account } : {}),
  })
  const [event] = parseEventLogs({ abi: marketOf(wagmi).abi, logs: receipt.logs, eventName: 'BidWithdrawn' })
  if (vault && (await vault.get(commitment))) await vault.update(commitment, { status: 'withdrawn' })
  return { hash, receipt, refund: event?.args.refund ?? 0n, penalty: event?.args.penalty ?? 0n }
}
