/**
 * Screenshots of the trust components (issue #25) with sample data, at 360 and 1280 px, in English and
 * Chinese: `node scripts/with-chrome.ts node scripts/trust-screenshots.ts [outDir]` (default
 * test-results/trust). The gallery (test/browser/trust/gallery.ts) is bundled with esbuild and served from
 * memory; no chain, no relay.
 */
import { createServer } from 'node:http'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { CHROME_ARGS, findChrome } from './lib/chrome.ts'
import { ROOT } from './lib/processes.ts'

const out = process.argv[2] ?? join(ROOT, 'test-results', 'trust')
await mkdir(out, { recursive: true })
const bundle = await build({
  entryPoints: [join(ROOT, 'test/browser/trust/gallery.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2023',
  conditions: ['browser', 'production'],
  tsconfig: join(ROOT, 'tsconfig.json'),
  logLevel: 'warning',
})
const page = `<!doctype html><html><head><meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<style>
  :root { --souk-accent: #0f5c4d; --souk-bg: #fbfaf7; --souk-fg: #1d1b16; --souk-muted: #5e5a50; --souk-surface: #fff;
    --souk-border: #dedad0; --souk-ok: #1b7a3a; --souk-warn: #8a5a00; --souk-bad: #a3261b;
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans SC', 'PingFang SC', sans-serif; }
  html, body { margin: 0; background: var(--souk-bg); color: var(--souk-fg); }
  main { display: grid; gap: 1rem; padding: 1rem; max-width: 60rem; margin: 0 auto; }
</style></head><body><main></main><script type="module" src="/gallery.js"></script></body></html>`
const server = createServer((req, res) => {
  if (req.url?.startsWith('/gallery.js')) {
    res.writeHead(200, { 'content-type': 'text/javascript' })
    res.end(bundle.outputFiles[0]!.text)
  } else {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(page)
  }
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address() as { port: number }
const browser = await chromium.launch({
  executablePath: await findChrome({ install: false }),
  headless: true,
  args: CHROME_ARGS,
})
const shots = [
  'summary',
  'record',
  'warnings',
  'picker',
  'dispute',
  'dispute&submit=1',
  'rate',
  'reviews',
  'profile',
  'profile&submit=1',
]
try {
  for (const lang of ['en', 'zh-Hans'])
    for (const width of [360, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: width < 600 ? 780 : 900 } })
      const tab = await context.newPage()
      tab.on('pageerror', (e) => console.error(`page error: ${e.message}`))
      for (const shot of shots) {
        await tab.goto(`http://127.0.0.1:${port}/?c=${shot}&lang=${lang}`)
        await tab.locator('body[data-ready]').waitFor({ timeout: 20_000 })
        const file = join(out, `${shot.replace('&submit=1', '-errors')}-${width}-${lang === 'en' ? 'en' : 'zh'}.png`)
        // a modal dialog is in the top layer: the viewport shows it as a person sees it
        await tab.screenshot({ path: file, fullPage: !shot.startsWith('dispute') && !shot.startsWith('rate') })
        console.log(file)
      }
      await context.close()
    }
} finally {
  await browser.close()
  server.close()
}
