/**
 * The messaging test page (entry.ts, driven through `window.soukMsg`) and the app's engine Worker
 * (src/engine/engine.worker.ts), both bundled with esbuild and served on loopback. Used by
 * test/e2e/messaging.test.ts.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { TestPageServer } from '../../helpers/test-page.ts'

const here = dirname(fileURLToPath(import.meta.url))

export async function serveMessagingTestPage(): Promise<TestPageServer> {
  const result = await build({
    entryPoints: [join(here, 'entry.ts'), join(here, '../../../src/engine/engine.worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/bundle',
    entryNames: '[name]',
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  })
  const files = new Map(result.outputFiles.map((f) => [`/${basename(f.path)}`, f.contents]))
  const html = `<!doctype html><meta charset="utf-8"><title>souk messaging</title><body><script type="module" src="/entry.js"></script>`
  const server = createServer((req, res) => {
    const js = files.get(req.url ?? '')
    if (js) res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
    else if (req.url === '/' || req.url?.startsWith('/?')) res.writeHead(200, { 'content-type': 'text/html' }).end(html)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
