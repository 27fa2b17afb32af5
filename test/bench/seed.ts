/**
 * Seeding shared by the benchmarks: N real listings on anvil (documents from @faker-js/faker, English and
 * Chinese), many transactions per block, and their documents by listing id so a catalog peer can put them.
 */
import { fakerEN, fakerZH_CN, type Faker } from '@faker-js/faker'
import { encodeFunctionData, type Address, type Hex } from 'viem'
import type { Stack } from '../../scripts/lib/stack.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { scanListingLogs } from '../../src/chain/reads/scanListingLogs.ts'
import { CATEGORIES, CONDITIONS, encodeListing, LISTING_SCHEMA, type ListingDocument } from '../../src/core/listing.ts'
import { ARBITER, catalogPeer, publicClient } from '../helpers/catalog.ts'
import { waitFor } from '../helpers/wait.ts'
import { metric } from '../unit/relay-helpers.ts'

// anvil's dev accounts 1–8 sell; 9 is the arbiter
export const SELLERS: Address[] = [
  '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
  '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc',
  '0x976EA74026E726554dB657fA54763abd0C3a0aa9',
  '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955',
  '0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f',
]

let rpcId = 1
/** A JSON-RPC batch straight to anvil (its dev accounts sign `eth_sendTransaction`). */
export async function rpc<T>(url: string, calls: { method: string; params: unknown[] }[]): Promise<T[]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: rpcId++, ...c }))),
  })
  const body = (await res.json()) as { result?: T; error?: { message: string } }[]
  const bad = body.find((b) => b.error)
  if (bad) throw new Error(bad.error!.message)
  return body.map((b) => b.result as T)
}

export function fakeListing(faker: Faker, seller: Address, i: number, language: string): ListingDocument {
  return {
    schema: LISTING_SCHEMA,
    title: faker.commerce.productName().slice(0, 140),
    description: faker.commerce.productDescription().slice(0, 2_000),
    category: CATEGORIES[1 + (i % (CATEGORIES.length - 1))]!,
    condition: CONDITIONS[i % CONDITIONS.length]!,
    images: [],
    shipping: { from: faker.location.city() },
    language,
    seller,
    createdAt: 1_760_000_000_000 + i,
  }
}

/** Lists `n` fake documents on anvil (automine off, batches of 500 per block); documents by listing id. */
export async function seedChain(stack: Stack, n: number): Promise<{ docs: Map<string, Uint8Array>; ms: number }> {
  const rpcUrl = stack.anvil.rpcUrl
  const market = stack.deployment!.market
  const token = stack.deployment!.token
  if (token === undefined) throw new Error('seeding needs the test token the local deploy provides')
  const [block] = await rpc<{ timestamp: Hex }>(rpcUrl, [{ method: 'eth_getBlockByNumber', params: ['latest', false] }])
  const now = Number(BigInt(block!.timestamp))
  fakerEN.seed(7)
  fakerZH_CN.seed(7)
  const byHash = new Map<string, Uint8Array>()
  const txs: { from: Address; data: Hex }[] = []
  for (let i = 0; i < n; i++) {
    const seller = SELLERS[i % SELLERS.length]!
    const zh = i % 10 < 3
    const doc = fakeListing(zh ? fakerZH_CN : fakerEN, seller, i, zh ? 'zh-Hans' : 'en')
    const encoded = await encodeListing(doc)
    byHash.set(encoded.contentHash, encoded.bytes)
    const buyNow = i % 10 === 9
    const biddingEnd = now + 3_600 + ((i * 7919) % (14 * 86_400))
    const terms = {
      contentHash: encoded.contentHash,
      categoryId: CATEGORIES.indexOf(doc.category),
      buyNow,
      biddingEnd,
      revealEnd: buyNow ? biddingEnd : biddingEnd + 86_400,
      price: BigInt(1 + ((i * 104_729) % 2_000)) * 1_000_000n,
      token: i % 4 === 0 ? ('0x0000000000000000000000000000000000000000' as Address) : token,
      arbiters: [ARBITER],
      arbiterFeeBps: 100,
      confirmWindow: 7 * 86_400,
      disputeWindow: 7 * 86_400,
    }
    txs.push({ from: seller, data: encodeFunctionData({ abi: soukMarketAbi, functionName: 'list', args: [terms] }) })
  }
  const start = performance.now()
  // many transactions per block: automine off, a JSON-RPC batch of sends, then mine until the pool is empty
  await rpc(rpcUrl, [
    { method: 'evm_setAutomine', params: [false] },
    { method: 'evm_setBlockGasLimit', params: ['0x3b9aca00'] },
  ])
  const nonces = new Map<Address, number>()
  for (const s of SELLERS) {
    const [nonce] = await rpc<Hex>(rpcUrl, [{ method: 'eth_getTransactionCount', params: [s, 'pending'] }])
    nonces.set(s, Number(BigInt(nonce!)))
  }
  for (let i = 0; i < txs.length; i += 500) {
    await rpc(
      rpcUrl,
      txs.slice(i, i + 500).map(({ from, data }) => {
        const nonce = nonces.get(from)!
        nonces.set(from, nonce + 1)
        return {
          method: 'eth_sendTransaction',
          params: [{ from, to: market, data, gas: '0x3d090', nonce: `0x${nonce.toString(16)}` }],
        }
      }),
    )
    await rpc(rpcUrl, [{ method: 'evm_mine', params: [] }])
  }
  for (;;) {
    const [status] = await rpc<{ pending: Hex }>(rpcUrl, [{ method: 'txpool_status', params: [] }])
    if (BigInt(status!.pending) === 0n) break
    await rpc(rpcUrl, [{ method: 'evm_mine', params: [] }])
  }
  await rpc(rpcUrl, [{ method: 'evm_setAutomine', params: [true] }])
  const logs = await scanListingLogs(publicClient(stack.config), {
    market,
    fromBlock: BigInt(stack.deployment!.deployBlock),
    toBlock: await publicClient(stack.config).getBlockNumber(),
  })
  const docs = new Map<string, Uint8Array>()
  for (const l of logs) if (l.kind === 'created') docs.set(l.listingId.toString(), byHash.get(l.contentHash)!)
  if (docs.size !== n) throw new Error(`${docs.size} of ${n} listings were created on chain`)
  return { docs, ms: performance.now() - start }
}

/**
 * Puts the documents into the catalog from a seller peer (a Node client of the relays) and waits until the
 * first relay has verified all of them. The caller stops the returned peer.
 */
export async function seedCatalog(
  stack: Stack,
  docs: Map<string, Uint8Array>,
): Promise<{ writer: Awaited<ReturnType<typeof catalogPeer>>; putMs: number; relayMs: number }> {
  const writer = await catalogPeer(stack.config, { snapshot: false })
  const start = performance.now()
  for (const [id, bytes] of docs) await writer.catalog.put(id, { bytes })
  const putMs = performance.now() - start
  await waitFor(
    `the relay to verify ${docs.size} listings`,
    async () => (await metric(stack.relays[0]!.http, 'souk_relay_catalog_listings')) === docs.size,
    { timeout: 600_000, interval: 500 },
  )
  return { writer, putMs, relayMs: performance.now() - start }
}
