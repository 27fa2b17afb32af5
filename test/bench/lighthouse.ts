// Lighthouse (mobile defaults: simulated slow 4G and a 4x slower CPU) on the built PWA served with gzip,
// against the real stack (anvil + contracts + a relay), so the page boots its services as it would for a user.
//   npm run bench:lighthouse [-- --runs N]     (median of N runs, default 3)
// Last line: {"bench":"lighthouse","performance":N,"accessibility":N,"bestPractices":N}
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { CHROME_ARGS, findChrome } from '../../scripts/lib/chrome.ts'
import { ROOT, killChildrenOnExit } from '../../scripts/lib/processes.ts'
import { serveDist } from '../../scripts/lib/serve.ts'
import { startStack } from '../../scripts/lib/stack.ts'

const GOALS = { performance: 95, accessibility: 100, bestPractices: 100 }
type Scores = typeof GOALS

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } })
const runs = Math.max(1, Number(values.runs))

killChildrenOnExit()
execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], {
  cwd: ROOT,
  stdio: 'inherit',
})
const stack = await startStack({ relays: 1 })
const site = await serveDist({ dir: join(ROOT, 'dist'), config: stack.config })
const results: (Scores & { lcpMs: number; tbtMs: number; cls: number; failed: string[] })[] = []
try {
  for (let i = 0; i < runs; i++) {
    const profile = await mkdtemp(join(tmpdir(), 'souk-lh-'))
    const chrome = await chromeLauncher.launch({
      chromePath: await findChrome({ install: false }),
      chromeFlags: [...CHROME_ARGS, '--headless=new', `--user-data-dir=${profile}`],
      userDataDir: profile,
    })
    try {
      const result = await lighthouse(site.url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
      })
      if (!result) throw new Error('lighthouse returned no result')
      const { categories, audits } = result.lhr
      const score = (id: string): number => Math.round((categories[id]?.score ?? 0) * 100)
      const failed = Object.values(categories).flatMap((c) =>
        c.auditRefs
          .filter(
            (r) => r.weight > 0 && (audits[r.id]?.score ?? 1) < 1 && audits[r.id]?.scoreDisplayMode !== 'notApplicable',
          )
          .map((r) => `${c.id}: ${r.id} (${audits[r.id]?.displayValue ?? audits[r.id]?.score})`),
      )
      results.push({
        performance: score('performance'),
        accessibility: score('accessibility'),
        bestPractices: score('best-practices'),
        lcpMs: Math.round(audits['largest-contentful-paint']?.numericValue ?? 0),
        tbtMs: Math.round(audits['total-blocking-time']?.numericValue ?? 0),
        cls: Number((audits['cumulative-layout-shift']?.numericValue ?? 0).toFixed(3)),
        failed,
      })
    } finally {
      chrome.kill()
      await rm(profile, { recursive: true, force: true })
    }
  }
} finally {
  await site.close()
  await stack.stop()
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const med = {
  performance: median(results.map((r) => r.performance)),
  accessibility: median(results.map((r) => r.accessibility)),
  bestPractices: median(results.map((r) => r.bestPractices)),
}
console.log(`Lighthouse mobile, median of ${runs} run(s)`)
console.log('category'.padEnd(16), 'score'.padStart(6), 'goal'.padStart(7), ' runs')
for (const key of Object.keys(GOALS) as (keyof Scores)[])
  console.log(
    key.padEnd(16),
    String(med[key]).padStart(6),
    `≥ ${GOALS[key]}`.padStart(7),
    ` ${results.map((r) => r[key]).join(' ')}`,
    med[key] >= GOALS[key] ? 'ok' : 'UNDER',
  )
console.log(
  `LCP ${median(results.map((r) => r.lcpMs))} ms · TBT ${median(results.map((r) => r.tbtMs))} ms · CLS ${median(results.map((r) => r.cls))}`,
)
const failed = [...new Set(results.flatMap((r) => r.failed))]
if (failed.length) console.log(`audits not passed:\n  ${failed.join('\n  ')}`)
if ((Object.keys(GOALS) as (keyof Scores)[]).some((k) => med[k] < GOALS[k])) process.exitCode = 1
console.log(JSON.stringify({ bench: 'lighthouse', ...med }))
