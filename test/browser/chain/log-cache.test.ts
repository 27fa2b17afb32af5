/**
 * The browser's log cache: a scan kept in IndexedDB survives a "reload" (a new cache object on the same
 * database), and the returning page asks the RPC only for blocks after what it kept. Runs against the real
 * anvil of the test stack; the transport only records the eth_getLogs ranges it forwards.
 */
import { expect } from '@open-wc/testing'
import { deleteDB } from 'idb'
import { createPublicClient, custom, http, type PublicClient } from 'viem'
import { idbLogCache } from '../../../src/chain/reads/idbLogCache.ts'
import { scanListingLogs, type ListingLog } from '../../../src/chain/reads/scanListingLogs.ts'
import { chainStack, rpc } from './helpers.ts'

function recordingClient(url: string, ranges: [bigint, bigint][]): PublicClient {
  const upstream = http(url)({ retryCount: 0 })
  return createPublicClient({
    transport: custom({
      async request({ method, params }: { method: string; params?: unknown }) {
        if (method === 'eth_getLogs') {
          const [filter] = params as [{ fromBlock: `0x${string}`; toBlock: `0x${string}` }]
          ranges.push([BigInt(filter.fromBlock), BigInt(filter.toBlock)])
        }
        return await upstream.request({ method, params } as Parameters<typeof upstream.request>[0])
      },
    }),
  })
}

const key = (l: ListingLog): string => `${l.kind}:${l.listingId}:${l.blockNumber}:${l.logIndex}`

describe('idbLogCache: a returning browser reads only new blocks', () => {
  it('keeps a scan in IndexedDB and resumes after a reload', async () => {
    const { config, market, rpcUrl } = await chainStack()
    const name = `souk-logs-test-${crypto.randomUUID()}`
    await deleteDB(name)
    const ranges: [bigint, bigint][] = []
    const client = recordingClient(rpcUrl, ranges)
    const direct = createPublicClient({ transport: http(rpcUrl) })
    const fromBlock = BigInt(config.contracts.deployBlock ?? 0)
    const scan = (toBlock: bigint, cache = idbLogCache<ListingLog>(name)) =>
      scanListingLogs(client, { market, fromBlock, toBlock, cache, confirmations: 0n, maxRange: 10n })

    const head = await direct.getBlockNumber({ cacheTime: 0 })
    const first = idbLogCache<ListingLog>(name)
    const firstLogs = await scan(head, first)
    first.close()
    expect(ranges.length).to.be.greaterThan(0)
    expect(ranges[0]![0]).to.equal(fromBlock)

    // "reload": a new cache object on the same database; meanwhile the chain moved on
    await rpc(rpcUrl, 'anvil_mine', ['0x5'])
    const newHead = await direct.getBlockNumber({ cacheTime: 0 })
    ranges.length = 0
    const reloaded = idbLogCache<ListingLog>(name)
    const again = await scan(newHead, reloaded)
    reloaded.close()
    expect(ranges.map(([a, b]) => [String(a), String(b)])).to.deep.equal([[String(head + 1n), String(newHead)]])
    const truth = await scanListingLogs(direct, { market, fromBlock, toBlock: newHead, maxRange: 1_000_000n })
    expect(again.map(key)).to.deep.equal(truth.map(key))
    expect(firstLogs.map(key)).to.deep.equal(truth.filter((l) => l.blockNumber <= head).map(key))
    await deleteDB(name)
  })
})
