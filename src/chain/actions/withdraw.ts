/** `withdraw(token, to)`: takes out everything the market credited to the caller in one currency. */
import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from 'viem'
import type { SoukWagmiConfig } from '../config.ts'
import type { MarketTxErrorType } from '../errors.ts'
import { marketOf, recipientOf, sendMarketTx, ZERO_ADDRESS } from '../market.ts'

export interface WithdrawParameters {
  /** The ERC-20; ETH when omitted. */
  token?: Address
  /** Recipient; the caller by default. */
  to?: Address
  account?: Address
}

export interface WithdrawReturnType {
  hash: Hash
  receipt: TransactionReceipt
  amount: bigint
}

export type WithdrawErrorType = MarketTxErrorType

export async function withdraw(
  wagmi: SoukWagmiConfig,
  { token, to, account }: WithdrawParameters = {},
): Promise<WithdrawReturnType> {
  const recipient = recipientOf(wagmi, to, account)
  const { hash, receipt } = await sendMarketTx(wagmi, {
    functionName: 'withdraw',
    args: [token ?? ZERO_ADDRESS, recipient],
    ...(account ? { account } : {}),
  })
  const [event] = parseEventLogs({ abi: marketOf(wagmi).abi, logs: receipt.logs, eventName: 'Withdrawn' })
  return { hash, receipt, amount: event?.args.amount ?? 0n }
}
