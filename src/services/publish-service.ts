/**
 * `PublishService` for the sell view: `publishListing` (src/p2p/publish.ts) run from the page, with its stages
 * split where they belong — photos added and pinned on relays, and the catalog entry, through the engine
 * Worker (which holds the node and the catalog); `createListing` through the wallet on this thread, with the
 * document's real content hash.
 *
 * Retry without losing the draft or paying twice: every stage's result is recorded in IndexedDB
 * (`souk-publish`) under an id derived from the draft's content (its fields and the bytes of its photos), so
 * pressing Publish again on the same draft continues where it stopped — pinned photos are not pinned again, the
 * transaction is not sent again once it went through (publishListing also asks the chain first). The record
 * is removed when the listing is in the catalog; a later, identical draft is then a new listing.
 */
import { BaseError } from 'viem'
import type { SoukWagmiConfig } from '../chain/config.ts'
import { updateListing } from '../chain/actions/updateListing.ts'
import { signerOf } from '../chain/market.ts'
import { encodeListing, LISTING_SCHEMA, type ListingDocument, type ListingImage } from '../core/listing.ts'
import type { PublishBackend } from '../engine/catalog-client.ts'
import {
  idbDraftStore,
  publishListing,
  type DraftStore,
  type ListingDraft as StoredDraft,
  type PublishStage as LibraryStage,
} from '../p2p/publish.ts'
import type { ListingDraft, PublishProgress, PublishResult, PublishService, PublishStage } from './types.ts'

/** The library's stages as the sell view names them. */
const STAGE: Record<LibraryStage, PublishStage> = {
  photos: 'photos',
  pin: 'pinning',
  encode: 'document',
  chain: 'transaction',
  catalog: 'catalog',
}

export interface EnginePublishServiceOptions {
  /** Relays that must hold the photos before the transaction (default 2, at most the relays configured). */
  minRelays?: number
  /** IndexedDB name of the publication records (default `souk-publish`). */
  storeName?: string
}

export class PublishDraftError extends BaseError {
  override name = 'PublishDraftError'
}

export class EnginePublishService implements PublishService {
  readonly #wagmi: SoukWagmiConfig | (() => Promise<SoukWagmiConfig>)
  readonly #engine: PublishBackend
  readonly #minRelays: number
  readonly #storeName: string
  #store: Promise<DraftStore & { close(): void; delete(id: string): Promise<void> }> | undefined

  /** `wagmi` may be a loader: the wallet code then loads only when a person publishes. */
  constructor(
    wagmi: SoukWagmiConfig | (() => Promise<SoukWagmiConfig>),
    engine: PublishBackend,
    options: EnginePublishServiceOptions = {},
  ) {
    this.#wagmi = wagmi
    this.#engine = engine
    this.#minRelays = options.minRelays ?? 2
    this.#storeName = options.storeName ?? 'souk-publish'
  }

