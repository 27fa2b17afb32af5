/**
 * What every action and read shares: the market contract of the configured chain, the chain's clock, and the
 * one path every market transaction takes (wallet check → simulate → send → receipt), so errors are mapped
 * the same way everywhere.
 */
import {
  getBlock,
  getBlockNumber,
  getConnection,
  getContractEvents,
  multicall,
  readContract,
  simulateContract,
  waitForTransactionReceipt,
  writeContract,
} from '@wagmi/core'
import type {
  Abi,
  Address,
  ChainContract,
  ContractEventName,
  ContractFunctionArgs,
  ContractFunctionName,
  GetContractEventsParameters,
  GetContractEventsReturnType,
  Hash,
  TransactionReceipt,
} from 'viem'
import { stringify } from 'viem'
import { soukMarketAbi } from './abi/soukMarket.ts'
import { configuredChain, type SoukWagmiConfig } from './config.ts'
import { toSoukChainError, WalletNotConnectedError, WrongNetworkError, type ErrorContext } from './errors.ts'
import { scanLogs } from './reads/scanLogs.ts'

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000' as const

export interface MarketContract {
  address: Address
  abi: typeof soukMarketAbi
  chainId: number
  /** First block worth scanning for logs. */
  deployBlock: bigint
}

/** A contract of the chain object given by its address (viem also allows one address per source chain). */
function isChainContract(
  c: ChainContract | { [sourceId: number]: ChainContract | undefined } | undefined,
): c is ChainContract {
  return c !== undefined && 'address' in c && typeof c.address === 'string'
}

export function marketOf(wagmi: SoukWagmiConfig): MarketContract {
  const chain = configuredChain(wagmi)
  const market = chain.contracts?.soukMarket
  if (!isChainContract(market))
    throw new Error('The wagmi config was not built by createSoukWagmiConfig (no soukMarket contract).')
  return {
    address: market.address,
    abi: soukMarketAbi,
    chainId: chain.id,
    deployBlock: BigInt(market.blockCreated ?? 0),
  }
}

/** The dev stablecoin of this deployment, if there is one. */
export function tokenOf(wagmi: SoukWagmiConfig): Address | undefined {
  const token = configuredChain(wagmi).contracts?.soukToken
  return isChainContract(token) ? token.address : undefined
}

/**
 * The chain's time now (unix seconds): what the contract will compare deadlines with in a transaction sent now.
 * The pending block's timestamp where the node has one (an idle anvil's latest block can be minutes old; its
 * pending block carries its clock), never behind the latest block's.
 */
export async function getChainTime(wagmi: SoukWagmiConfig): Promise<number> {
  const chainId = configuredChain(wagmi).id
  const [pending, latest] = await Promise.allSettled([
    getBlock(wagmi, { chainId, blockTag: 'pending' }),
    getBlock(wagmi, { chainId, blockTag: 'latest' }),
  ])
  if (latest.status === 'rejected' && pending.status === 'rejected') throw latest.reason
  return Math.max(...[pending, latest].flatMap((r) => (r.status === 'fulfilled' ? [Number(r.value.timestamp)] : [])))
}

/**
 * The account that will sign: `account` if given (must be one the wallet exposes), else the wallet's active
 * account. Throws unless a wallet is connected on the configured chain.
 */
export function signerOf(wagmi: SoukWagmiConfig, account?: Address): Address {
  const c = getConnection(wagmi)
  if (c.status !== 'connected' || !c.address) throw new WalletNotConnectedError()
  const chain = configuredChain(wagmi)
  if (c.chainId !== chain.id) throw new WrongNetworkError(chain, c.chainId)
  if (account && !c.addresses?.some((a) => a.toLowerCase() === account.toLowerCase()))
    throw new WalletNotConnectedError({ details: `the wallet does not expose ${account}` })
  return account ?? c.address
}

/**
 * Where a payout goes: `to`, else the signing account. Without a usable wallet it answers the zero address
 * and leaves the readable error to `sendMarketTx`, which checks the wallet before anything is sent.
 */
export function recipientOf(wagmi: SoukWagmiConfig, to?: Address, account?: Address): Address {
  if (to) return to
  try {
    return signerOf(wagmi, account)
  } catch {
    return ZERO_ADDRESS
  }
}

