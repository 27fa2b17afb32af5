/**
 * A small static server for the built PWA (`dist/`), with the runtime config.json served from memory.
 * Used by the e2e tests and the benchmarks; `npm start` uses `vite preview`.
 */
import { createServer, type Server } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { SoukConfig } from '../../src/core/config.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
}

export interface StaticSite {
  url: string
  server: Server
  close(): Promise<void>
}

export async function serveDist({
  dir,
  config,
  port = 0,
  hold,
}: {
  dir: string
  config: SoukConfig
  port?: number
  /** Paths whose requests are never answered (a network that hangs), until the server closes. */
  hold?: (path: string) => boolean
}): Promise<StaticSite> {
  const configBody = JSON.stringify(config)
  const compressed = new Map<string, Buffer>()
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      if (hold?.(path)) return
      if (path === '/config.json') {
        res.writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-cache' })
        res.end(configBody)
        return
      }
      let file = normalize(join(dir, path))
      if (!file.startsWith(dir)) {
        res.writeHead(403).end()
        return
      }
      const info = await stat(file).catch(() => undefined)
      if (!info || info.isDirectory()) file = info ? join(file, 'index.html') : join(dir, 'index.html')
      try {
        let body: Buffer = await readFile(file)
        const immutable = path.startsWith('/assets/')
        const type = TYPES[extname(file)] ?? 'application/octet-stream'
        // compress text as any static host would (Lighthouse measures transfer sizes)
        const gzip = /text|json|svg|manifest/.test(type) && /\bgzip\b/.test(String(req.headers['accept-encoding']))
        if (gzip) body = compressed.get(file) ?? compressed.set(file, gzipSync(body)).get(file)!
        res.writeHead(200, {
          'content-type': type,
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          vary: 'accept-encoding',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        })
        res.end(body)
      } catch {
        res.writeHead(404).end('not found')
      }
    })()
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address()
  const actual = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://127.0.0.1:${actual}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
