/** The part of @orbitdb/core 4 (plain JavaScript, no types shipped) that the catalog uses. */
declare module '@orbitdb/core' {
  export interface OrbitStorage {
    put(key: string, value: unknown): Promise<void>
    get(key: string): Promise<unknown>
    del(key: string): Promise<void>
    iterator(options?: { amount?: number; reverse?: boolean }): AsyncIterable<[string, unknown]>
    merge(other: OrbitStorage): Promise<void>
    clear(): Promise<void>
    close(): Promise<void>
  }
  export interface OrbitEntry {
    hash: string
    id: string
    identity: string
    next: string[]
    refs: string[]
    payload: { op: string; key: string | null; value: unknown }
  }
  export interface AccessControllerInstance {
    type: string
    address: string
    write?: string[]
    canAppend(entry: OrbitEntry): Promise<boolean>
    /** Patched in (patches/@orbitdb+core+4.0.0.patch): asked first of every entry arriving from a peer. */
    canJoin?(entry: OrbitEntry): Promise<boolean>
  }
  export type AccessControllerFactory = ((args: {
    orbitdb: unknown
    identities: unknown
    address?: string
    name?: string
  }) => Promise<AccessControllerInstance>) & { type?: string }
  export interface OrbitLog {
    heads(): Promise<OrbitEntry[]>
    iterator(options?: { amount?: number }): AsyncIterable<OrbitEntry>
    storage: OrbitStorage
    joinEntry(entry: OrbitEntry): Promise<boolean>
  }
  export interface DocumentsDatabase {
    address: string
    log: OrbitLog
    events: {
      on(event: 'update', fn: (entry: OrbitEntry) => void): void
      on(event: 'join', fn: (peerId: unknown, heads: OrbitEntry[]) => void): void
      on(event: 'error', fn: (err: Error) => void): void
      off(event: string, fn: (...args: never[]) => void): void
    }
    put(doc: Record<string, unknown>): Promise<string>
    sync: { add(entry: OrbitEntry): Promise<void> }
    /** Patched in (patches/@orbitdb+core+4.0.0.patch): joins an entry as if it came from a peer; true if taken. */
    applyOperation(entry: OrbitEntry): Promise<boolean>
    close(): Promise<void>
  }
  export interface OrbitDB {
    open(
      address: string,
      options?: {
        type?: string
        AccessController?: AccessControllerFactory
        headsStorage?: OrbitStorage
        indexStorage?: OrbitStorage
        entryStorage?: OrbitStorage
        referencesCount?: number
        sync?: boolean
      },
    ): Promise<DocumentsDatabase>
    stop(): Promise<void>
  }
  export function createOrbitDB(options: { ipfs: unknown; id?: string; directory?: string }): Promise<OrbitDB>
  export function LevelStorage(options: { path: string; valueEncoding?: string }): Promise<OrbitStorage>
  export function LRUStorage(options: { size: number }): Promise<OrbitStorage>
  export function MemoryStorage(): Promise<OrbitStorage>
  export function IPFSBlockStorage(options: { ipfs: unknown; pin?: boolean; timeout?: number }): Promise<OrbitStorage>
  export function ComposedStorage(a: OrbitStorage, b: OrbitStorage): Promise<OrbitStorage>
}
