/**
 * Builds the P2P test page with esbuild (browser platform, the real src/p2p code) and serves it on
 * loopback. Used by test/e2e/p2p.test.ts and test/bench/relay.ts.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const HERE = dirname(fileURLToPath(import.meta.url))

export interface TestPageServer {
  url: string
  close(): Promise<void>
}

export async function serveP2PTestPage(): Promise<TestPageServer> {
  const result = await build({
    entryPoints: [join(HERE, 'entry.ts')],
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
  const html =
    '<!doctype html><meta charset="utf-8"><title>souk p2p</title><body><script type="module" src="/p2p.js"></script>'
  const server = createServer((req, res) => {
    if (req.url === '/p2p.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
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
