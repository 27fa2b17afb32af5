/**
 * `npm run bench:relay [-- --peers N --procs P]`: N Node libp2p clients (reservation + gossipsub
 * subscription each, spread over P client processes) on one relay process, then browser→relay and
 * browser→browser (WebRTC) dial times in headless Chromium. Prints a table, then one JSON line; exits 1 when
 * a goal is missed. Goals: every one of 2,000 peers connected and holding a reservation at once, RSS per peer
 * ≤ 0.5 MB (was ≈ 0.24 MB at 1,000 peers).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { killChildrenOnExit, ROOT, startRelay } from '../../scripts/lib/processes.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { waitFor } from '../helpers/wait.ts'
import { serveP2PTestPage } from '../e2e/p2p-page/serve.ts'
import type {} from '../e2e/p2p-page/entry.ts' // the page's `window.souk` type

const { values } = parseArgs({
  options: {
    peers: { type: 'string', default: '2000' },
    procs: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '20' },
    'browser-rounds': { type: 'string', default: '5' },
  },
})
const peers = Number(values.peers)
const procs = Math.max(1, Math.min(Number(values.procs), peers))
const rounds = Number(values['browser-rounds'])

killChildrenOnExit()

const GOAL_PEERS = 2_000
const GOAL_RSS_PER_PEER_MB = 0.5

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN
}
const median = (xs: number[]): number => percentile(xs, 50)

async function metrics(http: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${http}/metrics`)).text()
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+) (\S+)$/.exec(line)
    if (m) out[m[1]!] = Number(m[2])
  }
  return out
}

const dir = await mkdtemp(join(tmpdir(), 'souk-bench-relay-'))
const relay = await startRelay({
  dataDir: dir,
  extraArgs: [
    '--max-reservations',
    String(peers + 100),
    '--max-connections',
    String(peers + 200),
    // every bench client comes from 127.0.0.1: lift the per-IP connection rate limit
    '--inbound-rate',
    String(peers + 100),
  ],
})
const before = await metrics(relay.http)

// ---- N Node clients
const clients: ChildProcess[] = []
const started = Date.now()
const results = await Promise.all(
  Array.from({ length: procs }, async (_, i) => {
    const count = Math.floor(peers / procs) + (i < peers % procs ? 1 : 0)
    const child = spawn(process.execPath, [join(ROOT, 'test', 'bench', 'relay-clients.ts')], {
      env: { ...process.env, RELAY_ADDR: relay.wsAddr, COUNT: String(count), CONCURRENCY: values.concurrency },
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    clients.push(child)
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve)
      child.once('exit', (code) => reject(new Error(`client process ${i} exited with ${code}`)))
    })
    return JSON.parse(line) as { connected: number; failed: number; connectMs: number[] }
  }),
)
const rampS = (Date.now() - started) / 1000
const connectMs = results.flatMap((r) => r.connectMs)
const failed = results.reduce((n, r) => n + r.failed, 0)
await waitFor(
  'the relay to count every reservation',
  async () => (await metrics(relay.http)).souk_relay_reservations! >= connectMs.length,
  {
    timeout: 30_000,
    interval: 500,
  },
)
const loaded = await metrics(relay.http)
// hold the load for a few seconds to see what idle peers cost (gossipsub heartbeats, keep-alives)
const holdFrom = await metrics(relay.http)
const holdStart = Date.now()
await waitFor('a 5 s hold with every peer connected', () => Date.now() - holdStart >= 5_000, {
  timeout: 10_000,
  interval: 250,
})
const held = await metrics(relay.http)
const idleCpuPct =
  ((held.process_cpu_seconds_total! - holdFrom.process_cpu_seconds_total!) / ((Date.now() - holdStart) / 1000)) * 100

// ---- browsers: browser→relay and browser→browser (WebRTC through the relay)
const server = await serveP2PTestPage()
const browser = await launchBrowser()
const browserToRelay: number[] = []
const browserToBrowser: number[] = []
try {
  const open = async (relays: string[]): Promise<{ page: import('playwright-core').Page; id: string }> => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(server.url)
    await page.waitForFunction(() => document.body.dataset.ready === 'true')
    const id = await page.evaluate((list) => window.souk.start({ relays: list, storage: 'memory' }), relays)
    return { page, id }
  }
  for (let i = 0; i < rounds; i++) {
    // B is told about no relay, so its first dial to the relay is a fresh one we can time
    const [a, b] = await Promise.all([open([relay.wsAddr]), open([])])
    await waitFor('browser A to hold a reservation', () =>
      a.page.evaluate(() => window.souk.snapshot().reservations > 0),
    )
    browserToRelay.push(await b.page.evaluate((addr) => window.souk.dialRelay(addr), relay.wsAddr))
    await waitFor('browser B to take the relay it dialled into its relay pool', () =>
      b.page.evaluate(() => window.souk.snapshot().relays.some((r) => r.connected)),
    )
    const conn = await b.page.evaluate((id) => window.souk.dialPeer(id), a.id)
    if (conn.limited) throw new Error('browser→browser connection stayed relayed')
    browserToBrowser.push(conn.ms)
    await Promise.all([a.page.context().close(), b.page.context().close()])
  }
} finally {
  await browser.close()
  await server.close()
}

for (const c of clients) c.stdin?.end()
await Promise.all(
  clients.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))),
)
await relay.proc.stop()
await rm(dir, { recursive: true, force: true })

const rssMB = Math.round(loaded.process_resident_memory_bytes! / 1e6)
const idleRssMB = before.process_resident_memory_bytes! / 1e6
const rssPerPeerMB = (loaded.process_resident_memory_bytes! / 1e6 - idleRssMB) / Math.max(1, connectMs.length)
const missed: string[] = []
if (peers < GOAL_PEERS) missed.push(`ran ${peers} peers, the goal is ${GOAL_PEERS}`)
if (connectMs.length < peers || failed > 0) missed.push(`${connectMs.length} of ${peers} peers connected`)
if (!(rssPerPeerMB <= GOAL_RSS_PER_PEER_MB)) missed.push(`RSS per peer ${rssPerPeerMB.toFixed(2)} MB`)
const row = (k: string, v: string | number): string => `${k.padEnd(34)} ${String(v)}`
console.log(
  [
    `relay benchmark: ${peers} Node peers in ${procs} client processes, one relay, ${rounds} browser pairs`,
    `product limits lifted (every client is on 127.0.0.1): --max-reservations, --max-connections, --inbound-rate, --reservations-per-ip/-subnet`,
    row(`peers connected / failed (goal ${GOAL_PEERS})`, `${connectMs.length} / ${failed}`),
    row('ramp-up (s)', rampS.toFixed(1)),
    row('connect+reservation p50 (ms)', median(connectMs).toFixed(0)),
    row('connect+reservation p95 (ms)', percentile(connectMs, 95).toFixed(0)),
    row('relay reservations held', loaded.souk_relay_reservations ?? 0),
    row('relay gossipsub peers', loaded.souk_relay_pubsub_peers ?? 0),
    row('relay RSS idle → loaded (MB)', `${Math.round(idleRssMB)} → ${rssMB}`),
    row(`relay RSS per peer (MB, goal ≤ ${GOAL_RSS_PER_PEER_MB})`, rssPerPeerMB.toFixed(3)),
    row(
      'relay CPU during ramp-up (s)',
      (loaded.process_cpu_seconds_total! - before.process_cpu_seconds_total!).toFixed(1),
    ),
    row('relay CPU holding all peers (%)', idleCpuPct.toFixed(0)),
    row('browser→relay dial p50 (ms)', median(browserToRelay).toFixed(0)),
    row('browser→browser WebRTC p50 (ms)', median(browserToBrowser).toFixed(0)),
    missed.length === 0 ? 'all goals met' : `GOALS MISSED: ${missed.join('; ')}`,
  ].join('\n'),
)
console.log(
  JSON.stringify({
    bench: 'relay',
    peers: connectMs.length,
    connectP95Ms: Math.round(percentile(connectMs, 95)),
    rssMB,
    rssPerPeerMB: Number(rssPerPeerMB.toFixed(3)),
    browserToRelayMs: Math.round(median(browserToRelay)),
    browserToBrowserMs: Math.round(median(browserToBrowser)),
  }),
)
process.exit(missed.length === 0 ? 0 : 1)
