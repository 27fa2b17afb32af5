/**
 * The document a listing currently points at, and its content version: the hash of ListingCreated replaced by
 * each ContentHashUpdated (version = number of updates). `bid` and `buy` take the version the buyer saw;
 * `contentVersionOf` turns the content hash shown to the person into that version, or refuses when the seller
 * has changed the document since.
 */
import type { Hex } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import { ContractRevertError, type RpcUnreachableError, type UnknownChainError } from '../errors.ts'
import { getMarketEvents } from '../market.ts'

export interface GetListingContentParameters {
  listingId: bigint
}

export interface GetListingContentReturnType {
  /** The newest content hash. */
  contentHash: Hex
  /** 0 for the document of ListingCreated, +1 per update. */
  version: number
}

export type GetListingContentErrorType = ContractRevertError | RpcUnreachableError | UnknownChainError

export async function getListingContent(
  wagmi: SoukWagmiConfig,
  { listingId }: GetListingContentParameters,
): Promise<GetListingContentReturnType> {
  const [created, updates] = await Promise.all([
    getMarketEvents(wagmi, 'ListingCreated', { listingId }),
    getMarketEvents(wagmi, 'ContentHashUpdated', { listingId }),
  ])
  const terms = created[0]?.args.terms
  if (!terms) throw new ContractRevertError('UnknownListing', [])
  const latest = updates.at(-1)?.args.contentHash
  return { contentHash: latest ?? terms.contentHash, version: updates.length }
}

/**
 * The version to send with `bid` / `buy` for the document the person saw (`shown`), checked against the
 * listing's on-chain version. Throws ContractRevertError('ContentChanged') if the seller replaced the document
 * (or the logs are behind the chain); the contract refuses the same way if it happens after this check.
 */
export async function contentVersionOf(
  wagmi: SoukWagmiConfig,
  { listingId, shown, onChainVersion }: { listingId: bigint; shown: Hex; onChainVersion: number },
): Promise<number> {
  const { contentHash, version } = await getListingContent(wagmi, { listingId })
  if (contentHash.toLowerCase() !== shown.toLowerCase() || version !== onChainVersion)
    throw new ContractRevertError('ContentChanged', [])
  return version
}
