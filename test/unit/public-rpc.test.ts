/**
 * Reads against an RPC that behaves like a free public endpoint: a real anvil with the contracts, behind the
 * JSON-RPC proxy process of test/helpers/rpc-proxy.ts (block-range cap, results cap, 429s, 5xx answers).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  keccak256,
  toHex,
  type Address,
  type PublicClient,
} from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { ANVIL_MNEMONIC, deployContracts, type Deployment } from '../../scripts/deploy.ts'
import { freePort, startAnvil, type Anvil } from '../../scripts/lib/processes.ts'
import { installMulticall3 } from '../../scripts/lib/multicall3.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { createSoukWagmiConfig } from '../../src/chain/config.ts'
import { readMarket } from '../../src/chain/market.ts'
import { memoryLogCache, type LogCache } from '../../src/chain/reads/logCache.ts'
import { rangeRefusal } from '../../src/chain/reads/scanLogs.ts'
import { scanListingLogs, type ListingLog } from '../../src/chain/reads/scanListingLogs.ts'
import type { SoukConfig } from '../../src/core/config.ts'
import { startRpcProxy, type RpcProxy } from '../helpers/rpc-proxy.ts'

const seller = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 })

describe('log scans and reads through a public-like RPC (proxy in front of anvil)', () => {
  let anvil: Anvil
  let deployment: Deployment
  let direct: PublicClient
  const proxies: RpcProxy[] = []
  let listed = 0

  const clientOf = (url: string): PublicClient =>
    createPublicClient({ chain: { ...foundry, rpcUrls: { default: { http: [url] } } }, transport: http(url) })

  /** `count` listings, one block each, from the seller. */
  async function list(count: number): Promise<void> {
    const wallet = createWalletClient({ account: seller, chain: foundry, transport: http(anvil.rpcUrl) })
    const now = Number((await direct.getBlock()).timestamp)
    let last: `0x${string}` | undefined
    for (let i = 0; i < count; i++)
      last = await wallet.writeContract({
        address: deployment.market,
        abi: soukMarketAbi,
        functionName: 'list',
        args: [
          {
            contentHash: keccak256(toHex(`doc ${listed++}`)),
            categoryId: 1,
            buyNow: false,
            biddingEnd: now + 864_000,
            revealEnd: now + 2 * 864_000,
            price: 1_000n,
            token: deployment.token!,
            arbiters: [deployment.arbiter!],
            arbiterFeeBps: 100,
            confirmWindow: 86_400,
            disputeWindow: 2 * 86_400, // the dev arbiter's minimum (scripts/deploy.ts)
          },
        ],
      })
    if (last) assert.equal((await direct.waitForTransactionReceipt({ hash: last })).status, 'success')
  }

  const mine = async (blocks: number): Promise<void> => {
    await createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) }).mine({ blocks })
  }

  /** Ground truth: the listing events anvil itself has, in one call. */
  async function truth(from: bigint, to: bigint): Promise<string[]> {
    const logs = await scanListingLogs(direct, {
      market: deployment.market,
      fromBlock: from,
      toBlock: to,
      maxRange: 1_000_000n,
    })
    return logs.map(key)
  }
  const key = (l: ListingLog): string => `${l.kind}:${l.listingId}:${l.blockNumber}:${l.logIndex}`

  before(async () => {
    anvil = await startAnvil()
    direct = clientOf(anvil.rpcUrl)
    deployment = await deployContracts({ rpcUrl: anvil.rpcUrl })
    await installMulticall3(anvil.rpcUrl)
    // a sparse stretch, a dense one (more listings than the results cap in a few blocks), a long empty one
    await list(3)
    await mine(300)
    await list(25)
    await mine(600)
    await list(4)
  })

  after(async () => {
    await Promise.all(proxies.map((p) => p.proc.stop()))
    await anvil?.proc.stop()
  })

  const proxy = async (o: Parameters<typeof startRpcProxy>[0]): Promise<RpcProxy> => {
    const p = await startRpcProxy(o)
    proxies.push(p)
    return p
  }

  it('reads every listing log despite a block-range cap, a results cap, 429s and 5xx answers', async () => {
    const p = await proxy({
      upstream: anvil.rpcUrl,
      maxBlockRange: 50,
      maxResults: 10,
      rate: 20,
      burst: 2,
      errorRate: 0.08,
      seed: 7,
    })
    const head = await direct.getBlockNumber({ cacheTime: 0 })
    const from = BigInt(deployment.deployBlock)
    const got = await scanListingLogs(clientOf(p.url), { market: deployment.market, fromBlock: from, toBlock: head })
    assert.deepEqual(got.map(key), await truth(from, head))
    assert.equal(got.filter((l) => l.kind === 'created').length, 32)
    const stats = await p.stats()
    const refused = (o: string) => stats.getLogs.filter((g) => g.outcome === o).length
    assert.ok(refused('range') >= 1, 'the 2,000-block first slice was refused as too wide')
    // after the refusal the scan uses the width the RPC named, instead of being refused slice after slice
    assert.ok(refused('range') <= 4, `range refusals: ${refused('range')} (the width did not adapt)`)
    assert.ok(refused('results') >= 1, 'the dense stretch hit the results cap')
    assert.ok(
      stats.getLogs.filter((g) => g.outcome === 'ok').every((g) => g.to - g.from + 1 <= 50),
      'every answered slice is within the cap',
    )
    assert.ok(stats.rateLimited >= 1, 'the rate limit answered 429 at least once (and was retried)')
    assert.ok(stats.serverErrors >= 1, 'some requests got a 5xx (and were retried)')
  })

  it('reads the refusal messages of the common public RPCs', () => {
    const range: [bigint, bigint] = [0x100n, 0x1000n]
    const alchemy = new Error(
      'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size',
    )
    assert.deepEqual(rangeRefusal(alchemy, range), { reason: 'results', suggested: 2_000n })
    const infura = new Error('query returned more than 10000 results. Try with this block range [0x100, 0x1f3].')
    assert.deepEqual(rangeRefusal(infura, range), { reason: 'results', suggested: 0xf4n })
    assert.deepEqual(rangeRefusal(new Error('block range is too large'), range), { reason: 'range' })
    assert.deepEqual(rangeRefusal(new Error('exceed maximum block range: 50000'), range), {
      reason: 'range',
      suggested: 50_000n,
    })
    assert.equal(rangeRefusal(new Error('HTTP request failed. Status: 429 Too Many Requests'), range), undefined)
    assert.equal(rangeRefusal(new Error('execution reverted'), range), undefined)
  })

  it('resumes an interrupted scan from its cache, and a returning reader asks only for new blocks', async () => {
    const p = await proxy({ upstream: anvil.rpcUrl, maxBlockRange: 50 })
    const client = clientOf(p.url)
    const memory = memoryLogCache<ListingLog>()
    const from = BigInt(deployment.deployBlock)
    const head = await direct.getBlockNumber({ cacheTime: 0 })
    // interrupted after the first cached stretch: the abort comes from inside the cache write
    const abort = new AbortController()
    const interrupting: LogCache<ListingLog> = {
      ...memory,
      append: async (...args) => {
        await memory.append(...args)
        abort.abort(new Error('tab closed'))
      },
    }
    await assert.rejects(
      scanListingLogs(client, {
        market: deployment.market,
        fromBlock: from,
        toBlock: head,
        cache: interrupting,
        confirmations: 0n,
        concurrency: 1,
        signal: abort.signal,
      }),
      /tab closed|abort/i,
    )
    const partial = await memory.load(`31337:${deployment.market.toLowerCase()}:listings-v1`)
    assert.ok(partial && partial.toBlock >= from && partial.toBlock < head, 'part of the range was kept')

    await p.resetStats()
    const resumed = await scanListingLogs(client, {
      market: deployment.market,
      fromBlock: from,
      toBlock: head,
      cache: memory,
      confirmations: 0n,
    })
    assert.deepEqual(resumed.map(key), await truth(from, head))
    let stats = await p.stats()
    assert.ok(
      stats.getLogs.every((g) => BigInt(g.from) > partial.toBlock),
      `the resumed scan started after block ${partial.toBlock}: ${JSON.stringify(stats.getLogs.slice(0, 3))}`,
    )

    // later: new blocks and a new listing; only those blocks are asked for
    await mine(30)
    await list(1)
    const newHead = await direct.getBlockNumber({ cacheTime: 0 })
    await p.resetStats()
    const again = await scanListingLogs(client, {
      market: deployment.market,
      fromBlock: from,
      toBlock: newHead,
      cache: memory,
      confirmations: 0n,
    })
    assert.deepEqual(again.map(key), await truth(from, newHead))
    stats = await p.stats()
    assert.deepEqual(
      stats.getLogs.map((g) => [g.from, g.to]),
      [[Number(head) + 1, Number(newHead)]],
      'one call, for the new blocks only',
    )
  })

  it('keeps the unconfirmed head out of the cache, so it is read again', async () => {
    const p = await proxy({ upstream: anvil.rpcUrl })
    const client = clientOf(p.url)
    const memory = memoryLogCache<ListingLog>()
    const from = BigInt(deployment.deployBlock)
    const head = await direct.getBlockNumber({ cacheTime: 0 })
    await scanListingLogs(client, { market: deployment.market, fromBlock: from, toBlock: head, cache: memory })
    await p.resetStats()
    await scanListingLogs(client, { market: deployment.market, fromBlock: from, toBlock: head, cache: memory })
    const stats = await p.stats()
    assert.deepEqual(
      stats.getLogs.map((g) => [g.from, g.to]),
      [[Number(head) - 63, Number(head)]],
      'the last 64 blocks again, nothing before',
    )
  })

  it('falls back past a dead RPC and batches reads through Multicall3', async () => {
    const p = await proxy({ upstream: anvil.rpcUrl })
    const dead = `http://127.0.0.1:${await freePort()}`
    const config: SoukConfig = {
      chain: {
        id: 31337,
        name: 'Anvil',
        rpcUrls: [dead, p.url],
        multicall3: '0xcA11bde05977b3631167028862bE2a173976CA11',
      },
      contracts: { market: deployment.market, deployBlock: deployment.deployBlock },
      relays: [],
    }
    const wagmi = createSoukWagmiConfig(config, {
      storage: null,
      multiInjectedProviderDiscovery: false,
      rankRpcs: false,
    })
    const [count, first] = await readMarket(wagmi, [
      { functionName: 'listingCount', args: [] },
      { functionName: 'getListing', args: [1n] },
    ] as const)
    assert.equal(count, BigInt(listed))
    assert.equal((first as { seller: Address }).seller, seller.address)
    const stats = await p.stats()
    assert.equal(stats.callTargets['0xca11bde05977b3631167028862be2a173976ca11'], 1, 'one eth_call, to Multicall3')
    assert.equal(stats.callTargets[deployment.market.toLowerCase()], undefined, 'no direct call to the market')
  })
})
