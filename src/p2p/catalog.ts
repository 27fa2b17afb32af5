/**
 * The replicated catalog: one OrbitDB documents database of listing documents keyed by on-chain listing id,
 * written by anyone, trusted by nobody.
 *
 * Every entry passes `canAppend`, the database's access controller, before it joins the log: the entry's
 * document must hash to the content hash its seller put on chain for that id (`verifyListingBytes`), checked
 * against `ChainListings` (batched log reads, cached). What passes is "verified": it goes into the local
 * search index (incrementally) and its document block into the blockstore, so a reload or a relay restart
 * rebuilds the verified set from chain + blockstore without the network. What fails is dropped and counted by
 * reason; an entry naming a listing the chain does not show yet is held back (bounded) and admitted when the
 * chain catches up. Chain events drive the rest: a cancellation removes a listing, a content-hash update
 * removes the old document until the new one arrives.
 *
 * Relays serve a snapshot (src/p2p/catalog-snapshot.ts) so a fresh browser does not replay the log.
 */
import { CID } from 'multiformats/cid'
import { base58btc } from 'multiformats/bases/base58'
import { sha256 } from 'multiformats/hashes/sha2'
import type { AccessControllerFactory, DocumentsDatabase, OrbitDB, OrbitEntry, OrbitStorage } from '@orbitdb/core'
import type {
  CatalogEventDetail,
  CatalogOptions,
  ExchangeFailedDetail,
  GossipRejectedDetail,
  VerifiedListing,
} from './catalog-types.ts'
import {
  CatalogEntryRejectedError,
  parseEntryValue,
  REJECT_REASONS,
  searchEntryOf,
  statusOf,
  verifyListingBytes,
  type ListingRecord,
  type RejectReason,
} from '../core/catalog.ts'
import { cidFromContentHash, type EncodedListing } from '../core/listing.ts'
import { CatalogSearch } from '../core/search.ts'
import { collectBytes } from './bytes.ts'
import { catalogGossipValidator } from './catalog-gossip.ts'
import { EntryHolders } from './catalog-holders.ts'
import { classifyLogError, openCatalogLog, waitForSubscriber, type CatalogLog } from './catalog-log.ts'

export type {
  CatalogEventDetail,
  CatalogHelia,
  CatalogOptions,
  ExchangeFailedDetail,
  GossipRejectedDetail,
  ImportedSnapshot,
  VerifiedListing,
} from './catalog-types.ts'

export class Catalog extends EventTarget {
  readonly search: CatalogSearch
  readonly verified = new Map<string, VerifiedListing>()
  /** Entries rejected, by reason. */
  readonly dropped: Record<RejectReason, number> = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
    RejectReason,
    number
  >
  /** Entry hashes this peer's log holds (or the snapshot it started from held). */
  readonly entries: Set<string>
  readonly #o: CatalogOptions
  readonly #held = new Map<string, { id: string; entry: OrbitEntry; at: number }>()
  /** Per listing, the log entry that brought its current document (a new entry repeating it is refused). */
  readonly #holders: EntryHolders
  #log: CatalogLog | undefined
  #orbit!: OrbitDB
  #db!: DocumentsDatabase
  #logOpened: Promise<void> = Promise.resolve()
  #timer: ReturnType<typeof setInterval> | undefined
  readonly #onChange: (e: Event) => void
  readonly #onTime: () => void
  #stopped = false

  private constructor(options: CatalogOptions) {
    super()
    this.#o = options
    this.search = options.snapshot?.search ?? new CatalogSearch()
    this.entries = new Set(options.snapshot?.entries)
    this.#holders = new EntryHolders(this.verified, async (hash) => (await this.#log?.holds(hash)) === true)
    this.#onChange = (e) => void this.#chainChanged((e as CustomEvent<Set<string>>).detail)
    this.#onTime = () => this.#refreshStates()
  }

  /** Opens the catalog: chain scan, snapshot or local documents, then the OrbitDB log (replication starts). */
  static async open(options: CatalogOptions): Promise<Catalog> {
    const catalog = new Catalog(options)
    await catalog.#open()
    return catalog
  }

  /**
   * Resolves once the OrbitDB log is open and replicating. `open()` resolves before that: the verified set
   * (from a snapshot or the local blockstore) is searchable first.
   */
  get replicating(): Promise<void> {
    return this.#logOpened
  }

  get address(): string {
    return this.#db.address
  }

  /** The chain's time (unix seconds) the catalog's phases use: the latest block's (`ChainListings.now`). */
  get now(): number {
    return this.#o.chain.now()
  }

  /** Last block whose listing logs the catalog has applied. */
  get scannedBlock(): bigint {
    return this.#o.chain.scannedBlock
  }

