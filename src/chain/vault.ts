/**
 * The bid vault: the amount and salt of every sealed bid, in IndexedDB, written BEFORE the bid transaction is
 * sent. Without them a bid cannot be revealed, so nothing here is ever dropped silently: a bid whose
 * transaction failed is kept and marked `failed`.
 *
 * Entries are keyed by commitment (unique per salt, and it already binds chain, market, listing and bidder).
 * `exportVault()` writes a versioned JSON file with a checksum; `importVault(file)` merges it without
 * duplicates, recomputing every commitment so a damaged or edited file is refused with a readable error.
 * Works in any page or worker with IndexedDB; other tabs hear about writes through a BroadcastChannel.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import { getAddress, isAddress, sha256, stringToBytes, type Address, type Hex } from 'viem'
import { computeCommitment } from './commitment.ts'
import { VaultError } from './errors.ts'

export type BidStatus = 'pending' | 'sent' | 'confirmed' | 'failed' | 'revealed' | 'withdrawn'
export const BID_STATUSES: readonly BidStatus[] = ['pending', 'sent', 'confirmed', 'failed', 'revealed', 'withdrawn']

export interface BidSecret {
  chainId: number
  market: Address
  listingId: bigint
  bidder: Address
  /** The hidden amount, in the currency's smallest unit. */
  amount: bigint
  salt: Hex
  commitment: Hex
  /** What was locked with the bid (>= amount). */
  deposit: bigint
  /** ERC-20 of the listing; absent for ETH. */
  token?: Address
  status: BidStatus
  txHash?: Hex
  error?: string
  /** Unix milliseconds. */
  createdAt: number
  updatedAt?: number
}

/** The JSON form, used both in IndexedDB and in export files (bigints as decimal strings). */
interface StoredBid {
  chainId: number
  market: Address
  listingId: string
  bidder: Address
  amount: string
  salt: Hex
  commitment: Hex
  deposit: string
  token?: Address
  status: BidStatus
  txHash?: Hex
  error?: string
  createdAt: number
  updatedAt?: number
}

interface VaultSchema extends DBSchema {
  bids: {
    key: Hex
    value: StoredBid
    indexes: { byListing: [number, string, string]; byBidder: [number, string, string] }
  }
}

export const VAULT_FILE_FORMAT = 'souk-bid-vault'
export const VAULT_FILE_VERSION = 1
export const DEFAULT_VAULT_NAME = 'souk-bid-vault'

export interface VaultFile {
  format: typeof VAULT_FILE_FORMAT
  version: number
  exportedAt: string
  entries: StoredBid[]
  /** sha256 of the canonical JSON of `entries` (sorted by commitment). */
  checksum: Hex
}

export interface ImportVaultReturnType {
  added: number
  updated: number
  unchanged: number
}

export interface BidFilter {
  chainId?: number
  market?: Address
  listingId?: bigint
  bidder?: Address
  status?: BidStatus | readonly BidStatus[]
}

/** How far a bid got; merging keeps the furthest state. */
const RANK: Record<BidStatus, number> = { pending: 0, sent: 1, failed: 2, confirmed: 3, revealed: 4, withdrawn: 5 }

function toStored(b: BidSecret): StoredBid {
  const s: StoredBid = {
    chainId: b.chainId,
    market: getAddress(b.market),
    listingId: b.listingId.toString(),
    bidder: getAddress(b.bidder),
    amount: b.amount.toString(),
    salt: b.salt.toLowerCase() as Hex,
    commitment: b.commitment.toLowerCase() as Hex,
    deposit: b.deposit.toString(),
    status: b.status,
    createdAt: b.createdAt,
  }
  if (b.token) s.token = getAddress(b.token)
  if (b.txHash) s.txHash = b.txHash
  if (b.error) s.error = b.error
  if (b.updatedAt !== undefined) s.updatedAt = b.updatedAt
  return s
}

function fromStored(s: StoredBid): BidSecret {
  return { ...s, listingId: BigInt(s.listingId), amount: BigInt(s.amount), deposit: BigInt(s.deposit) }
}

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/
const BYTES32 = /^0x[0-9a-fA-F]{64}$/

