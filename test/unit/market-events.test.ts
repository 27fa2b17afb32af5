/**
 * `getMarketEvents` against a real anvil: a repeated read (order lists refresh with each block) asks the RPC
 * only for the blocks since the last one plus the newest `REORG_DEPTH`, and a chain whose history changed below
 * that (a reorganisation, a development chain reverted) is read again from the deploy block, so a log that is
 * no longer on chain is never served from memory.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { getMarketEvents, REORG_DEPTH } from '../../src/chain/market.ts'
import type { SoukWagmiConfig } from '../../src/chain/config.ts'
import { anvilRpc } from '../helpers/anvil.ts'
import { listingDoc, listOnChain, seller } from '../helpers/catalog.ts'

describe('getMarketEvents reads only new blocks, and everything again after a rewrite', { timeout: 120_000 }, () => {
  let stack: Stack
  let wagmi: SoukWagmiConfig
  let me: `0x${string}`
  const realFetch = globalThis.fetch
  /** Every JSON-RPC call the app sent while recording. */
  let calls: { method?: string; params?: { fromBlock?: string }[] }[] | undefined
  /** The `fromBlock` of each recorded eth_getLogs. */
  const fromBlocks = (recorded: NonNullable<typeof calls>): bigint[] =>
    recorded.flatMap((c) =>
      c.method === 'eth_getLogs' && c.params?.[0]?.fromBlock ? [BigInt(c.params[0].fromBlock)] : [],
    )

  const rpc = (method: string, params: unknown[] = []): Promise<unknown> =>
    anvilRpc(stack.config.chain.rpcUrls[0]!, method, params, realFetch)
  const mine = (blocks: number): Promise<unknown> => rpc('anvil_mine', [`0x${blocks.toString(16)}`])
  const head = async (): Promise<bigint> => BigInt(String(await rpc('eth_blockNumber')))
  const mineAndList = async (blocks: number, title: string): Promise<`0x${string}`> => {
    await mine(blocks)
    return (await listOnChain(wagmi, listingDoc(me, title))).encoded.contentHash
  }
  const hashesOfMyListings = async (): Promise<string[]> =>
    (await getMarketEvents(wagmi, 'ListingCreated', { seller: me })).map((l) => l.args.terms?.contentHash ?? '')

  before(async () => {
    stack = await startStack({ relays: 0 })
    ;({ wagmi, address: me } = await seller(stack.config, 1))
    // observe (not change) what the app asks anvil: the JSON-RPC bodies of its eth_getLogs calls
    globalThis.fetch = async (input, init) => {
      if (calls && typeof init?.body === 'string') {
        const parsed: unknown = JSON.parse(init.body)
        calls.push(...((Array.isArray(parsed) ? parsed : [parsed]) as NonNullable<typeof calls>))
      }
      return await realFetch(input, init)
    }
  })
  after(async () => {
    globalThis.fetch = realFetch
    await stack?.stop()
  })

  it('a second read asks only for the blocks since the first (and the newest REORG_DEPTH)', async () => {
    const a = await mineAndList(100, 'Walnut stool')
    assert.deepEqual(await hashesOfMyListings(), [a])
    const firstHead = await head()

    const b = await mineAndList(150, 'Walnut bench')
    calls = []
    assert.deepEqual(await hashesOfMyListings(), [a, b], 'the logs read before and the new one, in chain order')
    const asked = fromBlocks(calls)
    calls = undefined
    assert.ok(asked.length > 0, 'the second read asked the RPC nothing, so this test shows nothing')
    const lowest = asked.reduce((m, x) => (x < m ? x : m))
    assert.ok(
      lowest >= firstHead - REORG_DEPTH + 1n,
      `the second read went back to block ${lowest}; the first read had reached ${firstHead}`,
    )
  })

  it('a read with no new block checks its anchor block once and fetches no other block', async () => {
    const a = await mineAndList(80, 'Oak shelf')
    assert.ok((await hashesOfMyListings()).includes(a))
    calls = []
    assert.ok((await hashesOfMyListings()).includes(a))
    const asked = calls.map((c) => c.method)
    calls = undefined
    const blockReads = asked.filter((m) => m === 'eth_getBlockByNumber').length
    assert.equal(blockReads, 1, `a read at the same head asked for blocks ${blockReads} times (${asked.join(', ')})`)
  })

  it('after the chain was rewritten below the newest REORG_DEPTH blocks, a log no longer on chain is dropped', async () => {
    const before = await hashesOfMyListings()
    const snapshot = String(await rpc('evm_snapshot'))
    // the listing lies well below the newest REORG_DEPTH blocks when it is read
    const gone = await mineAndList(20, 'Oak chair (reverted)')
    await mine(100)
    assert.deepEqual(await hashesOfMyListings(), [...before, gone])

    assert.equal(await rpc('evm_revert', [snapshot]), true)
    const kept = await mineAndList(300, 'Oak chair')
    calls = []
    const after = await hashesOfMyListings()
    const asked = fromBlocks(calls)
    calls = undefined
    assert.deepEqual(after, [...before, kept], 'the reverted listing is still served, or the new one is missing')
    assert.ok(
      asked.some((from) => from <= stack.config.contracts.deployBlock!),
      'a rewritten history must be read again from the deploy block',
    )
  })
})
