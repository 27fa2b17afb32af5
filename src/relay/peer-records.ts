/**
 * Where the relay's libp2p keeps its peer store: memory, bounded, not the relay's LevelDB.
 *
 * libp2p reads and rewrites a peer's record on every stream opened with it (it merges the stream's protocol into
 * the record) and on every identify. In the relay's LevelDB that was a native get and a put per stream: under
 * `bench:relay-attack` about a fifth of the relay's CPU, the largest share after the noise handshakes of the
 * attacker's connections, and each of those puts went to disk. The records are not worth keeping across a
 * restart: a relay's peers are browsers that dial in, its relays come from the relay pool's own store, and libp2p
 * rebuilds a record at the next identify. So they live in memory; peer ids are free, so the map is bounded,
 * forgetting the record used longest ago. Every connected peer's record is used at least every 10 s (libp2p's
 * connection monitor pings each connection on a new stream), so with room for several times the connection cap
 * only records of peers gone for a while are forgotten.
 */
import { BaseDatastore } from 'datastore-core'
import { Key, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import { NotFoundError, type AbortOptions } from '@libp2p/interface'

/** Records kept per connection the relay allows (`--max-connections`): ~1 KB each, 16 MB at the default 4096. */
export const PEER_RECORDS_PER_CONNECTION = 4

export class PeerRecordStore extends BaseDatastore {
  readonly #max: number
  /** Least recently used first: a Map iterates in insertion order, and every use re-inserts. */
  readonly #records = new Map<string, Uint8Array>()

  constructor(maxRecords: number) {
    super()
    if (!(maxRecords >= 1)) throw new RangeError('a peer record store needs room for at least 1 record')
    this.#max = maxRecords
  }

  get size(): number {
    return this.#records.size
  }

  override put(key: Key, value: Uint8Array, options?: AbortOptions): Key {
    options?.signal?.throwIfAborted()
    const k = key.toString()
    this.#records.delete(k)
    this.#records.set(k, value)
    for (const oldest of this.#records.keys()) {
      if (this.#records.size <= this.#max) break
      this.#records.delete(oldest)
    }
    return key
  }

  override get(key: Key, options?: AbortOptions): Uint8Array {
    options?.signal?.throwIfAborted()
    const k = key.toString()
    const value = this.#records.get(k)
    if (value === undefined) throw new NotFoundError(`no peer record for ${k}`)
    this.#records.delete(k)
    this.#records.set(k, value)
    return value
  }

  override has(key: Key, options?: AbortOptions): boolean {
    options?.signal?.throwIfAborted()
    return this.#records.has(key.toString())
  }

  override delete(key: Key, options?: AbortOptions): void {
    options?.signal?.throwIfAborted()
    this.#records.delete(key.toString())
  }

  override *_all(_q: Query, options?: AbortOptions): Generator<Pair> {
    // a copy: the peer store deletes expired records while it walks them
    for (const [key, value] of [...this.#records]) {
      options?.signal?.throwIfAborted()
      yield { key: new Key(key), value }
    }
  }

  override *_allKeys(_q: KeyQuery, options?: AbortOptions): Generator<Key> {
    for (const key of [...this.#records.keys()]) {
      options?.signal?.throwIfAborted()
      yield new Key(key)
    }
  }
}
