/**
 * Set reconciliation by bucketed digests, for anti-entropy between relays (the seed's gossip-synced offline
 * pools). Ids are 128-bit hex strings (content hashes), spread over `BUCKETS` buckets by their first byte;
 * each bucket's digest is its size and the XOR of its ids. Two peers exchange the 64 digests (≈ 2 KiB), then
 * only the ids of buckets that differ, then only the items one side lacks. XOR of random 128-bit ids makes
 * equal digests over unequal sets practically impossible.
 */
export const BUCKETS = 64

export function bucketOf(id: string): number {
  return Number.parseInt(id.slice(0, 2), 16) % BUCKETS
}

export class DigestSet {
  readonly #ids: Set<string>[] = Array.from({ length: BUCKETS }, () => new Set<string>())
  readonly #xor: Uint32Array = new Uint32Array(BUCKETS * 4)

  get size(): number {
    let n = 0
    for (const b of this.#ids) n += b.size
    return n
  }

  has(id: string): boolean {
    return this.#ids[bucketOf(id)]!.has(id)
  }

  add(id: string): boolean {
    const b = bucketOf(id)
    if (this.#ids[b]!.has(id)) return false
    this.#ids[b]!.add(id)
    this.#flip(b, id)
    return true
  }

  delete(id: string): boolean {
    const b = bucketOf(id)
    if (!this.#ids[b]!.delete(id)) return false
    this.#flip(b, id)
    return true
  }

  /** One string per bucket: `<count>:<xor hex>`. */
  digest(): string[] {
    return this.#ids.map((set, b) => {
      const x = Array.from(this.#xor.subarray(b * 4, b * 4 + 4), (w) => w.toString(16).padStart(8, '0')).join('')
      return `${set.size}:${x}`
    })
  }

  /** Buckets whose digest differs from `other` (a peer's `digest()`). */
  differing(other: readonly string[]): number[] {
    const mine = this.digest()
    const out: number[] = []
    for (let b = 0; b < BUCKETS; b++) if (mine[b] !== other[b]) out.push(b)
    return out
  }

  idsIn(bucket: number): string[] {
    return [...(this.#ids[bucket] ?? [])]
  }

  #flip(b: number, id: string): void {
    for (let i = 0; i < 4; i++) this.#xor[b * 4 + i]! ^= Number.parseInt(id.slice(i * 8, i * 8 + 8), 16) >>> 0
  }
}

/** Valid shape of a digest from the network. */
export function isDigest(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length === BUCKETS &&
    value.every((d) => typeof d === 'string' && /^\d{1,9}:[0-9a-f]{32}$/.test(d))
  )
}

export const ID_PATTERN = /^[0-9a-f]{32}$/
