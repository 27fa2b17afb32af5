/**
 * `dispute(listingId, arbiters, arbiter)`: the buyer opens a dispute (before shipping or within the confirm
 * window) and chooses the arbiter from the listing's set, which then has the dispute window to decide. The set
 * must be named exactly as listed: it is read from the listing's ListingCreated log. Only the buyer disputes
 * (contracts v3); the seller's remedies are `refund` and, after the confirm window, `claimTimeout`.
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import { ContractRevertError, type MarketTxErrorType } from '../errors.ts'
import { sendMarketTx, signerOf } from '../market.ts'
import { getArbiterSet } from '../reads/getArbiterSets.ts'

export interface DisputeParameters {
  listingId: bigint
  /** The chosen arbiter: one of the listing's set, not the buyer itself. */
  arbiter: Address
  account?: Address
}

export interface DisputeReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type DisputeErrorType = MarketTxErrorType

export async function dispute(
  wagmi: SoukWagmiConfig,
  { listingId, arbiter, account }: DisputeParameters,
): Promise<DisputeReturnType> {
  const arbiters = await getArbiterSet(wagmi, { listingId })
  if (!arbiters.some((a) => a.toLowerCase() === arbiter.toLowerCase()))
    throw new ContractRevertError(arbiters.length ? 'WrongArbiterSet' : 'UnknownListing', [])
  let buyer: Address | undefined
  try {
    buyer = signerOf(wagmi, account)
  } catch {
    // sendMarketTx says why the wallet cannot sign
  }
  if (buyer?.toLowerCase() === arbiter.toLowerCase()) throw new ContractRevertError('ArbiterIsBuyer', [])
  return await sendMarketTx(wagmi, {
    functionName: 'dispute',
    args: [listingId, arbiters, arbiters.find((a) => a.toLowerCase() === arbiter.toLowerCase())!],
    ...(account ? { account } : {}),
  })
}
