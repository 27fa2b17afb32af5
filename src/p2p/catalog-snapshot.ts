/**
 * Fast bootstrap: a relay's catalog as one content-addressed CAR, fetched by a fresh browser in one transfer
 * over `/souk/catalog-snapshot/1.0.0`, instead of replaying the OrbitDB log entry by entry.
 *
 * The CAR's root (dag-cbor) names the chain and market, the verified listings (`[id, document CID]`), the log's
 * heads and the hashes of the log entries the relay holds, and the search index (a raw block of
 * `CatalogSearch.toJSON()`). Its blocks are the listing documents, the head entries and the index.
 *
 * Nothing in it is trusted: every block must hash to its CID, every listing must be live on chain with exactly
 * that document as its content hash (a document's CID *is* its on-chain content hash), and the index is cut
 * down to the verified listings, with text rows that disagree with their document re-indexed and all auction
 * state taken from chain. The browser then opens the log at the snapshot's heads and replicates only what
 * came after; whatever it holds ends up equal to what full replication would verify.
 */
import { CarBufferReader } from '@ipld/car/buffer-reader'
import { CarWriter } from '@ipld/car/writer'
import * as dagCbor from '@ipld/dag-cbor'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { base58btc } from 'multiformats/bases/base58'
import { sha256 } from 'multiformats/hashes/sha2'
import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { BaseError } from 'viem'
import { decodeListingBytes, hashListingBytes, judgeListing, searchEntryOf, toHex } from '../core/catalog.ts'
import type { ListingDocument } from '../core/listing.ts'
import { CatalogSearch } from '../core/search.ts'
import { Catalog, type CatalogOptions, type ImportedSnapshot } from './catalog.ts'
import type { ChainListings } from './catalog-chain.ts'
import { abortQuietly, withDeadline } from './frames.ts'
import { sleep } from './messaging/wire.ts'
import { CATALOG_SNAPSHOT_PROTOCOL, CATALOG_SNAPSHOT_TIMEOUT_MS, MAX_CATALOG_SNAPSHOT_BYTES } from './protocols.ts'

export const CATALOG_SNAPSHOT_FORMAT = 'souk/catalog-snapshot'
export const CATALOG_SNAPSHOT_VERSION = 1

export class CatalogSnapshotError extends BaseError {
  override name = 'CatalogSnapshotError'
  constructor(shortMessage: string, options: { cause?: Error; details?: string } = {}) {
    super(`Catalog snapshot refused: ${shortMessage}`, options)
  }
}

interface SnapshotRoot {
  format: string
  version: number
  chainId: number
  market: string
  block: string
  listings: [string, CID][]
  heads: string[]
  entries: string[]
  search: CID
}

/** The relay side: the catalog's verified listings, log heads and search index as one CAR. */
export async function buildSnapshot(catalog: Catalog, chainId: number, market: string): Promise<Uint8Array> {
  const blocks: { cid: CID; bytes: Uint8Array }[] = []
  const listings: [string, CID][] = []
  for (const [id, v] of catalog.verified) {
    listings.push([id, v.cid])
    blocks.push({ cid: v.cid, bytes: v.bytes })
  }
  const heads = await catalog.db.log.heads()
  for (const h of heads) {
    const bytes = (await catalog.db.log.storage.get(h.hash)) as Uint8Array | undefined
    if (bytes) blocks.push({ cid: CID.parse(h.hash, base58btc), bytes })
  }
  const searchBytes = new TextEncoder().encode(JSON.stringify(catalog.search))
  const searchCid = CID.createV1(raw.code, await sha256.digest(searchBytes))
  blocks.push({ cid: searchCid, bytes: searchBytes })
  const root: SnapshotRoot = {
    format: CATALOG_SNAPSHOT_FORMAT,
    version: CATALOG_SNAPSHOT_VERSION,
    chainId,
    market: market.toLowerCase(),
    block: catalog.scannedBlock.toString(),
    listings,
    heads: heads.map((h) => h.hash),
    entries: [...catalog.entries],
    search: searchCid,
  }
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
  const total = chunks.reduce((n, c) => n + c.byteLength, 0)
  const car = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    car.set(c, at)
    at += c.byteLength
  }
  return car
}

export interface ReadSnapshotOptions {
  chain: ChainListings
  chainId: number
  market: string
  signal?: AbortSignal
  /** Filled with the milliseconds each phase took (`SnapshotPhase`), for benchmarks and the sync state. */
  timings?: SnapshotTimings
}

