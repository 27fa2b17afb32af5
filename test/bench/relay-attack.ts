/**
 * `npm run bench:relay-attack [-- --before-s 20 --during-s 60 --after-s 20 --interval-ms 2000]
 * [--relay-node-args "--cpu-prof --cpu-prof-dir /some/dir"]`: anvil with the
 * contracts and one relay process with the catalog role and the product's default limits, on loopback. The
 * well-behaved side (test/bench/relay-honest.ts, from 127.0.0.1) runs a round every few seconds: a fresh client
 * connects, reserves, pins 100 KB and fetches what the previous round pinned (bitswap and the HTTP gateway);
 * one person messages another; every third round a seller lists and a second catalog peer must show it; and
 * `/health` is asked four times a second. For the middle phase a bounded hostile process
 * (test/bench/relay-attacker.ts, from 127.0.1.1: another host) runs the attacks of issues #15 and #24.
 * Goals: ≥ 99 % of good operations succeed; under attack, bitswap fetch p95 ≤ 1 s, message p95 ≤ 1 s, new
 * listing propagation ≤ 1 s (p95), honest pin ≤ 10 s (max), /health p95 ≤ 100 ms; peak RSS ≤ 2× idle; the
 * relay process stays up. Exits 1 when a goal is missed. Last line:
 * {"bench":"relay-attack","goodOk":N,"goodTotal":N,"fetchP95Ms":N,"messageP95Ms":N,"propagationMs":N,
 *  "honestPinMs":N,"healthP95Ms":N,"idleRssMB":N,"peakRssMB":N,"stayedUp":true,...}
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { peerIdFromString } from '@libp2p/peer-id'
import { killChildrenOnExit, ROOT } from '../../scripts/lib/processes.ts'
import { startStack } from '../helpers/stack.ts'
import { sleep } from '../../src/p2p/messaging/wire.ts'
import { CatalogProbe, HealthSampler, MediaClient, MessagingPair, percentile, type Round } from './relay-honest.ts'

const { values } = parseArgs({
  options: {
    'before-s': { type: 'string', default: '20' },
    'during-s': { type: 'string', default: '60' },
    'after-s': { type: 'string', default: '20' },
    'interval-ms': { type: 'string', default: '2000' },
    // node flags for the relay process, e.g. "--cpu-prof --cpu-prof-dir /tmp/prof" (the phases' bounds are
    // printed on the monotonic clock a .cpuprofile's timestamps use, so a profile can be cut to the attack)
    'relay-node-args': { type: 'string', default: '' },
  },
})
const phases = [
  { name: 'before', ms: Number(values['before-s']) * 1000 },
  { name: 'during', ms: Number(values['during-s']) * 1000 },
  { name: 'after', ms: Number(values['after-s']) * 1000 },
] as const
const intervalMs = Number(values['interval-ms'])
const GOAL_OK = 0.99
const GOAL_FETCH_P95_MS = 1_000
const GOAL_MESSAGE_P95_MS = 1_000
const GOAL_PROPAGATION_MS = 1_000
const GOAL_PIN_MS = 10_000
const GOAL_HEALTH_P95_MS = 100
const GOAL_PEAK_RSS = 2

killChildrenOnExit()

// the product's default limits: the good clients are on 127.0.0.1, the attacker on 127.0.1.1 (another /24)
const stack = await startStack({
  relays: 1,
  liftAddressCaps: false,
  relayNodeArgs: values['relay-node-args'].split(/\s+/).filter(Boolean),
})
const relay = stack.relays[0]!
const relayId = peerIdFromString(relay.peerId)

async function metricsText(): Promise<string> {
  return await (await fetch(`${relay.http}/metrics`, { signal: AbortSignal.timeout(5_000) })).text()
}
/** The relay's RSS, and its event loop's longest delay since the last scrape (prom-client resets it). */
async function processSample(): Promise<{ bytes: number; lagMs: number }> {
  const text = await metricsText()
  const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
  return { bytes: value('process_resident_memory_bytes'), lagMs: value('nodejs_eventloop_lag_max_seconds') * 1000 }
}
let phase: (typeof phases)[number]['name'] | 'warmup' = 'warmup'
const rssSamples: { phase: string; bytes: number; lagMs: number }[] = []
const sampler = setInterval(() => {
  void processSample().then(
    (sample) => rssSamples.push({ phase, ...sample }),
    () => {},
  )
}, 500)
const health = new HealthSampler(relay.http, () => phase)

