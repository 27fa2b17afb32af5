/**
 * `npm test`: every suite (typecheck, lint, unit, contracts, browser, e2e), each runner's own summary, then one
 * closing line with the totals. Exits non-zero if any suite failed (all suites still run).
 *
 * Suites run in lanes side by side: a lane runs its suites one after another. Most of a suite's time is spent
 * waiting on other processes (relays, anvil, Chromium, network round trips), so one suite alone keeps a 2-core
 * machine about half busy; three lanes fill it. Each suite's output is held back and printed whole when it
 * finishes, so runners never interleave. `--serial` (or SOUK_TEST_SERIAL=1) runs one suite at a time, printing
 * as it goes. Names as arguments run only those suites: `npm test -- unit e2e`.
 */
import { spawn } from 'node:child_process'

interface Suite {
  name: string
  script: string
  /** A static check (no test runner): counts as one passed or failed check. */
  check?: boolean
}

const SUITES: Suite[] = [
  { name: 'typecheck', script: 'typecheck', check: true },
  { name: 'lint', script: 'lint', check: true },
  { name: 'unit', script: 'test:unit' },
  { name: 'contracts', script: 'test:contracts' },
  { name: 'browser', script: 'test:browser' },
  { name: 'e2e', script: 'test:e2e' },
]

/**
 * The longest suites (e2e, unit) each start a lane; the short ones follow unit or share the third lane. Measured
 * alone on 2 cores (CI): e2e ≈ 530 s, unit ≈ 390 s, the rest ≈ 200 s together. Contracts follow unit: the unit
 * suite rebuilds the contracts (abi.test.ts), and both forge runs write contracts/out/ (they also take the build
 * lock, scripts/forge.ts).
 */
export const LANES: string[][] = [['e2e'], ['unit', 'contracts'], ['typecheck', 'lint', 'browser']]

interface Result {
  name: string
  code: number
  passed: number
  failed: number
  seconds: number
}

/** Reads the pass/fail counts from a runner's closing lines (node --test, forge, web-test-runner). */
export function countTests(output: string): { passed: number; failed: number } | undefined {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '')
  const nodePass = [...plain.matchAll(/^ℹ pass (\d+)$/gm)].at(-1)
  const nodeFail = [...plain.matchAll(/^ℹ fail (\d+)$/gm)].at(-1)
  if (nodePass && nodeFail) return { passed: Number(nodePass[1]), failed: Number(nodeFail[1]) }
  const forge = [...plain.matchAll(/(\d+) tests passed, (\d+) failed/g)].at(-1)
  if (forge) return { passed: Number(forge[1]), failed: Number(forge[2]) }
  const wtr = [...plain.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1)
  if (wtr) return { passed: Number(wtr[1]), failed: Number(wtr[2]) }
  return undefined
}

/** The lanes for the suites asked for, in the order of LANES; a suite missing from LANES gets a lane of its own. */
export function lanesFor(names: string[]): string[][] {
  const lanes = LANES.map((lane) => lane.filter((n) => names.includes(n))).filter((lane) => lane.length > 0)
  for (const n of names) if (!LANES.some((lane) => lane.includes(n))) lanes.push([n])
  return lanes
}

async function run(suite: Suite, live: boolean): Promise<Result> {
  const started = Date.now()
  const header = `\n=== ${suite.name} (npm run ${suite.script}) ===\n`
  if (live) process.stdout.write(header)
  else console.log(`--- ${suite.name} started`)
  const child = spawn('npm', ['run', '--silent', suite.script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  // held back (not live): stdout and stderr in the order they came, printed whole at the end
  const held: { err: boolean; text: string }[] = []
  const take = (err: boolean) => (d: Buffer) => {
    const text = d.toString()
    output += text
    if (live) (err ? process.stderr : process.stdout).write(text)
    else held.push({ err, text })
  }
  child.stdout.on('data', take(false))
  child.stderr.on('data', take(true))
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)))
  const seconds = (Date.now() - started) / 1000
  if (!live) {
    process.stdout.write(header)
    for (const h of held) (h.err ? process.stderr : process.stdout).write(h.text)
    console.log(`--- ${suite.name} finished in ${seconds.toFixed(1)} s (exit ${code})`)
  }
  const counts = suite.check
    ? { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 }
    : (countTests(output) ?? { passed: 0, failed: code === 0 ? 0 : 1 })
  // a runner that exits non-zero has failed even when its counts say otherwise (crash after the tests)
  const failed = code !== 0 && counts.failed === 0 ? 1 : counts.failed
  return { name: suite.name, code, passed: counts.passed, failed, seconds }
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const serial = args.includes('--serial') || process.env.SOUK_TEST_SERIAL === '1'
  const only = args.filter((a) => !a.startsWith('--'))
  const names = SUITES.map((s) => s.name).filter((n) => only.length === 0 || only.includes(n))
  const suite = (name: string): Suite => SUITES.find((s) => s.name === name)!
  const started = Date.now()
  const results: Result[] = []
  if (serial) {
    for (const name of names) results.push(await run(suite(name), true))
  } else {
    const lanes = lanesFor(names)
    await Promise.all(
      lanes.map(async (lane) => {
        for (const name of lane) results.push(await run(suite(name), lanes.length === 1))
      }),
    )
  }
  results.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name))
  console.log('\n=== summary ===')
  for (const r of results) {
    const verdict = r.code === 0 && r.passed > 0 ? 'ok' : r.passed === 0 && r.code === 0 ? 'NO TESTS' : 'FAILED'
    console.log(
      `${r.name.padEnd(10)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1).padStart(6)} s  ${verdict}`,
    )
  }
  const passed = results.reduce((n, r) => n + r.passed, 0)
  const failed = results.reduce((n, r) => n + r.failed, 0)
  const bad = results.some((r) => r.code !== 0 || r.passed === 0)
  console.log(`wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  console.log(`tests: ${passed} passed, ${failed} failed`)
  process.exit(bad ? 1 : 0)
}