/**
 * Phases of a snapshot bootstrap, in order; each is the time it took in ms. `chain` is only the wait for the
 * chain's logs after everything that needs no chain was done: the scan itself starts before the snapshot is
 * fetched and overlaps the phases before `chain`. `check` is the chain's verdict on
 * every listing and the index's rows set from chain.
 */
export type SnapshotPhase = 'fetch' | 'parse' | 'documents' | 'index' | 'heads' | 'chain' | 'check' | 'open'
/** Milliseconds by phase, and `bytes`: the snapshot's size. */
export type SnapshotTimings = Partial<Record<SnapshotPhase | 'bytes', number>>

/** Times the phases of one bootstrap: `lap(phase)` records the time since the previous lap. */
function lapper(timings: SnapshotTimings | undefined): (phase: SnapshotPhase) => void {
  let last = performance.now()
  return (phase) => {
    const now = performance.now()
    if (timings) timings[phase] = (timings[phase] ?? 0) + (now - last)
    last = now
  }
}

export interface ReadSnapshotResult extends ImportedSnapshot {
  /** Listings named by the snapshot that the chain does not back (dropped). */
  rejected: number
}

/** The browser side: checks a snapshot against the chain and returns what `Catalog.open` imports. */
export async function readSnapshot(car: Uint8Array, o: ReadSnapshotOptions): Promise<ReadSnapshotResult> {
  const lap = lapper(o.timings)
  let reader: CarBufferReader
  try {
    reader = CarBufferReader.fromBytes(car)
  } catch (err) {
    throw new CatalogSnapshotError('not a CAR', { cause: err as Error })
  }
  const [rootCid] = reader.getRoots()
  if (!rootCid) throw new CatalogSnapshotError('no root')
  // one pass over the CAR: CarBufferReader.get scans every block for each lookup, quadratic at 10,000 listings
  const blocks = new Map<string, Uint8Array>()
  for (const b of reader.blocks()) blocks.set(b.cid.toString(), b.bytes)
  const block = async (cid: CID): Promise<Uint8Array> => {
    const b = blocks.get(cid.toString())
    if (!b) throw new CatalogSnapshotError(`block ${cid} missing`)
    if (cid.multihash.code !== sha256.code) throw new CatalogSnapshotError(`block ${cid} is not sha2-256`)
    const digest = await sha256.digest(b)
    if (!equalBytes(digest.digest, cid.multihash.digest)) throw new CatalogSnapshotError(`block ${cid} does not match`)
    return b
  }
  let root: SnapshotRoot
  try {
    root = dagCbor.decode(await block(rootCid))
  } catch (err) {
    throw err instanceof CatalogSnapshotError
      ? err
      : new CatalogSnapshotError('root does not decode', { cause: err as Error })
  }
  if (root?.format !== CATALOG_SNAPSHOT_FORMAT || root.version !== CATALOG_SNAPSHOT_VERSION)
    throw new CatalogSnapshotError('unknown format')
  if (root.chainId !== o.chainId || String(root.market).toLowerCase() !== o.market.toLowerCase())
    throw new CatalogSnapshotError('another chain or market')
  if (!Array.isArray(root.listings) || !Array.isArray(root.heads) || !Array.isArray(root.entries))
    throw new CatalogSnapshotError('malformed root')
  lap('parse')

  // Everything that needs no chain first, while the chain's logs may still be arriving (the scan started
  // before the snapshot was fetched): each document hashed against its CID, decoded and validated.
  const decoded: { id: string; cid: CID; hash: `0x${string}`; bytes: Uint8Array; doc: ListingDocument }[] = []
  let rejected = 0
  for (const item of root.listings) {
    const [id, cid] = Array.isArray(item) ? item : []
    // a document CID is dag-cbor, sha2-256; its digest is the content hash the chain must name for this id
    if (
      typeof id !== 'string' ||
      !(cid instanceof CID) ||
      cid.version !== 1 ||
      cid.code !== dagCbor.code ||
      cid.multihash.code !== sha256.code
    ) {
      rejected++
      continue
    }
    const bytes = blocks.get(cid.toString())
    try {
      if (!bytes) throw new CatalogSnapshotError(`block ${cid} missing`)
      const hash = hashListingBytes(bytes)
      if (hash !== toHex(cid.multihash.digest)) throw new CatalogSnapshotError(`block ${cid} does not match`)
      decoded.push({ id, cid, hash, bytes, doc: decodeListingBytes(bytes) })
    } catch {
      rejected++
    }
  }
  o.signal?.throwIfAborted()
  lap('documents')

  let search: CatalogSearch | undefined
  try {
    search = CatalogSearch.load(new TextDecoder().decode(await block(root.search)))
  } catch {
    search = undefined
  }
  lap('index')

  const heads: ImportedSnapshot['heads'] = []
  for (const hash of root.heads) {
    if (typeof hash !== 'string') continue
    try {
      const cid = CID.parse(hash, base58btc)
      const bytes = await block(cid)
      const entry = dagCbor.decode<{ next?: unknown }>(bytes)
      const next = Array.isArray(entry?.next) ? entry.next.filter((n): n is string => typeof n === 'string') : []
      heads.push({ hash, next, bytes })
    } catch {
      /* a bad head is skipped: the log then replicates from the relay's heads */
    }
  }
  const entries = new Set(heads.length > 0 ? root.entries.filter((e) => typeof e === 'string') : [])
  lap('heads')

  await o.chain.refreshIfOlderThan(1_000, o.signal)
  lap('chain')

  // Then the chain's verdict: each listing must be live with exactly this document as its current content
  // hash (a copy under another id, an id that does not exist, a cancelled or superseded listing fail here)
  // and the document must name the chain's seller.
  const now = o.chain.now()
  const listings: ImportedSnapshot['listings'] = new Map()
  for (const { id, cid, hash, bytes, doc } of decoded) {
    const record = o.chain.get(id)
    try {
      if (judgeListing(record, id, hash, doc).current && record) listings.set(record.id, { record, doc, bytes, cid })
      else rejected++
    } catch {
      rejected++
    }
  }

  if (search) {
    for (const id of [...search.ids()]) if (!listings.has(id)) search.remove(id)
    for (const [id, { record, doc }] of listings) {
      const row = search.get(id)
      if (
        !row ||
        row.title !== doc.title ||
        row.seller.toLowerCase() !== doc.seller.toLowerCase() ||
        row.category !== doc.category ||
        row.createdAt !== doc.createdAt
      )
        search.upsert(searchEntryOf(record, doc, now))
      else {
        const { state } = searchEntryOf(record, doc, now)
        // every auction field from chain, whatever the relay's row said
        search.updateState(id, { ...state, bids: 0 })
      }
    }
  }
  lap('check')
  return { listings, search, heads, entries, rejected }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Relay: answers one snapshot request with the current snapshot (one length-prefixed frame). */
export async function serveCatalogSnapshot(stream: Stream, snapshot: () => Promise<Uint8Array>): Promise<void> {
  try {
    // megabytes sent before the asker reads would overflow its stream's buffer (see SNAPSHOT_GO)
    const asked = firstMessage(stream, SNAPSHOT_GO_WAIT_MS)
    const bytes = await snapshot()
    await asked
    const lp = lpStream(stream, { maxDataLength: MAX_CATALOG_SNAPSHOT_BYTES })
    await lp.write(bytes, { signal: AbortSignal.timeout(CATALOG_SNAPSHOT_TIMEOUT_MS) })
    await stream.close()
  } catch (err) {
    abortQuietly(stream, err as Error)
  }
}

/**
 * Sent by the asker once it reads the stream; the relay sends the snapshot after it (or after
 * SNAPSHOT_GO_WAIT_MS, for askers from before it existed). Bytes that arrive before the asker's reader is
 * attached are held by libp2p, at most 4 MiB (yamux) before it resets the stream: a browser whose
 * `dialProtocol` was slow to return (its peer store in an IndexedDB busy with another tab writing 10,000
 * documents) lost an 8 MB snapshot at 3 MiB, and fell back to replaying the whole log (issue #24).
 */
const SNAPSHOT_GO = new Uint8Array([1])
const SNAPSHOT_GO_WAIT_MS = 2_000

/** Resolves with the first bytes the peer sends, or after `ms` (or when the stream closes). */
function firstMessage(stream: Stream, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      stream.removeEventListener('message', done)
      stream.removeEventListener('close', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    stream.addEventListener('message', done)
    stream.addEventListener('close', done)
  })
}

