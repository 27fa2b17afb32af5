/**
 * Issue #24, findings 1 and 9, against a real relay process: a client that asks for a CAR and never reads
 * costs one bounded stream (cut after --gateway-stall-ms, counted), never the process; responses in flight
 * are capped per address (429) and in all (503); /health answers while 64 clients download CARs; raw blocks
 * honour Range and If-None-Match takes a list of entity tags.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { request, type IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import { Worker } from 'node:worker_threads'
import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import { startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { waitFor } from '../helpers/wait.ts'
import { client, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

/** The stall deadline for the never-reading sockets (the relay is restarted with it for that test). */
const STALL_MS = 2_000
/**
 * The other tests' deadline: a download by this busy test process on a busy machine may leave its socket
 * unwritable (a third of the send buffer, MBs on loopback, unread) for seconds, which is a stall to the relay.
 */
const PATIENT_STALL_MS = 30_000
const PER_IP = 4
const MAX = 64
/** Larger than what loopback's socket buffers absorb (about 4 MB), so a reader that never reads stalls the relay. */
const FILE_BYTES = 6_000_000

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  /** Bytes received (the body is left empty with `discard`). */
  length: number
  body: Buffer
}

/** A GET on a fresh connection from `localAddress` (any 127.x.y.z is this machine), read to the end. */
async function get(
  base: URL,
  path: string,
  opts: { localAddress?: string; headers?: Record<string, string>; paused?: Promise<void>; discard?: boolean } = {},
): Promise<Answer> {
  return await new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        agent: false,
        localAddress: opts.localAddress ?? '127.0.0.1',
        headers: opts.headers ?? {},
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        let length = 0
        res.on('data', (c: Buffer) => {
          length += c.byteLength
          if (!opts.discard) chunks.push(c)
        })
        res.on('end', () => {
          const body = opts.discard ? Buffer.alloc(0) : Buffer.concat(chunks)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, length, body })
        })
        res.on('error', reject)
        if (opts.paused) {
          res.pause()
          void opts.paused.then(() => res.resume())
        }
      },
    )
    req.on('timeout', () => req.destroy(new Error(`GET ${path} took over 30 s`)))
    req.on('error', reject)
    req.end()
  })
}

/**
 * Asks `url` again and again from a worker thread until stopped, so what is timed is the relay, not this
 * process's own event loop (busy with the downloads).
 */
