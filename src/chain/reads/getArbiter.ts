/**
 * An arbiter's on-chain terms and track record in one call (`getArbiter`): whether listings may name it, the
 * largest fee it accepts, its profile CID, disputes received and how each ended. The app shows this before
 * anyone lists with, or bids under, that arbiter.
 */
import type { Address, ContractFunctionReturnType } from 'viem'
import type { soukMarketAbi } from '../abi/soukMarket.ts'
import type { SoukWagmiConfig } from '../config.ts'
import type { RpcUnreachableError, UnknownChainError } from '../errors.ts'
import { readMarket } from '../market.ts'

export type ArbiterView = ContractFunctionReturnType<typeof soukMarketAbi, 'view', 'getArbiter'>

export interface GetArbiterParameters {
  arbiter: Address
}

export type GetArbiterReturnType = ArbiterView & { address: Address }

export type GetArbiterErrorType = RpcUnreachableError | UnknownChainError

export async function getArbiter(
  wagmi: SoukWagmiConfig,
  { arbiter }: GetArbiterParameters,
): Promise<GetArbiterReturnType> {
  const [view] = (await readMarket(wagmi, [{ functionName: 'getArbiter', args: [arbiter] }] as const)) as [ArbiterView]
  return { ...view, address: arbiter }
}
