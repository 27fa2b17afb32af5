/**
 * `registerArbiter(minFeeBps, minDisputeWindow, metadataCid)`: opt in as an arbiter (or change one's terms).
 * Listings may then name the caller if they pay it at least `minFeeBps` and give it at least
 * `minDisputeWindow` to decide; listings keep the terms they were created with. The first registration's time
 * is kept across re-registrations. `unregisterArbiter` stops new listings from naming it (those that already
 * do keep it).
 */
import { CID } from 'multiformats/cid'
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import { ContractRevertError, type MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'
import { MAX_WINDOW } from './createListing.ts'

/** The contract's cap on any arbiter fee (10%). */
export const MAX_ARBITER_FEE_BPS = 1_000
/** The contract's cap on the profile CID, in bytes. */
export const MAX_ARBITER_METADATA_BYTES = 128

export interface RegisterArbiterParameters {
  /** The smallest fee, in basis points of the price, a listing naming it must pay (0..1,000). */
  minFeeBps: number
  /** The shortest dispute window, in seconds, a listing naming it must give (0..365 days). */
  minDisputeWindow: number
  /** CID of the arbiter's public profile document. */
  metadataCid: string
  account?: Address
}

export interface RegisterArbiterReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type RegisterArbiterErrorType = MarketTxErrorType

/** True for a CID string the contract takes as a profile (parses, at most 128 bytes). */
export function isProfileCid(text: string): boolean {
  const bytes = new TextEncoder().encode(text).length
  if (bytes === 0 || bytes > MAX_ARBITER_METADATA_BYTES || text.trim() !== text) return false
  try {
    CID.parse(text)
    return true
  } catch {
    return false
  }
}

export async function registerArbiter(
  wagmi: SoukWagmiConfig,
  { minFeeBps, minDisputeWindow, metadataCid, account }: RegisterArbiterParameters,
): Promise<RegisterArbiterReturnType> {
  if (!Number.isInteger(minFeeBps) || minFeeBps < 0 || minFeeBps > MAX_ARBITER_FEE_BPS)
    throw new ContractRevertError('FeeTooHigh', [])
  if (!Number.isInteger(minDisputeWindow) || minDisputeWindow < 0 || minDisputeWindow > MAX_WINDOW)
    throw new ContractRevertError('WindowTooLong', [])
  if (!isProfileCid(metadataCid)) throw new ContractRevertError('InvalidMetadata', [])
  return await sendMarketTx(wagmi, {
    functionName: 'registerArbiter',
    args: [minFeeBps, minDisputeWindow, metadataCid],
    ...(account ? { account } : {}),
  })
}

export async function unregisterArbiter(
  wagmi: SoukWagmiConfig,
  { account }: { account?: Address } = {},
): Promise<RegisterArbiterReturnType> {
  return await sendMarketTx(wagmi, { functionName: 'unregisterArbiter', args: [], ...(account ? { account } : {}) })
}