/** Checks one untrusted entry; throws a VaultError naming the entry and the field. */
function parseEntry(value: unknown, index: number): StoredBid {
  const bad = (field: string, expected: string): never => {
    throw new VaultError(`Entry ${index + 1} of the vault file is invalid: ${field} must be ${expected}.`)
  }
  if (typeof value !== 'object' || value === null) bad('the entry', 'an object')
  const v = value as Record<string, unknown>
  if (!Number.isSafeInteger(v.chainId) || (v.chainId as number) <= 0) bad('chainId', 'a positive integer')
  if (typeof v.market !== 'string' || !isAddress(v.market, { strict: false })) bad('market', 'an address')
  if (typeof v.bidder !== 'string' || !isAddress(v.bidder, { strict: false })) bad('bidder', 'an address')
  for (const f of ['listingId', 'amount', 'deposit'] as const)
    if (typeof v[f] !== 'string' || !DECIMAL.test(v[f])) bad(f, 'a whole number written as a string')
  for (const f of ['salt', 'commitment'] as const)
    if (typeof v[f] !== 'string' || !BYTES32.test(v[f])) bad(f, '32 bytes of hex (0x + 64 digits)')
  if (typeof v.status !== 'string' || !BID_STATUSES.includes(v.status as BidStatus))
    bad('status', `one of ${BID_STATUSES.join(', ')}`)
  if (!Number.isFinite(v.createdAt)) bad('createdAt', 'a time in milliseconds')
  if (v.token !== undefined && (typeof v.token !== 'string' || !isAddress(v.token, { strict: false })))
    bad('token', 'an address')
  if (v.txHash !== undefined && (typeof v.txHash !== 'string' || !BYTES32.test(v.txHash))) bad('txHash', 'a hash')
  if (v.error !== undefined && typeof v.error !== 'string') bad('error', 'text')
  const entry = toStored({
    chainId: v.chainId as number,
    market: v.market as Address,
    listingId: BigInt(v.listingId as string),
    bidder: v.bidder as Address,
    amount: BigInt(v.amount as string),
    salt: v.salt as Hex,
    commitment: v.commitment as Hex,
    deposit: BigInt(v.deposit as string),
    status: v.status as BidStatus,
    createdAt: v.createdAt as number,
    ...(v.token ? { token: v.token as Address } : {}),
    ...(v.txHash ? { txHash: v.txHash as Hex } : {}),
    ...(v.error ? { error: v.error as string } : {}),
    ...(Number.isFinite(v.updatedAt) ? { updatedAt: v.updatedAt as number } : {}),
  })
  const expected = computeCommitment({ ...fromStored(entry) })
  if (expected !== entry.commitment)
    throw new VaultError(
      `Entry ${index + 1} of the vault file is damaged: its amount and salt do not match its commitment.`,
    )
  return entry
}

function canonical(entries: StoredBid[]): string {
  const sorted = [...entries].sort((a, b) => (a.commitment < b.commitment ? -1 : a.commitment > b.commitment ? 1 : 0))
  // fixed key order, so the checksum does not depend on how the entries were built
  return JSON.stringify(
    sorted.map((e) => [
      e.chainId,
      e.market,
      e.listingId,
      e.bidder,
      e.amount,
      e.salt,
      e.commitment,
      e.deposit,
      e.token ?? null,
      e.status,
      e.txHash ?? null,
      e.error ?? null,
      e.createdAt,
      e.updatedAt ?? null,
    ]),
  )
}

function checksumOf(entries: StoredBid[]): Hex {
  return sha256(stringToBytes(canonical(entries)))
}

/** Parses and checks an export file's text; throws a VaultError saying what is wrong. */
export function parseVaultFile(text: string): StoredBid[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new VaultError('This file is not a Souk bid vault export (it is not JSON).')
  }
  const d = doc as Partial<VaultFile> | null
  if (typeof d !== 'object' || d === null || d.format !== VAULT_FILE_FORMAT)
    throw new VaultError('This file is not a Souk bid vault export.')
  if (d.version !== VAULT_FILE_VERSION)
    throw new VaultError(
      `This vault file has version ${String(d.version)}; this app reads version ${VAULT_FILE_VERSION}. Update the app.`,
    )
  if (!Array.isArray(d.entries)) throw new VaultError('The vault file has no list of bids.')
  const entries = d.entries.map((e, i) => parseEntry(e, i))
  if (typeof d.checksum !== 'string' || d.checksum.toLowerCase() !== checksumOf(entries))
    throw new VaultError('The vault file is damaged or was edited: its checksum does not match.')
  return entries
}

function matches(s: StoredBid, f: BidFilter): boolean {
  if (f.chainId !== undefined && s.chainId !== f.chainId) return false
  if (f.market && s.market.toLowerCase() !== f.market.toLowerCase()) return false
  if (f.listingId !== undefined && s.listingId !== f.listingId.toString()) return false
  if (f.bidder && s.bidder.toLowerCase() !== f.bidder.toLowerCase()) return false
  if (f.status !== undefined) {
    const wanted = typeof f.status === 'string' ? [f.status] : f.status
    if (!wanted.includes(s.status)) return false
  }
  return true
}

export interface OpenVaultOptions {
  /** IndexedDB database name; another name is another profile. */
  name?: string
}

/**
 * The vault of one browser profile. Fires `change` (an Event) after every write, in this tab and in the
 * other tabs of the same profile.
 */
export class BidVault extends EventTarget {
  readonly name: string
  readonly #db: IDBPDatabase<VaultSchema>
  readonly #channel: BroadcastChannel | undefined

