/**
 * `rate(listingId, ofArbiter, score, review)`: after an escrow closed (confirmed, claimed after the timeout,
 * resolved or refunded), its buyer and seller may each rate the other once, and — after the chosen arbiter
 * decided the dispute — the arbiter once. The review, if any, is a dag-cbor document on IPFS; the contract
 * records the sha2-256 digest of its CID, derived like a listing's content hash (`contentHashFromCid`).
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import { contentHashFromCid } from '../../core/listing.ts'
import type { SoukWagmiConfig } from '../config.ts'
import { SoukChainError, type MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

export type RatingScore = 'negative' | 'neutral' | 'positive'

/** ISoukMarket.Score by name. */
export const SCORE_INDEX: Record<RatingScore, number> = { negative: 0, neutral: 1, positive: 2 }

export const NO_REVIEW = `0x${'0'.repeat(64)}` as const

export interface RateParameters {
  listingId: bigint
  /** Rate the arbiter that decided the dispute instead of the other party. */
  ofArbiter: boolean
  score: RatingScore
  /** CID of the review document (dag-cbor, sha2-256), pinned before rating. */
  reviewCid?: string | undefined
  account?: Address
}

export interface RateReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type RateErrorType = MarketTxErrorType | SoukChainError

export async function rate(
  wagmi: SoukWagmiConfig,
  { listingId, ofArbiter, score, reviewCid, account }: RateParameters,
): Promise<RateReturnType> {
  const index = SCORE_INDEX[score]
  if (index === undefined) throw new SoukChainError(`Unknown score ${String(score)}.`)
  let review: `0x${string}` = NO_REVIEW
  if (reviewCid) {
    try {
      review = contentHashFromCid(reviewCid)
    } catch (err) {
      throw new SoukChainError('The review is not the CID of a dag-cbor document.', { cause: err })
    }
  }
  return await sendMarketTx(wagmi, {
    functionName: 'rate',
    args: [listingId, ofArbiter, index, review],
    ...(account ? { account } : {}),
  })
}
