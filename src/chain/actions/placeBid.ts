/**
 * A sealed bid. The order matters: the salt and amount are committed to the vault (IndexedDB) BEFORE the
 * transaction goes to the wallet, so a crash, a closed tab or a lost receipt can never lose the secret; the
 * vault entry is then marked `sent` (with the hash), `confirmed`, or `failed` (with the readable error).
 *
 * ERC-20 listings are approved first (only if the allowance is short) and use `bidWithToken`.
 *
 * `contentHash` is the listing document the person was shown: the bid names its content version, so a document
 * swapped by the seller (even in the same block) makes the bid fail (ContentChanged) instead of binding the
 * bidder to something it never saw. Deposits must reach the reserve (DepositBelowReserve), and the seller
 * cannot bid (SellerOrArbiterCannotBid): both are checked before a secret is written.
 */
import type { Address, Hash, Hex, TransactionReceipt } from 'viem'
import { computeCommitment, randomSalt } from '../commitment.ts'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import { ContractRevertError, toSoukChainError, type MarketTxErrorType, type VaultError } from '../errors.ts'
import { marketOf, sendMarketTx, signerOf } from '../market.ts'
import { getAuction } from '../reads/getAuction.ts'
import { contentVersionOf } from '../reads/getListingContent.ts'
import type { BidSecret, BidVault } from '../vault.ts'
import { approveToken } from './approveToken.ts'

export interface PlaceBidParameters {
  listingId: bigint
  /** The content hash of the listing document shown to the person. */
  contentHash: Hex
  /** The amount you are willing to pay (hidden until you reveal). */
  amount: bigint
  /** What you lock now, >= amount; bid more than you mean to hide your amount. Defaults to `amount`. */
  deposit?: bigint
  /** Where the secret is kept. */
  vault: BidVault
  account?: Address
}

export interface PlaceBidReturnType {
  hash: Hash
  receipt: TransactionReceipt
  commitment: Hex
  /** The vault entry, status `confirmed`. */
  secret: BidSecret
}

export type PlaceBidErrorType = MarketTxErrorType | VaultError

export async function placeBid(wagmi: SoukWagmiConfig, p: PlaceBidParameters): Promise<PlaceBidReturnType> {
  const chain = configuredChain(wagmi)
  const market = marketOf(wagmi)
  const deposit = p.deposit ?? p.amount
  let bidder: Address
  try {
    bidder = signerOf(wagmi, p.account)
  } catch (err) {
    throw toSoukChainError(err, { chain })
  }
  if (p.amount <= 0n) throw new ContractRevertError('InvalidAmount', [])
  if (deposit < p.amount) throw new ContractRevertError('DepositBelowAmount', [])

  // refuse what the contract would refuse, before a secret is written for nothing
  const auction = await getAuction(wagmi, { listingId: p.listingId })
  if (auction.listing.buyNow) throw new ContractRevertError('NotAnAuction', [])
  if (auction.phase === 'cancelled') throw new ContractRevertError('ListingClosed', [])
  if (auction.phase !== 'bidding') throw new ContractRevertError('BiddingClosed', [])
  if (deposit < auction.listing.price) throw new ContractRevertError('DepositBelowReserve', [])
  // an arbiter of the set may bid (contracts v3): as the buyer it could never choose itself to decide
  if (bidder.toLowerCase() === auction.listing.seller.toLowerCase())
    throw new ContractRevertError('SellerOrArbiterCannotBid', [])
  const version = await contentVersionOf(wagmi, {
    listingId: p.listingId,
    shown: p.contentHash,
    onChainVersion: auction.listing.contentVersion,
  })

  if (auction.token)
    await approveToken(wagmi, { token: auction.token, amount: deposit, account: bidder, spender: market.address })

  const salt = randomSalt()
  const commitment = computeCommitment({
    chainId: chain.id,
    market: market.address,
    listingId: p.listingId,
    bidder,
    amount: p.amount,
    salt,
  })
  await p.vault.add({
    chainId: chain.id,
    market: market.address,
    listingId: p.listingId,
    bidder,
    amount: p.amount,
    salt,
    commitment,
    deposit,
    ...(auction.token ? { token: auction.token } : {}),
    status: 'pending',
    createdAt: Date.now(),
  })

  try {
    const { hash, receipt } = await sendMarketTx(
      wagmi,
      auction.token
        ? { functionName: 'bidWithToken', args: [p.listingId, commitment, deposit, version], account: bidder }
        : { functionName: 'bid', args: [p.listingId, commitment, version], value: deposit, account: bidder },
      { onHash: async (txHash) => void (await p.vault.update(commitment, { status: 'sent', txHash })) },
    )
    const secret = await p.vault.update(commitment, { status: 'confirmed', txHash: hash })
    return { hash, receipt, commitment, secret }
  } catch (err) {
    const mapped = toSoukChainError(err, { chain, abi: market.abi })
    await p.vault.update(commitment, { status: 'failed', error: mapped.shortMessage })
    throw mapped
  }
}
