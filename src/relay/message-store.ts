/**
 * The relay's store-and-forward pool. Envelopes live **on disk** in the relay's LevelDB datastore (they survive
 * a restart or a crash after the ack, and a flood cannot grow the process's memory); memory holds a bounded
 * index with the tallies the relay's limits check (`message-index.ts`). Also the retention sweep and the key
 * directory: device bindings seen on envelopes and presence records, so a sender can encrypt to someone who
 * is offline.
 *
 * On disk: `/souk/msg/<id>` → `{ env, at }` (the envelope), `/souk/msgidx/<id>` → the index entry (read at start,
 * the envelopes are not), `/souk/msgmark/<address>` → how far the recipient pulled, `/souk/msgkey/<sign>` → a
 * binding. A data directory from before the index is indexed once at the first start.
 */
import { Key, type Datastore } from 'interface-datastore'
import type { Address } from 'viem'
import { MAX_DEVICES, parseBinding, parseEnvelope, type DeviceBinding, type Envelope } from '../core/messaging.ts'
import type { DigestSet } from '../core/reconcile.ts'
import type { Tally } from '../p2p/messaging/wire.ts'
import { MessageIndex, type Meta } from './message-index.ts'

export interface StoredMessage {
  id: string
  env: Envelope
  /** When this relay stored it (ms): the order of pulls and the cursor browsers keep. */
  at: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const MSG_PREFIX = '/souk/msg/'
const IDX_PREFIX = '/souk/msgidx/'
const MARK_PREFIX = '/souk/msgmark/'
const KEY_PREFIX = '/souk/msgkey/'
const INDEXED = new Key('/souk/msgmeta/indexed')

export class MessageStore {
  readonly #index = new MessageIndex()
  /** Puts whose write is under way: counted in every tally already, not readable yet. */
  readonly #pending = new Map<string, Promise<StoredMessage>>()
  readonly #keys = new Map<string, Map<string, DeviceBinding>>()
  readonly #ds: Datastore
  #lastAt = 0

  constructor(datastore: Datastore) {
    this.#ds = datastore
  }

  /** Ids by reconciliation bucket (anti-entropy). */
  get digest(): DigestSet {
    return this.#index.digest
  }

  /** Messages stored (writes under way included). */
  get size(): number {
    return this.#index.size
  }

  /** Envelope bytes stored (writes under way included). */
  get bytes(): number {
    return this.#index.bytes
  }

