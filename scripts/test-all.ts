/**
 * `npm test`: every suite in turn (unit, contracts, browser, e2e), each runner's own summary as it goes, then
 * one closing line with the totals. Exits non-zero if any suite failed (all suites still run).
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

const only = process.argv.slice(2)
const suites = only.length ? SUITES.filter((s) => only.includes(s.name)) : SUITES

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

async function run(suite: Suite): Promise<Result> {
  const started = Date.now()
  console.log(`\n=== ${suite.name} (npm run ${suite.script}) ===`)
  const child = spawn('npm', ['run', '--silent', suite.script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString()
    process.stdout.write(d)
  })
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString()
    process.stderr.write(d)
  })
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
  const counts = suite.check
    ? { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 }
    : (countTests(output) ?? { passed: 0, failed: code === 0 ? 0 : 1 })
  // a runner that exits non-zero has failed even when its counts say otherwise (crash after the tests)
  const failed = code !== 0 && counts.failed === 0 ? 1 : counts.failed
  return { name: suite.name, code, passed: counts.passed, failed, seconds: (Date.now() - started) / 1000 }
}

if (import.meta.main) {
  const results: Result[] = []
  for (const suite of suites) results.push(await run(suite))
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
  console.log(`tests: ${passed} passed, ${failed} failed`)
  process.exit(bad ? 1 : 0)
}
