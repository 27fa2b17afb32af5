/**
 * `publishListing`: a seller's draft to a searchable listing, in order, each stage recorded in the draft store
 * before the next starts, so a failure at any stage (a relay down, the wallet closed, the tab reloaded) is
 * retried by calling `publishListing` again with the same draft: nothing done is redone, nothing is paid twice.
 *
 *   photos   resized (WebP, 1600 px + 400 px thumbnail) and added to the local blockstore
 *   pin      photos pinned by at least `minRelays` relays (default 2)
 *   encode   the listing document (dag-cbor) and its content hash; `createdAt` is fixed once, so a retry
 *            produces the same hash
 *   chain    `createListing` with that hash. Before sending, the chain is asked whether this seller already
 *            listed this hash (a transaction that went through after the page lost track of it): then its
 *            listing id is taken and nothing is sent
 *   catalog  the entry put into the catalog (relays verify it against chain, keep and pin the document)
 */
import { BaseError, type Address } from 'viem'
import { createListing, type CreateListingParameters } from '../chain/actions/createListing.ts'
import type { SoukWagmiConfig } from '../chain/config.ts'
import { getMarketEvents, signerOf } from '../chain/market.ts'
import { categoryId, encodeListing, LISTING_SCHEMA, type ListingDocument, type ListingImage } from '../core/listing.ts'
import type { Catalog } from './catalog.ts'
import type { AddedPhoto, MediaStore } from './media.ts'

export const PUBLISH_STAGES = ['photos', 'pin', 'encode', 'chain', 'catalog'] as const
export type PublishStage = (typeof PUBLISH_STAGES)[number]

export interface ListingDraft {
  /** Stable id of this draft (the key in the draft store). */
  id: string
  listing: Omit<ListingDocument, 'schema' | 'images' | 'seller' | 'createdAt'>
  photos: { blob: Blob; alt?: string }[]
  /** Photos already on IPFS (a relisted listing's), placed before `photos` and not added again. */
  images?: ListingImage[]
  terms: Omit<CreateListingParameters, 'contentHash' | 'categoryId' | 'account'>
}

/** What the draft store keeps of a publication in progress: the draft plus every stage's result. */
export interface PublishRecord {
  draft: ListingDraft
  createdAt?: number
  images?: ListingImage[]
  pinned?: boolean
  encoded?: { bytes: Uint8Array; contentHash: `0x${string}`; cid: string }
  seller?: Address
  listingId?: string
  txHash?: string
  cataloged?: boolean
}

export interface DraftStore {
  get(id: string): Promise<PublishRecord | undefined>
  put(id: string, record: PublishRecord): Promise<void>
}

export interface PublishProgress {
  stage: PublishStage
  status: 'started' | 'done' | 'skipped'
}

export interface PublishListingDependencies {
  wagmi: SoukWagmiConfig
  media: Pick<MediaStore, 'pin'> & { addPhoto(blob: Blob, o: { signal?: AbortSignal }): Promise<AddedPhoto> }
  catalog: Pick<Catalog, 'put'>
  store: DraftStore
  /** Relays that must hold the photos before the transaction (default 2). */
  minRelays?: number
}

export interface PublishListingReturnType {
  listingId: bigint
  contentHash: `0x${string}`
  cid: string
}

export class PublishError extends BaseError {
  override name = 'PublishError'
  readonly stage: PublishStage
  constructor(stage: PublishStage, cause: Error) {
    super(`Publishing stopped at "${stage}"; try again to continue from there.`, { cause })
    this.stage = stage
  }
}

