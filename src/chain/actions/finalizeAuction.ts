/**
 * `finalize(listingId, winner, winningCommitment)`: anyone closes an auction after its reveal window. The
 * winner is found from the BidRevealed logs (replayed in order: a strictly greater amount takes the lead, so
 * ties go to the earlier reveal) and checked again on chain.
 */
import { parseEventLogs, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { getMarketEvents, marketOf, sendMarketTx, ZERO_ADDRESS } from '../market.ts'

export interface FinalizeAuctionParameters {
  listingId: bigint
  account?: Address
}

export interface FinalizeAuctionReturnType {
  hash: Hash
  receipt: TransactionReceipt
  /** undefined: no sale (no revealed amount reached the reserve). */
  buyer: Address | undefined
  /** What the winner pays (second price or reserve); 0 without a sale. */
  price: bigint
}

export type FinalizeAuctionErrorType = MarketTxErrorType

const ZERO_HASH = `0x${'0'.repeat(64)}` as Hex

/** The leading reveal: the first reveal of the highest amount. */
export async function findWinningBid(
  wagmi: SoukWagmiConfig,
  listingId: bigint,
): Promise<{ bidder: Address; commitment: Hex; amount: bigint } | undefined> {
  const logs = await getMarketEvents(wagmi, 'BidRevealed', { listingId })
  let best: { bidder: Address; commitment: Hex; amount: bigint } | undefined
  for (const log of logs) {
    const { bidder, commitment, amount } = log.args
    if (bidder && commitment && amount !== undefined && (!best || amount > best.amount))
      best = { bidder, commitment, amount }
  }
  return best
}

export async function finalizeAuction(
  wagmi: SoukWagmiConfig,
  { listingId, account }: FinalizeAuctionParameters,
): Promise<FinalizeAuctionReturnType> {
  const winner = await findWinningBid(wagmi, listingId)
  const { hash, receipt } = await sendMarketTx(wagmi, {
    functionName: 'finalize',
    args: [listingId, winner?.bidder ?? ZERO_ADDRESS, winner?.commitment ?? ZERO_HASH],
    ...(account ? { account } : {}),
  })
  const [event] = parseEventLogs({ abi: marketOf(wagmi).abi, logs: receipt.logs, eventName: 'Finalized' })
  const buyer = event?.args.buyer
  return {
    hash,
    receipt,
    buyer: buyer && buyer !== ZERO_ADDRESS ? buyer : undefined,
    price: event?.args.price ?? 0n,
  }
}
