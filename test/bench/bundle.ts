// First-route JavaScript of the built PWA, gzip-compressed, next to the one-bundle baseline.
//   npm run bench:bundle
// "First route" = what the browser must download before <souk-app> renders: the entry chunk from index.html,
// every chunk it imports statically (from Vite's build manifest; the service worker is registered from it).
// Chunks loaded later by dynamic import (viem, libp2p/Helia, translations) are listed separately.
// Last line: {"bench":"bundle","firstRouteGzipKB":N,"lazyGzipKB":N,"totalGzipKB":N}
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { ROOT } from '../../scripts/lib/processes.ts'

const BASELINE_GZIP_KB = 522 // one bundle with everything (TOOLCHAIN.md)
const GOAL_GZIP_KB = 120

interface ManifestChunk {
  file: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
}

const outDir = await mkdtemp(join(tmpdir(), 'souk-bundle-'))
try {
  await build({ root: ROOT, logLevel: 'error', build: { outDir, manifest: true, emptyOutDir: true } })
  const manifest = JSON.parse(await readFile(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >
  const gz = async (file: string): Promise<number> =>
    gzipSync(await readFile(join(outDir, file)), { level: 9 }).length / 1024

  const critical = new Set<string>()
  const visit = (key: string): void => {
    const chunk = manifest[key]
    if (!chunk || critical.has(chunk.file)) return
    critical.add(chunk.file)
    for (const dep of chunk.imports ?? []) visit(dep)
  }
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key)

  const allJs = [...new Set(Object.values(manifest).map((c) => c.file))].filter((f) => f.endsWith('.js'))
  const lazy = allJs.filter((f) => !critical.has(f))
  const rows: [string, number, string][] = []
  for (const f of critical) rows.push([f, await gz(f), 'first route'])
  for (const f of lazy) rows.push([f, await gz(f), 'lazy'])
  const firstRoute = rows.filter((r) => r[2] === 'first route').reduce((n, r) => n + r[1], 0)
  const lazyTotal = rows.filter((r) => r[2] === 'lazy').reduce((n, r) => n + r[1], 0)

  console.log('chunk'.padEnd(44), 'gzip KB'.padStart(8), ' loaded')
  for (const [f, kb, when] of rows.sort((a, b) => b[1] - a[1]))
    console.log(f.padEnd(44), kb.toFixed(1).padStart(8), ` ${when}`)
  console.log()
  console.log('what'.padEnd(28), 'souk KB'.padStart(9), 'baseline KB'.padStart(12), 'goal'.padStart(8))
  console.log(
    'first-route JS (gzip)'.padEnd(28),
    firstRoute.toFixed(1).padStart(9),
    String(BASELINE_GZIP_KB).padStart(12),
    `≤ ${GOAL_GZIP_KB}`.padStart(8),
    firstRoute <= GOAL_GZIP_KB ? ' ok' : ' OVER',
  )
  console.log('lazy after first paint'.padEnd(28), lazyTotal.toFixed(1).padStart(9))
  if (firstRoute > GOAL_GZIP_KB) process.exitCode = 1
  console.log(
    JSON.stringify({
      bench: 'bundle',
      firstRouteGzipKB: Number(firstRoute.toFixed(1)),
      lazyGzipKB: Number(lazyTotal.toFixed(1)),
      totalGzipKB: Number((firstRoute + lazyTotal).toFixed(1)),
    }),
  )
} finally {
  await rm(outDir, { recursive: true, force: true })
}