  /** Reads the index (never the envelopes), the recipients' pull marks and the key directory. */
  async load(): Promise<void> {
    for await (const { key, value } of this.#ds.query({ prefix: MARK_PREFIX })) {
      const mark = Number(decoder.decode(value))
      if (Number.isFinite(mark)) this.#index.setMark(key.baseNamespace(), mark)
    }
    const loaded: Meta[] = []
    for await (const { key, value } of this.#ds.query({ prefix: IDX_PREFIX })) {
      try {
        const v = JSON.parse(decoder.decode(value)) as Omit<Meta, 'id'>
        if (typeof v.at !== 'number' || typeof v.to !== 'string' || typeof v.from !== 'string') throw new Error()
        if (typeof v.size !== 'number' || !Array.isArray(v.src)) throw new Error()
        loaded.push({ id: key.baseNamespace(), at: v.at, to: v.to, from: v.from, size: v.size, src: v.src })
      } catch {
        await this.#remove(key.baseNamespace())
      }
    }
    if (!(await this.#ds.has(INDEXED))) loaded.push(...(await this.#indexOldRecords(new Set(loaded.map((m) => m.id)))))
    loaded.sort((a, b) => a.at - b.at)
    for (const m of loaded) {
      this.#index.charge(m)
      this.#index.add(m)
      this.#lastAt = Math.max(this.#lastAt, m.at)
    }
    for await (const { value } of this.#ds.query({ prefix: KEY_PREFIX })) {
      try {
        this.#rememberKey(parseBinding(JSON.parse(decoder.decode(value))))
      } catch {
        /* skip a damaged record */
      }
    }
  }

  /** A data directory from before the index: reads each envelope once (one at a time) to write its entry. */
  async #indexOldRecords(known: Set<string>): Promise<Meta[]> {
    const out: Meta[] = []
    for await (const { key, value } of this.#ds.query({ prefix: MSG_PREFIX })) {
      const id = key.baseNamespace()
      if (known.has(id)) continue
      try {
        const raw = JSON.parse(decoder.decode(value)) as { env: unknown; at: number }
        const env = parseEnvelope(raw.env)
        const m = this.#index.metaOf(id, env, raw.at, encoder.encode(JSON.stringify(env)).byteLength, [])
        await this.#ds.put(new Key(IDX_PREFIX + id), entry(m))
        out.push(m)
      } catch {
        await this.#remove(id)
      }
    }
    await this.#ds.put(INDEXED, encoder.encode('1'))
    return out
  }

  has(id: string): boolean {
    return this.#index.get(id) !== undefined || this.#pending.has(id)
  }

  /** The envelope `id`, read from disk. */
  async get(id: string): Promise<StoredMessage | undefined> {
    const m = this.#index.get(id)
    if (!m) return undefined
    try {
      const raw = JSON.parse(decoder.decode(await this.#ds.get(new Key(MSG_PREFIX + id)))) as { env: unknown }
      return { id, env: parseEnvelope(raw.env), at: m.at }
    } catch {
      // gone from the disk (damaged): forget it, so pages and anti-entropy stop offering it
      this.#index.uncharge(m)
      this.#index.remove(m)
      await this.#remove(id)
      return undefined
    }
  }

  storedFor(sender: Address): number {
    return this.#index.storedFor(sender)
  }

  /** What waits for `to`: stored and not pulled yet. */
  waitingFor(to: Address | string): Tally {
    return this.#index.waitingFor(to)
  }

  /** What is stored from one source (`ip:…`, `peer:…`, `relay:…`). */
  storedFrom(source: string): Tally {
    return this.#index.storedFrom(source)
  }

  /**
   * Stores a verified envelope durably; resolves once it is on disk (`dup`: it already was). `size` is the
   * envelope's JSON size, `src` the accounting keys of its source. Every tally counts it from the call on
   * (before any await), so limits checked just before hold for puts in flight at once.
   */
  async put(
    id: string,
    env: Envelope,
    size: number,
    src: readonly string[],
  ): Promise<{ m: StoredMessage; dup: boolean }> {
    const pending = this.#pending.get(id)
    if (pending) return { m: await pending, dup: true }
    const known = this.#index.get(id)
    if (known) return { m: { id, env, at: known.at }, dup: true }
    // strictly increasing, so a cursor never skips a message stored in the same millisecond; taken now, not
    // when indexed: two puts in flight at once must not share an `at`, or a page boundary would skip one
    const at = Math.max(Date.now(), this.#lastAt + 1)
    this.#lastAt = at
    const meta = this.#index.metaOf(id, env, at, size, src)
    this.#index.charge(meta)
    const write = (async (): Promise<StoredMessage> => {
      const batch = this.#ds.batch()
      batch.put(new Key(MSG_PREFIX + id), encoder.encode(JSON.stringify({ env, at })))
      batch.put(new Key(IDX_PREFIX + id), entry(meta))
      await batch.commit()
      return { id, env, at }
    })()
    this.#pending.set(id, write)
    try {
      const m = await write
      this.#index.add(meta)
      await this.learnKey(env.from)
      return { m, dup: false }
    } catch (err) {
      this.#index.uncharge(meta)
      throw err
    } finally {
      this.#pending.delete(id)
    }
  }

  /**
   * Messages for `to` stored after `after`, oldest first, at most `maxBytes` of envelopes (at least one unless
   * `maxBytes` is 0), read from disk; `waiting`: everything after `after`, this page included. What a page
   * serves counts as pulled from then on (no longer waiting in the recipient's mailbox).
   */
  async page(
    to: Address,
    after: number,
    maxBytes: number,
  ): Promise<{ items: StoredMessage[]; more: boolean; waiting: Tally }> {
    const { chosen, more, waiting } = this.#index.select(to, after, maxBytes)
    const read = await Promise.all(chosen.map((m) => this.get(m.id)))
    const last = chosen.at(-1)
    if (last && this.#index.pulled(to, last.at))
      await this.#ds.put(new Key(MARK_PREFIX + to.toLowerCase()), encoder.encode(String(last.at)))
    return { items: read.filter((m): m is StoredMessage => m !== undefined), more, waiting }
  }

  /** Deletes messages stored before `before`; returns how many. */
  async expire(before: number): Promise<number> {
    const { old, emptied } = this.#index.expire(before)
    for (const m of old) await this.#remove(m.id)
    for (const to of emptied) await Promise.resolve(this.#ds.delete(new Key(MARK_PREFIX + to))).catch(() => {})
    return old.length
  }

  /** The newest bindings known for `address` (at most `MAX_DEVICES`). */
  keysOf(address: Address): DeviceBinding[] {
    const m = this.#keys.get(address.toLowerCase())
    return m ? [...m.values()].sort((a, b) => b.created - a.created).slice(0, MAX_DEVICES) : []
  }

  /** Remembers a verified binding for the key directory. */
  async learnKey(b: DeviceBinding): Promise<void> {
    if (this.#keys.get(b.address.toLowerCase())?.has(b.sign)) return
    this.#rememberKey(b)
    await this.#ds.put(new Key(KEY_PREFIX + b.sign), encoder.encode(JSON.stringify(b)))
  }

  #rememberKey(b: DeviceBinding): void {
    const a = b.address.toLowerCase()
    let m = this.#keys.get(a)
    if (!m) this.#keys.set(a, (m = new Map()))
    m.set(b.sign, b)
    if (m.size > MAX_DEVICES * 2) {
      const oldest = [...m.values()].sort((x, y) => x.created - y.created)[0]!
      m.delete(oldest.sign)
    }
  }

  async #remove(id: string): Promise<void> {
    const batch = this.#ds.batch()
    batch.delete(new Key(MSG_PREFIX + id))
    batch.delete(new Key(IDX_PREFIX + id))
    await Promise.resolve(batch.commit()).catch(() => {})
  }
}

/** The index entry kept on disk for `m`. */
function entry(m: Meta): Uint8Array {
  return encoder.encode(JSON.stringify({ at: m.at, to: m.to, from: m.from, size: m.size, src: m.src }))
}
