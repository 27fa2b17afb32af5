/**
 * The relay's store-and-forward pool: verified envelopes kept in the relay's datastore (so they survive a
 * restart or a crash after the ack), indexed in memory by recipient and by reconciliation bucket, with
 * per-sender quotas and a retention sweep. Also the key directory: device bindings seen on envelopes and
 * presence records, so a sender can encrypt to someone who is offline.
 */
import { Key, type Datastore } from 'interface-datastore'
import type { Address } from 'viem'
import { MAX_DEVICES, parseBinding, parseEnvelope, type DeviceBinding, type Envelope } from '../core/messaging.ts'
import { DigestSet } from '../core/reconcile.ts'

export interface StoredMessage {
  id: string
  env: Envelope
  /** When this relay stored it (ms): the order of pulls and the cursor browsers keep. */
  at: number
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const MSG_PREFIX = '/souk/msg/'
const KEY_PREFIX = '/souk/msgkey/'

export class MessageStore {
  readonly digest = new DigestSet()
  readonly #items = new Map<string, StoredMessage>()
  readonly #byRecipient = new Map<string, StoredMessage[]>()
  readonly #perSender = new Map<string, number>()
  readonly #keys = new Map<string, Map<string, DeviceBinding>>()
  readonly #ds: Datastore
  #lastAt = 0

  constructor(datastore: Datastore) {
    this.#ds = datastore
  }

  get size(): number {
    return this.#items.size
  }

  async load(): Promise<void> {
    const loaded: StoredMessage[] = []
    for await (const { key, value } of this.#ds.query({ prefix: MSG_PREFIX })) {
      try {
        const raw = JSON.parse(decoder.decode(value)) as { env: unknown; at: number }
        loaded.push({ id: key.baseNamespace(), env: parseEnvelope(raw.env), at: raw.at })
      } catch {
        await Promise.resolve(this.#ds.delete(key)).catch(() => {})
      }
    }
    loaded.sort((a, b) => a.at - b.at)
    for (const m of loaded) this.#index(m)
    for await (const { value } of this.#ds.query({ prefix: KEY_PREFIX })) {
      try {
        this.#rememberKey(parseBinding(JSON.parse(decoder.decode(value))))
      } catch {
        /* skip a damaged record */
      }
    }
  }

  has(id: string): boolean {
    return this.#items.has(id)
  }

  get(id: string): StoredMessage | undefined {
    return this.#items.get(id)
  }

  storedFor(sender: Address): number {
    return this.#perSender.get(sender.toLowerCase()) ?? 0
  }

  /** Stores a verified envelope durably; resolves once it is on disk. */
  async put(id: string, env: Envelope): Promise<StoredMessage> {
    // strictly increasing, so a cursor never skips a message stored in the same millisecond
    const at = Math.max(Date.now(), this.#lastAt + 1)
    // taken now, not when indexed: two puts in flight at once must not share an `at`, or a page boundary
    // between them would skip one
    this.#lastAt = at
    const m: StoredMessage = { id, env, at }
    await this.#ds.put(new Key(MSG_PREFIX + id), encoder.encode(JSON.stringify({ env, at })))
    if (!this.#items.has(id)) this.#index(m)
    await this.learnKey(env.from)
    return m
  }

  /** Messages for `to` stored after `after`, oldest first, at most `maxBytes` of envelopes. */
  page(to: Address, after: number, maxBytes: number): { items: StoredMessage[]; more: boolean } {
    const list = this.#byRecipient.get(to.toLowerCase()) ?? []
    // binary search for the first item after the cursor
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (list[mid]!.at <= after) lo = mid + 1
      else hi = mid
    }
    const items: StoredMessage[] = []
    let bytes = 0
    for (let i = lo; i < list.length; i++) {
      const size = JSON.stringify(list[i]!.env).length + 64
      if (items.length > 0 && bytes + size > maxBytes) return { items, more: true }
      items.push(list[i]!)
      bytes += size
    }
    return { items, more: false }
  }

  /** Deletes messages stored before `before`; returns how many. */
  async expire(before: number): Promise<number> {
    let n = 0
    for (const m of [...this.#items.values()]) {
      if (m.at >= before) continue
      await Promise.resolve(this.#ds.delete(new Key(MSG_PREFIX + m.id))).catch(() => {})
      this.#items.delete(m.id)
      this.digest.delete(m.id)
      const list = this.#byRecipient.get(m.env.to.toLowerCase())
      if (list) {
        const i = list.indexOf(m)
        if (i >= 0) list.splice(i, 1)
        if (list.length === 0) this.#byRecipient.delete(m.env.to.toLowerCase())
      }
      const sender = m.env.from.address.toLowerCase()
      this.#perSender.set(sender, (this.#perSender.get(sender) ?? 1) - 1)
      n++
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

  #index(m: StoredMessage): void {
    this.#items.set(m.id, m)
    this.digest.add(m.id)
    this.#lastAt = Math.max(this.#lastAt, m.at)
    const to = m.env.to.toLowerCase()
    let list = this.#byRecipient.get(to)
    if (!list) this.#byRecipient.set(to, (list = []))
    // keep the list ordered by `at`: concurrent puts take their `at` before their disk write and may finish
    // out of order, and a pull pages by `at` (an item out of place would be skipped)
    let i = list.length
    while (i > 0 && list[i - 1]!.at > m.at) i--
    list.splice(i, 0, m)
    const sender = m.env.from.address.toLowerCase()
    this.#perSender.set(sender, (this.#perSender.get(sender) ?? 0) + 1)
  }
}
