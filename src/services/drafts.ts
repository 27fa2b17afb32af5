/**
 * The sell form's draft in IndexedDB (photos included, as Blobs), so closing the page or the phone killing
 * the tab loses nothing. One draft per browser profile; `name` makes another store (tests).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'

export interface SellDraft {
  title: string
  description: string
  category: string
  condition: string
  currency: string
  reserve: string
  biddingSeconds: number
  revealSeconds: number
  arbiter: string
  shippingFrom: string
  photos: Blob[]
  updatedAt: number
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
