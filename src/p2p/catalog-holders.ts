/**
 * Which log entry brought each listing's current document. A new entry with the same key and the same
 * document as the entry the log holds adds nothing but a log entry every plain replica downloads (the same
 * authentic document put 300 times was 300 entries): it is refused on arrival (`canJoin`, the gossip
 * validator) and never written by `Catalog.put`. Entries reached through another entry's history are not
 * checked (refusing one would refuse every entry built on it).
 *
 * A holder is known once an entry carrying the current document is admitted, or (relays) found by the walk
 * of the local log at start. Unknown (a browser started from a snapshot): no entry counts as a repeat.
 */
import type { CID } from 'multiformats/cid'
import type { OrbitEntry } from '@orbitdb/core'
import { equals } from 'uint8arrays/equals'

export class EntryHolders {
  readonly #map = new Map<string, { hash: string; cid: CID }>()
  readonly #verified: ReadonlyMap<string, { cid: CID; bytes: Uint8Array }>
  readonly #holds: (hash: string) => Promise<boolean>

  /** `verified`: the catalog's current documents; `holds`: whether the log holds an entry. */
  constructor(
    verified: ReadonlyMap<string, { cid: CID; bytes: Uint8Array }>,
    holds: (hash: string) => Promise<boolean>,
  ) {
    this.#verified = verified
    this.#holds = holds
  }

  /**
   * Records `entry` (one the log holds: written, joined, or found by a walk of the log) if it carries its
   * listing's current document and no other entry the log holds is known to.
   */
  async note(entry: OrbitEntry): Promise<void> {
    const id = entry.payload?.key
    const v = typeof id === 'string' ? this.#verified.get(id) : undefined
    const doc = (entry.payload?.value as { doc?: unknown } | null)?.doc
    if (!entry.hash || !v || !(doc instanceof Uint8Array) || !equals(doc, v.bytes)) return
    const had = this.#map.get(id as string)
    if (had && had.hash !== entry.hash && had.cid.equals(v.cid) && (await this.#holds(had.hash))) return
    this.#map.set(id as string, { hash: entry.hash, cid: v.cid })
  }

  /** True when `hash` is a new entry repeating the key and current document of an entry the log holds. */
  async isDuplicate(hash: string, id: string, doc: Uint8Array): Promise<boolean> {
    const v = this.#verified.get(id)
    const holder = this.#map.get(id)
    if (!v || !holder || holder.hash === hash || !holder.cid.equals(v.cid) || !equals(doc, v.bytes)) return false
    return (await this.#holds(holder.hash)) && !(await this.#holds(hash))
  }

  /** True when the log holds an entry carrying exactly this document as listing `id`'s current one. */
  async held(id: string, doc: Uint8Array): Promise<boolean> {
    const v = this.#verified.get(id)
    const holder = this.#map.get(id)
    return !!v && !!holder && holder.cid.equals(v.cid) && equals(doc, v.bytes) && (await this.#holds(holder.hash))
  }
}