const rounds: Round[] = []
const media = new MediaClient(relay, relayId)
const messaging = await MessagingPair.start(stack.config.relays)
const catalog = await CatalogProbe.start(stack.config)
let n = 0

async function goodRound(): Promise<Round> {
  const r: Round = { phase, ok: 0, total: 0, errors: [] }
  n++
  await Promise.all([media.round(r), messaging.round(r, n), ...(n % 3 === 0 ? [catalog.round(r, n)] : [])])
  return r
}

async function runFor(ms: number): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const started = Date.now()
    rounds.push(await goodRound())
    await sleep(Math.max(0, intervalMs - (Date.now() - started)))
  }
}

// warm-up (not measured): the first rounds pay for module loading, the relay's first pin, the first listing
for (let i = 0; i < 3; i++) await goodRound()
health.start()
const metricsBytesIdle = (await metricsText()).length

let attackCounts: Record<string, number> = {}
/** Microseconds on the monotonic clock, the time base of a V8 .cpuprofile's startTime and endTime. */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n)
const phaseBounds: Record<string, [number, number]> = {}
for (const p of phases) {
  phase = p.name
  const startUs = monotonicUs()
  await runPhase(p)
  phaseBounds[p.name] = [startUs, monotonicUs()]
}
process.stderr.write(`phases on the monotonic clock (µs): ${JSON.stringify(phaseBounds)}\n`)

