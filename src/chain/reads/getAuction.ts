/**
 * A listing's state and timeline, read in one batch with the chain's clock: the phase the contract will
 * apply to the next transaction (bidding / revealing / finalizable / ended / cancelled; on-sale / sold /
 * expired for fixed-price listings), the deadlines and the escrow.
 */
import { getBlock } from '@wagmi/core'
import type { Address, ContractFunctionReturnType } from 'viem'
import type { soukMarketAbi } from '../abi/soukMarket.ts'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import {
  toSoukChainError,
  type ContractRevertError,
  type RpcUnreachableError,
  type UnknownChainError,
} from '../errors.ts'
import { readMarket, ZERO_ADDRESS } from '../market.ts'
import { getArbiterSet } from './getArbiterSets.ts'

export type ListingView = ContractFunctionReturnType<typeof soukMarketAbi, 'view', 'getListing'>
export type EscrowView = ContractFunctionReturnType<typeof soukMarketAbi, 'view', 'getEscrow'>

export type AuctionPhase =
  'bidding' | 'revealing' | 'finalizable' | 'ended' | 'cancelled' | 'on-sale' | 'sold' | 'expired'

export const ESCROW_STATUSES = ['none', 'funded', 'shipped', 'disputed', 'released', 'refunded', 'split'] as const
export type EscrowStatusName = (typeof ESCROW_STATUSES)[number]

export interface AuctionTimeline {
  /** The chain's time of the block read. */
  now: number
  /** Bids accepted while now < biddingEnd. */
  biddingEnd: number
  /** Reveals accepted while biddingEnd <= now < revealEnd. */
  revealEnd: number
  /** The deadline of the current phase, if it has one. */
  nextDeadline: number | undefined
  /** Seconds until `nextDeadline` (0 when none). */
  secondsLeft: number
}

export interface GetAuctionParameters {
  listingId: bigint
}

export interface GetAuctionReturnType {
  listingId: bigint
  /** `listing.arbiter` is the arbiter the buyer chose when disputing (zero before); the set is `arbiters`. */
  listing: ListingView
  /** The listing's 1–3 arbiters, from its ListingCreated log. */
  arbiters: readonly Address[]
  phase: AuctionPhase
  timeline: AuctionTimeline
  /** The ERC-20 of the listing, or undefined for ETH. */
  token: Address | undefined
  escrow: (EscrowView & { statusName: EscrowStatusName }) | undefined
  blockNumber: bigint
}

export type GetAuctionErrorType = ContractRevertError | RpcUnreachableError | UnknownChainError

export function phaseOf(listing: ListingView, now: number): AuctionPhase {
  if (listing.cancelled) return 'cancelled'
  if (listing.buyNow) return listing.sold ? 'sold' : now < listing.biddingEnd ? 'on-sale' : 'expired'
  if (listing.finalized) return 'ended'
  if (now < listing.biddingEnd) return 'bidding'
  if (now < listing.revealEnd) return 'revealing'
  return 'finalizable'
}

export function timelineOf(listing: ListingView, now: number): AuctionTimeline {
  const phase = phaseOf(listing, now)
  const nextDeadline =
    phase === 'bidding' || phase === 'on-sale'
      ? listing.biddingEnd
      : phase === 'revealing'
        ? listing.revealEnd
        : undefined
  return {
    now,
    biddingEnd: listing.biddingEnd,
    revealEnd: listing.revealEnd,
    nextDeadline,
    secondsLeft: nextDeadline === undefined ? 0 : Math.max(0, nextDeadline - now),
  }
}

/** The latest block: its number pins every read of one call, its timestamp is the chain's clock. */
export async function latestBlock(wagmi: SoukWagmiConfig): Promise<{ number: bigint; timestamp: bigint }> {
  const chain = configuredChain(wagmi)
  try {
    return await getBlock(wagmi, { chainId: chain.id, blockTag: 'latest' })
  } catch (err) {
    throw toSoukChainError(err, { chain })
  }
}

/** A listing's state as the UI reads it, from the raw views read at `block`. */
export function auctionView(
  listingId: bigint,
  listing: ListingView,
  escrow: EscrowView,
  block: { number: bigint; timestamp: bigint },
  arbiters: readonly Address[],
): GetAuctionReturnType {
  const now = Number(block.timestamp)
  return {
    listingId,
    listing,
    arbiters,
    phase: phaseOf(listing, now),
    timeline: timelineOf(listing, now),
    token: listing.token === ZERO_ADDRESS ? undefined : listing.token,
    escrow: escrow.status === 0 ? undefined : { ...escrow, statusName: ESCROW_STATUSES[escrow.status] ?? 'none' },
    blockNumber: block.number,
  }
}

export async function getAuction(
  wagmi: SoukWagmiConfig,
  { listingId }: GetAuctionParameters,
): Promise<GetAuctionReturnType> {
  const block = await latestBlock(wagmi)
  // read at the same block as the clock, so phase and state agree
  const [[listing, escrow], arbiters] = await Promise.all([
    readMarket(
      wagmi,
      [
        { functionName: 'getListing', args: [listingId] },
        { functionName: 'getEscrow', args: [listingId] },
      ] as const,
      { blockNumber: block.number },
    ) as Promise<[ListingView, EscrowView]>,
    getArbiterSet(wagmi, { listingId }),
  ])
  return auctionView(listingId, listing, escrow, block, arbiters)
}
