/**
 * The sell form's draft in IndexedDB (photos included, as Blobs), so closing the page or the phone killing
 * the tab loses nothing. One draft per browser profile; `name` makes another store (tests).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { ListingImage } from '../core/listing.ts'

export interface SellDraft {
  title: string
  description: string
  category: string
  condition: string
  currency: string
  reserve: string
  biddingSeconds: number
  revealSeconds: number
  /** The chosen arbiters (1–3); undefined until the picker made its first choice (the recommended ones). */
  arbiters?: `0x${string}`[]
  /** The fee to the arbiter in percent, as typed; undefined follows the chosen arbiters' minimum. */
  feePercent?: string
  /** Seconds the buyer has to confirm or dispute after shipping; undefined: the form's default. */
  confirmSeconds?: number
  /** Seconds the chosen arbiter has to decide a dispute; undefined: the form's default (at least the arbiters' minimum). */
  disputeSeconds?: number
  /** Before contracts v3 the form named one arbiter by address; read once into `arbiters`. */
  arbiter?: string
  shippingFrom: string
  photos: Blob[]
  /** Photos already on IPFS (a relisted or edited listing's), shown before `photos` and not uploaded again. */
  images?: ListingImage[]
  /** A fixed price (`reserve` is the price, `biddingSeconds` how long it is on sale) instead of an auction. */
  buyNow?: boolean
  updatedAt: number
  /**
   * Publish was pressed while offline (or publishing stopped when the network went away): publish this draft
   * as soon as the device is back online, also after a reload. Publishing resumes where it stopped
   * (EnginePublishService keeps each stage's result), so the transaction is never sent twice.
   */
  publishWhenOnline?: boolean
}

interface DraftSchema extends DBSchema {
  drafts: { key: string; value: SellDraft }
}

const KEY = 'sell'

export class DraftStore {
  readonly #db: IDBPDatabase<DraftSchema>

  private constructor(db: IDBPDatabase<DraftSchema>) {
    this.#db = db
  }

  static async open(name = 'souk-drafts'): Promise<DraftStore> {
    return new DraftStore(
      await openDB<DraftSchema>(name, 1, {
        upgrade(db) {
          db.createObjectStore('drafts')
        },
      }),
    )
  }

  async load(): Promise<SellDraft | undefined> {
    return await this.#db.get('drafts', KEY)
  }

  /** Resolves once IndexedDB committed the draft. */
  async save(draft: SellDraft): Promise<void> {
    await this.#db.put('drafts', draft, KEY)
  }

  async clear(): Promise<void> {
    await this.#db.delete('drafts', KEY)
  }

  close(): void {
    this.#db.close()
  }
}
