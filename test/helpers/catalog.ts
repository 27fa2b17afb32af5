/**
 * Shared by the catalog tests and bench: a seller with the dev wallet on an anvil account, listing documents,
 * and a catalog peer built like a browser's (Node client, memory stores).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPublicClient, http, type Address, type PublicClient } from 'viem'
import type { SoukConfig } from '../../src/core/config.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../src/chain/dev-wallet.ts'
import { connectWallet, selectDevAccount } from '../../src/chain/wallet.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { encodeListing, LISTING_SCHEMA, type ListingDocument } from '../../src/core/listing.ts'
import { ChainListings } from '../../src/p2p/catalog-chain.ts'
import { joinCatalog } from '../../src/p2p/catalog-snapshot.ts'
import type { Catalog } from '../../src/p2p/catalog.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { waitFor } from './wait.ts'

/** anvil's dev account 9: never a seller in these tests, named as arbiter. */
export const ARBITER: Address = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720'

export async function seller(config: SoukConfig, index: number): Promise<{ wagmi: SoukWagmiConfig; address: Address }> {
  const wagmi = createSoukWagmiConfig(config, {
    storage: null,
    multiInjectedProviderDiscovery: false,
    devAccountIndex: index,
  })
  await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
  const address = await selectDevAccount(wagmi, index)
  return { wagmi, address }
}

export function listingDoc(
  sellerAddress: Address,
  title: string,
  extra: Partial<ListingDocument> = {},
): ListingDocument {
  return {
    schema: LISTING_SCHEMA,
    title,
    description: `${title}, in good order`,
    category: 'home',
    condition: 'good',
    images: [],
    shipping: { from: 'Lisbon' },
    language: 'en',
    seller: sellerAddress,
    createdAt: 1_760_000_000_000,
    ...extra,
  }
}

/** Lists a document on chain (one day of bidding) and returns its id and encoding. */
export async function listOnChain(
  wagmi: SoukWagmiConfig,
  doc: ListingDocument,
): Promise<{ listingId: bigint; encoded: Awaited<ReturnType<typeof encodeListing>> }> {
  const encoded = await encodeListing(doc)
  const now = await getChainTime(wagmi)
  const { listingId } = await createListing(wagmi, {
    contentHash: encoded.contentHash,
    categoryId: 3,
    biddingEnd: now + 86_400,
    revealEnd: now + 2 * 86_400,
    price: 5_000_000n,
    arbiters: [ARBITER],
  })
  return { listingId, encoded }
}

export function publicClient(config: SoukConfig): PublicClient {
  return createPublicClient({ transport: http(config.chain.rpcUrls[0]!, { maxResponseBodySize: 64 * 1024 * 1024 }) })
}

export interface CatalogPeer {
  node: SoukNode
  catalog: Catalog
  stop(): Promise<void>
}

/** A peer like a browser: a Node client of the relays that joins the catalog (snapshot first by default). */
export async function catalogPeer(config: SoukConfig, opts: { snapshot?: boolean } = {}): Promise<CatalogPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'souk-catalog-'))
  const node = await createSoukNode({
    relays: config.relays,
    storage: 'memory',
    webrtc: false,
    reservations: 0,
    backoff: { minMs: 200, maxMs: 2_000 },
  })
  await waitFor('a relay connection', () => node.libp2p.getConnections().length > 0, { timeout: 15_000 })
  const chain = new ChainListings({
    client: publicClient(config),
    market: config.contracts.market,
    deployBlock: BigInt(config.contracts.deployBlock ?? 0),
    pollMs: 500,
  })
  const catalog = await joinCatalog({
    helia: node.helia,
    chain,
    chainId: config.chain.id,
    directory: join(dir, 'orbitdb'),
    ...(opts.snapshot === false ? { snapshot: false } : {}),
  })
  return {
    node,
    catalog,
    async stop() {
      await catalog.stop()
      await node.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
