/**
 * The relay's HTTP server: `GET /health` (can it serve? 200 or 503, JSON), `GET /ready` (started and not
 * shutting down), `GET /metrics` (Prometheus text) and, when given, the trustless gateway on `/ipfs/`.
 * `--http-host 127.0.0.1` keeps all of it off the internet; put a reverse proxy in front for `/ipfs/` then.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HealthReport extends Record<string, unknown> {
  ok: boolean
}

export interface HttpEndpoints {
  health(): Promise<HealthReport>
  ready(): boolean
  metrics(): Promise<{ contentType: string; body: string }>
  gateway?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>
  /** The hosted app (`--app`): every other path, and `/ipfs/<its cid>/…` (src/relay/app-host.ts). */
  app?: { accepts(url: URL): boolean; handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> }
}

export async function startHttp(
  host: string,
  port: number,
  endpoints: HttpEndpoints,
): Promise<{ url: string; close(): Promise<void> }> {
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
  }
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://relay')
    if (endpoints.app && !['/health', '/ready', '/metrics'].includes(url.pathname) && endpoints.app.accepts(url))
      return await endpoints.app.handle(req, res, url)
    if (endpoints.gateway && url.pathname.startsWith('/ipfs/')) {
      if (req.method === 'OPTIONS') {
        res
          .writeHead(204, {
            'access-control-allow-origin': '*',
            'access-control-allow-methods': 'GET, HEAD, OPTIONS',
            'access-control-allow-headers': 'accept, if-none-match, range',
            'access-control-max-age': '86400',
          })
          .end()
        return
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD, OPTIONS' }).end()
        return
      }
      await endpoints.gateway(req, res, url)
      return
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end()
    } else if (url.pathname === '/health') {
      const report = await endpoints.health()
      json(res, report.ok ? 200 : 503, report)
    } else if (url.pathname === '/ready') {
      const ready = endpoints.ready()
      json(res, ready ? 200 : 503, { ready })
    } else if (url.pathname === '/metrics') {
      const { contentType, body } = await endpoints.metrics()
      res.writeHead(200, { 'content-type': contentType }).end(body)
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
    }
  }
  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`)
      else res.destroy()
    })
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const { port: actual } = server.address() as AddressInfo
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return {
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${actual}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
