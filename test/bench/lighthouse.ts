// Lighthouse (mobile defaults: simulated slow 4G and a 4x slower CPU) on the built PWA served with gzip,
// against the real stack (anvil + contracts + a relay) whose catalog holds N listings (default 10,000, seeded
// on chain and verified by the relay before measuring), on the home page, a listing page, my orders, messages
// and settings, so each page boots its services as it would for a user.
//   npm run bench:lighthouse [-- --runs N --listings N --pages home,orders]   (median of N runs per page, default 3)
// `#/orders` is the orders view of issue #14; on a branch without it the route renders "Page not found" and is
// measured as that (the output says so).
// Reports (JSON) are kept in test-results/lighthouse/. Exits 1 when a page misses a goal.
// Last line: {"bench":"lighthouse","listings":N,"performance":N,"accessibility":N,"bestPractices":N,"pages":{…}}
// (the top-level scores are the worst page's).
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { CHROME_ARGS, findChrome } from '../../scripts/lib/chrome.ts'
import { ROOT, killChildrenOnExit } from '../../scripts/lib/processes.ts'
import { serveDist } from '../../scripts/lib/serve.ts'
import { startStack } from '../../scripts/lib/stack.ts'
import { parseRoute } from '../../src/components/routes.ts'
import { seedCatalog, seedChain } from './seed.ts'

const GOALS = { performance: 95, accessibility: 100, bestPractices: 100 }
type Scores = typeof GOALS
interface Run extends Scores {
  fcpMs: number
  lcpMs: number
  tbtMs: number
  cls: number
  failed: string[]
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    listings: { type: 'string', default: '10000' },
    pages: { type: 'string', default: 'home,listing,orders,messages,settings' },
  },
})
const PAGES = ['home', 'listing', 'orders', 'messages', 'settings'] as const
const chosen = values.pages.split(',').map((p) => p.trim())
for (const p of chosen)
  if (!(PAGES as readonly string[]).includes(p)) throw new Error(`--pages: unknown page "${p}" (${PAGES.join(', ')})`)
const runs = Math.max(1, Number(values.runs))
const listings = Math.max(1, Number(values.listings))
const load = (): string => loadavg()[0]!.toFixed(1)