async function runPhase(p: (typeof phases)[number]): Promise<void> {
  if (p.name !== 'during') {
    await runFor(p.ms)
    return
  }
  const attacker = spawn(process.execPath, [join(ROOT, 'test', 'bench', 'relay-attacker.ts')], {
    env: {
      ...process.env,
      RELAY_ADDR: relay.wsAddr,
      RELAY_PEER_ID: relay.peerId,
      RELAY_HTTP: relay.http,
      CATALOG_ADDRESS: catalog.address,
      VICTIM: messaging.victim,
      DURATION_MS: String(p.ms),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const report = new Promise<string>((resolve) => {
    createInterface({ input: attacker.stdout }).once('line', resolve)
    attacker.once('exit', () => resolve('{}'))
  })
  await runFor(p.ms)
  attacker.stdin.end()
  const line = await Promise.race([
    report,
    new Promise<string>((resolve) => setTimeout(() => resolve('{}'), 30_000).unref()),
  ])
  if (attacker.exitCode === null) attacker.kill('SIGKILL')
  attackCounts = JSON.parse(line) as Record<string, number>
}
clearInterval(sampler)
health.stop()
const metricsAfter = await metricsText().catch(() => '')
const metricsBytesAfter = metricsAfter.length
/** What the relay refused or cut, from its own counters: the attacks reached it and were answered. */
const sumOf = (name: string, labels = ''): number =>
  metricsAfter
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
const refusals = {
  gatewayStalledCut: sumOf('souk_relay_gateway_cut_total', 'reason="stalled"'),
  gatewayRefused: sumOf('souk_relay_gateway_refused_total'),
  messagesRefused: sumOf('souk_relay_messages_dropped_total'),
  pinsRefused: sumOf('souk_relay_pins_rejected_total'),
  headExchangesCut: sumOf('souk_relay_catalog_head_exchanges_failed_total'),
  catalogGossipRefused: sumOf('souk_relay_catalog_gossip_rejected_total'),
  reservationsRefused: sumOf('souk_relay_reservations_refused_total'),
}
const stayedUp = relay.proc.child.exitCode === null && relay.proc.child.signalCode === null
const healthStarted = performance.now()
const healthOk = await fetch(`${relay.http}/health`, { signal: AbortSignal.timeout(5_000) }).then(
  (res) => res.status === 200,
  () => false,
)
const healthMs = performance.now() - healthStarted
await Promise.allSettled([messaging.stop(), catalog.stop()])
await stack.stop()

const idle = percentile(
  rssSamples.filter((s) => s.phase === 'before').map((s) => s.bytes),
  50,
)
const peak = Math.max(...rssSamples.map((s) => s.bytes))
const byPhase = (name: string): Round[] => rounds.filter((r) => r.phase === name)
const measured = rounds.filter((r) => r.phase !== 'warmup')
const goodOk = measured.reduce((k, r) => k + r.ok, 0)
const goodTotal = measured.reduce((k, r) => k + r.total, 0)
const values_ = (rs: Round[], key: 'pinMs' | 'fetchMs' | 'gatewayMs' | 'messageMs' | 'propagationMs'): number[] =>
  rs.flatMap((r) => (r[key] === undefined ? [] : [r[key]]))
const during = byPhase('during')
const fetchP95 = percentile(values_(during, 'fetchMs'), 95)
const messageP95 = percentile(values_(during, 'messageMs'), 95)
const propagationP95 = percentile(values_(during, 'propagationMs'), 95)
const honestPinMax = Math.max(...values_(during, 'pinMs'))
const healthDuring = health.samples.filter((s) => s.phase === 'during').map((s) => s.ms)
const healthP95 = percentile(healthDuring, 95)
const healthFailed = health.samples.filter((s) => !s.ok).length
const mb = (b: number): number => Math.round(b / 1e6)
/** The longest event loop delay of each half-second sample in a phase. */
const lags = (name: string): number[] =>
  rssSamples.filter((s) => s.phase === name && Number.isFinite(s.lagMs)).map((s) => s.lagMs)
const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : 'none')

const row = (k: string, v: string | number): string => `${k.padEnd(48)} ${String(v)}`
const lines = [
  `relay attack benchmark: ${values['before-s']} s before, ${values['during-s']} s under attack, ${values['after-s']} s after; a good round every ${intervalMs} ms`,
  "the relay runs with the product's default limits (none lifted): good clients on 127.0.0.1, the attacker on 127.0.1.1",
]
for (const p of phases) {
  const rs = byPhase(p.name)
  const ok = rs.reduce((k, r) => k + r.ok, 0)
  const total = rs.reduce((k, r) => k + r.total, 0)
  const fetches = values_(rs, 'fetchMs')
  const hs = health.samples.filter((s) => s.phase === p.name).map((s) => s.ms)
  lines.push(
    row(`${p.name}: good operations ok / total`, `${ok} / ${total}`),
    row(`${p.name}: bitswap fetch p50 / p95 (ms)`, `${ms(percentile(fetches, 50))} / ${ms(percentile(fetches, 95))}`),
    row(`${p.name}: gateway CAR p95 (ms)`, ms(percentile(values_(rs, 'gatewayMs'), 95))),
    row(
      `${p.name}: message p50 / p95 (ms)`,
      `${ms(percentile(values_(rs, 'messageMs'), 50))} / ${ms(percentile(values_(rs, 'messageMs'), 95))}`,
    ),
    row(`${p.name}: new listing propagation max (ms)`, ms(Math.max(...values_(rs, 'propagationMs')))),
    row(
      `${p.name}: honest pin p95 / max (ms)`,
      `${ms(percentile(values_(rs, 'pinMs'), 95))} / ${ms(Math.max(...values_(rs, 'pinMs')))}`,
    ),
    row(`${p.name}: /health p50 / p95 (ms)`, `${ms(percentile(hs, 50))} / ${ms(percentile(hs, 95))}`),
    row(
      `${p.name}: relay event loop delay p50 / p99 / max (ms)`,
      `${ms(percentile(lags(p.name), 50))} / ${ms(percentile(lags(p.name), 99))} / ${ms(Math.max(...lags(p.name)))}`,
    ),
  )
}
const okRate = goodTotal === 0 ? 0 : goodOk / goodTotal
lines.push(
  row('good operations ok (goal ≥ 99 %)', `${(okRate * 100).toFixed(1)} % (${goodOk} / ${goodTotal})`),
  row(`fetch p95 under attack (goal ≤ ${GOAL_FETCH_P95_MS} ms)`, ms(fetchP95)),
  row(`message p95 under attack (goal ≤ ${GOAL_MESSAGE_P95_MS} ms)`, ms(messageP95)),
  row(`new listing propagation p95 under attack (goal ≤ ${GOAL_PROPAGATION_MS} ms)`, ms(propagationP95)),
  row(`honest pin under attack, max (goal ≤ ${GOAL_PIN_MS} ms)`, ms(honestPinMax)),
  row(
    `/health p95 under attack (goal ≤ ${GOAL_HEALTH_P95_MS} ms)`,
    `${ms(healthP95)} (${healthFailed} failed of ${health.samples.length})`,
  ),
  row('relay RSS idle → peak (MB, goal ≤ 2× idle)', `${mb(idle)} → ${mb(peak)} (${(peak / idle).toFixed(2)}×)`),
  row('/metrics size idle → after (bytes)', `${metricsBytesIdle} → ${metricsBytesAfter}`),
  row('relay process stayed up (must)', stayedUp ? 'yes' : 'NO'),
  row('relay /health after the attack', `${healthOk ? 'ok' : 'NOT OK'} in ${healthMs.toFixed(0)} ms`),
  row('attacker', JSON.stringify(attackCounts)),
  row('relay refused or cut', JSON.stringify(refusals)),
)
const failures = measured.flatMap((r) => r.errors.map((e) => `  ${r.phase}: ${e}`))
if (failures.length > 0) lines.push('good operations that failed:', ...failures.slice(0, 20))
const missed: string[] = []
if (okRate < GOAL_OK) missed.push(`good operations ${(okRate * 100).toFixed(1)} % < 99 %`)
if (!(fetchP95 <= GOAL_FETCH_P95_MS)) missed.push(`fetch p95 ${ms(fetchP95)} ms > ${GOAL_FETCH_P95_MS} ms`)
if (!(messageP95 <= GOAL_MESSAGE_P95_MS)) missed.push(`message p95 ${ms(messageP95)} ms > ${GOAL_MESSAGE_P95_MS} ms`)
if (!(propagationP95 <= GOAL_PROPAGATION_MS))
  missed.push(`propagation p95 ${ms(propagationP95)} ms > ${GOAL_PROPAGATION_MS} ms`)
if (!(honestPinMax <= GOAL_PIN_MS)) missed.push(`honest pin ${ms(honestPinMax)} ms > ${GOAL_PIN_MS} ms`)
if (!(healthP95 <= GOAL_HEALTH_P95_MS)) missed.push(`/health p95 ${ms(healthP95)} ms > ${GOAL_HEALTH_P95_MS} ms`)
if (!(peak <= GOAL_PEAK_RSS * idle)) missed.push(`peak RSS ${mb(peak)} MB > 2× idle ${mb(idle)} MB`)
if (!stayedUp) missed.push('the relay process died')
if (!healthOk) missed.push('/health not ok after the attack')
lines.push(missed.length === 0 ? 'all goals met' : `GOALS MISSED: ${missed.join('; ')}`)
console.log(lines.join('\n'))
const round = (x: number): number | null => (Number.isFinite(x) ? Math.round(x) : null)
console.log(
  JSON.stringify({
    bench: 'relay-attack',
    goodOk,
    goodTotal,
    fetchP95Ms: round(fetchP95),
    messageP95Ms: round(messageP95),
    propagationMs: round(propagationP95),
    honestPinMs: round(honestPinMax),
    healthP95Ms: round(healthP95),
    idleRssMB: mb(idle),
    peakRssMB: mb(peak),
    stayedUp,
    metricsBytes: metricsBytesAfter,
  }),
)
process.exit(missed.length === 0 ? 0 : 1)
