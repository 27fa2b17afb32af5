/**
 * Every error a view can meet, as one sentence in the reader's language. Chain errors are recognised by their
 * class name (src/chain/errors.ts) without importing them, so views do not pull viem in; contract reverts by
 * their decoded custom error name. Anything unknown keeps its own (English) short message behind a localized
 * lead-in, so nothing is ever swallowed.
 */
import { msg, str } from '@lit/localize'

interface ErrorLike {
  name?: string
  shortMessage?: string
  message?: string
  errorName?: string
  expectedChainName?: string
  actualChainId?: number
  revealEnd?: number
  revealStart?: number
  cause?: unknown
}

function contractSentence(errorName: string): string | undefined {
  switch (errorName) {
    case 'UnknownListing':
      return msg('This listing does not exist.', { id: 'err.c.UnknownListing' })
    case 'InvalidTerms':
      return msg('The listing terms are invalid.', { id: 'err.c.InvalidTerms' })
    case 'ArbiterIsSeller':
      return msg('The arbiter cannot be the seller.', { id: 'err.c.ArbiterIsSeller' })
    case 'FeeTooHigh':
      return msg('The arbiter fee is too high (at most 10%).', { id: 'err.c.FeeTooHigh' })
    case 'InvalidArbiters':
      return msg('Name one to three different arbiters.', { id: 'err.c.InvalidArbiters' })
    case 'FeeBelowArbiterMinimum':
      return msg('The arbiter fee is below the minimum of one of the listing’s arbiters.', {
        id: 'err.c.FeeBelowArbiterMinimum',
      })
    case 'WindowTooShort':
      return msg(
        'A window is too short: reveal at least 1 hour, confirm and dispute at least 1 day, and the dispute window at least each arbiter’s minimum.',
        { id: 'err.c.WindowTooShort' },
      )
    case 'WindowTooLong':
      return msg('A window is too long (at most 365 days).', { id: 'err.c.WindowTooLong' })
    case 'WrongArbiterSet':
      return msg('Choose one of the listing’s arbiters.', { id: 'err.c.WrongArbiterSet' })
    case 'ArbiterIsBuyer':
      return msg('You cannot choose yourself as the arbiter.', { id: 'err.c.ArbiterIsBuyer' })
    case 'NotClosed':
      return msg('You can rate once the sale is closed.', { id: 'err.c.NotClosed' })
    case 'AlreadyRated':
      return msg('You already rated this.', { id: 'err.c.AlreadyRated' })
    case 'NoArbiterDecision':
      return msg('The arbiter did not decide this sale, so there is nothing to rate.', {
        id: 'err.c.NoArbiterDecision',
      })
    case 'SellerOrArbiterCannotBid':
      return msg('The seller cannot bid on their own listing.', { id: 'err.c.SellerOrArbiterCannotBid' })
    case 'NotSeller':
      return msg('Only the seller can do this.', { id: 'err.c.NotSeller' })
    case 'HasBids':
      return msg('The listing already has bids.', { id: 'err.c.HasBids' })
    case 'ListingClosed':
      return msg('This listing is closed.', { id: 'err.c.ListingClosed' })
    case 'NotAnAuction':
      return msg('This listing is not an auction.', { id: 'err.c.NotAnAuction' })
    case 'WrongCurrency':
      return msg('Wrong currency for this listing.', { id: 'err.c.WrongCurrency' })
    case 'InvalidAmount':
      return msg('Enter an amount above zero.', { id: 'err.c.InvalidAmount' })
    case 'BiddingClosed':
      return msg('Bidding on this listing has closed.', { id: 'err.c.BiddingClosed' })
    case 'BidExists':
      return msg('You already placed this bid.', { id: 'err.c.BidExists' })
    case 'UnknownBid':
      return msg('No such bid.', { id: 'err.c.UnknownBid' })
    case 'RevealNotOpen':
      return msg('The reveal window is not open yet.', { id: 'err.c.RevealNotOpen' })
    case 'RevealClosed':
      return msg('The reveal window has closed.', { id: 'err.c.RevealClosed' })
    case 'AlreadyRevealed':
      return msg('This bid was already revealed.', { id: 'err.c.AlreadyRevealed' })
    case 'DepositBelowAmount':
      return msg('The deposit must be at least the bid amount.', { id: 'err.c.DepositBelowAmount' })
    case 'RevealNotOver':
      return msg('The reveal window is not over yet.', { id: 'err.c.RevealNotOver' })
    case 'AlreadyFinalized':
      return msg('The auction is already finalized.', { id: 'err.c.AlreadyFinalized' })
    case 'NotWinningBid':
      return msg('This is not the winning bid.', { id: 'err.c.NotWinningBid' })
    case 'BidLocked':
      return msg('This bid cannot be withdrawn yet.', { id: 'err.c.BidLocked' })
    case 'SellerOrArbiterCannotBuy':
      return msg('The seller cannot buy their own listing.', { id: 'err.c.SellerOrArbiterCannotBuy' })
    case 'NothingToWithdraw':
      return msg('Nothing to withdraw.', { id: 'err.c.NothingToWithdraw' })
    case 'NotEscrowParty':
      return msg('Only the buyer or the seller of this sale can do this.', { id: 'err.c.NotEscrowParty' })
    case 'EscrowNotOpen':
      return msg('The escrow is not open.', { id: 'err.c.EscrowNotOpen' })
    case 'NotBuyer':
      return msg('Only the buyer can do this.', { id: 'err.c.NotBuyer' })
    case 'NotArbiter':
      return msg('Only the arbiter the buyer chose can decide this dispute.', { id: 'err.c.NotArbiter' })
    case 'WrongEscrowStatus':
      return msg('Not possible in the escrow’s current state (someone may have acted first).', {
        id: 'err.c.WrongEscrowStatus',
      })
    case 'DisputeExpired':
      return msg('The arbiter’s time to decide is over: the buyer can now claim the refund.', {
        id: 'err.c.DisputeExpired',
      })
    case 'ConfirmWindowClosed':
      return msg('The buyer’s time to confirm is over: the seller can now claim the payment.', {
        id: 'err.c.ConfirmWindowClosed',
      })
    case 'TimeoutNotReached':
      return msg('The deadline has not passed yet.', { id: 'err.c.TimeoutNotReached' })
    case 'DeadlineTooFar':
      return msg('The deadline would be too far in the future.', { id: 'err.c.DeadlineTooFar' })
    case 'SplitTooLarge':
      return msg('The buyer’s share cannot be more than the price minus the arbiter’s fee.', {
        id: 'err.c.SplitTooLarge',
      })
    case 'InvalidRecipient':
      return msg('Invalid recipient address.', { id: 'err.c.InvalidRecipient' })
    case 'ArbiterNotRegistered':
      return msg('This address is not a registered arbiter.', { id: 'err.c.ArbiterNotRegistered' })
    case 'InvalidMetadata':
      return msg('The profile must be a CID of 1 to 128 bytes.', { id: 'err.c.InvalidMetadata' })
    case 'TreasuryCannotTrade':
      return msg('The market’s treasury cannot do this.', { id: 'err.c.TreasuryCannotTrade' })
    default:
      return undefined
  }
}

