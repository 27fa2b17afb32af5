/**
 * `/health` answers from the background checks (src/relay/health.ts): a request never queues its own disk
 * read behind the relay's other disk work, and a check that hangs shows as not ok, never as a stale ok.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { startHealthCheck } from '../../src/relay/health.ts'
import { waitFor } from '../helpers/wait.ts'

const bytes = new TextEncoder().encode('canary')
const cid = CID.createV1(raw.code, await sha256.digest(bytes))

/** A blockstore whose reads answer at once until `hang()`, then never (until aborted). */
function store() {
  let hanging = false
  let reads = 0
  return {
    get reads() {
      return reads
    },
    hang: () => (hanging = true),
    async *get(_: CID, { signal }: { signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
      reads++
      if (!hanging) return yield bytes
      await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('read aborted'))))
    },
  }
}

/** Background checks of `s` on a temporary directory whose disk is never too full. */
function checks(s: ReturnType<typeof store>, timing: { refreshMs: number; maxAgeMs?: number }) {
  return startHealthCheck({
    blockstore: s,
    canary: { cid, bytes },
    dataDir: tmpdir(),
    minFreeDiskBytes: 0,
    started: () => true,
    ...timing,
  })
}

test('a request is answered from the last check, without a disk read of its own', async () => {
  const s = store()
  const health = checks(s, { refreshMs: 60_000 })
  try {
    const first = await health.report()
    assert.equal(first.ok, true)
    const reads = s.reads
    for (let i = 0; i < 20; i++) assert.equal((await health.report()).ok, true)
    assert.equal(s.reads, reads, 'requests read the disk themselves')
  } finally {
    health.stop()
  }
})

test('a blockstore that stops answering makes /health not ok once the last good result is too old', async () => {
  const s = store()
  const health = checks(s, { refreshMs: 100, maxAgeMs: 300 })
  try {
    assert.equal((await health.report()).ok, true)
    s.hang()
    await waitFor('the hung read to show in /health', async () => (await health.report()).ok === false, {
      timeout: 10_000,
    })
    const report = await health.report()
    assert.match(String((report.checks as Record<string, unknown>).blockstore), /unreadable/)
  } finally {
    health.stop()
  }
})
