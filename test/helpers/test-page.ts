/**
 * Serves a test page that bundles one entry module with esbuild (browser platform, the real src/ code) on
 * loopback, for playwright-core tests and benchmarks that drive library code without the UI.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { build } from 'esbuild'

export interface TestPageServer {
  url: string
  close(): Promise<void>
}

export async function serveTestPage(entry: string, title = 'souk test page'): Promise<TestPageServer> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    sourcemap: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  })
  const js = result.outputFiles[0]!.contents
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><body><script type="module" src="/page.js"></script>`
  const server = createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
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
