/**
 * A relay fetching the app's DAG by CID (`--app <cid>` without a CAR): many blocks at once, a block whose want
 * was lost asked for again, and an end when the fetch is given up. The blockstore is a real in-memory one
 * holding a real UnixFS DAG; only its network side is stood in for: a `get` for a block it lacks waits for the
 * caller's signal, as a bitswap want nobody answers does.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { importer } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import { fetchDag } from '../../src/relay/app-host.ts'
import { collectBytes } from '../../src/p2p/bytes.ts'

/** A small app: a directory of files, one of them several chunks long. */
async function appDag(): Promise<{ source: MemoryBlockstore; root: CID; count: number }> {
  const source = new MemoryBlockstore()
  const files = [
    { path: 'index.html', content: new TextEncoder().encode('<souk-app></souk-app>') },
    { path: 'assets/big.js', content: new Uint8Array(700_000).map((_, i) => (i * 7) % 251) },
    ...Array.from({ length: 30 }, (_, i) => ({
      path: `assets/chunk-${i}.js`,
      content: new TextEncoder().encode(`${i}`),
    })),
  ]
  let root: CID | undefined
  for await (const entry of importer(files, source, { wrapWithDirectory: true, cidVersion: 1, rawLeaves: true }))
    if (entry.path === '') root = entry.cid
  let count = 0
  for await (const _ of source.getAll()) count++
  return { source, root: root!, count }
}

/** The relay's side: a local store, and "the network" (the source) answering gets it is allowed to answer. */
function networked(
  source: MemoryBlockstore,
  answer: (cid: CID, asked: number) => boolean,
): { get: MemoryBlockstore['get']; local: MemoryBlockstore; inFlight: () => number; maxInFlight: () => number } {
  const local = new MemoryBlockstore()
  const asked = new Map<string, number>()
  let inFlight = 0
  let maxInFlight = 0
  const get = async function* (cid: CID, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array> {
    if (await local.has(cid)) {
      yield* local.get(cid)
      return
    }
    const n = (asked.get(cid.toString()) ?? 0) + 1
    asked.set(cid.toString(), n)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    try {
      // a network round trip, answered or not
      await new Promise<void>((resolve, reject) => {
        if (answer(cid, n)) return void setTimeout(resolve, 2)
        options?.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true })
      })
    } finally {
      inFlight--
    }
    const bytes = await collectBytes(source.get(cid))
    await local.put(cid, bytes)
    yield bytes
  }
  return { get, local, inFlight: () => inFlight, maxInFlight: () => maxInFlight }
}

describe('fetching the app DAG by CID', () => {
  test('brings every block, several at a time', async () => {
    const { source, root, count } = await appDag()
    const net = networked(source, () => true)
    const got = await fetchDag({ get: net.get }, root, { signal: AbortSignal.timeout(10_000), concurrency: 8 })
    assert.equal(got.blocks, count)
    let local = 0
    for await (const _ of net.local.getAll()) local++
    assert.equal(local, count, 'every block of the DAG is local')
    assert.ok(net.maxInFlight() > 1 && net.maxInFlight() <= 8, `at most 8 at once, more than one: ${net.maxInFlight()}`)
  })

  test('a block whose want went unanswered is asked for again', async () => {
    const { source, root, count } = await appDag()
    let lost = 0
    // the first want of every fifth block is lost on its way
    let i = 0
    const first = new Set<string>()
    const net = networked(source, (cid, asked) => {
      if (asked > 1 || first.has(cid.toString())) return true
      first.add(cid.toString())
      if (i++ % 5 !== 0) return true
      lost++
      return false
    })
    const retries: number[] = []
    const got = await fetchDag({ get: net.get }, root, {
      signal: AbortSignal.timeout(20_000),
      blockTimeoutMs: 100,
      onRetry: (_, attempt) => retries.push(attempt),
    })
    assert.equal(got.blocks, count)
    assert.ok(lost > 2, `some wants were lost: ${lost}`)
    assert.equal(retries.length, lost, 'each lost want was asked again once')
  })

  test('gives up when its signal aborts, with the blocks it got kept', async () => {
    const { source, root } = await appDag()
    const net = networked(source, (cid) => cid.equals(root))
    await assert.rejects(
      fetchDag({ get: net.get }, root, { signal: AbortSignal.timeout(500), blockTimeoutMs: 100 }),
      (err: Error) => err.name === 'TimeoutError',
    )
    assert.ok(await net.local.has(root), 'the root block stays for the next try')
    assert.equal(net.inFlight(), 0, 'no want is left waiting')
  })
})