type WriteName = ContractFunctionName<typeof soukMarketAbi, 'nonpayable' | 'payable'>
/** The arguments of write `name` (always a tuple; the intersection says so where `name` is still generic). */
type WriteArgs<name extends WriteName> = ContractFunctionArgs<typeof soukMarketAbi, 'nonpayable' | 'payable', name> &
  readonly unknown[]

/** One market transaction: a write function of the market ABI and its arguments, checked at each call site. */
export interface MarketWrite<name extends WriteName, args extends WriteArgs<name> = WriteArgs<name>> {
  functionName: name
  args: args
  value?: bigint
  account?: Address
}

export interface MarketTxResult {
  hash: Hash
  receipt: TransactionReceipt
}

export interface SendMarketTxHooks {
  /** Called as soon as the wallet returned the transaction hash (before the receipt). */
  onHash?: (hash: Hash) => void | Promise<void>
  errorContext?: ErrorContext
}

/**
 * Simulates the call (so a revert comes back decoded, whatever the wallet does with errors), sends it through
 * the wallet and waits for the receipt. Every failure is a SoukChainError.
 */
export async function sendMarketTx<name extends WriteName, const args extends WriteArgs<name>>(
  wagmi: SoukWagmiConfig,
  write: MarketWrite<name, args>,
  hooks: SendMarketTxHooks = {},
): Promise<MarketTxResult> {
  const chain = configuredChain(wagmi)
  const market = marketOf(wagmi)
  const context: ErrorContext = { chain, abi: market.abi, ...hooks.errorContext }
  try {
    const account = signerOf(wagmi, write.account)
    // `write` was checked against the market ABI at the call site (MarketWrite); viem's parameter types cannot
    // follow a function name that is still generic here, so the call is made under the ABI's general type.
    const abi: Abi = market.abi
    const { request } = await simulateContract(wagmi, {
      abi,
      address: market.address,
      functionName: write.functionName,
      args: write.args,
      account,
      chainId: chain.id,
      ...(write.value === undefined ? {} : { value: write.value }),
    })
    const hash = await writeContract(wagmi, { ...request, account, chainId: chain.id })
    await hooks.onHash?.(hash)
    const receipt = await waitForTransactionReceipt(wagmi, { hash, chainId: chain.id })
    if (receipt.status !== 'success') throw new Error(`Transaction ${hash} reverted in block ${receipt.blockNumber}`)
    return { hash, receipt }
  } catch (err) {
    throw toSoukChainError(err, context)
  }
}

type ReadName = ContractFunctionName<typeof soukMarketAbi, 'view' | 'pure'>

/**
 * One market read: a view function of the market ABI and its arguments. Without a name it is the union of every
 * view with its own arguments, so each read in a list is checked against its function.
 */
export type MarketRead<name extends ReadName = ReadName> = name extends ReadName
  ? { functionName: name; args: ContractFunctionArgs<typeof soukMarketAbi, 'view' | 'pure', name> }
  : never

/**
 * Several market reads at once: one Multicall3 call when the chain has Multicall3 configured, otherwise
 * parallel `eth_call`s that the batching HTTP transport sends as one JSON-RPC batch request. Throws the first
 * failure (mapped). The results come back in the order of `reads`, decoded with the ABI.
 */
export async function readMarket(
  wagmi: SoukWagmiConfig,
  reads: readonly MarketRead[],
  { blockNumber }: { blockNumber?: bigint } = {},
): Promise<readonly unknown[]> {
  const market = marketOf(wagmi)
  const chain = configuredChain(wagmi)
  // Each read was checked against the market ABI where it was written (MarketRead); a list of different
  // functions goes to wagmi under the ABI's general type, whose results are `unknown` until the caller reads them.
  const abi: Abi = market.abi
  const contracts = reads.map((r) => ({
    abi,
    address: market.address,
    functionName: r.functionName,
    args: r.args,
    chainId: chain.id,
  }))
  try {
    if (chain.contracts?.multicall3)
      return await multicall(wagmi, {
        contracts,
        allowFailure: false,
        chainId: chain.id,
        ...(blockNumber === undefined ? {} : { blockNumber }),
      })
    return await Promise.all(
      contracts.map((c) => readContract(wagmi, { ...c, ...(blockNumber === undefined ? {} : { blockNumber }) })),
    )
  } catch (err) {
    throw toSoukChainError(err, { chain, abi: market.abi })
  }
}

type MarketAbi = typeof soukMarketAbi

type MarketEvent = ContractEventName<MarketAbi>