/** Browser: fetches a relay's snapshot, capped in size and time. */
export async function fetchCatalogSnapshot(
  libp2p: Libp2p,
  relay: PeerId,
  { signal }: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const combined = withDeadline(CATALOG_SNAPSHOT_TIMEOUT_MS, signal)
  const stream = await libp2p.dialProtocol(relay, CATALOG_SNAPSHOT_PROTOCOL, { signal: combined })
  try {
    const lp = lpStream(stream, {
      maxDataLength: MAX_CATALOG_SNAPSHOT_BYTES,
      maxBufferSize: MAX_CATALOG_SNAPSHOT_BYTES + 16,
    })
    // reading from now on: the relay may send
    stream.send(SNAPSHOT_GO)
    const bytes = (await lp.read({ signal: combined })).subarray()
    await stream.close().catch(() => {})
    return bytes
  } catch (err) {
    abortQuietly(stream, err as Error)
    throw new CatalogSnapshotError(`relay ${relay} did not send a snapshot`, { cause: err as Error })
  }
}

export interface JoinCatalogOptions extends Omit<CatalogOptions, 'snapshot' | 'indexLocalLog' | 'pinDocuments'> {
  /** Connected relays to ask for a snapshot, in order (default: every peer this node is connected to). */
  relays?: PeerId[]
  /** Skip the snapshot and replicate the log entry by entry (the slow path; for comparison). */
  snapshot?: boolean
  onProgress?: (stage: 'snapshot-fetched' | 'snapshot-verified' | 'opened', detail?: Record<string, number>) => void
  /** Told of each snapshot that could not be had (the relays are asked again until `snapshotRetryMs`). */
  onSnapshotError?: (relay: PeerId, err: Error) => void
  /** How long to keep asking the relays for a snapshot before replicating the log instead (default 30 s). */
  snapshotRetryMs?: number
  /** Filled with the milliseconds each bootstrap phase took. */
  timings?: SnapshotTimings
}

