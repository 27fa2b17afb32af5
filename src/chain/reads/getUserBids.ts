/**
 * A person's bids: what the chain knows (BidPlaced / BidWithdrawn logs since the market's deploy block, each
 * bid's stored state) joined with what the vault knows (the secret, and bids whose transaction never made
 * it, which the chain cannot know about). Each with its auction's phase and timeline.
 */
import type { Address, ContractFunctionReturnType, Hex } from 'viem'
import type { soukMarketAbi } from '../abi/soukMarket.ts'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import type { RpcUnreachableError, UnknownChainError } from '../errors.ts'
import { getMarketEvents, marketOf, readMarket, type MarketRead } from '../market.ts'
import type { BidSecret, BidVault } from '../vault.ts'
import type { GetAuctionReturnType } from './getAuction.ts'
import { getAuctions } from './getAuctions.ts'

export type BidView = ContractFunctionReturnType<typeof soukMarketAbi, 'view', 'getBid'>

export interface UserBid {
  listingId: bigint
  commitment: Hex
  /** Deposit locked (from the BidPlaced log, or the vault for a bid not on chain). */
  deposit: bigint
  /** On chain at all (a failed or pending bid is only in the vault). */
  placed: boolean
  withdrawn: boolean
  /** Settled by finalize as the winning bid (its BidWithdrawn is in the Finalized transaction): the refund is the change. */
  won: { change: bigint } | undefined
  /** Stored state on chain; zero once withdrawn. */
  onChain: BidView | undefined
  /** The secret, if this browser's vault has it. */
  secret: BidSecret | undefined
  auction: GetAuctionReturnType | undefined
}

export interface GetUserBidsParameters {
  bidder: Address
  vault?: BidVault
}

export type GetUserBidsReturnType = UserBid[]

export type GetUserBidsErrorType = RpcUnreachableError | UnknownChainError

export async function getUserBids(
  wagmi: SoukWagmiConfig,
  { bidder, vault }: GetUserBidsParameters,
): Promise<GetUserBidsReturnType> {
  const chain = configuredChain(wagmi)
  const market = marketOf(wagmi)
  const [placed, withdrawn, won] = await Promise.all([
    getMarketEvents(wagmi, 'BidPlaced', { bidder }),
    getMarketEvents(wagmi, 'BidWithdrawn', { bidder }),
    getMarketEvents(wagmi, 'Finalized', { buyer: bidder }),
  ])
  // finalize settles the winning bid in its own transaction (BidWithdrawn with the change, then Finalized)
  const finalizeTxs = new Set(won.map((l) => l.transactionHash))
  const secrets = vault ? await vault.list({ chainId: chain.id, market: market.address, bidder }) : []
  const byCommitment = new Map<string, UserBid>()
  for (const log of placed) {
    const { listingId, commitment, deposit } = log.args
    if (listingId === undefined || !commitment) continue
    byCommitment.set(commitment.toLowerCase(), {
      listingId,
      commitment,
      deposit: deposit ?? 0n,
      placed: true,
      withdrawn: false,
      won: undefined,
      onChain: undefined,
      secret: undefined,
      auction: undefined,
    })
  }
  for (const log of withdrawn) {
    const bid = log.args.commitment && byCommitment.get(log.args.commitment.toLowerCase())
    if (!bid) continue
    bid.withdrawn = true
    if (finalizeTxs.has(log.transactionHash)) bid.won = { change: log.args.refund ?? 0n }
  }
  for (const secret of secrets) {
    const bid = byCommitment.get(secret.commitment.toLowerCase())
    if (bid) bid.secret = secret
    else
      byCommitment.set(secret.commitment.toLowerCase(), {
        listingId: secret.listingId,
        commitment: secret.commitment,
        deposit: secret.deposit,
        placed: false,
        withdrawn: false,
        won: undefined,
        onChain: undefined,
        secret,
        auction: undefined,
      })
  }
  const bids = [...byCommitment.values()]
  const onChain = bids.filter((b) => b.placed)
  const [views, auctions] = await Promise.all([
    readMarket(
      wagmi,
      onChain.map((b): MarketRead<'getBid'> => ({ functionName: 'getBid', args: [b.listingId, bidder, b.commitment] })),
    ),
    getAuctions(wagmi, { listingIds: bids.map((b) => b.listingId) }),
  ])
  onChain.forEach((b, i) => (b.onChain = views[i] as BidView))
  for (const b of bids) b.auction = auctions.get(b.listingId)
  return bids
}
