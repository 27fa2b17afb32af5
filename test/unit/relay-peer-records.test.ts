/**
 * The relay's libp2p peer store lives in memory, bounded (src/relay/peer-records.ts): libp2p rewrites a peer's
 * record on every stream, which in the relay's LevelDB cost a native read and a disk write per stream.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createLibp2p } from 'libp2p'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { startRelay, killChildrenOnExit } from '../../scripts/lib/processes.ts'
import { PeerRecordStore } from '../../src/relay/peer-records.ts'
import { client, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

describe('peer records', () => {
  const cleanup: (() => Promise<unknown>)[] = []
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('the store keeps at most its bound, forgetting the record used longest ago', () => {
    const store = new PeerRecordStore(3)
    const key = (i: number): Key => new Key(`/peers/p${i}`)
    for (const i of [1, 2, 3]) store.put(key(i), Uint8Array.of(i))
    store.get(key(1)) // used now: 2 is the oldest
    store.put(key(4), Uint8Array.of(4))
    assert.equal(store.size, 3)
    assert.equal(store.has(key(2)), false)
    assert.deepEqual(
      [1, 3, 4].map((i) => store.has(key(i))),
      [true, true, true],
    )
    assert.throws(() => store.get(key(2)), { name: 'NotFoundError' })
  })

  test("libp2p's peer store over it holds the bound however many peer ids come", async () => {
    const node = await createLibp2p({ datastore: new PeerRecordStore(50), start: false })
    const ids = await Promise.all(
      Array.from({ length: 200 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))),
    )
    for (const [i, id] of ids.entries())
      await node.peerStore.merge(id, { multiaddrs: [multiaddr(`/ip4/10.0.0.1/tcp/${1000 + i}/ws`)] })
    const kept = await node.peerStore.all()
    assert.equal(kept.length, 50)
    // the newest are kept, with what was merged into them
    const last = await node.peerStore.get(ids.at(-1)!)
    assert.equal(last.addresses[0]?.multiaddr.toString(), '/ip4/10.0.0.1/tcp/1199/ws')
    await assert.rejects(node.peerStore.get(ids[0]!), { name: 'NotFoundError' })
  })

  test('a relay writes no peer records to its LevelDB and keeps its peer id across a restart', async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    const relay = await startRelay({ dataDir: dir.path, name: 'records' })
    cleanup.push(() => relay.proc.stop())
    // a client that identifies, takes a reservation and opens streams: libp2p merges its record each time
    const peer = await client([relay.wsAddr])
    await peer.stop()
    await relay.proc.stop()

    const datastore = new LevelDatastore(join(dir.path, 'datastore'))
    await datastore.open()
    const records: string[] = []
    try {
      for await (const key of datastore.queryKeys({ prefix: '/peers/' })) records.push(key.toString())
    } finally {
      await datastore.close()
    }
    assert.deepEqual(records, [], 'peer records found in the relay LevelDB')

    const again = await startRelay({ dataDir: dir.path, name: 'records-again' })
    cleanup.push(() => again.proc.stop())
    assert.equal(again.peerId, relay.peerId, 'the relay came back with another peer id')
  })
})
