/**
 * `npm run soak:e2e -- [--runs N] [--load K] [--files glob…]`: builds the PWA once, then runs the end-to-end
 * suite N times in a row (default 1, about 6 minutes here; `--files` narrows it) and prints a table of passes
 * and failures per test. With `--load K` it keeps K busy processes spinning beside the suite (one per core
 * makes "both cores loaded"), to find timing assumptions. Every failure is printed as it happens with its error; the exit code is non-zero if
 * any test failed in any run. Flakes are bugs: this is how they are found, not how they are retried.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { loadavg } from 'node:os'
import { inspect, parseArgs } from 'node:util'
import { run } from 'node:test'
import { glob, mkdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { findChrome } from './lib/chrome.ts'
import { BIN, ROOT } from './lib/processes.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    load: { type: 'string', default: '0' },
    files: { type: 'string', multiple: true, default: ['test/e2e/**/*.test.ts'] },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  console.log('usage: npm run soak:e2e -- [--runs N (1)] [--load K busy processes (0)] [--files glob…] [--no-build]')
  process.exit(0)
}
const runs = Number(values.runs)
const load = Number(values.load)
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(load) || load < 0) {
  console.error('souk soak: --runs must be a positive integer and --load a non-negative integer')
  process.exit(2)
}

process.env.CHROME_PATH = await findChrome()

/** The commit soaked (with "+changes" when the work tree differs from it), so a result names what it covers. */
const commit = ((): string => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    return dirty.trim() ? `${head}+changes` : head
  } catch {
    return 'unknown'
  }
})()
console.log(`souk soak: ${runs} run(s) of the e2e suite at ${commit}, ${load} busy process(es) beside it`)

if (!values['no-build']) {
  const code = await new Promise<number | null>((resolve) =>
    spawn(join(BIN, 'vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' }).on('exit', resolve),
  )
  if (code !== 0) {
    console.error('souk soak: vite build failed')
    process.exit(1)
  }
}

const files: string[] = []
for (const pattern of values.files) for await (const f of glob(pattern, { cwd: ROOT })) files.push(join(ROOT, f))
files.sort()
if (files.length === 0) {
  console.error(`souk soak: no test files match ${values.files.join(' ')}`)
  process.exit(2)
}

/** Busy loops, one process each, so the suite competes for the cores as it would on a loaded CI runner. */
const burners: ChildProcess[] = []
for (let i = 0; i < load; i++)
  burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore', detached: false }))
const stopBurners = (): void => {
  for (const b of burners) b.kill('SIGKILL')
}
process.on('exit', stopBurners)
const stopping = new AbortController()
const STOP_GRACE_MS = 30_000
let stoppedBy: NodeJS.Signals | undefined
// stopped early (Ctrl-C, a CI limit): the running test file's process is told to stop, and the soak waits for it
// (it takes its relays, chains and browsers with it; exiting at once left them running), then reports the runs
// that finished
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (stoppedBy) return
    stoppedBy = signal
    stopping.abort()
    stopBurners()
    setTimeout(() => {
      console.log(`\nthe running test file did not stop within ${STOP_GRACE_MS / 1000} s of ${signal}`)
      finish()
    }, STOP_GRACE_MS)
  })

interface Tally {
  file: string
  name: string
  pass: number
  fail: number
  ms: number[]
}
const tallies = new Map<string, Tally>()
const LOG_DIR = join(ROOT, '.souk', 'soak', new Date().toISOString().replace(/[:.]/g, '-'))
const runVerdicts: boolean[] = []
/** The 1-minute load average at the end of each run (2 cores here). */
const loads: number[] = []
const started = Date.now()

