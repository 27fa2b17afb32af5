/**
 * How the catalog reads the chain, against the real thing (anvil with the market, a relay, the JSON-RPC proxy
 * process with fault injection): every configured RPC through a ranked fallback, so a dead or failing first
 * endpoint does not stop verification; and auction phases on the chain's clock, not the device's.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicClient, createTestClient, http } from 'viem'
import { freePort } from '../../scripts/lib/processes.ts'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { statusOf } from '../../src/core/catalog.ts'
import { catalogTransport, rankRpcUrls } from '../../src/engine/catalog-transport.ts'
import { ChainListings } from '../../src/p2p/catalog-chain.ts'
import { catalogPeer, listingDoc, listOnChain, publicClient, seller, type CatalogPeer } from '../helpers/catalog.ts'
import { startRpcProxy, type RpcProxy } from '../helpers/rpc-proxy.ts'
import { waitFor } from '../helpers/wait.ts'

describe('the catalog’s chain reads', () => {
  let stack: Stack
  let failing: RpcProxy
  let dead: string
  const peers: CatalogPeer[] = []
  const chains: ChainListings[] = []
  before(async () => {
    stack = await startStack({ relays: 1 })
    // every request answered 502/503, as an overloaded public endpoint does
    failing = await startRpcProxy({ upstream: stack.anvil.rpcUrl, errorRate: 1 })
    // nothing listens there
    dead = `http://127.0.0.1:${await freePort()}/`
  })
  after(async () => {
    for (const c of chains) c.stop()
    for (const p of peers) await p.stop().catch(() => {})
    await failing?.proc.stop()
    await stack?.stop()
  })

  test('ranking puts the endpoints that answer first, fastest first, the rest in their configured order', async () => {
    const ranked = await rankRpcUrls([dead, failing.url, stack.anvil.rpcUrl], { signal: AbortSignal.timeout(10_000) })
    assert.deepEqual(ranked, [stack.anvil.rpcUrl, dead, failing.url])
    assert.deepEqual(await rankRpcUrls([dead]), [dead], 'one endpoint is not probed')
  })

  test('a dead and a failing endpoint before the working one do not stop the listings from verifying', async () => {
    const alice = await seller(stack.config, 1)
    const { listingId, encoded } = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Copper kettle'))
    await failing.resetStats()
    // not ranked: the worst order, every read tries the dead one and the failing one first
    const chain = new ChainListings({
      client: createPublicClient({ transport: catalogTransport([dead, failing.url, stack.anvil.rpcUrl]) }),
      market: stack.config.contracts.market,
      deployBlock: BigInt(stack.config.contracts.deployBlock ?? 0),
      pollMs: 0,
    })
    chains.push(chain)
    await chain.start(AbortSignal.timeout(30_000))
    const record = chain.get(listingId.toString())
    assert.equal(record?.contentHash, encoded.contentHash)
    const stats = await failing.stats()
    assert.ok(stats.serverErrors > 0, 'the failing endpoint was never asked')
  })

  test('phases follow the chain’s clock: a listing whose bidding ended on chain is no longer open', async () => {
    const bob = await seller(stack.config, 2)
    const peer = await catalogPeer(stack.config)
    peers.push(peer)
    const { listingId, encoded } = await listOnChain(bob.wagmi, listingDoc(bob.address, 'Oak stool'))
    const id = listingId.toString()
    await peer.catalog.put(listingId, encoded)
    await peer.catalog.whenListed(id, AbortSignal.timeout(15_000))
    assert.equal(peer.catalog.search.get(id)?.status, 'open')

    // the chain moves past the end of bidding (one day); this machine's clock does not
    const client = publicClient(stack.config)
    const anvil = createTestClient({ mode: 'anvil', transport: http(stack.anvil.rpcUrl) })
    await anvil.increaseTime({ seconds: 86_400 + 60 })
    await anvil.mine({ blocks: 1 })
    const latest = await client.getBlock({ blockTag: 'latest' })
    await waitFor(
      'the peer’s search to show the listing as revealing',
      () => peer.catalog.search.get(id)?.status === 'revealing',
      { timeout: 15_000 },
    )
    assert.ok(peer.catalog.now >= Number(latest.timestamp), 'the catalog’s clock is behind the latest block')
    const record = peer.catalog.verified.get(id)!.record
    assert.equal(statusOf(record, Math.floor(Date.now() / 1000)), 'open', 'the device clock would still say open')
    const hits = peer.catalog.search.search({ text: 'oak stool', now: peer.catalog.now, status: ['revealing'] }).hits
    assert.deepEqual(
      hits.map((h) => h.id),
      [id],
    )
  })
})