/** What a scan of one event (and filter) read: its logs up to `toBlock`, and the block they stand on. */
interface EventScan<name extends MarketEvent> {
  toBlock: bigint
  /** The block `REORG_DEPTH` below `toBlock` and its hash: the next scan keeps the logs up to it if it is unchanged. */
  anchor: { number: bigint; hash: Hash } | undefined
  logs: GetContractEventsReturnType<MarketAbi, name>
}

/** The scans of one wagmi config (one chain, one market): per event, per filter. */
type EventScans = { [name in MarketEvent]: Map<string, EventScan<name>> }

/** One map per event of the ABI, written out so that an event added to the contract must be added here. */
function noScans(): EventScans {
  return {
    ArbiterRegistered: new Map(),
    ArbiterUnregistered: new Map(),
    BidPlaced: new Map(),
    BidRevealed: new Map(),
    BidWithdrawn: new Map(),
    ContentHashUpdated: new Map(),
    Disputed: new Map(),
    EscrowSettled: new Map(),
    Finalized: new Map(),
    ListingCancelled: new Map(),
    ListingCreated: new Map(),
    Purchased: new Map(),
    Rated: new Map(),
    Shipped: new Map(),
    Withdrawn: new Map(),
  }
}

/**
 * Blocks below the head that may still be replaced by a reorganisation: the logs of the newest `REORG_DEPTH`
 * blocks are read again on every scan. Below that, logs are kept while the anchor block's hash is unchanged
 * (a deeper reorganisation, or a development chain started afresh, reads everything again).
 */
export const REORG_DEPTH = 64n

const eventScans = new WeakMap<SoukWagmiConfig, EventScans>()

/**
 * Every `eventName` log of the market (filtered by its indexed `args`) from its deploy block to the newest
 * head. A repeated call (order lists refresh with each block) reads only the blocks since the last one, plus
 * the newest `REORG_DEPTH`, instead of the market's whole history.
 */
export async function getMarketEvents<const name extends ContractEventName<MarketAbi>>(
  wagmi: SoukWagmiConfig,
  eventName: name,
  args?: GetContractEventsParameters<MarketAbi, name>['args'],
): Promise<GetContractEventsReturnType<MarketAbi, name>> {
  const chain = configuredChain(wagmi)
  const market = marketOf(wagmi)
  const byEvent = eventScans.get(wagmi) ?? noScans()
  eventScans.set(wagmi, byEvent)
  const scans: Map<string, EventScan<name>> = byEvent[eventName]
  const key = stringify(args ?? null)
  try {
    // the newest head (no cached value), so a log of a transaction just confirmed is included
    const head = await getBlockNumber(wagmi, { chainId: chain.id, cacheTime: 0 })
    const previous = scans.get(key)
    const held = previous && previous.toBlock <= head && (await anchorHolds(wagmi, chain.id, previous.anchor))
    const resume = held ? previous.toBlock - REORG_DEPTH + 1n : market.deployBlock
    const from = resume > market.deployBlock ? resume : market.deployBlock
    const kept = from > market.deployBlock && previous ? previous.logs.filter((l) => l.blockNumber < from) : []
    const fresh = await scanLogs({
      getLogs: (fromBlock, toBlock) =>
        getContractEvents(wagmi, {
          abi: market.abi,
          address: market.address,
          eventName,
          ...(args === undefined ? {} : { args }),
          fromBlock,
          toBlock,
          chainId: chain.id,
        }),
      fromBlock: from,
      toBlock: head,
    })
    const logs = [...kept, ...fresh]
    const anchorNumber = head - REORG_DEPTH
    // no new block since the last scan: the anchor just checked is still the one to stand on
    const anchor =
      held && previous.anchor?.number === anchorNumber
        ? previous.anchor
        : anchorNumber >= market.deployBlock
          ? {
              number: anchorNumber,
              hash: (await getBlock(wagmi, { chainId: chain.id, blockNumber: anchorNumber })).hash,
            }
          : undefined
    scans.set(key, { toBlock: head, anchor, logs })
    return logs
  } catch (err) {
    throw toSoukChainError(err, { chain })
  }
}

/** Whether the block a scan stood on is still the chain's block at that height. */
async function anchorHolds(
  wagmi: SoukWagmiConfig,
  chainId: number,
  anchor: EventScan<MarketEvent>['anchor'],
): Promise<boolean> {
  if (!anchor) return false
  const block = await getBlock(wagmi, { chainId, blockNumber: anchor.number })
  return block.hash === anchor.hash
}