for (let i = 1; i <= runs; i++) {
  const runStart = Date.now()
  let failures = 0
  let passes = 0
  const output: string[] = []
  // one file at a time, like `npm run test:e2e`; each file runs in its own child process
  const stream = run({ files, concurrency: 1, isolation: 'process', signal: stopping.signal })
  for await (const event of stream) {
    if (event.type === 'test:stderr' || event.type === 'test:stdout') output.push(event.data.message)
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue
    const data = event.data
    // suites (describe) report too; count only leaf tests, but a failing suite hook counts as a failure
    const isSuite = data.details.type === 'suite'
    const file = relative(ROOT, data.file ?? '?')
    if (isSuite && event.type === 'test:pass') continue
    if (isSuite) {
      const err = data.details.error as { failureType?: string } | undefined
      // a suite "fails" when one of its tests failed (already counted); only its own hooks are news
      if (err?.failureType === 'subtestsFailed') continue
    }
    const key = `${file}\0${data.name}`
    const t: Tally = tallies.get(key) ?? { file, name: data.name, pass: 0, fail: 0, ms: [] }
    tallies.set(key, t)
    t.ms.push(data.details.duration_ms)
    if (event.type === 'test:pass') {
      t.pass++
      passes++
    } else {
      t.fail++
      failures++
      const err = data.details.error as Error & { cause?: unknown }
      const c = err.cause ?? err
      // an error without a message (a DOMException crossing from the test process) is shown whole
      const cause = c instanceof Error && c.message ? c.message : inspect(c, { depth: 4, breakLength: 120 })
      console.log(`  run ${i}: FAIL ${file} › ${data.name}\n    ${cause.split('\n').slice(0, 6).join('\n    ')}`)
    }
  }
  if (stoppedBy) break
  const ok = failures === 0 && passes > 0
  runVerdicts.push(ok)
  loads.push(Number(loadavg()[0]!.toFixed(1)))
  let saved = ''
  if (!ok && output.length > 0) {
    // the tests' own output (e.g. page logs with SOUK_E2E_DEBUG set), kept for the runs that failed
    await mkdir(LOG_DIR, { recursive: true })
    const file = join(LOG_DIR, `run-${i}.log`)
    await writeFile(file, output.join(''))
    saved = `  output: ${relative(ROOT, file)}`
  }
  console.log(
    `run ${String(i).padStart(2)}/${runs}: ${ok ? 'pass' : 'FAIL'}  ${passes} passed, ${failures} failed  ${((Date.now() - runStart) / 1000).toFixed(1)} s  load ${loads.at(-1)}${saved}`,
  )
}
finish()

function finish(): never {
  stopBurners()
  const done = runVerdicts.length
  if (stoppedBy)
    console.log(
      `\nstopped by ${stoppedBy} in run ${done + 1}: ${done} runs finished (the per-test table also counts the tests of the unfinished run)`,
    )
  const passedRuns = report(done)
  process.exit(stoppedBy ? 130 : passedRuns === runs ? 0 : 1)
}

/** Prints the per-test table and the JSON line for `finished` runs; returns how many of them passed. */
function report(finished: number): number {
  const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
  const rows = [...tallies.values()]
  const nameWidth = Math.min(90, Math.max(20, ...rows.map((r) => r.name.length)))
  console.log(`\n${'test'.padEnd(nameWidth)}  pass  fail  p50 s   max s`)
  for (const r of rows) {
    const name = r.name.length > nameWidth ? r.name.slice(0, nameWidth - 1) + '…' : r.name
    console.log(
      `${name.padEnd(nameWidth)}  ${String(r.pass).padStart(4)}  ${String(r.fail).padStart(4)}  ${(p50(r.ms) / 1000).toFixed(1).padStart(5)}  ${(Math.max(...r.ms) / 1000).toFixed(1).padStart(6)}`,
    )
  }
  const passedRuns = runVerdicts.filter(Boolean).length
  const failedTests = rows.reduce((n, r) => n + r.fail, 0)
  console.log(
    `\n${passedRuns} of ${finished} runs passed at ${commit} (${load} busy process${load === 1 ? '' : 'es'} beside it; load average ${loads.length ? `${Math.min(...loads)}–${Math.max(...loads)}` : 'n/a'}), ${((Date.now() - started) / 60_000).toFixed(1)} min`,
  )
  console.log(
    JSON.stringify({
      commit,
      runs: finished,
      passedRuns,
      load,
      loadAverage: loads,
      failedTests,
      tests: rows.map((r) => ({ file: r.file, name: r.name, pass: r.pass, fail: r.fail })),
    }),
  )
  return passedRuns
}
