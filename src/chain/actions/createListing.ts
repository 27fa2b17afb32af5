/**
 * `list(terms)`: the seller puts an auction or a fixed-price item on chain, naming 1–3 registered arbiters
 * (none of them itself) the buyer may choose from if it disputes. The fee must meet every named arbiter's
 * minimum and the dispute window every arbiter's minimum window; the contract also enforces a reveal window of
 * at least an hour and confirm / dispute windows of at least a day (`MIN_*` below).
 */
import { parseEventLogs, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { getChainTime, marketOf, readMarket, sendMarketTx, ZERO_ADDRESS } from '../market.ts'
import type { ArbiterView } from '../reads/getArbiter.ts'

export interface CreateListingParameters {
  /** sha2-256 digest of the listing document's CID. */
  contentHash: Hex
  categoryId?: number
  /** Fixed-price listing instead of an auction. */
  buyNow?: boolean
  /** Unix seconds (chain time): end of bidding, or expiry of a fixed-price offer. Or give `biddingSeconds`. */
  biddingEnd?: number
  /** Unix seconds: end of the reveal window (auctions; default a day after biddingEnd). */
  revealEnd?: number
  /**
   * Bidding lasts this long from the chain's time when the transaction is sent (what a form's "1 hour" means):
   * used when `biddingEnd` is not given.
   */
  biddingSeconds?: number
  /** With `biddingSeconds`: the reveal window's length after bidding ends. */
  revealSeconds?: number
  /** Reserve price (auction) or price (buy now), in the currency's smallest unit. */
  price: bigint
  /** ERC-20 to be paid in; ETH when omitted. */
  token?: Address
  /** 1–3 distinct registered arbiters; the buyer chooses one of them if it disputes. */
  arbiters: readonly Address[]
  /**
   * Paid to the chosen arbiter only if it decides a dispute; at least each arbiter's `minFeeBps`. Default: the
   * highest `minFeeBps` of the set.
   */
  arbiterFeeBps?: number
  /** Seconds the buyer has to confirm or dispute after shipping (default 7 days). */
  confirmWindow?: number
  /** Seconds the arbiter has to decide a dispute (default 7 days, or the set's longest `minDisputeWindow`). */
  disputeWindow?: number
  account?: Address
}

export interface CreateListingReturnType {
  hash: Hash
  receipt: TransactionReceipt
  listingId: bigint
}

export type CreateListingErrorType = MarketTxErrorType

const DAY = 86_400
const WEEK = 7 * DAY

/** The contract's shortest windows (ISoukMarket MIN_REVEAL_WINDOW, MIN_CONFIRM_WINDOW, MIN_DISPUTE_WINDOW). */
export const MIN_REVEAL_WINDOW = 3_600
export const MIN_CONFIRM_WINDOW = 86_400
export const MIN_DISPUTE_WINDOW = 86_400
/** The longest confirm / dispute window (MAX_WINDOW) and the largest arbiter set (MAX_ARBITERS). */
export const MAX_WINDOW = 365 * 86_400
export const MAX_ARBITERS = 3

export async function createListing(
  wagmi: SoukWagmiConfig,
  p: CreateListingParameters,
): Promise<CreateListingReturnType> {
  // without a fee or a dispute window, the least every named arbiter accepts (and a week at least)
  const minimums =
    p.arbiterFeeBps === undefined || p.disputeWindow === undefined
      ? ((await readMarket(
          wagmi,
          p.arbiters.map((a) => ({ functionName: 'getArbiter', args: [a] }) as const),
        )) as ArbiterView[])
      : []
  const buyNow = p.buyNow ?? false
  // durations start at the chain's time now, read just before sending: not at the device's clock, nor at an
  // idle chain's last block, nor when the photos started uploading
  const now = p.biddingEnd === undefined ? await getChainTime(wagmi) : 0
  if (p.biddingEnd === undefined && p.biddingSeconds === undefined)
    throw new TypeError('createListing needs biddingEnd or biddingSeconds')
  const biddingEnd = p.biddingEnd ?? now + p.biddingSeconds!
  const revealEnd =
    p.revealEnd ??
    (buyNow
      ? biddingEnd
      : p.biddingEnd === undefined && p.revealSeconds !== undefined
        ? biddingEnd + p.revealSeconds
        : biddingEnd + DAY)
  const terms = {
    contentHash: p.contentHash,
    categoryId: p.categoryId ?? 0,
    buyNow,
    biddingEnd,
    revealEnd,
    price: p.price,
    token: p.token ?? ZERO_ADDRESS,
    arbiters: p.arbiters,
    arbiterFeeBps: p.arbiterFeeBps ?? Math.max(0, ...minimums.map((m) => m.minFeeBps)),
    confirmWindow: p.confirmWindow ?? WEEK,
    disputeWindow: p.disputeWindow ?? Math.max(WEEK, ...minimums.map((m) => m.minDisputeWindow)),
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
