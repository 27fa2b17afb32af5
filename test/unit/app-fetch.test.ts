/**
 * A relay fetching the app's DAG by CID (`--app <cid>` without a CAR): many blocks at once, a block whose want
 * was lost asked for again, and an end when the fetch is given up. The blockstore is a real in-memory one
 * holding a real UnixFS DAG; only its network side is stood in for: a `get` for a block it lacks waits for the
 * caller's signal, as a bitswap want nobody answers does. The last part runs real relay processes mirroring
 * hostile DAGs (issue #24, finding 8).
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { FsBlockstore } from 'blockstore-fs'
import { importer } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import { DagTooLargeError, fetchDag } from '../../src/relay/app-fetch.ts'
import { collectBytes } from '../../src/p2p/bytes.ts'
import { killChildrenOnExit, startRelay, type Relay } from '../../scripts/lib/processes.ts'
import { waitFor } from '../helpers/wait.ts'
import { client, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

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
  test('refuses a DAG over its block, byte or depth cap, with no get left running', async () => {
    const { source, root, count } = await appDag()
    for (const [caps, message] of [
      [{ maxBlocks: count - 1 }, `more than ${count - 1} blocks`],
      [{ maxBytes: 100_000 }, 'more than 100000 bytes'],
      [{ maxDepth: 2 }, 'deeper than 2 links'],
    ] as const) {
      const net = networked(source, () => true)
      await assert.rejects(
        fetchDag({ get: net.get }, root, { signal: AbortSignal.timeout(10_000), ...caps }),
        (err: Error) => err instanceof DagTooLargeError && err.message.includes(message),
      )
      assert.equal(net.inFlight(), 0, `no get still running after the refusal (${message})`)
    }
    // the defaults take the whole app
    const net = networked(source, () => true)
    assert.equal((await fetchDag({ get: net.get }, root, { signal: AbortSignal.timeout(10_000) })).blocks, count)
  })
})

/** A UnixFS directory whose one file sits `depth` directories deep. */
async function deepDag(depth: number): Promise<{ source: MemoryBlockstore; root: CID; blocks: CID[] }> {
  const source = new MemoryBlockstore()
  const path = [...Array.from({ length: depth }, () => 'd'), 'index.html'].join('/')
  let root: CID | undefined
  const files = [{ path, content: new TextEncoder().encode('<souk-app></souk-app>') }]
  for await (const entry of importer(files, source, { wrapWithDirectory: true, cidVersion: 1, rawLeaves: true }))
    if (entry.path === '') root = entry.cid
  const blocks: CID[] = []
  for await (const { cid } of source.getAll()) blocks.push(cid)
  return { source, root: root!, blocks }
}

/** One big file in a directory (256 KiB raw leaves). */
async function bigDag(bytes: number): Promise<{ source: MemoryBlockstore; root: CID; blocks: CID[] }> {
  const source = new MemoryBlockstore()
  let root: CID | undefined
  const files = [{ path: 'assets/huge.js', content: new Uint8Array(bytes).map((_, i) => (i * 11) % 251) }]
  for await (const entry of importer(files, source, { wrapWithDirectory: true, cidVersion: 1, rawLeaves: true }))
    if (entry.path === '') root = entry.cid
  const blocks: CID[] = []
  for await (const { cid } of source.getAll()) blocks.push(cid)
  return { source, root: root!, blocks }
}

interface AppHealth {
  app?: { cid: string; ready: boolean; error?: string; fetched: { blocks: number; bytes: number } }
}

// issue #24, finding 8: a mirror given a hostile `--app <cid>` refuses it at the caps and deletes what it fetched
describe('a relay mirroring a hostile app DAG', () => {
  const cleanup: (() => Promise<unknown>)[] = []
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('a DAG too deep (default caps) or too big (--app-max-bytes) is refused, reported and deleted', async () => {
    const deep = await deepDag(40)
    const big = await bigDag(12_000_000)
    const [deepDir, bigDir] = await Promise.all([tempDir(), tempDir()])
    cleanup.push(deepDir.remove, bigDir.remove)
    const [deepRelay, bigRelay] = await Promise.all([
      startRelay({ dataDir: deepDir.path, name: 'app-deep', extraArgs: ['--app', deep.root.toString()] }),
      startRelay({
        dataDir: bigDir.path,
        name: 'app-big',
        extraArgs: ['--app', big.root.toString()],
        env: { SOUK_RELAY_APP_MAX_BYTES: String(1024 * 1024) },
      }),
    ])
    cleanup.push(
      () => deepRelay.proc.stop(),
      () => bigRelay.proc.stop(),
    )
    // the hostile source: a peer holding both DAGs, connected to both mirrors
    const source = await client([deepRelay.wsAddr, bigRelay.wsAddr], { reservation: false })
    cleanup.push(() => source.stop())
    for (const dag of [deep, big])
      for await (const { cid, bytes } of dag.source.getAll()) await source.helia.blockstore.put(cid, bytes)

    const outcome = async (relay: Relay): Promise<NonNullable<AppHealth['app']>> =>
      await waitFor(
        `${relay.proc.name} to pin or refuse the app`,
        async () => {
          const app = ((await (await fetch(`${relay.http}/health`)).json()) as AppHealth).app
          return app?.ready || app?.error ? app : undefined
        },
        { timeout: 30_000, interval: 200 },
      )
    const [deepApp, bigApp] = await Promise.all([outcome(deepRelay), outcome(bigRelay)])
    assert.equal(deepApp.ready, false, 'the deep DAG is not served')
    assert.match(deepApp.error ?? '', /deeper than 32/)
    assert.equal(bigApp.ready, false, 'the big DAG is not served')
    assert.match(bigApp.error ?? '', /more than 1048576 bytes/)
    // refused once past the cap: what was in flight then (16 blocks of 256 KiB at most) still came
    assert.ok(bigApp.fetched.bytes <= 1024 * 1024 + 16 * 262_144, `stopped near the cap: ${bigApp.fetched.bytes}`)
    for (const relay of [deepRelay, bigRelay]) {
      assert.match(relay.proc.output(), /"msg":"app refused/, `${relay.proc.name} logs the refusal`)
      assert.equal((await fetch(`${relay.http}/`)).status, 503)
    }

    // nothing of either DAG stays on disk
    await Promise.all([deepRelay.proc.stop(), bigRelay.proc.stop()])
    for (const [dir, dag] of [
      [deepDir.path, deep],
      [bigDir.path, big],
    ] as const) {
      const store = new FsBlockstore(join(dir, 'blocks'))
      await store.open()
      const left = []
      for (const cid of dag.blocks) if (await store.has(cid)) left.push(cid.toString())
      await store.close()
      assert.deepEqual(left, [], `blocks of the refused DAG left in ${dir}`)
    }
  })
})