/** Default of `JoinCatalogOptions.snapshotRetryMs`: replaying a big log instead costs minutes. */
export const SNAPSHOT_RETRY_MS = 30_000

/**
 * A fresh peer joins the catalog: a snapshot from the first relay that answers (checked against chain), then
 * the log from the snapshot's heads on. Without a usable snapshot it opens the log empty and replicates it.
 */
export async function joinCatalog(o: JoinCatalogOptions): Promise<Catalog> {
  let imported: ImportedSnapshot | undefined
  // the chain's listing logs are read while the snapshot travels (readSnapshot waits for this same scan)
  // (one already under way, e.g. started before the node connected to a relay, is joined, not repeated)
  const scan = o.chain.refresh(o.signal)
  scan.catch(() => {})
  if (o.snapshot !== false) imported = await fetchAndReadSnapshot(o)
  const { relays: _r, snapshot: _s, onProgress, onSnapshotError: _e, snapshotRetryMs: _m, timings, ...rest } = o
  const lap = lapper(timings)
  const catalog = await Catalog.open({ ...rest, ...(imported ? { snapshot: imported } : {}) })
  lap('open')
  onProgress?.('opened', { listings: catalog.verified.size })
  return catalog
}

/**
 * The first usable snapshot from the relays, asked in turn, and again (backing off) until `snapshotRetryMs`:
 * one failed request (a relay busy at that moment closed the stream) used to send a fresh peer to replay the
 * whole log entry by entry, minutes at 10,000 listings. Undefined when none came in time.
 */
async function fetchAndReadSnapshot(o: JoinCatalogOptions): Promise<ImportedSnapshot | undefined> {
  const libp2p = o.helia.libp2p
  const deadline = Date.now() + (o.snapshotRetryMs ?? SNAPSHOT_RETRY_MS)
  for (let pause = 500; ; pause = Math.min(pause * 2, 4_000)) {
    const relays = o.relays ?? [...new Set(libp2p.getConnections().map((c) => c.remotePeer))]
    for (const relay of relays) {
      try {
        const lap = lapper(o.timings)
        // (the deadline is for starting attempts: one under way has its own, CATALOG_SNAPSHOT_TIMEOUT_MS)
        const car = await fetchCatalogSnapshot(libp2p, relay, o.signal ? { signal: o.signal } : {})
        lap('fetch')
        if (o.timings) o.timings.bytes = car.byteLength
        o.onProgress?.('snapshot-fetched', { bytes: car.byteLength })
        const read = await readSnapshot(car, {
          chain: o.chain,
          chainId: o.chainId,
          market: o.chain.market,
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.timings ? { timings: o.timings } : {}),
        })
        o.onProgress?.('snapshot-verified', { listings: read.listings.size, rejected: read.rejected })
        return read
      } catch (err) {
        if (o.signal?.aborted) throw err
        o.onSnapshotError?.(relay, err as Error)
      }
    }
    if (Date.now() + pause >= deadline) return undefined
    await sleep(pause, o.signal)
  }
}
