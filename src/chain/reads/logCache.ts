/**
 * Where log scans keep what they read, so a returning browser asks the RPC only for the blocks it has not
 * seen. One entry per key (chain, contract, event set): the block range `[fromBlock, toBlock]` it covers and
 * the decoded items of that range, appended to as the scan's finished prefix grows. `idbLogCache` keeps it in
 * IndexedDB (browser); `memoryLogCache` lives as long as the object (Node, tests).
 */
export interface LogCacheEntry<T> {
  fromBlock: bigint
  toBlock: bigint
  items: T[]
}

export interface LogCache<T> {
  load(key: string): Promise<LogCacheEntry<T> | undefined>
  /**
   * Extends the entry of `key` to `toBlock` with the items of `(previous toBlock, toBlock]`; creates it at
   * `fromBlock` when there is none. Callers only append a range adjacent to the entry.
   */
  append(key: string, fromBlock: bigint, toBlock: bigint, items: T[]): Promise<void>
  clear(key: string): Promise<void>
}

export function memoryLogCache<T>(): LogCache<T> {
  const entries = new Map<string, LogCacheEntry<T>>()
  return {
    async load(key) {
      const e = entries.get(key)
      return e && { ...e, items: [...e.items] }
    },
    async append(key, fromBlock, toBlock, items) {
      const e = entries.get(key)
      if (e) entries.set(key, { fromBlock: e.fromBlock, toBlock, items: [...e.items, ...items] })
      else entries.set(key, { fromBlock, toBlock, items: [...items] })
    },
    async clear(key) {
      entries.delete(key)
    },
  }
}
