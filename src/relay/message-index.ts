/**
 * What memory keeps of the relay's stored messages (the envelopes are on disk, `message-store.ts`): one small
 * entry per message, by recipient in store order and by reconciliation bucket, and the tallies the relay's
 * limits check: per recipient what waits (stored after its last pull), per sender, per source, in all.
 * Strings many entries share (addresses, source keys) are held once, as the tallies' keys.
 */
import type { Envelope } from '../core/messaging.ts'
import { DigestSet } from '../core/reconcile.ts'
import type { Tally } from '../p2p/messaging/wire.ts'

export interface Meta {
  id: string
  /** When this relay stored it (ms). */
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

interface Mailbox {
  readonly key: string
  /** Ordered by `at`. */
  list: Meta[]
  /** The recipient has pulled everything stored up to here; what is newer is waiting. */
  mark: number
  waiting: Tally
}

const add = (t: Tally, m: Meta, sign: 1 | -1): void => {
  t.count += sign
  t.bytes += sign * m.size
}

export class MessageIndex {
  readonly digest = new DigestSet()
  readonly #meta = new Map<string, Meta>()
  readonly #boxes = new Map<string, Mailbox>()
  readonly #senders = new Map<string, { readonly key: string; count: number }>()
  readonly #sources = new Map<string, Tally & { readonly key: string }>()
  readonly #total: Tally = { count: 0, bytes: 0 }

  /** Messages counted (charged), indexed or not yet. */
  get size(): number {
    return this.#total.count
  }

  get bytes(): number {
    return this.#total.bytes
  }

  get(id: string): Meta | undefined {
    return this.#meta.get(id)
  }

  storedFor(sender: string): number {
    return this.#senders.get(sender.toLowerCase())?.count ?? 0
  }

  waitingFor(to: string): Tally {
    const w = this.#boxes.get(to.toLowerCase())?.waiting
    return w ? { count: w.count, bytes: w.bytes } : { count: 0, bytes: 0 }
  }

  storedFrom(source: string): Tally {
    const t = this.#sources.get(source)
    return t ? { count: t.count, bytes: t.bytes } : { count: 0, bytes: 0 }
  }

  /** A new entry, sharing the strings already held. */
  metaOf(id: string, env: Envelope, at: number, size: number, src: readonly string[]): Meta {
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

  /** Sets how far `to` has pulled (at start, from disk). */
  setMark(to: string, mark: number): void {
    this.#box(to).mark = mark
  }

  /** Counts `m` in every tally (before its write, so limits hold for puts in flight). */
  charge(m: Meta): void {
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

  uncharge(m: Meta): void {
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

  /** Makes a charged entry readable (its envelope is on disk now). */
  add(m: Meta): void {
    this.#meta.set(m.id, m)
    this.digest.add(m.id)
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

  /** Forgets an entry (uncharge it too). */
  remove(m: Meta): void {
    this.#meta.delete(m.id)
    this.digest.delete(m.id)
    const list = this.#boxes.get(m.to)?.list
    const i = list ? list.indexOf(m) : -1
    if (i >= 0) list!.splice(i, 1)
  }

  /**
   * The entries of a page for `to` after `after` (oldest first, at most `maxBytes` counting 64 bytes of framing
   * each, at least one unless `maxBytes` is 0), whether more follow, and everything waiting after `after`.
   */
  select(to: string, after: number, maxBytes: number): { chosen: Meta[]; more: boolean; waiting: Tally } {
    const list = this.#boxes.get(to.toLowerCase())?.list ?? []
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
    return { chosen, more: lo + chosen.length < list.length, waiting }
  }

  /** `to` pulled everything up to `at`: it no longer waits. True when the mark moved. */
  pulled(to: string, at: number): boolean {
    const box = this.#boxes.get(to.toLowerCase())
    if (!box || at <= box.mark) return false
    box.mark = at
    for (const m of box.list) {
      if (m.at > at) break
      if (m.w) this.#unwait(box, m)
    }
    return true
  }

  /** Takes out (uncharged, unindexed) every entry stored before `before`; `emptied`: mailboxes now gone. */
  expire(before: number): { old: Meta[]; emptied: string[] } {
    const old: Meta[] = []
    const emptied: string[] = []
    for (const [to, box] of this.#boxes) {
      // oldest first: the expired ones are at the front
      let k = 0
      while (k < box.list.length && box.list[k]!.at < before) k++
      for (const m of box.list.splice(0, k)) {
        this.uncharge(m)
        this.#meta.delete(m.id)
        this.digest.delete(m.id)
        old.push(m)
      }
      if (box.list.length === 0 && box.waiting.count === 0) emptied.push(to)
    }
    for (const to of emptied) this.#boxes.delete(to)
    return { old, emptied }
  }

  #box(to: string): Mailbox {
    let box = this.#boxes.get(to)
    if (!box) this.#boxes.set(to, (box = { key: to, list: [], mark: 0, waiting: { count: 0, bytes: 0 } }))
    return box
  }

  #unwait(box: Mailbox, m: Meta): void {
    m.w = false
    add(box.waiting, m, -1)
  }
}
