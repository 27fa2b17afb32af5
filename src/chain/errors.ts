/**
 * Errors a person can read. Every failure that leaves `src/chain/` is a `SoukChainError` subclass with a
 * one-line `shortMessage` for the UI and the original viem / wagmi / wallet error attached as `cause`.
 *
 * `toSoukChainError(err, context)` does the mapping; `withRetry(fn)` retries only what is worth retrying
 * (an RPC that did not answer).
 */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from 'viem'

export interface SoukChainErrorOptions {
  cause?: unknown
  details?: string
}

export class SoukChainError extends BaseError {
  override name = 'SoukChainError'

  constructor(shortMessage: string, { cause, details }: SoukChainErrorOptions = {}) {
    super(shortMessage, details ? { details } : {})
    // the original error as it came (a wallet's EIP-1193 error may be a plain object, which BaseError's
    // `cause` would not take); `walk()` follows it
    if (cause !== undefined) this.cause = cause
  }
}

/** The person declined the request in their wallet (EIP-1193 code 4001). */
export class UserRejectedError extends SoukChainError {
  override name = 'UserRejectedError'
  constructor(options: SoukChainErrorOptions = {}) {
    super('You rejected the request in your wallet.', options)
  }
}

export class InsufficientFundsError extends SoukChainError {
  override name = 'InsufficientFundsError'
  constructor(options: SoukChainErrorOptions = {}) {
    super('Not enough funds in your wallet to pay for this transaction and its gas.', options)
  }
}

/** The wallet is on another chain than the one this deployment lives on. */
export class WrongNetworkError extends SoukChainError {
  override name = 'WrongNetworkError'
  readonly expectedChainId: number
  readonly expectedChainName: string
  readonly actualChainId: number | undefined
  constructor(
    expected: { id: number; name: string },
    actualChainId: number | undefined,
    options: SoukChainErrorOptions = {},
  ) {
    super(
      `Wrong network: switch your wallet to ${expected.name}` +
        (actualChainId === undefined ? '.' : ` (it is on chain ${actualChainId}).`),
      options,
    )
    this.expectedChainId = expected.id
    this.expectedChainName = expected.name
    this.actualChainId = actualChainId
  }
}

export class WalletNotConnectedError extends SoukChainError {
  override name = 'WalletNotConnectedError'
  constructor(options: SoukChainErrorOptions = {}) {
    super('Connect a wallet first.', options)
  }
}

/** The dev wallet was asked for on a deployment that does not offer it (any chain but 31337). */
export class DevWalletUnavailableError extends SoukChainError {
  override name = 'DevWalletUnavailableError'
  constructor(options: SoukChainErrorOptions = {}) {
    super('The dev wallet only exists on the local development chain (31337).', options)
  }
}

const relativeTime = new Intl.RelativeTimeFormat('en', { numeric: 'always' })

/** "3 minutes ago", "in 2 hours": `seconds` is signed, negative for the past. */
export function formatRelative(seconds: number): string {
  const abs = Math.abs(seconds)
  if (abs < 60) return relativeTime.format(Math.round(seconds), 'second')
  if (abs < 3_600) return relativeTime.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return relativeTime.format(Math.round(seconds / 3_600), 'hour')
  return relativeTime.format(Math.round(seconds / 86_400), 'day')
}

/** A reveal after the listing's reveal deadline. */
export class RevealWindowClosedError extends SoukChainError {
  override name = 'RevealWindowClosedError'
  /** Unix seconds at which the window closed. */
  readonly revealEnd: number
  constructor(revealEnd: number, now: number, options: SoukChainErrorOptions = {}) {
    super(`Reveal window closed ${formatRelative(revealEnd - now)}.`, options)
    this.revealEnd = revealEnd
  }
}

/** A reveal before the bidding phase ended. */
export class RevealNotOpenError extends SoukChainError {
  override name = 'RevealNotOpenError'
  readonly revealStart: number
  constructor(revealStart: number, now: number, options: SoukChainErrorOptions = {}) {
    super(`The reveal window opens ${formatRelative(revealStart - now)}.`, options)
    this.revealStart = revealStart
  }
}

