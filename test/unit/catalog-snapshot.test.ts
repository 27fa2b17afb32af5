/**
 * `readSnapshot` against a hostile relay's snapshot: a CAR crafted here, checked against a chain view (real
 * `ChainListings` over a real anvil, seeded with the records the market's logs would fold into). Every bad
 * listing is refused and counted, the index's rows are cut to the good ones, a row that lies about its text is
 * re-indexed from the document and every auction field is taken from chain.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { CarWriter } from '@ipld/car/writer'
import * as dagCbor from '@ipld/dag-cbor'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { createPublicClient, http, type Address } from 'viem'
import { startAnvil, type Anvil } from '../../scripts/lib/processes.ts'
import { applyListingLogs, searchEntryOf, type ListingLogInput, type ListingRecord } from '../../src/core/catalog.ts'
import { encodeListing, type ListingDocument } from '../../src/core/listing.ts'
import { CatalogSearch } from '../../src/core/search.ts'
import { ChainListings } from '../../src/p2p/catalog-chain.ts'
import {
  CATALOG_SNAPSHOT_FORMAT,
  CATALOG_SNAPSHOT_VERSION,
  CatalogSnapshotError,
  fetchCatalogSnapshot,
  readSnapshot,
  serveCatalogSnapshot,
  type SnapshotTimings,
} from '../../src/p2p/catalog-snapshot.ts'
import { listingDoc } from '../helpers/catalog.ts'
import { createLibp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { webSockets } from '@libp2p/websockets'
import { lpStream } from '@libp2p/utils'
import { CATALOG_SNAPSHOT_PROTOCOL } from '../../src/p2p/protocols.ts'

const MARKET: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const ALICE: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const BOB: Address = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const TOKEN: Address = '0x0000000000000000000000000000000000000000'

async function car(root: unknown, blocks: { cid: CID; bytes: Uint8Array }[]): Promise<Uint8Array> {
  const rootBytes = dagCbor.encode(root)
  const rootCid = CID.createV1(dagCbor.code, await sha256.digest(rootBytes))
  const { writer, out } = CarWriter.create([rootCid])
  const chunks: Uint8Array[] = []
  const collected = (async () => {
    for await (const c of out) chunks.push(c)
  })()
  await writer.put({ cid: rootCid, bytes: rootBytes })
  for (const b of blocks) await writer.put(b)
  await writer.close()
  await collected
  return Uint8Array.from(chunks.flatMap((c) => [...c]))
}

describe('snapshot checks', () => {
  let anvil: Anvil
  let chain: ChainListings
  const now = Math.floor(Date.now() / 1000)
  const docs: Record<string, ListingDocument> = {}
  const encoded: Record<string, Awaited<ReturnType<typeof encodeListing>>> = {}
  const records = new Map<string, ListingRecord>()

  before(async () => {
    anvil = await startAnvil()
    const names = ['lamp', 'copy', 'cancelled', 'old', 'new', 'thief', 'unknown', 'tampered']
    for (const n of names) {
      docs[n] = listingDoc(n === 'thief' ? BOB : ALICE, `Brass ${n}`)
      encoded[n] = await encodeListing(docs[n]!)
    }
    const created = (id: bigint, hash: `0x${string}`): ListingLogInput => ({
      kind: 'created',
      listingId: id,
      blockNumber: 1n,
      seller: ALICE,
      contentHash: hash,
      categoryId: 3,
      buyNow: false,
      biddingEnd: now + 86_400,
      revealEnd: now + 2 * 86_400,
      price: 7_000_000n,
      token: TOKEN,
    })
    applyListingLogs(records, [
      created(1n, encoded.lamp!.contentHash),
      created(2n, encoded.copy!.contentHash),
      created(3n, encoded.cancelled!.contentHash),
      { kind: 'cancelled', listingId: 3n, blockNumber: 2n },
      created(4n, encoded.old!.contentHash),
      { kind: 'updated', listingId: 4n, blockNumber: 2n, contentHash: encoded.new!.contentHash },
      // listed by Alice, but the document names Bob
      created(5n, encoded.thief!.contentHash),
      created(7n, encoded.tampered!.contentHash),
    ])
    chain = new ChainListings({
      client: createPublicClient({ transport: http(anvil.rpcUrl) }),
      market: MARKET,
      deployBlock: 0n,
      pollMs: 0,
    })
    // the records as the market's logs fold them, up to a block far past anvil's head (no scan needed)
    chain.seed(records.values(), 1_000_000_000n, now)
  })
  after(async () => {
    chain?.stop()
    await anvil?.proc.stop()
  })

  async function hostileSnapshot(overrides: Record<string, unknown> = {}): Promise<Uint8Array> {
    const e = encoded
    const tamperedBytes = Uint8Array.from(e.tampered!.bytes)
    tamperedBytes[tamperedBytes.length - 1]! ^= 1
    const listings: [string, CID][] = [
      ['1', e.lamp!.cid],
      ['2', e.lamp!.cid], // a real document under another id
      ['3', e.cancelled!.cid],
      ['4', e.old!.cid], // superseded on chain
      ['5', e.thief!.cid],
      ['6', e.unknown!.cid], // no such listing
      ['7', e.tampered!.cid], // bytes that do not hash to the CID
    ]
    const search = new CatalogSearch()
    for (const [id, cid] of listings) {
      const name = Object.keys(e).find((k) => e[k]!.cid.equals(cid))!
      const record = records.get(id) ?? { ...records.get('1')!, id }
      search.upsert(searchEntryOf(record, docs[name]!, now))
    }
    // the good listing's row lies about its title, price, currency and status
    search.upsert({
      id: '1',
      doc: { ...docs.lamp!, title: 'Solid platinum lamp' },
      state: { price: 1n, currency: 'ETH-but-not', status: 'ended', biddingEnd: 1, bids: 99 },
    })
    const searchBytes = new TextEncoder().encode(JSON.stringify(search))
    const searchCid = CID.createV1(raw.code, await sha256.digest(searchBytes))
    const blocks = [
      ...['lamp', 'cancelled', 'old', 'thief', 'unknown'].map((n) => ({ cid: e[n]!.cid, bytes: e[n]!.bytes })),
      { cid: e.tampered!.cid, bytes: tamperedBytes },
      { cid: searchCid, bytes: searchBytes },
    ]
    const root = {
      format: CATALOG_SNAPSHOT_FORMAT,
      version: CATALOG_SNAPSHOT_VERSION,
      chainId: 31337,
      market: MARKET.toLowerCase(),
      block: '1',
      listings,
      heads: [],
      entries: [],
      search: searchCid,
      ...overrides,
    }
    return await car(root, blocks)
  }

  test('only the listing the chain backs is imported; the index row is corrected from document and chain', async () => {
    const timings: SnapshotTimings = {}
    const read = await readSnapshot(await hostileSnapshot(), { chain, chainId: 31337, market: MARKET, timings })
    assert.deepEqual([...read.listings.keys()], ['1'])
    assert.equal(read.rejected, 6)
    assert.equal(read.listings.get('1')!.doc.title, 'Brass lamp')
    assert.ok(read.search)
    assert.deepEqual([...read.search.ids()], ['1'])
    const row = read.search.get('1')!
    assert.equal(row.title, 'Brass lamp')
    assert.equal(row.price, 7_000_000n)
    assert.equal(row.currency, 'ETH')
    assert.equal(row.status, 'open')
    assert.equal(row.biddingEnd, now + 86_400)
    assert.equal(row.bids, 0)
    assert.deepEqual(
      read.search.search({ text: 'platinum', now }).hits.map((h) => h.id),
      [],
      'the forged title is still searchable',
    )
    for (const phase of ['parse', 'documents', 'index', 'heads', 'chain', 'check'] as const)
      assert.equal(typeof timings[phase], 'number', `phase ${phase} not timed`)
  })

  test('a snapshot of another market or chain, or not a CAR, is refused', async () => {
    const other = await hostileSnapshot({ market: '0x0000000000000000000000000000000000000001' })
    await assert.rejects(readSnapshot(other, { chain, chainId: 31337, market: MARKET }), CatalogSnapshotError)
    await assert.rejects(
      readSnapshot(await hostileSnapshot(), { chain, chainId: 1, market: MARKET }),
      CatalogSnapshotError,
    )
    await assert.rejects(
      readSnapshot(new Uint8Array([1, 2, 3]), { chain, chainId: 31337, market: MARKET }),
      CatalogSnapshotError,
    )
  })
})

describe('snapshot transfer', () => {
  test('the relay sends nothing until the asker reads, so a slow asker does not lose the snapshot', async () => {
    const node = (listen: string[]) =>
      createLibp2p({
        addresses: { listen },
        transports: [webSockets()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
      })
    const relay = await node(['/ip4/127.0.0.1/tcp/0/ws'])
    const asker = await node([])
    try {
      // larger than yamux's 4 MiB read buffer: sent unasked to a reader not attached yet, it reset the stream
      const snapshot = new Uint8Array(8 * 1024 * 1024).map((_, i) => i % 251)
      await relay.handle(CATALOG_SNAPSHOT_PROTOCOL, (stream) => void serveCatalogSnapshot(stream, async () => snapshot))
      const stream = await asker.dialProtocol(relay.getMultiaddrs()[0]!, CATALOG_SNAPSHOT_PROTOCOL)
      // a busy asker: nothing read for a second, and nothing arrived meanwhile
      await new Promise((r) => setTimeout(r, 1_000))
      assert.equal(stream.readBufferLength, 0, 'the relay waited to be asked')
      const lp = lpStream(stream, { maxDataLength: 16 * 1024 * 1024, maxBufferSize: 16 * 1024 * 1024 + 16 })
      stream.send(new Uint8Array([1]))
      const got = (await lp.read({ signal: AbortSignal.timeout(15_000) })).subarray()
      assert.deepEqual(got, snapshot)
      // and the real asker gets it too
      assert.equal((await fetchCatalogSnapshot(asker, relay.peerId)).byteLength, snapshot.byteLength)
    } finally {
      await asker.stop()
      await relay.stop()
    }
  })
})