  get db(): DocumentsDatabase {
    return this.#db
  }

  async #open(): Promise<void> {
    const { helia, chain, snapshot, signal } = this.#o
    await chain.start(signal)
    const now = this.#o.chain.now()
    if (snapshot) {
      for (const [id, { record, doc, bytes, cid }] of snapshot.listings) {
        this.verified.set(id, { record, doc, cid, bytes })
        if (!snapshot.search) this.search.upsert(searchEntryOf(record, doc, now))
      }
      for (const h of snapshot.heads) await helia.blockstore.put(CID.parse(h.hash, base58btc), h.bytes)
    }
    // documents already in the blockstore (a reload, a relay restart): verified again against chain
    await this.#restoreLocal(chain.records.keys())
    chain.addEventListener('change', this.#onChange)
    // phases follow the chain's clock: a block whose time moved (a mined block, a warp on a dev chain) shows at once
    chain.addEventListener('time', this.#onTime)
    this.#logOpened = this.#openLog()
    // a failure here is the caller's through `replicating`, `put` or `stop`
    this.#logOpened.catch(() => {})
  }

  async #openLog(): Promise<void> {
    const { helia, snapshot } = this.#o
    const log = await openCatalogLog({
      helia,
      directory: this.#o.directory,
      chainId: this.#o.chainId,
      snapshot,
      entries: this.entries,
      access: this.#accessController(),
    })
    this.#log = log
    this.#orbit = log.orbit
    this.#db = log.db
    // OrbitDB reports each entry it could not join (patched, see patches/@orbitdb+core+4.0.0.patch: it used to
    // print "Could not append entry" for every one). A refusal by the access controller is counted in #admit
    // already; an entry dropped for another reason is counted here, a failed head exchange apart
    this.#db.events.on('error', (err: unknown) => {
      const what = classifyLogError(err)
      if (what.kind === 'dropped') this.#count(new CatalogEntryRejectedError(what.reason, (err as Error)?.message))
      else if (what.kind === 'exchange')
        this.dispatchEvent(
          new CustomEvent<ExchangeFailedDetail>('exchange-failed', { detail: { reason: what.reason } }),
        )
    })
    // every entry written or joined changes the log's heads (relays rebuild the snapshot they serve), and may be
    // the one that brought its listing's current document
    this.#db.events.on('update', (entry: OrbitEntry) => {
      void this.#holders.note(entry)
      this.dispatchEvent(new Event('update'))
    })
    const pubsub = helia.libp2p.services.pubsub
    pubsub.topicValidators.set(
      this.#db.address,
      catalogGossipValidator({
        logId: this.#db.address,
        ...(this.#o.gossipRate !== undefined ? { ratePerSecond: this.#o.gossipRate } : {}),
        isDuplicate: (hash, value) => this.#holders.isDuplicate(hash, value._id, value.doc),
        onRejected: (reason) =>
          this.dispatchEvent(new CustomEvent<GossipRejectedDetail>('gossip-rejected', { detail: { reason } })),
      }),
    )
    // the snapshot's documents and entry hashes are written in the background, one at a time, so the
    // blockstore is not swamped while the page is in use (a reload then finds them locally)
    if (snapshot)
      void (async () => {
        await this.#persistDocs(snapshot.listings.values())
        await this.#persistEntries(log.index, snapshot.entries)
      })()
    if (this.#o.indexLocalLog)
      for await (const e of this.#db.log.iterator()) {
        this.entries.add(e.hash)
        await this.#holders.note(e)
      }
    // phases move with time, not only with blocks (offline, or a chain without new blocks): now and then too
    this.#timer = setInterval(() => {
      this.#refreshStates()
      this.#expireHeld()
    }, 5_000)
  }

  async #persistDocs(docs: Iterable<{ cid: CID; bytes: Uint8Array }>): Promise<void> {
    for (const { cid, bytes } of docs) {
      if (this.#stopped) return
      await this.#storeDoc(cid, bytes).catch(() => {})
    }
  }

  /** The snapshot's entry hashes go into the log's own index in the background, so a reload knows them. */
  async #persistEntries(index: OrbitStorage, hashes: Iterable<string>): Promise<void> {
    try {
      for (const hash of hashes) {
        if (this.#stopped) return
        await index.put(hash, true)
      }
    } catch {
      /* closed while writing: the next start replicates what is missing */
    }
  }

  #accessController(): AccessControllerFactory {
    const address = `/souk-listings/${this.#o.chainId}/${this.#o.chain.market.toLowerCase()}`
    const factory: AccessControllerFactory = async () => ({
      type: 'souk-listings',
      address,
      canAppend: (entry: OrbitEntry) => this.#admit(entry),
      // asked of each entry arriving from a peer (not of those reached through its history, which must stay
      // joinable whatever they repeat, or every entry built on them would be refused too)
      canJoin: async (entry: OrbitEntry) => {
        const { key, value } = entry.payload ?? {}
        const doc = (value as { doc?: unknown } | null)?.doc
        if (
          typeof key !== 'string' ||
          !(doc instanceof Uint8Array) ||
          !(await this.#holders.isDuplicate(entry.hash, key, doc))
        )
          return true
        this.#count(new CatalogEntryRejectedError('duplicate', `entry ${entry.hash} repeats listing ${key}`))
        return false
      },
    })
    factory.type = 'souk-listings'
    return factory
  }

  /** The access controller's check: true admits the entry to the log (and the listing to search). */
  async #admit(entry: OrbitEntry): Promise<boolean> {
    // stopping: refusing ends a walk of the log in progress (OrbitDB's close waits for its join queue, which
    // during a plain replication would otherwise fetch and check the whole remaining history first)
    if (this.#stopped) return false
    try {
      const { op, key, value } = entry.payload ?? {}
      // nobody deletes: a listing leaves the catalog only by a chain event
      if (op !== 'PUT') throw new CatalogEntryRejectedError('malformed', `operation ${String(op)}`)
      const v = parseEntryValue(value)
      if (key !== v._id) throw new CatalogEntryRejectedError('malformed', 'key and _id differ')
      let record = this.#o.chain.get(v._id)
      if (!record) {
        // at most one extra chain read per second, however many unknown ids arrive; the rest wait for the poll
        await this.#o.chain.refreshIfOlderThan(1_000).catch(() => {})
        record = this.#o.chain.get(v._id)
      }
      if (!record) {
        this.#holdBack(v._id, entry)
        return false
      }
      await this.#accept(record, v.doc)
      // known as the holder from admission on, not only from the 'update' after the join: a repeat arriving
      // while this entry is being joined then counts as one as soon as the log holds it
      await this.#holders.note(entry)
      return true
    } catch (err) {
      this.#count(err)
      return false
    }
  }

  #count(err: unknown): void {
    const reason: RejectReason = err instanceof CatalogEntryRejectedError ? err.reason : 'malformed'
    this.dropped[reason]++
    this.dispatchEvent(new CustomEvent('dropped', { detail: { reason } }))
  }

  /** Held by entry, not by listing: an entry for the same id cannot push an honest one out. */
  #holdBack(id: string, entry: OrbitEntry): void {
    const max = this.#o.maxHeldBack ?? 256
    const key = entry.hash ?? `local:${id}`
    if (!this.#held.has(key) && this.#held.size >= max) {
      // the oldest held entry goes: bounded memory under a flood of ids that never appear on chain
      const [oldest, { id: gone }] = this.#held.entries().next().value as [string, { id: string }]
      this.#held.delete(oldest)
      this.#count(new CatalogEntryRejectedError('unknown_listing', `no listing ${gone} on chain`))
    }
    this.#held.delete(key)
    this.#held.set(key, { id, entry, at: Date.now() })
  }

  /** Held entries whose listing has not appeared within `heldBackMs` are dropped. */
  #expireHeld(): void {
    const limit = Date.now() - (this.#o.heldBackMs ?? 60_000)
    for (const [hash, { id, at }] of this.#held) {
      if (at > limit) break
      this.#held.delete(hash)
      this.#count(new CatalogEntryRejectedError('unknown_listing', `no listing ${id} on chain`))
    }
  }

  get heldBack(): number {
    return this.#held.size
  }

  /**
   * Throws unless the document is authentic for the listing; shows it when it is also current, otherwise
   * counts why not (cancelled, superseded) and keeps it out of search.
   */
  async #accept(record: ListingRecord, bytes: Uint8Array): Promise<void> {
    const { doc, current, why } = await verifyListingBytes(record, record.id, bytes)
    if (!current) {
      this.#count(new CatalogEntryRejectedError(why ?? 'superseded', `listing ${record.id} is ${why}`))
      return
    }
    const cid = cidFromContentHash(record.contentHash)
    const had = this.verified.get(record.id)
    this.verified.set(record.id, { record, doc, cid, bytes })
    if (!had || !had.cid.equals(cid)) {
      this.search.upsert(searchEntryOf(record, doc, this.#o.chain.now()))
      this.dispatchEvent(new CustomEvent<CatalogEventDetail>('listing', { detail: { id: record.id } }))
    }
    await this.#storeDoc(cid, bytes)
  }

  async #storeDoc(cid: CID, bytes: Uint8Array): Promise<void> {
    const { helia } = this.#o
    if (!(await helia.blockstore.has(cid))) await helia.blockstore.put(cid, bytes)
    if (this.#o.pinDocuments && !(await helia.pins.isPinned(cid))) {
      for await (const _ of helia.pins.add(cid, { depth: 0 })) {
        /* the document is one block */
      }
    }
  }

  async #restoreLocal(ids: Iterable<string>): Promise<void> {
    const { helia, chain } = this.#o
    for (const id of ids) {
      const record = chain.get(id)
      if (!record || record.cancelled || this.verified.get(id)?.record.contentHash === record.contentHash) continue
      const cid = cidFromContentHash(record.contentHash)
      if (!(await helia.blockstore.has(cid))) continue
      try {
        await this.#accept(record, await collectBytes(await helia.blockstore.get(cid)))
      } catch (err) {
        this.#count(err)
      }
    }
  }

  async #chainChanged(ids: Set<string>): Promise<void> {
    if (this.#stopped) return
    const now = this.#o.chain.now()
    for (const id of ids) {
      const record = this.#o.chain.get(id)
      const have = this.verified.get(id)
      if (have && (!record || record.cancelled || record.contentHash !== have.record.contentHash)) {
        this.verified.delete(id)
        this.search.remove(id)
        this.dispatchEvent(new CustomEvent<CatalogEventDetail>('removed', { detail: { id } }))
      } else if (have && record) this.search.updateState(id, { status: statusOf(record, now) })
      if (!record) continue
      for (const [hash, held] of this.#held) {
        if (held.id !== id) continue
        // joined again now that the chain knows the listing: the access check runs once more and admits it
        // (through OrbitDB's bounded join: one whose history nobody has is dropped without holding up others)
        this.#held.delete(hash)
        // and passed on, for peers that subscribed after the entry first went round (not awaited: each waits
        // for its own history, the join bounds how many at once)
        void this.#db
          ?.applyOperation(held.entry)
          .then((joined) => (joined ? this.#db.sync.add(held.entry) : undefined))
          .catch(() => {})
      }
    }
    // an update may point at a document this peer already holds (e.g. an earlier version coming back)
    await this.#restoreLocal(ids)
  }

  #refreshStates(): void {
    const now = this.#o.chain.now()
    for (const [id, { record }] of this.verified) {
      const status = statusOf(record, now)
      if (this.search.get(id)?.status !== status) this.search.updateState(id, { status })
    }
  }

  /** Puts a listing's document into the catalog (after its `list()` transaction): replicated to every peer. */
  async put(listingId: bigint | string, encoded: Pick<EncodedListing, 'bytes'>): Promise<void> {
    await this.#logOpened
    // the transaction has just been mined: make sure this peer's chain view has it before its own check runs
    await waitForSubscriber(this.#o.helia.libp2p.services.pubsub, this.#db.address, 10_000)
    const hash = await contentHashOf(encoded.bytes)
    const known = (): boolean => this.#o.chain.get(listingId.toString())?.hashes.includes(hash) === true
    // twice at most: the first refresh may be a scan that started before the transaction was mined
    for (let i = 0; i < 2 && !known(); i++) await this.#o.chain.refresh()
    // idempotent: a document this log already holds an entry for is not written again
    const id = listingId.toString()
    if (await this.#holders.held(id, encoded.bytes)) return
    await this.#db.put({ _id: id, doc: encoded.bytes })
  }

  /** Resolves once `id` is verified and searchable here. */
  async whenListed(id: string, signal?: AbortSignal): Promise<VerifiedListing> {
    const have = this.verified.get(id)
    if (have) return have
    return await new Promise<VerifiedListing>((resolve, reject) => {
      const onListing = (): void => {
        const v = this.verified.get(id)
        if (!v) return
        cleanup()
        resolve(v)
      }
      const onAbort = (): void => {
        cleanup()
        reject(signal?.reason)
      }
      const cleanup = (): void => {
        this.removeEventListener('listing', onListing)
        signal?.removeEventListener('abort', onAbort)
      }
      this.addEventListener('listing', onListing)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#o.chain.removeEventListener('change', this.#onChange)
    this.#o.chain.removeEventListener('time', this.#onTime)
    this.#o.chain.stop()
    await this.#logOpened.catch(() => {})
    clearInterval(this.#timer)
    if (this.#db) this.#o.helia.libp2p.services.pubsub.topicValidators.delete(this.#db.address)
    await this.#orbit?.stop()
  }
}

async function contentHashOf(bytes: Uint8Array): Promise<`0x${string}`> {
  const digest = await sha256.digest(bytes)
  return `0x${Array.from(digest.digest, (b) => b.toString(16).padStart(2, '0')).join('')}`
}