/** Sentences for the market's custom errors; the decoded name and arguments stay on the error. */
const CONTRACT_MESSAGES: Record<string, string> = {
  UnknownListing: 'This listing does not exist.',
  InvalidTerms: 'The listing terms are invalid.',
  ArbiterIsSeller: 'The arbiter cannot be the seller.',
  ArbiterNotRegistered: 'This address is not a registered arbiter.',
  FeeTooHigh: 'The arbiter fee is too high (at most 10%).',
  InvalidMetadata: 'The arbiter profile must be a CID of 1 to 128 bytes.',
  InvalidArbiters: 'Name one to three different arbiters.',
  FeeBelowArbiterMinimum: "The arbiter fee is below the minimum of one of the listing's arbiters.",
  WindowTooShort:
    "A window is too short: reveal at least 1 hour, confirm and dispute at least 1 day, and the dispute window at least each arbiter's minimum.",
  WindowTooLong: 'A window is too long (at most 365 days).',
  WrongArbiterSet: "Choose one of the listing's arbiters.",
  ArbiterIsBuyer: 'You cannot choose yourself as the arbiter.',
  InvalidProtocolFee: 'The protocol fee must be 0 to 1%.',
  NotClosed: 'You can rate once the sale is closed.',
  AlreadyRated: 'You already rated this.',
  NoArbiterDecision: 'The arbiter did not decide this sale, so there is nothing to rate.',
  TreasuryCannotTrade: 'The treasury cannot list, bid or arbitrate.',
  NotSeller: 'Only the seller can do this.',
  HasBids: 'The listing already has bids.',
  ListingClosed: 'This listing is closed.',
  NotAnAuction: 'This listing is not an auction.',
  NotBuyNow: 'This listing is not for sale at a fixed price.',
  WrongCurrency: 'Wrong currency for this listing.',
  InvalidAmount: 'Invalid amount.',
  BiddingClosed: 'Bidding on this listing has closed.',
  BidExists: 'You already bid on this listing.',
  DepositBelowReserve: 'The deposit must be at least the reserve price.',
  ContentChanged: 'The seller changed the listing since you opened it: review it again.',
  TooManyUpdates: 'This listing cannot be changed any more.',
  SellerOrArbiterCannotBid: 'The seller cannot bid on their own listing.',
  UnknownBid: 'No such bid.',
  RevealNotOpen: 'The reveal window is not open yet.',
  RevealClosed: 'The reveal window has closed.',
  AlreadyRevealed: 'This bid was already revealed.',
  DepositBelowAmount: 'The deposit is below the bid amount.',
  RevealNotOver: 'The reveal window is not over yet.',
  AlreadyFinalized: 'The auction is already finalized.',
  NotWinningBid: 'This is not the winning bid.',
  BidLocked: 'This bid cannot be withdrawn yet.',
  SellerOrArbiterCannotBuy: 'The seller cannot buy their own listing.',
  NotEscrowParty: 'Only the buyer or the seller of this sale can do this.',
  NotArbiter: 'Only the arbiter the buyer chose can decide this dispute.',
  NotBuyer: 'Only the buyer can do this.',
  EscrowNotOpen: 'The escrow is not open.',
  WrongEscrowStatus: 'The escrow is not in the right state for this.',
  DisputeExpired: 'The dispute window has expired.',
  ConfirmWindowClosed: 'The confirm window has closed.',
  TimeoutNotReached: 'The timeout has not been reached yet.',
  DeadlineTooFar: 'The deadline would be too far in the future.',
  SplitTooLarge: 'The split is larger than the escrowed amount.',
  NothingToWithdraw: 'Nothing to withdraw.',
  TokenAmountMismatch: 'The token amount does not match.',
  TooManyCurrencies: 'Too many currencies.',
  InvalidRecipient: 'The recipient address is invalid.',
  ReentrancyGuardReentrantCall: 'The contract refused a nested call.',
}

