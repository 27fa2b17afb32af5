/**
 * `registerArbiter(maxFeeBps, metadataCid)`: opt in as an arbiter (or change one's terms). Listings may then
 * name the caller and pay it at most `maxFeeBps` for deciding a dispute. `unregisterArbiter` stops new listings
 * from naming it (the ones that already do keep it).
 */
import type { Address, Hash, TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import { ContractRevertError, type MarketTxErrorType } from '../errors.ts'
import { sendMarketTx } from '../market.ts'

/** The contract's cap on any arbiter fee (10%). */
export const MAX_ARBITER_FEE_BPS = 1_000
/** The contract's cap on the profile CID, in bytes. */
export const MAX_ARBITER_METADATA_BYTES = 128

export interface RegisterArbiterParameters {
  /** The largest fee, in basis points of the price, a listing may pay (0..1,000). */
  maxFeeBps: number
  /** CID of the arbiter's public profile document. */
  metadataCid: string
  account?: Address
}

export interface RegisterArbiterReturnType {
  hash: Hash
  receipt: TransactionReceipt
}

export type RegisterArbiterErrorType = MarketTxErrorType

export async function registerArbiter(
  wagmi: SoukWagmiConfig,
  { maxFeeBps, metadataCid, account }: RegisterArbiterParameters,
): Promise<RegisterArbiterReturnType> {
  if (!Number.isInteger(maxFeeBps) || maxFeeBps < 0 || maxFeeBps > MAX_ARBITER_FEE_BPS)
    throw new ContractRevertError('FeeTooHigh', [])
  const bytes = new TextEncoder().encode(metadataCid).length
  if (bytes === 0 || bytes > MAX_ARBITER_METADATA_BYTES) throw new ContractRevertError('InvalidMetadata', [])
  return await sendMarketTx(wagmi, {
    functionName: 'registerArbiter',
    args: [maxFeeBps, metadataCid],
    ...(account ? { account } : {}),
  })
}

export async function unregisterArbiter(
  wagmi: SoukWagmiConfig,
  { account }: { account?: Address } = {},
): Promise<RegisterArbiterReturnType> {
  return await sendMarketTx(wagmi, { functionName: 'unregisterArbiter', args: [], ...(account ? { account } : {}) })
}
