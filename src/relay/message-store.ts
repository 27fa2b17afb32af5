/**
 * The relay's store-and-forward pool. Envelopes live **on disk** in the relay's LevelDB datastore (they survive
 * a restart or a crash after the ack, and a flood cannot grow the process's memory); memory holds a bounded
 * index: per message its id, store time, recipient, sender, size and source, by recipient in store order and
 * by reconciliation bucket. With it come the tallies the relay's limits check (per recipient: what waits, not
 * pulled yet; per source: IP, peer or relay; in all) and the retention sweep. Also the key directory: device
 * bindings seen on envelopes and presence records, so a sender can encrypt to someone who is offline.
 *
 * On disk: `/souk/msg/<id>` → `{ env, at }` (the envelope), `/souk/msgidx/<id>` → the index entry (read at start,
 * the envelopes are not), `/souk/msgmark/<address>` → how far the recipient pulled, `/souk/msgkey/<sign>` → a
 * binding. A data directory from before the index is indexed once at the first start.
 */
import { Key, type Datastore } from 'interface-datastore'
import type { Address } from 'viem'
import { MAX_DEVICES, parseBinding, parseEnvelope, type DeviceBinding, type Envelope } from '../core/messaging.ts'
import { DigestSet } from '../core/reconcile.ts'
import type { Tally } from '../p2p/messaging/wire.ts'

export interface StoredMessage {
  id: string
  env: Envelope
  /** When this relay stored it (ms): the order of pulls and the cursor browsers keep. */
  at: number
}

/** What memory keeps of a message (the envelope is on disk). */
interface Meta {
  id: string
  at: number
  to: string
  from: string
  /** Bytes of the envelope's JSON. */
  size: number
  /** The accounting keys of where it came from (`ip:…`, `peer:…` or `relay:…`). */
  src: readonly string[]
  /** Counted in its mailbox's `waiting` (stored after the recipient's last pull). */
  w?: boolean
}

/** A tally with its key: entries share that one string instead of holding a copy each. */
type Keyed<T> = T & { readonly key: string }

interface Mailbox {
  /** Ordered by `at`. */
  list: Meta[]
  /** The recipient has pulled everything stored up to here; what is newer is waiting. */
  mark: number
  waiting: Tally
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const MSG_PREFIX = '/souk/msg/'
const IDX_PREFIX = '/souk/msgidx/'
const MARK_PREFIX = '/souk/msgmark/'
const KEY_PREFIX = '/souk/msgkey/'
const INDEXED = new Key('/souk/msgmeta/indexed')

const add = (t: Tally, m: Meta, sign: 1 | -1): void => {
  t.count += sign
  t.bytes += sign * m.size
}

export class MessageStore {
  readonly digest = new DigestSet()
  readonly #meta = new Map<string, Meta>()
  readonly #boxes = new Map<string, Keyed<Mailbox>>()
  readonly #senders = new Map<string, Keyed<{ count: number }>>()
  readonly #sources = new Map<string, Keyed<Tally>>()
  readonly #total: Tally = { count: 0, bytes: 0 }
  /** Puts whose write is under way: counted in every tally already, not readable yet. */
  readonly #pending = new Map<string, Promise<StoredMessage>>()
  readonly #keys = new Map<string, Map<string, DeviceBinding>>()
  readonly #ds: Datastore
  #lastAt = 0

  constructor(datastore: Datastore) {
    this.#ds = datastore
  }

  /** Messages stored (writes under way included). */
  get size(): number {
    return this.#total.count
  }

  /** Envelope bytes stored (writes under way included). */
  get bytes(): number {
    return this.#total.bytes
  }

  /** Reads the index (never the envelopes), the recipients' pull marks and the key directory. */
  async load(): Promise<void> {
    for await (const { key, value } of this.#ds.query({ prefix: MARK_PREFIX })) {
      const mark = Number(decoder.decode(value))
      if (Number.isFinite(mark)) this.#box(key.baseNamespace()).mark = mark
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
      this.#charge(m)
      this.#index(m)
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
        const m = this.#metaOf(id, env, raw.at, encoder.encode(JSON.stringify(env)).byteLength, [])
        await this.#ds.put(new Key(IDX_PREFIX + id), this.#entry(m))
        out.push(m)
      } catch {
        await this.#remove(id)
      }
    }
    await this.#ds.put(INDEXED, encoder.encode('1'))
    return out
  }