killChildrenOnExit()
execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], {
  cwd: ROOT,
  stdio: 'inherit',
})
const reports = join(ROOT, 'test-results', 'lighthouse')
await mkdir(reports, { recursive: true })
const stack = await startStack({ relays: 1 })
const stops: (() => Promise<unknown>)[] = [() => stack.stop()]
const results = new Map<string, Run[]>()
const loads: string[] = []
/** Pages whose route this build does not have (the app renders "Page not found" there), from its route table. */
const notFound = new Set(
  chosen.filter((p) => p !== 'home' && parseRoute(`#/${p === 'listing' ? 'listing/1' : p}`).name === 'not-found'),
)
try {
  process.stderr.write(`seeding ${listings} listings on anvil…\n`)
  const seeded = await seedChain(stack, listings)
  process.stderr.write(`  ${Math.round(seeded.ms)} ms; into the relay's catalog…\n`)
  const { writer, relayMs } = await seedCatalog(stack, seeded.docs)
  stops.unshift(() => writer.stop())
  process.stderr.write(`  the relay verified ${listings} listings after ${Math.round(relayMs)} ms\n`)
  const site = await serveDist({ dir: join(ROOT, 'dist'), config: stack.config })
  stops.unshift(() => site.close())
  const someListing = [...seeded.docs.keys()][Math.floor(listings / 2)]!
  const urls: Record<(typeof PAGES)[number], string> = {
    home: site.url,
    listing: `${site.url}#/listing/${someListing}`,
    orders: `${site.url}#/orders`,
    messages: `${site.url}#/messages`,
    settings: `${site.url}#/settings`,
  }
  const pages = Object.fromEntries(chosen.map((p) => [p, urls[p as (typeof PAGES)[number]]]))

  for (let i = 0; i < runs; i++)
    for (const [page, url] of Object.entries(pages)) {
      const profile = await mkdtemp(join(tmpdir(), 'souk-lh-'))
      const chrome = await chromeLauncher.launch({
        chromePath: await findChrome({ install: false }),
        chromeFlags: [...CHROME_ARGS, '--headless=new', `--user-data-dir=${profile}`],
        userDataDir: profile,
      })
      try {
        loads.push(load())
        const result = await lighthouse(url, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility', 'best-practices'],
        })
        if (!result) throw new Error('lighthouse returned no result')
        await writeFile(join(reports, `${page}-${i + 1}.json`), JSON.stringify(result.lhr))
        const { categories, audits } = result.lhr
        const score = (id: string): number => Math.round((categories[id]?.score ?? 0) * 100)
        const failed = Object.values(categories).flatMap((c) =>
          c.auditRefs
            .filter(
              (r) =>
                r.weight > 0 && (audits[r.id]?.score ?? 1) < 1 && audits[r.id]?.scoreDisplayMode !== 'notApplicable',
            )
            .map((r) => `${c.id}: ${r.id} (${audits[r.id]?.displayValue ?? audits[r.id]?.score})`),
        )
        const run: Run = {
          performance: score('performance'),
          accessibility: score('accessibility'),
          bestPractices: score('best-practices'),
          fcpMs: Math.round(audits['first-contentful-paint']?.numericValue ?? 0),
          lcpMs: Math.round(audits['largest-contentful-paint']?.numericValue ?? 0),
          tbtMs: Math.round(audits['total-blocking-time']?.numericValue ?? 0),
          cls: Number((audits['cumulative-layout-shift']?.numericValue ?? 0).toFixed(3)),
          failed,
        }
        results.set(page, [...(results.get(page) ?? []), run])
        process.stderr.write(`  ${page} run ${i + 1}: perf ${run.performance}, TBT ${run.tbtMs} ms (load ${load()})\n`)
      } finally {
        chrome.kill()
        await rm(profile, { recursive: true, force: true })
      }
    }
} finally {
  for (const stop of stops) await stop().catch(() => undefined)
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const keys = Object.keys(GOALS) as (keyof Scores)[]
const pages: Record<string, Scores & { fcpMs: number; lcpMs: number; tbtMs: number; cls: number }> = {}
console.log(
  `Lighthouse mobile, median of ${runs} run(s) per page; catalog of ${listings} listings on the relay; ` +
    `1-min load average during the runs: ${loads.join(' ')} (2 cores)`,
)
console.log('page'.padEnd(9), 'category'.padEnd(14), 'score'.padStart(6), 'goal'.padStart(7), ' runs')
for (const [page, rs] of results) {
  const med = Object.fromEntries(
    (['performance', 'accessibility', 'bestPractices', 'fcpMs', 'lcpMs', 'tbtMs', 'cls'] as const).map((k) => [
      k,
      median(rs.map((r) => r[k])),
    ]),
  ) as (typeof pages)[string]
  pages[page] = med
  for (const key of keys)
    console.log(
      page.padEnd(9),
      key.padEnd(14),
      String(med[key]).padStart(6),
      `≥ ${GOALS[key]}`.padStart(7),
      ` ${rs.map((r) => r[key]).join(' ')}`,
      med[key] >= GOALS[key] ? ' ok' : ' UNDER',
    )
  console.log(
    page.padEnd(9),
    `FCP ${med.fcpMs} ms · LCP ${med.lcpMs} ms · TBT ${med.tbtMs} ms (runs ${rs.map((r) => r.tbtMs).join(' ')}) · CLS ${med.cls}`,
  )
  const failed = [...new Set(rs.flatMap((r) => r.failed))]
  if (failed.length) console.log(`${''.padEnd(9)} audits not passed: ${failed.join('; ')}`)
}
if (notFound.size)
  console.log(`not in this build (measured as "Page not found"): ${[...notFound].map((p) => `#/${p}`).join(', ')}`)
const worst = Object.fromEntries(keys.map((k) => [k, Math.min(...Object.values(pages).map((p) => p[k]))])) as Scores
const missed = keys.filter((k) => worst[k] < GOALS[k])
if (missed.length) {
  console.log(`goal missed: ${missed.join(', ')} (reports in test-results/lighthouse/)`)
  process.exitCode = 1
}
console.log(JSON.stringify({ bench: 'lighthouse', listings, ...worst, pages, notFound: [...notFound] }))