export async function publishListing(
  deps: PublishListingDependencies,
  draft: ListingDraft,
  { signal, onProgress }: { signal?: AbortSignal; onProgress?: (p: PublishProgress) => void } = {},
): Promise<PublishListingReturnType> {
  const { store } = deps
  const record: PublishRecord = (await store.get(draft.id)) ?? { draft }
  const save = (): Promise<void> => store.put(draft.id, record)
  await save()
  const stage = async (name: PublishStage, done: boolean, run: () => Promise<void>): Promise<void> => {
    signal?.throwIfAborted()
    if (done) {
      onProgress?.({ stage: name, status: 'skipped' })
      return
    }
    onProgress?.({ stage: name, status: 'started' })
    try {
      await run()
    } catch (err) {
      throw new PublishError(name, err instanceof Error ? err : new Error(String(err)))
    }
    await save()
    onProgress?.({ stage: name, status: 'done' })
  }

  await stage('photos', record.images !== undefined, async () => {
    const images: ListingImage[] = [...(record.draft.images ?? [])]
    for (const { blob, alt } of record.draft.photos) {
      const p = await deps.media.addPhoto(blob, signal ? { signal } : {})
      images.push({ full: p.cid, thumb: p.thumbCid, width: p.width, height: p.height, ...(alt ? { alt } : {}) })
    }
    record.images = images
  })
  await stage('pin', record.pinned === true, async () => {
    const cids = record.images!.flatMap((i) => [i.full, i.thumb])
    if (cids.length > 0) await deps.media.pin(cids, { minRelays: deps.minRelays ?? 2, ...(signal ? { signal } : {}) })
    record.pinned = true
  })
  await stage('encode', record.encoded !== undefined, async () => {
    record.seller ??= signerOf(deps.wagmi)
    record.createdAt ??= Date.now()
    const doc: ListingDocument = {
      ...record.draft.listing,
      schema: LISTING_SCHEMA,
      images: record.images!,
      seller: record.seller,
      createdAt: record.createdAt,
    }
    const encoded = await encodeListing(doc)
    record.encoded = { bytes: encoded.bytes, contentHash: encoded.contentHash, cid: encoded.cid.toString() }
  })
  const encoded = record.encoded!
  await stage('chain', record.listingId !== undefined, async () => {
    // a transaction that went through while we lost track of it (reload, crash, timeout) is not sent again
    const earlier = await getMarketEvents(deps.wagmi, 'ListingCreated', { seller: record.seller! })
    const found = earlier.find((l) => l.args.terms?.contentHash?.toLowerCase() === encoded.contentHash.toLowerCase())
    if (found?.args.listingId !== undefined) {
      record.listingId = found.args.listingId.toString()
      record.txHash = found.transactionHash
      return
    }
    const { listingId, hash } = await createListing(deps.wagmi, {
      ...record.draft.terms,
      contentHash: encoded.contentHash,
      categoryId: categoryId(record.draft.listing.category),
      account: record.seller!,
    })
    record.listingId = listingId.toString()
    record.txHash = hash
  })
  await stage('catalog', record.cataloged === true, async () => {
    await deps.catalog.put(record.listingId!, encoded)
    record.cataloged = true
  })
  return { listingId: BigInt(record.listingId!), contentHash: encoded.contentHash, cid: encoded.cid }
}

/** Drafts kept in memory (tests, Node peers). */
export function memoryDraftStore(): DraftStore {
  const map = new Map<string, PublishRecord>()
  return {
    get: async (id) => map.get(id),
    put: async (id, record) => {
      map.set(id, structuredClone(record))
    },
  }
}

/** Drafts kept in IndexedDB (the browser): a reload resumes where publishing stopped. */
export async function idbDraftStore(
  name = 'souk-drafts',
): Promise<DraftStore & { close(): void; delete(id: string): Promise<void> }> {
  const { openDB } = await import('idb')
  const db = await openDB(name, 1, {
    upgrade(d) {
      d.createObjectStore('drafts')
    },
  })
  return {
    get: async (id) => (await db.get('drafts', id)) as PublishRecord | undefined,
    put: async (id, record) => {
      await db.put('drafts', record, id)
    },
    delete: async (id) => {
      await db.delete('drafts', id)
    },
    close: () => db.close(),
  }
}