  private constructor(name: string, db: IDBPDatabase<VaultSchema>) {
    super()
    this.name = name
    this.#db = db
    this.#channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`souk-vault:${name}`) : undefined
    this.#channel?.addEventListener('message', () => this.dispatchEvent(new Event('change')))
  }

  static async open({ name = DEFAULT_VAULT_NAME }: OpenVaultOptions = {}): Promise<BidVault> {
    if (typeof indexedDB === 'undefined')
      throw new VaultError(
        'This browser cannot store bid secrets (IndexedDB is unavailable, e.g. in a private window).',
      )
    try {
      const db = await openDB<VaultSchema>(name, 1, {
        upgrade(db) {
          const store = db.createObjectStore('bids', { keyPath: 'commitment' })
          store.createIndex('byListing', ['chainId', 'market', 'listingId'])
          store.createIndex('byBidder', ['chainId', 'market', 'bidder'])
        },
      })
      return new BidVault(name, db)
    } catch (err) {
      throw new VaultError('Could not open the bid vault in this browser.', { cause: err })
    }
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'))
    this.#channel?.postMessage('change')
  }

  /** Stores a new secret. Resolves only once IndexedDB has committed it (so it is safe to send the bid). */
  async add(entry: BidSecret): Promise<void> {
    const tx = this.#db.transaction('bids', 'readwrite')
    await Promise.all([tx.store.put(toStored(entry)), tx.done])
    this.#changed()
  }

  async get(commitment: Hex): Promise<BidSecret | undefined> {
    const s = await this.#db.get('bids', commitment.toLowerCase() as Hex)
    return s && fromStored(s)
  }

  /** Changes an entry's status, tx hash or error. */
  async update(commitment: Hex, patch: Partial<Pick<BidSecret, 'status' | 'txHash' | 'error'>>): Promise<BidSecret> {
    const tx = this.#db.transaction('bids', 'readwrite')
    const current = await tx.store.get(commitment.toLowerCase() as Hex)
    if (!current) {
      tx.abort()
      await tx.done.catch(() => undefined)
      throw new VaultError(`No bid with commitment ${commitment} in the vault.`)
    }
    const next: StoredBid = { ...current, ...patch, updatedAt: Date.now() } as StoredBid
    if (patch.status && patch.status !== 'failed') delete next.error
    await Promise.all([tx.store.put(next), tx.done])
    this.#changed()
    return fromStored(next)
  }

  /** Every entry matching the filter, oldest first. */
  async list(filter: BidFilter = {}): Promise<BidSecret[]> {
    let rows: StoredBid[]
    if (filter.chainId !== undefined && filter.market && filter.listingId !== undefined)
      rows = await this.#db.getAllFromIndex('bids', 'byListing', [
        filter.chainId,
        getAddress(filter.market),
        filter.listingId.toString(),
      ])
    else if (filter.chainId !== undefined && filter.market && filter.bidder)
      rows = await this.#db.getAllFromIndex('bids', 'byBidder', [
        filter.chainId,
        getAddress(filter.market),
        getAddress(filter.bidder),
      ])
    else rows = await this.#db.getAll('bids')
    return rows
      .filter((s) => matches(s, filter))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(fromStored)
  }

  /** All entries as a versioned JSON file with a checksum, ready for a download link. */
  async exportVault(): Promise<Blob> {
    const entries = await this.#db.getAll('bids')
    const file: VaultFile = {
      format: VAULT_FILE_FORMAT,
      version: VAULT_FILE_VERSION,
      exportedAt: new Date().toISOString(),
      entries,
      checksum: checksumOf(entries),
    }
    return new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' })
  }

  /** A file name for the export, e.g. `souk-bids-2025-01-31.json`. */
  static exportFileName(date = new Date()): string {
    return `souk-bids-${date.toISOString().slice(0, 10)}.json`
  }

  /**
   * Merges an export into this vault. An entry already here is kept unless the file knows it got further
   * (e.g. revealed on the other device). Throws a VaultError, and changes nothing, if the file is not valid.
   */
  async importVault(file: Blob | string): Promise<ImportVaultReturnType> {
    const text = typeof file === 'string' ? file : await file.text()
    const entries = parseVaultFile(text)
    const result: ImportVaultReturnType = { added: 0, updated: 0, unchanged: 0 }
    const tx = this.#db.transaction('bids', 'readwrite')
    for (const e of entries) {
      const current = await tx.store.get(e.commitment)
      if (!current) {
        await tx.store.put(e)
        result.added++
      } else if (RANK[e.status] > RANK[current.status]) {
        await tx.store.put({ ...current, status: e.status, ...(e.txHash ? { txHash: e.txHash } : {}) })
        result.updated++
      } else result.unchanged++
    }
    await tx.done
    if (result.added || result.updated) this.#changed()
    return result
  }

  /** Closes the connection (tests; a page that is going away). */
  close(): void {
    this.#channel?.close()
    this.#db.close()
  }
}
