/**
 * Serves a test page that bundles one entry module (and any Worker entries) with esbuild (browser platform, the real src/ code) on
 * loopback, for playwright-core tests and benchmarks that drive library code without the UI.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename } from 'node:path'
import { build } from 'esbuild'

export interface TestPageServer {
  url: string
  close(): Promise<void>
}

export interface TestPageOptions {
  /** Worker entry modules bundled beside the page and served as `/<name>.js` (e.g. the engine Worker). */
  workers?: string[]
}

export async function serveTestPage(
  entry: string,
  title = 'souk test page',
  { workers = [] }: TestPageOptions = {},
): Promise<TestPageServer> {
  const result = await build({
    entryPoints: [entry, ...workers],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: '/bundle',
    entryNames: '[name]',
    write: false,
    sourcemap: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  })
  const files = new Map(result.outputFiles.map((f) => [`/${basename(f.path)}`, f.contents]))
  const page = `/${basename(entry).replace(/\.ts$/, '.js')}`
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><body><script type="module" src="${page}"></script>`
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
