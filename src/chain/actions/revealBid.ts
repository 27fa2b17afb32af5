/**
 * Opens a sealed bid with the amount and salt from the vault. Checks the reveal window against the chain's
 * clock first, so a late reveal says "Reveal window closed 3 minutes ago" instead of spending gas.
 */
import type { Address, Hash, Hex, TransactionReceipt } from 'viem'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import {
  RevealNotOpenError,
  RevealWindowClosedError,
  toSoukChainError,
  VaultError,
  WalletNotConnectedError,
  type MarketTxErrorType,
} from '../errors.ts'
import { marketOf, sendMarketTx, signerOf } from '../market.ts'
import { getAuction } from '../reads/getAuction.ts'
import type { BidSecret, BidVault } from '../vault.ts'

export interface RevealBidParameters {
  /** The bid's commitment (its key in the vault). */
  commitment: Hex
  vault: BidVault
}

export interface RevealBidReturnType {
  hash: Hash
  receipt: TransactionReceipt
  /** The vault entry, status `revealed`. */
  secret: BidSecret
}

export type RevealBidErrorType = MarketTxErrorType | RevealWindowClosedError | RevealNotOpenError | VaultError

export async function revealBid(
  wagmi: SoukWagmiConfig,
  { commitment, vault }: RevealBidParameters,
): Promise<RevealBidReturnType> {
  const chain = configuredChain(wagmi)
  const market = marketOf(wagmi)
  const secret = await vault.get(commitment)
  if (!secret)
    throw new VaultError(
      'The secret of this bid is not in this browser. Import your vault file from the device you bid on.',
    )
  if (secret.chainId !== chain.id || secret.market.toLowerCase() !== market.address.toLowerCase())
    throw new VaultError('This bid belongs to another network or market.')
  let bidder: Address
  try {
    bidder = signerOf(wagmi, secret.bidder)
  } catch (err) {
    const mapped = toSoukChainError(err, { chain })
    if (mapped instanceof WalletNotConnectedError)
      throw new WalletNotConnectedError({ details: `switch your wallet to ${secret.bidder}, the account that bid` })
    throw mapped
  }

  const { timeline } = await getAuction(wagmi, { listingId: secret.listingId })
  if (timeline.now < timeline.biddingEnd) throw new RevealNotOpenError(timeline.biddingEnd, timeline.now)
  if (timeline.now >= timeline.revealEnd) throw new RevealWindowClosedError(timeline.revealEnd, timeline.now)

  const { hash, receipt } = await sendMarketTx(
    wagmi,
    { functionName: 'reveal', args: [secret.listingId, secret.amount, secret.salt], account: bidder },
    { errorContext: { revealEnd: timeline.revealEnd, now: timeline.now } },
  )
  return { hash, receipt, secret: await vault.update(commitment, { status: 'revealed' }) }
}