function probeHealth(url: string): { stop(): Promise<{ ms: number; status: number }[]> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads')
    let stop = false
    parentPort.once('message', () => { stop = true })
    const probes = []
    ;(async () => {
      while (!stop) {
        const started = performance.now()
        const res = await fetch(workerData, { signal: AbortSignal.timeout(10000) })
        await res.arrayBuffer()
        probes.push({ ms: performance.now() - started, status: res.status })
      }
      parentPort.postMessage({ probes })
    })().catch((err) => parentPort.postMessage({ error: String(err) }))`,
    { eval: true, workerData: url },
  )
  const result = new Promise<{ probes?: { ms: number; status: number }[]; error?: string }>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  let stopped: Promise<{ ms: number; status: number }[]> | undefined
  return {
    stop: () =>
      (stopped ??= (async () => {
        worker.postMessage('stop')
        const { probes, error } = await result
        await worker.terminate()
        if (error !== undefined) throw new Error(`the /health prober failed: ${error}`)
        return probes ?? []
      })()),
  }
}

/** A raw socket that asks for `path` and never reads a byte of the answer. */
function neverReads(base: URL, path: string, localAddress = '127.0.0.1'): Socket {
  const socket = connect({ host: base.hostname, port: Number(base.port), localAddress })
  socket.pause()
  socket.on('error', () => {})
  socket.write(`GET ${path} HTTP/1.1\r\nHost: relay\r\n\r\n`)
  return socket
}

describe('the gateway under attack', () => {
  let relay: Relay
  let base: URL
  let root: CID
  let leaf: CID
  const file = new Uint8Array(FILE_BYTES).map((_, i) => (i * 31 + (i >> 12)) % 251)
  const cleanup: (() => Promise<unknown>)[] = []
  const car = (): string => `/ipfs/${root.toString()}?format=car`
  const active = (): Promise<number> => metric(relay.http, 'souk_relay_gateway_active')

  let dataDir: string
  const start = async (extraArgs: string[] = []): Promise<void> => {
    relay = await startRelay({
      dataDir,
      extraArgs: [
        ...['--max-file-bytes', String(FILE_BYTES + 100_000)],
        ...['--gateway-per-ip', String(PER_IP), '--gateway-max', String(MAX)],
        ...['--gateway-stall-ms', String(PATIENT_STALL_MS), ...extraArgs],
      ],
    })
    base = new URL(relay.http)
  }

  before(async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    dataDir = dir.path
    await start()
    cleanup.push(() => relay.proc.stop())
    const seller = await client([relay.wsAddr])
    cleanup.push(() => seller.stop())
    root = await new MediaStore(seller).addBytes(file)
    await new MediaStore(seller).pin([root])
    await seller.stop()
    const rootBlock = await get(base, `/ipfs/${root.toString()}?format=raw`)
    leaf = dagPb.decode(rootBlock.body).Links[0]!.Hash
  })
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('raw blocks honour Range; If-None-Match takes a list', async () => {
    const path = `/ipfs/${leaf.toString()}?format=raw`
    const whole = await get(base, path)
    assert.equal(whole.status, 200)
    assert.equal(whole.headers['accept-ranges'], 'bytes')
    const size = whole.body.byteLength
    assert.deepEqual(new Uint8Array(whole.body), file.subarray(0, size), 'the first leaf is the start of the file')
    const range = async (spec: string): Promise<Answer> => await get(base, path, { headers: { range: spec } })

    const first = await range('bytes=0-99')
    assert.equal(first.status, 206)
    assert.equal(first.headers['content-range'], `bytes 0-99/${size}`)
    assert.deepEqual(first.body, whole.body.subarray(0, 100))
    const from = await range('bytes=100000-')
    assert.equal(from.status, 206)
    assert.equal(from.headers['content-range'], `bytes 100000-${size - 1}/${size}`)
    assert.deepEqual(from.body, whole.body.subarray(100_000))
    const suffix = await range('bytes=-50')
    assert.equal(suffix.status, 206)
    assert.deepEqual(suffix.body, whole.body.subarray(size - 50))
    const past = await range('bytes=0-99999999')
    assert.equal(past.status, 206, 'an end past the block is the last byte')
    assert.equal(past.body.byteLength, size)
    for (const spec of [`bytes=${size}-`, 'bytes=-0']) {
      const no = await range(spec)
      assert.equal(no.status, 416, spec)
      assert.equal(no.headers['content-range'], `bytes */${size}`)
    }
    assert.equal((await range('bytes=0-1,5-6')).status, 200, 'several ranges: the whole block')
    assert.equal((await range('pages=1-2')).status, 200, 'another unit: the whole block')
    const stale = await get(base, path, { headers: { range: 'bytes=0-9', 'if-range': '"something else"' } })
    assert.equal(stale.status, 200, 'If-Range that does not match: the whole block')

    const etag = whole.headers.etag!
    for (const list of [`"x", ${etag}`, `W/${etag}`, '*', `"a",W/"b", ${etag} `]) {
      const res = await get(base, path, { headers: { 'if-none-match': list } })
      assert.equal(res.status, 304, list)
      assert.equal(res.body.byteLength, 0)
    }
    assert.equal((await get(base, path, { headers: { 'if-none-match': '"x", "y"' } })).status, 200)
    const carCached = await get(base, car(), {
      headers: { 'if-none-match': `"nope", "${root.toString()}.car.all.dfs.n"` },
    })
    assert.equal(carCached.status, 304)
  })

  test(`/health stays fast while ${MAX} clients download CARs; one more gets 503`, async (t) => {
    await waitFor('no gateway response in flight', async () => (await active()) === 0)
    let release!: () => void
    const paused = new Promise<void>((resolve) => (release = resolve))
    // 16 addresses x 4: every download is within its address's cap; they hold their slots until released
    const downloads = Array.from({ length: MAX }, (_, i) =>
      get(base, car(), { localAddress: `127.0.1.${1 + (i % 16)}`, paused, discard: true }),
    )
    const all = Promise.all(downloads)
    all.catch(() => {}) // awaited below
    try {
      await waitFor(`${MAX} responses in flight`, async () => (await active()) >= MAX)
      const busy = await get(base, car(), { localAddress: '127.0.2.1' })
      assert.equal(busy.status, 503)
      assert.ok(Number(busy.headers['retry-after']) > 0, 'a 503 says when to retry')
      assert.match(busy.body.toString(), /the gateway is busy/)
    } finally {
      release()
    }
    const prober = probeHealth(`${relay.http}/health`)
    const answers = await all.finally(() => prober.stop())
    const probes = await prober.stop()
    assert.deepEqual(
      probes.filter((p) => p.status !== 200),
      [],
      '/health stays 200',
    )
    const latencies = probes.map((p) => p.ms)
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 200),
    )
    const sizes = new Set(answers.map((a) => a.length))
    assert.equal(sizes.size, 1, 'every download got the whole CAR')
    latencies.sort((a, b) => a - b)
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? 0
    const max = latencies.at(-1) ?? 0
    t.diagnostic(`/health: ${latencies.length} answers, p95 ${p95.toFixed(0)} ms, max ${max.toFixed(0)} ms`)
    assert.ok(latencies.length > 0)
    // generous bounds (the machine may be busy with other work): before #24 the p95 was 3 s
    assert.ok(p95 < 1_000, `/health p95 within 1 s, it was ${p95.toFixed(0)} ms`)
    assert.ok(max < 2_000, `every /health within 2 s, the slowest took ${max.toFixed(0)} ms`)
    assert.equal(await metric(relay.http, 'souk_relay_gateway_refused_total', { reason: 'total' }), 1)
  })

  test('readers that never read are cut after the stall deadline, the relay lives; 429 per address', async () => {
    // the same data directory (the pinned file stays), a short stall deadline
    await relay.proc.stop()
    await start(['--gateway-stall-ms', String(STALL_MS)])
    const stalled = Array.from({ length: PER_IP }, () => neverReads(base, car()))
    cleanup.push(async () => stalled.forEach((s) => s.destroy()))
    await waitFor('the relay to hold the stalled responses', async () => (await active()) >= PER_IP)
    // the address is at its cap: one more is refused at once, with a reason and when to retry...
    const fifth = await get(base, car())
    assert.equal(fifth.status, 429)
    assert.ok(Number(fifth.headers['retry-after']) > 0, 'a 429 says when to retry')
    assert.match(fifth.body.toString(), /too many requests from your address/)
    // ...while another address is served
    const other = await get(base, car(), { localAddress: '127.0.0.2' })
    assert.equal(other.status, 200)
    assert.ok(other.body.byteLength > FILE_BYTES, 'the whole CAR')
    assert.equal(await metric(relay.http, 'souk_relay_gateway_refused_total', { reason: 'per_ip' }), 1)

    await waitFor(
      'the stalled responses to be cut',
      async () => (await metric(relay.http, 'souk_relay_gateway_cut_total', { reason: 'stalled' })) >= PER_IP,
      { timeout: STALL_MS + 15_000 },
    )
    await waitFor('their slots to be free', async () => (await active()) === 0)
    assert.equal(relay.proc.child.exitCode, null, `the relay is still running:\n${relay.proc.output().slice(-2000)}`)
    assert.equal((await fetch(`${relay.http}/health`)).status, 200)
    assert.equal((await get(base, car())).status, 200, 'the address is served again')
    assert.doesNotMatch(relay.proc.output(), /unhandled rejection|uncaught exception/)
  })
})
