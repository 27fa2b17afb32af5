/**
 * The trust index's `eth_getLogs`: every log of the market the trust records are made of (listings and their
 * arbiter sets, bids, sales, disputes, settlements, ratings, arbiter registrations), in one filter per slice
 * through `scanLogs` (slices public RPCs accept, adapting to their refusals), decoded into plain `TrustLog`
 * records. No cache here: trust-index.ts keeps what was read.
 */
import { getAbiItem, parseEventLogs, type Address, type Log, type PublicClient } from 'viem'
import { soukMarketAbi } from '../abi/soukMarket.ts'
import { toSoukChainError } from '../errors.ts'
import { scanLogs } from '../reads/scanLogs.ts'
import { ZERO_ADDRESS, type LogPosition, type TrustLog } from './trust-log.ts'

export const TRUST_EVENTS = [
  getAbiItem({ abi: soukMarketAbi, name: 'ListingCreated' }),
  getAbiItem({ abi: soukMarketAbi, name: 'BidPlaced' }),
  getAbiItem({ abi: soukMarketAbi, name: 'Purchased' }),
  getAbiItem({ abi: soukMarketAbi, name: 'Finalized' }),
  getAbiItem({ abi: soukMarketAbi, name: 'Disputed' }),
  getAbiItem({ abi: soukMarketAbi, name: 'EscrowSettled' }),
  getAbiItem({ abi: soukMarketAbi, name: 'Rated' }),
  getAbiItem({ abi: soukMarketAbi, name: 'ArbiterRegistered' }),
  getAbiItem({ abi: soukMarketAbi, name: 'ArbiterUnregistered' }),
] as const

export interface ScanTrustLogsParameters {
  market: Address
  fromBlock: bigint
  toBlock: bigint
  maxRange?: bigint | undefined
  concurrency?: number | undefined
  signal?: AbortSignal | undefined
  /** As in `scanLogs`: the finished prefix `[fromBlock, doneTo]` grew by `logs`. */
  onProgress?: ((doneTo: bigint, logs: TrustLog[]) => void | Promise<void>) | undefined
}

/** The trust logs of `[fromBlock, toBlock]` in chain order. Throws a SoukChainError if the RPC fails. */
export async function scanTrustLogs(client: PublicClient, p: ScanTrustLogsParameters): Promise<TrustLog[]> {
  const { onProgress } = p
  try {
    const raw = await scanLogs({
      getLogs: (from, to) => client.getLogs({ address: p.market, events: TRUST_EVENTS, fromBlock: from, toBlock: to }),
      fromBlock: p.fromBlock,
      toBlock: p.toBlock,
      ...(p.maxRange === undefined ? {} : { maxRange: p.maxRange }),
      ...(p.concurrency === undefined ? {} : { concurrency: p.concurrency }),
      ...(p.signal ? { signal: p.signal } : {}),
      ...(onProgress ? { onProgress: (doneTo: bigint, logs: Log[]) => onProgress(doneTo, decodeTrustLogs(logs)) } : {}),
    })
    return decodeTrustLogs(raw)
  } catch (err) {
    if (p.signal?.aborted) throw err
    throw toSoukChainError(err)
  }
}

/** Decodes raw logs of the market into trust records; logs of other events or that do not decode are dropped. */
export function decodeTrustLogs(raw: readonly Log[]): TrustLog[] {
  return parseEventLogs({ abi: TRUST_EVENTS, logs: [...raw], strict: true }).flatMap((log): TrustLog[] => {
    const stamp = (log as { blockTimestamp?: bigint | null }).blockTimestamp
    const at: LogPosition = {
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      ...(typeof stamp === 'bigint' && stamp > 0n ? { time: Number(stamp) } : {}),
    }
    switch (log.eventName) {
      case 'ListingCreated': {
        const t = log.args.terms
        return [
          {
            ...at,
            kind: 'listed',
            listingId: log.args.listingId,
            seller: log.args.seller,
            arbiters: [...t.arbiters],
            token: t.token,
            price: t.price,
            arbiterFeeBps: t.arbiterFeeBps,
          },
        ]
      }
      case 'BidPlaced':
        return [{ ...at, kind: 'bid', listingId: log.args.listingId, bidder: log.args.bidder }]
      case 'Purchased':
      case 'Finalized':
        // a Finalized log without a buyer is "no sale"
        return log.args.buyer === ZERO_ADDRESS
          ? []
          : [{ ...at, kind: 'sold', listingId: log.args.listingId, buyer: log.args.buyer, price: log.args.price }]
      case 'Disputed':
        return [
          { ...at, kind: 'disputed', listingId: log.args.listingId, buyer: log.args.buyer, arbiter: log.args.arbiter },
        ]
      case 'EscrowSettled': {
        const { listingId, outcome, toBuyer, toSeller, arbiterFee, protocolFee } = log.args
        return [{ ...at, kind: 'settled', listingId, outcome, toBuyer, toSeller, arbiterFee, protocolFee }]
      }
      case 'Rated': {
        const { listingId, rater, subject, score, review } = log.args
        return [{ ...at, kind: 'rated', listingId, rater, subject, score, review }]
      }
      case 'ArbiterRegistered': {
        const { arbiter, minFeeBps, minDisputeWindow, metadataCid } = log.args
        return [{ ...at, kind: 'registered', arbiter, minFeeBps, minDisputeWindow, metadataCid }]
      }
      case 'ArbiterUnregistered':
        return [{ ...at, kind: 'unregistered', arbiter: log.args.arbiter }]
      default:
        return []
    }
  })
}
