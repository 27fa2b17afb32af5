/**
 * ERC-20 approval for the market, sent only when the current allowance is too small (token listings pull
 * the bid deposit or the price with transferFrom).
 */
import { readContract, simulateContract, waitForTransactionReceipt, writeContract } from '@wagmi/core'
import { erc20Abi, type Address, type Hash, type TransactionReceipt } from 'viem'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import { toSoukChainError, type MarketTxErrorType } from '../errors.ts'
import { marketOf, signerOf } from '../market.ts'

export interface ApproveTokenParameters {
  token: Address
  /** The amount the market must be able to pull. */
  amount: bigint
  /** Defaults to the market. */
  spender?: Address
  account?: Address
}

export interface ApproveTokenReturnType {
  /** undefined when the allowance was already enough and nothing was sent. */
  hash: Hash | undefined
  receipt: TransactionReceipt | undefined
  allowance: bigint
}

export type ApproveTokenErrorType = MarketTxErrorType

export async function approveToken(
  wagmi: SoukWagmiConfig,
  { token, amount, spender, account }: ApproveTokenParameters,
): Promise<ApproveTokenReturnType> {
  const chain = configuredChain(wagmi)
  const to = spender ?? marketOf(wagmi).address
  try {
    const owner = signerOf(wagmi, account)
    const allowance = await readContract(wagmi, {
      abi: erc20Abi,
      address: token,
      functionName: 'allowance',
      args: [owner, to],
      chainId: chain.id,
    })
    if (allowance >= amount) return { hash: undefined, receipt: undefined, allowance }
    const { request } = await simulateContract(wagmi, {
      abi: erc20Abi,
      address: token,
      functionName: 'approve',
      args: [to, amount],
      account: owner,
      chainId: chain.id,
    })
    const hash = await writeContract(wagmi, { ...request, account: owner, chainId: chain.id })
    const receipt = await waitForTransactionReceipt(wagmi, { hash, chainId: chain.id })
    if (receipt.status !== 'success') throw new Error(`Approval ${hash} reverted`)
    return { hash, receipt, allowance: amount }
  } catch (err) {
    throw toSoukChainError(err, { chain })
  }
}
