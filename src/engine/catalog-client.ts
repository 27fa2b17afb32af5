/**
 * The page's side of the engine's catalog: a `CatalogService` for the views (search, get, ready, `change`)
 * over the Comlink methods of src/engine/catalog-host.ts, the catalog's sync state, and the engine's part of
 * publishing (`PublishBackend`, used by src/services/publish-service.ts).
 *
 * Comlink cannot carry an AbortSignal: an aborted call stops waiting here at once; the Worker finishes (or
 * fails) it on its own, which is harmless for reads and idempotent for writes (same photo, same pin, same
 * entry).
 */
import * as Comlink from 'comlink'
import { BaseError } from 'viem'
import type { SoukConfig } from '../core/config.ts'
import type { SearchQuery, SearchResult } from '../core/search.ts'
import type { AddedPhoto } from '../p2p/media.ts'
import type { CatalogListing, CatalogService } from '../services/types.ts'
import type { CatalogEngineApi, CatalogSyncState } from './catalog-api.ts'
import { abortable } from '../core/abortable.ts'

/** The engine's share of publishing a listing: photos, pins and the catalog entry. */
export interface PublishBackend {
  addPhoto(photo: Blob, options?: { signal?: AbortSignal }): Promise<AddedPhoto>
  pin(cids: string[], options: { minRelays: number; signal?: AbortSignal }): Promise<void>
  put(listingId: string, bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>
}

/** Trust documents (arbiter profiles, reviews): added and pinned on relays, fetched by CID. */
export interface DocumentBackend {
  addDocument(cid: string, bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>
  pin(cids: string[], options: { minRelays: number; signal?: AbortSignal }): Promise<void>
  getDocument(cid: string, options: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array>
}

/** The deployment names no market (a P2P-only config): there is no catalog to open. */
export class CatalogUnavailableError extends BaseError {
  override name = 'CatalogUnavailableError'
  constructor() {
    super('This deployment has no market contract, so it has no catalog.')
  }
}

const ZERO = /^0x0{40}$/

/**
 * `CatalogService` over the engine. `ready` resolves once the Worker's catalog is searchable (from this
 * device's saved copy or a relay's snapshot); `change` fires when listings arrive or leave and when the sync
 * state moves (`state`).
 */
export class EngineCatalog extends EventTarget implements CatalogService, PublishBackend, DocumentBackend {
  readonly ready: Promise<void>
  state: CatalogSyncState | undefined
  readonly #remote: Comlink.Remote<CatalogEngineApi>
  #subscription: Promise<number> | undefined
  #retry: ReturnType<typeof setTimeout> | undefined
  #closed = false
  #giveUp: (() => void) | undefined

  constructor(remote: Comlink.Remote<CatalogEngineApi>, config: SoukConfig, storageName?: string) {
    super()
    this.#remote = remote
    this.#subscription = remote.catalogSubscribe(
      Comlink.proxy((s: CatalogSyncState) => {
        this.state = s
        this.dispatchEvent(new Event('change'))
      }),
    )
    this.#subscription.catch(() => {})
    const rpcUrls = [...config.chain.rpcUrls]
    if (ZERO.test(config.contracts.market) || rpcUrls.length === 0)
      this.ready = Promise.reject(new CatalogUnavailableError())
    else {
      const options = {
        rpcUrls,
        chainId: config.chain.id,
        market: config.contracts.market,
        deployBlock: config.contracts.deployBlock ?? 0,
        ...(storageName ? { storageName } : {}),
      }
      // a first start that cannot open (no chain reachable, nothing saved yet) is tried again with backoff,
      // as ChainStatus does for the RPC; meanwhile `state` says 'failed' and why, and `ready` waits
      this.ready = new Promise<void>((resolve, reject) => {
        this.#giveUp = () => reject(new CatalogUnavailableError())
        let delay = 1_000
        const attempt = (): void => {
          remote.catalogOpen(options).then(
            (s) => {
              this.state = s
              this.dispatchEvent(new Event('change'))
              resolve()
            },
            () => {
              if (this.#closed) return reject(new CatalogUnavailableError())
              this.#retry = setTimeout(attempt, delay)
              delay = Math.min(delay * 2, 30_000)
            },
          )
        }
        attempt()
      })
    }
    // views await `ready` and show its error; nobody else must see it as unhandled
    this.ready.catch(() => {})
  }

  async search(query: SearchQuery, { signal }: { signal?: AbortSignal } = {}): Promise<SearchResult> {
    return await abortable(
      this.ready.then(() => this.#remote.catalogSearch(query)),
      signal,
    )
  }

  async get(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<CatalogListing | undefined> {
    return await abortable(
      this.ready.then(() => this.#remote.catalogGet(id)),
      signal,
    )
  }

  async addPhoto(photo: Blob, { signal }: { signal?: AbortSignal } = {}): Promise<AddedPhoto> {
    return await abortable(this.#remote.addPhoto(photo), signal)
  }

  async addDocument(cid: string, bytes: Uint8Array, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    await abortable(this.#remote.addDocument(cid, bytes), signal)
  }

  async getDocument(
    cid: string,
    { maxBytes, signal }: { maxBytes: number; signal?: AbortSignal },
  ): Promise<Uint8Array> {
    return await abortable(this.#remote.getDocument(cid, maxBytes), signal)
  }

  async pin(cids: string[], { minRelays, signal }: { minRelays: number; signal?: AbortSignal }): Promise<void> {
    await abortable(this.#remote.pinMedia(cids, minRelays), signal)
  }

  async put(listingId: string, bytes: Uint8Array, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    await abortable(
      this.ready.then(() => this.#remote.catalogPut(listingId, bytes)),
      signal,
    )
  }

  /** Stops listening to the Worker (the catalog keeps running there for other tabs). */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retry)
    this.#giveUp?.()
    const id = await this.#subscription?.catch(() => undefined)
    this.#subscription = undefined
    if (id !== undefined) await this.#remote.catalogUnsubscribe(id).catch(() => {})
  }
}
