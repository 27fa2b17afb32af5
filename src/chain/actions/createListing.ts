/** `list(terms)`: the seller puts an auction or a fixed-price item on chain. */
import { parseEventLogs, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { marketOf, sendMarketTx, ZERO_ADDRESS } from '../market.ts'

export interface CreateListingParameters {
  /** sha2-256 digest of the listing document's CID. */
  contentHash: Hex
  categoryId?: number
  /** Fixed-price listing instead of an auction. */
  buyNow?: boolean
  /** Unix seconds (chain time): end of bidding, or expiry of a fixed-price offer. */
  biddingEnd: number
  /** Unix seconds: end of the reveal window (auctions). */
  revealEnd?: number
  /** Reserve price (auction) or price (buy now), in the currency's smallest unit. */
  price: bigint
  /** ERC-20 to be paid in; ETH when omitted. */
  token?: Address
  arbiter: Address
  arbiterFeeBps?: number
  /** Seconds the buyer has to confirm or dispute after shipping (default 7 days). */
  confirmWindow?: number
  /** Seconds the arbiter has to decide a dispute (default 7 days). */
  disputeWindow?: number
  account?: Address
}

export interface CreateListingReturnType {
  hash: Hash
  receipt: TransactionReceipt
  listingId: bigint
}

export type CreateListingErrorType = MarketTxErrorType

const WEEK = 7 * 24 * 3_600

export async function createListing(
  wagmi: SoukWagmiConfig,
  p: CreateListingParameters,
): Promise<CreateListingReturnType> {
  const terms = {
    contentHash: p.contentHash,
    categoryId: p.categoryId ?? 0,
    buyNow: p.buyNow ?? false,
    biddingEnd: p.biddingEnd,
    revealEnd: p.revealEnd ?? p.biddingEnd,
    price: p.price,
    token: p.token ?? ZERO_ADDRESS,
    arbiter: p.arbiter,
    arbiterFeeBps: p.arbiterFeeBps ?? 0,
    confirmWindow: p.confirmWindow ?? WEEK,
    disputeWindow: p.disputeWindow ?? WEEK,
  }
  const { hash, receipt } = await sendMarketTx(wagmi, {
    functionName: 'list',
    args: [terms],
    ...(p.account ? { account: p.account } : {}),
  })
  const [created] = parseEventLogs({ abi: marketOf(wagmi).abi, logs: receipt.logs, eventName: 'ListingCreated' })
  if (!created) throw new Error(`list() succeeded without a ListingCreated event (${hash})`)
  return { hash, receipt, listingId: created.args.listingId }
}
