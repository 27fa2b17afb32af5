/**
 * The browser's log cache: IndexedDB (through `idb`), one small record per entry (its block range) and one
 * record per appended chunk, so a scan's progress is written in O(new logs), never by rewriting everything.
 * Values are stored by structured clone, bigints included.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { LogCache, LogCacheEntry } from './logCache.ts'

interface Schema<T> extends DBSchema {
  ranges: { key: string; value: { fromBlock: bigint; toBlock: bigint } }
  chunks: { key: [string, number]; value: { items: T[] } }
}

/** Chunks are keyed by the last block they cover (block numbers stay far below 2^53). */
export function idbLogCache<T>(name = 'souk-logs'): LogCache<T> & { close(): void } {
  let db: Promise<IDBPDatabase<Schema<T>>> | undefined
  const open = (): Promise<IDBPDatabase<Schema<T>>> =>
    (db ??= openDB<Schema<T>>(name, 1, {
      upgrade(d) {
        d.createObjectStore('ranges')
        d.createObjectStore('chunks')
      },
    }))
  const chunkRange = (key: string): IDBKeyRange => IDBKeyRange.bound([key, -Infinity], [key, Infinity])
  return {
    async load(key): Promise<LogCacheEntry<T> | undefined> {
      const d = await open()
      const tx = d.transaction(['ranges', 'chunks'])
      const [range, chunks] = await Promise.all([
        tx.objectStore('ranges').get(key),
        tx.objectStore('chunks').getAll(chunkRange(key)),
      ])
      if (!range) return undefined
      return { ...range, items: chunks.flatMap((c) => c.items) }
    },
    async append(key, fromBlock, toBlock, items) {
      const d = await open()
      const tx = d.transaction(['ranges', 'chunks'], 'readwrite')
      const ranges = tx.objectStore('ranges')
      const range = await ranges.get(key)
      await ranges.put({ fromBlock: range?.fromBlock ?? fromBlock, toBlock }, key)
      if (items.length) await tx.objectStore('chunks').put({ items }, [key, Number(toBlock)])
      await tx.done
    },
    async clear(key) {
      const d = await open()
      const tx = d.transaction(['ranges', 'chunks'], 'readwrite')
      await Promise.all([tx.objectStore('ranges').delete(key), tx.objectStore('chunks').delete(chunkRange(key))])
      await tx.done
    },
    close() {
      void db?.then((d) => d.close())
      db = undefined
    },
  }
}