  async publish(
    draft: ListingDraft,
    { onProgress, signal }: { onProgress?: (p: PublishProgress) => void; signal?: AbortSignal } = {},
  ): Promise<PublishResult> {
    if (draft.photos.length + (draft.images?.length ?? 0) === 0)
      throw new PublishDraftError('A listing needs at least one photo.')
    const wagmi = typeof this.#wagmi === 'function' ? await this.#wagmi() : this.#wagmi
    this.#store ??= idbDraftStore(this.#storeName)
    const store = await this.#store
    const id = await draftId(draft)
    const existing = await store.get(id)
    let stored = existing?.draft
    if (existing?.listingId === undefined) {
      // durations, not end times: createListing starts them at the chain's time when it sends the transaction
      // (the photos may take minutes to pin; a retry starts them afresh)
      const terms: StoredDraft['terms'] = {
        biddingSeconds: draft.biddingSeconds,
        ...(draft.buyNow ? { buyNow: true } : { revealSeconds: draft.revealSeconds }),
        // "no reserve" in the form is 0; the contract wants a price above 0, so the floor is one smallest unit
        price: draft.reserve > 0n ? draft.reserve : 1n,
        arbiters: [...draft.arbiters],
        ...(draft.arbiterFeeBps === undefined ? {} : { arbiterFeeBps: draft.arbiterFeeBps }),
        ...(draft.confirmWindow === undefined ? {} : { confirmWindow: draft.confirmWindow }),
        ...(draft.disputeWindow === undefined ? {} : { disputeWindow: draft.disputeWindow }),
        ...(draft.currency === 'ETH' ? {} : { token: draft.currency }),
      }
      stored = existing
        ? { ...existing.draft, terms }
        : {
            id,
            listing: {
              title: draft.title,
              description: draft.description,
              category: draft.category,
              condition: draft.condition,
              shipping: { from: draft.shippingFrom },
              language: draft.language,
            },
            photos: draft.photos.map((blob) => ({ blob })),
            ...(draft.images?.length ? { images: draft.images } : {}),
            terms,
          }
      await store.put(id, { ...existing, draft: stored })
    }
    if (!stored) throw new PublishDraftError('The publication record of this draft is missing.')
    const total = draft.photos.length
    let added = 0
    const engine = this.#engine
    const result = await publishListing(
      {
        wagmi,
        media: {
          addPhoto: async (blob, o) => {
            const photo = await engine.addPhoto(blob, o)
            onProgress?.({ stage: 'photos', done: ++added, total })
            return photo
          },
          pin: async (cids, o) => {
            await engine.pin(
              cids.map((c) => c.toString()),
              { minRelays: o?.minRelays ?? this.#minRelays, ...(o?.signal ? { signal: o.signal } : {}) },
            )
            return []
          },
        },
        catalog: { put: (listingId, encoded) => engine.put(listingId.toString(), encoded.bytes, { signal }) },
        store,
        minRelays: this.#minRelays,
      },
      stored,
      {
        ...(signal ? { signal } : {}),
        onProgress: (p) => {
          if (p.status === 'done' || p.status === 'skipped') {
            const stage = STAGE[p.stage]
            onProgress?.({ stage, done: stage === 'photos' ? total : 1, total: stage === 'photos' ? total : 1 })
          } else {
            onProgress?.({ stage: STAGE[p.stage], done: 0, total: p.stage === 'photos' ? total : 1 })
          }
        },
      },
    )
    const record = await store.get(id)
    await store.delete(id)
    return {
      listingId: result.listingId.toString(),
      txHash: (record?.txHash ?? '0x') as `0x${string}`,
    }
  }

  async update(
    listingId: string,
    draft: Parameters<PublishService['update']>[1],
    { onProgress, signal }: { onProgress?: (p: PublishProgress) => void; signal?: AbortSignal } = {},
  ): Promise<PublishResult> {
    if (draft.photos.length + (draft.images?.length ?? 0) === 0)
      throw new PublishDraftError('A listing needs at least one photo.')
    const wagmi = typeof this.#wagmi === 'function' ? await this.#wagmi() : this.#wagmi
    const engine = this.#engine
    const o = signal ? { signal } : {}
    // the photos kept are on relays already; only the new ones are added and pinned
    const images: ListingImage[] = [...(draft.images ?? [])]
    const total = draft.photos.length
    onProgress?.({ stage: 'photos', done: 0, total })
    for (const blob of draft.photos) {
      const p = await engine.addPhoto(blob, o)
      images.push({ full: p.cid, thumb: p.thumbCid, width: p.width, height: p.height })
      onProgress?.({ stage: 'photos', done: images.length - (draft.images?.length ?? 0), total })
    }
    const added = images.slice(draft.images?.length ?? 0).flatMap((i) => [i.full, i.thumb])
    onProgress?.({ stage: 'pinning', done: 0, total: 1 })
    if (added.length) await engine.pin(added, { minRelays: this.#minRelays, ...o })
    onProgress?.({ stage: 'document', done: 0, total: 1 })
    const doc: ListingDocument = {
      schema: LISTING_SCHEMA,
      title: draft.title,
      description: draft.description,
      category: draft.category,
      condition: draft.condition,
      shipping: { from: draft.shippingFrom },
      language: draft.language,
      images,
      seller: signerOf(wagmi),
      createdAt: Date.now(),
    }
    const encoded = await encodeListing(doc)
    onProgress?.({ stage: 'transaction', done: 0, total: 1 })
    signal?.throwIfAborted()
    const { hash } = await updateListing(wagmi, { listingId: BigInt(listingId), contentHash: encoded.contentHash })
    onProgress?.({ stage: 'catalog', done: 0, total: 1, txHash: hash })
    await engine.put(listingId, encoded.bytes, o)
    return { listingId, txHash: hash }
  }

  close(): void {
    void this.#store?.then((s) => s.close())
    this.#store = undefined
  }
}

/**
 * A stable id for a draft: sha-256 of its fields and of each photo's bytes. The same draft pressed again
 * resumes its publication; any edit makes a new one.
 */
async function draftId(draft: ListingDraft): Promise<string> {
  const { photos, reserve, ...fields } = draft
  const parts: Uint8Array[] = [new TextEncoder().encode(JSON.stringify({ ...fields, reserve: reserve.toString() }))]
  for (const p of photos) parts.push(new Uint8Array(await crypto.subtle.digest('SHA-256', await p.arrayBuffer())))
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    all.set(p, at)
    at += p.byteLength
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all))
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')
}