/** A contract custom error, decoded by name with its arguments. */
export class ContractRevertError extends SoukChainError {
  override name = 'ContractRevertError'
  readonly errorName: string
  readonly args: readonly unknown[]
  constructor(errorName: string, args: readonly unknown[], options: SoukChainErrorOptions = {}) {
    const sentence = CONTRACT_MESSAGES[errorName]
    const shown = args.length ? `${errorName}(${args.map(String).join(', ')})` : errorName
    super(sentence ? `${sentence} (${shown})` : `The contract refused: ${shown}.`, options)
    this.errorName = errorName
    this.args = args
  }
}

/** The chain's RPC did not answer (network down, node stopped, timeout). Worth retrying. */
export class RpcUnreachableError extends SoukChainError {
  override name = 'RpcUnreachableError'
  constructor(options: SoukChainErrorOptions = {}) {
    super('The blockchain node is unreachable. Check your connection and try again.', options)
  }
}

/** The vault could not read a file or find a bid secret. */
export class VaultError extends SoukChainError {
  override name = 'VaultError'
}

/** Anything else: the original short message, still with the cause attached. */
export class UnknownChainError extends SoukChainError {
  override name = 'UnknownChainError'
}

export interface ErrorContext {
  /** The configured chain, for "switch to <name>". */
  chain?: { id: number; name: string }
  /** ABI used to decode raw revert data that viem could not decode itself. */
  abi?: Abi
  /** The listing's reveal deadline and the chain's time, for "Reveal window closed 3 minutes ago". */
  revealEnd?: number
  now?: number
}

const RPC_UNREACHABLE = new Set(['HttpRequestError', 'TimeoutError', 'WebSocketRequestError', 'SocketClosedError'])

function codeOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'number' ? code : undefined
}

/** Every error in the cause chain, outermost first (works for viem BaseError and plain errors alike). */
function chainOf(err: unknown): unknown[] {
  const out: unknown[] = []
  let e: unknown = err
  while (e && out.length < 20 && !out.includes(e)) {
    out.push(e)
    e = (e as { cause?: unknown }).cause
  }
  return out
}

function nameOf(e: unknown): string {
  return (e as { name?: unknown } | null)?.name?.toString() ?? ''
}

function revertDataOf(e: unknown): Hex | undefined {
  const data = (e as { data?: unknown } | null)?.data
  if (typeof data === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(data)) return data as Hex
  if (typeof data === 'object' && data !== null) {
    const inner = (data as { data?: unknown }).data
    if (typeof inner === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(inner)) return inner as Hex
  }
  return undefined
}