  has(id: string): boolean {
    return this.#meta.has(id) || this.#pending.has(id)
  }

  /** The envelope `id`, read from disk. */
  async get(id: string): Promise<StoredMessage | undefined> {
    const m = this.#meta.get(id)
    if (!m) return undefined
    try {
      const raw = JSON.parse(decoder.decode(await this.#ds.get(new Key(MSG_PREFIX + id)))) as { env: unknown }
      return { id, env: parseEnvelope(raw.env), at: m.at }
    } catch {
      // gone from the disk (damaged): forget it, so pages and anti-entropy stop offering it
      this.#uncharge(m)
      this.#unindex(m)
      await this.#remove(id)
      return undefined
    }
  }

  storedFor(sender: Address): number {
    return this.#senders.get(sender.toLowerCase())?.count ?? 0
  }

  /** What waits for `to`: stored and not pulled yet. */
  waitingFor(to: Address | string): Tally {
    const w = this.#boxes.get(to.toLowerCase())?.waiting
    return w ? { ...w } : { count: 0, bytes: 0 }
  }

  /** What is stored from one source (`ip:…`, `peer:…`, `relay:…`). */
  storedFrom(source: string): Tally {
    const t = this.#sources.get(source)
    return t ? { count: t.count, bytes: t.bytes } : { count: 0, bytes: 0 }
  }

  /**
   * Stores a verified envelope durably; resolves once it is on disk (`dup`: it already was). `size` is the
   * envelope's JSON size, `src` the accounting keys of its source. Every tally counts it from the call on,
   * so limits checked just before hold for puts in flight at once.
   */
  async put(
    id: string,
    env: Envelope,
    size: number,
    src: readonly string[],
  ): Promise<{ m: StoredMessage; dup: boolean }> {
    const pending = this.#pending.get(id)
    if (pending) return { m: await pending, dup: true }
    if (this.#meta.has(id)) return { m: { id, env, at: this.#meta.get(id)!.at }, dup: true }
    // strictly increasing, so a cursor never skips a message stored in the same millisecond; taken now, not
    // when indexed: two puts in flight at once must not share an `at`, or a page boundary would skip one
    const at = Math.max(Date.now(), this.#lastAt + 1)
    this.#lastAt = at
    const meta = this.#metaOf(id, env, at, size, src)
    this.#charge(meta)
    const write = (async (): Promise<StoredMessage> => {
      const batch = this.#ds.batch()
      batch.put(new Key(MSG_PREFIX + id), encoder.encode(JSON.stringify({ env, at })))
      batch.put(new Key(IDX_PREFIX + id), this.#entry(meta))
      await batch.commit()
      return { id, env, at }
    })()
    this.#pending.set(id, write)
    try {
      const m = await write
      this.#index(meta)
      await this.learnKey(env.from)
      return { m, dup: false }
    } catch (err) {
      this.#uncharge(meta)
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
    const box = this.#boxes.get(to.toLowerCase())
    const list = box?.list ?? []
    let lo = 0 // binary search for the first item after the cursor
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (list[mid]!.at <= after) lo = mid + 1
      else hi = mid
    }
    const waiting: Tally = { count: 0, bytes: 0 }
    for (let i = lo; i < list.length; i++) add(waiting, list[i]!, 1)
    const chosen: Meta[] = []
    let bytes = 0
    for (let i = lo; i < list.length && maxBytes > 0; i++) {
      const size = list[i]!.size + 64
      if (chosen.length > 0 && bytes + size > maxBytes) break
      chosen.push(list[i]!)
      bytes += size
    }
    const read = await Promise.all(chosen.map((m) => this.get(m.id)))
    const items = read.filter((m): m is StoredMessage => m !== undefined)
    if (box && chosen.length > 0) await this.#pulled(to.toLowerCase(), box, chosen.at(-1)!.at)
    return { items, more: lo + chosen.length < list.length, waiting }
  }

  /** The recipient pulled everything up to `at`: it no longer waits (the envelopes stay for its other devices). */
  async #pulled(to: string, box: Mailbox, at: number): Promise<void> {
    if (at <= box.mark) return
    box.mark = at
    for (const m of box.list) {
      if (m.at > at) break
      if (m.w) this.#unwait(box, m)
    }
    await this.#ds.put(new Key(MARK_PREFIX + to), encoder.encode(String(at)))
  }

  /** Deletes messages stored before `before`; returns how many. */
  async expire(before: number): Promise<number> {
    let n = 0
    for (const [to, box] of [...this.#boxes]) {
      // oldest first: the expired ones are at the front
      let k = 0
      while (k < box.list.length && box.list[k]!.at < before) k++
      for (const m of box.list.splice(0, k)) {
        this.#uncharge(m)
        this.#meta.delete(m.id)
        this.digest.delete(m.id)
        await this.#remove(m.id)
      }
      n += k
      if (box.list.length === 0 && box.waiting.count === 0) {
        this.#boxes.delete(to)
        await Promise.resolve(this.#ds.delete(new Key(MARK_PREFIX + to))).catch(() => {})
      }
    }
    return n
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

  /** An index entry; the strings it shares with other entries (addresses, sources) are the tallies' keys. */
  #metaOf(id: string, env: Envelope, at: number, size: number, src: readonly string[]): Meta {
    const from = env.from.address.toLowerCase()
    return {
      id,
      at,
      to: this.#box(env.to.toLowerCase()).key,
      from: (this.#senders.get(from) ?? { key: from }).key,
      size,
      src: src.map((k) => (this.#sources.get(k) ?? { key: k }).key),
    }
  }

  #entry(m: Meta): Uint8Array {
    return encoder.encode(JSON.stringify({ at: m.at, to: m.to, from: m.from, size: m.size, src: m.src }))
  }

  #box(to: string): Keyed<Mailbox> {
    let box = this.#boxes.get(to)
    if (!box) this.#boxes.set(to, (box = { key: to, list: [], mark: 0, waiting: { count: 0, bytes: 0 } }))
    return box
  }

  #charge(m: Meta): void {
    add(this.#total, m, 1)
    const sender = this.#senders.get(m.from)
    if (sender) sender.count++
    else this.#senders.set(m.from, { key: m.from, count: 1 })
    for (const k of m.src) {
      let t = this.#sources.get(k)
      if (!t) this.#sources.set(k, (t = { key: k, count: 0, bytes: 0 }))
      add(t, m, 1)
    }
    const box = this.#box(m.to)
    m.w = m.at > box.mark
    if (m.w) add(box.waiting, m, 1)
  }

  #uncharge(m: Meta): void {
    add(this.#total, m, -1)
    const sender = this.#senders.get(m.from)
    if (sender && --sender.count <= 0) this.#senders.delete(m.from)
    for (const k of m.src) {
      const t = this.#sources.get(k)
      if (!t) continue
      add(t, m, -1)
      if (t.count <= 0) this.#sources.delete(k)
    }
    const box = this.#boxes.get(m.to)
    if (box && m.w) this.#unwait(box, m)
  }

  #unwait(box: Mailbox, m: Meta): void {
    m.w = false
    add(box.waiting, m, -1)
  }

  #index(m: Meta): void {
    this.#meta.set(m.id, m)
    this.digest.add(m.id)
    this.#lastAt = Math.max(this.#lastAt, m.at)
    const box = this.#box(m.to)
    // written after a pull already went past its `at` (puts finish out of order): counted as pulled, since
    // the recipient's next pull starts a minute before its cursor and gets it then
    if (m.w && m.at <= box.mark) this.#unwait(box, m)
    // keep the list ordered by `at`: concurrent puts take their `at` before their disk write and may finish
    // out of order, and a pull pages by `at` (an item out of place would be skipped)
    let i = box.list.length
    while (i > 0 && box.list[i - 1]!.at > m.at) i--
    box.list.splice(i, 0, m)
  }

  #unindex(m: Meta): void {
    this.#meta.delete(m.id)
    this.digest.delete(m.id)
    const list = this.#boxes.get(m.to)?.list
    const i = list ? list.indexOf(m) : -1
    if (i >= 0) list!.splice(i, 1)
  }

  async #remove(id: string): Promise<void> {
    const batch = this.#ds.batch()
    batch.delete(new Key(MSG_PREFIX + id))
    batch.delete(new Key(IDX_PREFIX + id))
    await Promise.resolve(batch.commit()).catch(() => {})
  }
}