/** One sentence for `err`, in the current locale. */
export function errorSentence(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorLike
  const own = e.shortMessage ?? e.message ?? String(err)
  switch (e.name) {
    case 'UserRejectedError':
      return msg('You rejected the request in your wallet. Nothing was sent.', { id: 'err.rejected' })
    case 'InsufficientFundsError':
      return msg('Not enough funds in your wallet to pay for this and its fee.', { id: 'err.funds' })
    case 'WrongNetworkError': {
      const name = e.expectedChainName ?? ''
      return msg(str`Wrong network: switch your wallet to ${name}.`, { id: 'err.network' })
    }
    case 'WalletNotConnectedError':
      return msg('Connect a wallet first.', { id: 'err.noWallet' })
    case 'DevWalletUnavailableError':
      return msg('The dev wallet exists only on the local development chain.', { id: 'err.devWallet' })
    case 'RevealWindowClosedError':
      return msg('The reveal window has closed.', { id: 'err.c.RevealClosed' })
    case 'RevealNotOpenError':
      return msg('The reveal window is not open yet.', { id: 'err.c.RevealNotOpen' })
    case 'RpcUnreachableError':
      return msg('The blockchain node is unreachable. Check your connection and try again.', { id: 'err.rpc' })
    case 'VaultError':
      return msg(str`Your bid vault: ${own}`, { id: 'err.vault' })
    case 'ContractRevertError':
      return (
        (e.errorName && contractSentence(e.errorName)) ?? msg(str`The contract refused: ${own}`, { id: 'err.revert' })
      )
    case 'AbortError':
      return msg('Cancelled.', { id: 'err.aborted' })
    case 'PublishError': {
      // the stage's own failure, then what to do: the draft and every finished step are kept
      const why = e.cause === undefined ? own : errorSentence(e.cause)
      return `${why} ${msg('Your draft is kept: press Publish again to continue where it stopped.', { id: 'err.publish' })}`
    }
    case 'MediaPinError':
      return msg('Not enough relays could store the photos. Check your connection and try again.', {
        id: 'err.pin',
      })
    case 'DocumentPinError':
      return msg('Not enough relays could store the document. Check your connection and try again.', {
        id: 'err.pin.document',
      })
    default:
      return msg(str`Something went wrong: ${own}`, { id: 'err.unknown' })
  }
}