/** Maps any error from viem, wagmi or a wallet to a `SoukChainError`. Already-mapped errors pass through. */
export function toSoukChainError(err: unknown, context: ErrorContext = {}): SoukChainError {
  if (err instanceof SoukChainError) return err
  const links = chainOf(err)
  const opts = { cause: err, details: detailsOf(err) }

  for (const e of links) {
    const name = nameOf(e)
    if (name === 'UserRejectedRequestError' || codeOf(e) === 4001) return new UserRejectedError(opts)
  }
  for (const e of links) {
    const name = nameOf(e)
    if (name === 'ChainMismatchError' || name === 'ConnectorChainMismatchError') {
      const m = /(?:current chain of the wallet|connector).*?\(id: (\d+)\)/i.exec(String((e as Error).message))
      return new WrongNetworkError(
        context.chain ?? { id: 0, name: 'the configured network' },
        m ? Number(m[1]) : undefined,
        opts,
      )
    }
    if (name === 'ConnectorNotConnectedError' || name === 'ConnectorAccountNotFoundError')
      return new WalletNotConnectedError(opts)
  }

  // contract custom errors
  for (const e of links) {
    if (e instanceof ContractFunctionRevertedError || nameOf(e) === 'ContractFunctionRevertedError') {
      const data = (e as ContractFunctionRevertedError).data
      if (data?.errorName && data.errorName !== 'Error' && data.errorName !== 'Panic')
        return contractError(data.errorName, data.args ?? [], context, opts)
      const raw = (e as ContractFunctionRevertedError).raw
      if (raw && context.abi) {
        const decoded = tryDecode(raw, context.abi)
        if (decoded) return contractError(decoded.errorName, decoded.args, context, opts)
      }
      const reason = (e as ContractFunctionRevertedError).reason
      if (reason) return new ContractRevertError(reason, [], opts)
    }
  }
  if (context.abi)
    for (const e of links) {
      const raw = revertDataOf(e)
      const decoded = raw && tryDecode(raw, context.abi)
      if (decoded) return contractError(decoded.errorName, decoded.args, context, opts)
    }

  for (const e of links) {
    const name = nameOf(e)
    if (name === 'InsufficientFundsError') return new InsufficientFundsError(opts)
    if (RPC_UNREACHABLE.has(name)) return new RpcUnreachableError(opts)
  }
  // wallets that forward node errors without viem's classification
  const text = links.map((e) => String((e as Error)?.message ?? e)).join('\n')
  if (/insufficient funds/i.test(text)) return new InsufficientFundsError(opts)
  if (/failed to fetch|fetch failed|network ?error|ECONNREFUSED/i.test(text)) return new RpcUnreachableError(opts)

  const short =
    err instanceof BaseError ? err.shortMessage : err instanceof Error ? err.message.split('\n')[0]! : String(err)
  return new UnknownChainError(short || 'Something went wrong with the blockchain request.', opts)
}

function tryDecode(data: Hex, abi: Abi): { errorName: string; args: readonly unknown[] } | undefined {
  try {
    const r = decodeErrorResult({ abi, data })
    return { errorName: r.errorName, args: (r.args ?? []) as readonly unknown[] }
  } catch {
    return undefined
  }
}

function contractError(
  errorName: string,
  args: readonly unknown[],
  context: ErrorContext,
  opts: SoukChainErrorOptions,
): SoukChainError {
  if (errorName === 'RevealClosed' && context.revealEnd !== undefined && context.now !== undefined)
    return new RevealWindowClosedError(context.revealEnd, context.now, opts)
  return new ContractRevertError(errorName, args, opts)
}

function detailsOf(err: unknown): string | undefined {
  if (err instanceof BaseError) return err.details || err.shortMessage
  if (err instanceof Error) return err.message
  return undefined
}

export interface WithRetryOptions {
  /** Attempts after the first (default 3). */
  retries?: number
  /** First delay in ms, doubled each time (default 500). */
  delay?: number
  /** Which errors to retry; by default only an unreachable RPC. */
  shouldRetry?: (error: SoukChainError) => boolean
  /** Called before each retry, e.g. to show "retrying in 2 s". */
  onRetry?: (error: SoukChainError, attempt: number, delayMs: number) => void
  signal?: AbortSignal
}

/** Runs `fn`, retrying with exponential backoff while the RPC is unreachable; throws the mapped error. */
export async function withRetry<T>(fn: () => Promise<T>, options: WithRetryOptions = {}): Promise<T> {
  const { retries = 3, delay = 500, shouldRetry = (e) => e instanceof RpcUnreachableError, onRetry, signal } = options
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      const mapped = toSoukChainError(err)
      if (attempt >= retries || !shouldRetry(mapped) || signal?.aborted) throw mapped
      const wait = delay * 2 ** attempt
      onRetry?.(mapped, attempt + 1, wait)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait)
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(t)
            resolve()
          },
          { once: true },
        )
      })
    }
  }
}

/** What any market transaction can fail with. */
export type MarketTxErrorType =
  | UserRejectedError
  | InsufficientFundsError
  | WrongNetworkError
  | WalletNotConnectedError
  | ContractRevertError
  | RpcUnreachableError
  | UnknownChainError
