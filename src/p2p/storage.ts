/**
 * Block and data stores for the browser node: IndexedDB (persistent across reloads) or memory (tests).
 *
 * The blockstore is wrapped so the node knows how many bytes of blocks it holds without walking
 * IndexedDB on every status update.
 */
import { IDBBlockstore } from 'blockstore-idb'
import { IDBDatastore } from 'datastore-idb'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'
import { collectBytes } from './bytes.ts'

export interface NodeStores {
  blockstore: Blockstore
  datastore: Datastore
  /** Bytes of blocks held (counted at open, then kept up to date). */
  bytesStored(): number
  /** Fires 'change' when `bytesStored` changes. */
  readonly events: EventTarget
  close(): Promise<void>
}

export async function openStores(kind: 'indexeddb' | 'memory', name: string): Promise<NodeStores> {
  let blockstore: Blockstore & { close?: () => Promise<void> }
  let datastore: Datastore & { close?: () => Promise<void> }
  if (kind === 'indexeddb') {
    const b = new IDBBlockstore(`${name}-blocks`)
    const d = new IDBDatastore(`${name}-data`)
    await Promise.all([b.open(), d.open()])
    blockstore = b
    datastore = d
  } else {
    blockstore = new MemoryBlockstore()
    datastore = new MemoryDatastore()
  }
  const events = new EventTarget()
  let bytes = 0
  const changed = (): void => {
    events.dispatchEvent(new Event('change'))
  }
  // count what an earlier session left behind
  for await (const pair of blockstore.getAll()) {
    for await (const chunk of pair.bytes) bytes += chunk.byteLength
  }
  countWrites(blockstore, (delta) => {
    bytes += delta
    changed()
  })
  return {
    blockstore,
    datastore,
    events,
    bytesStored: () => bytes,
    async close() {
      await Promise.all([blockstore.close?.(), datastore.close?.()])
    },
  }
}

/** Patches `put`/`delete` so new blocks and deletions are counted. */
function countWrites(store: Blockstore, onDelta: (delta: number) => void): void {
  const put = store.put.bind(store)
  const del = store.delete.bind(store)
  const has = store.has.bind(store)
  store.put = async (cid: CID, block, options) => {
    const bytes = await collectBytes(block)
    const existed = await has(cid)
    const result = await put(cid, bytes, options)
    if (!existed) onDelta(bytes.byteLength)
    return result
  }
  store.delete = async (cid: CID, options) => {
    let size = 0
    if (await has(cid)) for await (const chunk of store.get(cid)) size += chunk.byteLength
    await del(cid, options)
    if (size > 0) onDelta(-size)
  }
  // putMany goes through put in the base implementations of both stores; make sure of it
  store.putMany = async function* (source, options) {
    for await (const { cid, bytes } of source) {
      await store.put(cid, bytes, options)
      yield cid
    }
  }
}
