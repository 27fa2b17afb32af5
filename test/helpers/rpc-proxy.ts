/**
 * A JSON-RPC proxy in front of a real node (anvil) that behaves like a free public endpoint, run as its own
 * process: `eth_getLogs` over more than `--max-block-range` blocks is refused (Alchemy's wording), an answer
 * of more than `--max-results` logs is refused (Infura's wording, with a suggested range), more than `--rate`
 * calls per second are answered HTTP 429, and a seeded fraction `--error-rate` of requests gets a 502/503.
 *
 *   node test/helpers/rpc-proxy.ts --upstream http://127.0.0.1:8545 [--port 0] [--max-block-range N]
 *     [--max-results N] [--rate N] [--burst N] [--error-rate 0.1] [--seed 1]
 *
 * Ready line on stdout: {"event":"ready","url":"http://127.0.0.1:N"}. `GET /stats` answers what it saw
 * (every getLogs range asked for and how each was answered); `POST /stats/reset` zeroes it.
 * `startRpcProxy()` spawns it from a test.
 */
import { createServer, type IncomingMessage } from 'node:http'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { spawnReady, type ManagedProcess } from '../../scripts/lib/processes.ts'
import { seededRandom } from './random.ts'

export interface RpcProxyOptions {
  upstream: string
  port?: number
  maxBlockRange?: number
  maxResults?: number
  /** JSON-RPC calls per second (a batch counts each call); beyond it, HTTP 429. */
  rate?: number
  /** Calls allowed at once before the rate applies (default: one second's worth). */
  burst?: number
  /** Fraction of HTTP requests answered 502/503 (deterministic for a seed). */
  errorRate?: number
  seed?: number
}

export interface RpcProxyStats {
  requests: number
  calls: Record<string, number>
  getLogs: { from: number; to: number; outcome: 'ok' | 'range' | 'results' }[]
  rateLimited: number
  serverErrors: number
  /** eth_call targets (lower-case address → calls), e.g. to see reads go through Multicall3. */
  callTargets: Record<string, number>
}

interface RpcCall {
  jsonrpc: '2.0'
  id: number | string | null
  method: string
  params?: unknown[]
}

const MAX_BODY = 1024 * 1024

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY) throw new Error('request body too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function serveRpcProxy(o: RpcProxyOptions): Promise<{ url: string; close(): Promise<void> }> {
  const next = seededRandom(o.seed ?? 1)
  const stats: RpcProxyStats = { requests: 0, calls: {}, getLogs: [], rateLimited: 0, serverErrors: 0, callTargets: {} }
  // token bucket refilled continuously, `rate` per second, holding `burst` (default one second's worth)
  const capacity = o.burst ?? o.rate ?? Infinity
  let tokens = capacity
  let refilled = Date.now()

  const upstream = async (calls: RpcCall[]): Promise<{ id: RpcCall['id']; result?: unknown; error?: unknown }[]> => {
    const res = await fetch(o.upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(calls),
    })
    return (await res.json()) as { id: RpcCall['id']; result?: unknown; error?: unknown }[]
  }

  const answer = async (call: RpcCall): Promise<unknown> => {
    stats.calls[call.method] = (stats.calls[call.method] ?? 0) + 1
    if (call.method === 'eth_call') {
      const to = String((call.params?.[0] as { to?: string } | undefined)?.to ?? '').toLowerCase()
      stats.callTargets[to] = (stats.callTargets[to] ?? 0) + 1
    }
    if (call.method !== 'eth_getLogs') return (await upstream([call]))[0]
    const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string }
    const head = async (): Promise<number> =>
      Number((await upstream([{ jsonrpc: '2.0', id: 0, method: 'eth_blockNumber' }]))[0]!.result as string)
    const block = async (tag: string | undefined): Promise<number> =>
      tag === undefined || tag === 'latest' ? await head() : tag === 'earliest' ? 0 : Number(tag)
    const from = await block(filter.fromBlock)
    const to = await block(filter.toBlock)
    if (o.maxBlockRange !== undefined && to - from + 1 > o.maxBlockRange) {
      stats.getLogs.push({ from, to, outcome: 'range' })
      const k = o.maxBlockRange >= 1000 ? `${o.maxBlockRange / 1000}K` : String(o.maxBlockRange)
      return {
        jsonrpc: '2.0',
        id: call.id,
        error: {
          code: -32602,
          message:
            `Log response size exceeded. You can make eth_getLogs requests with up to a ${k} block range and no ` +
            `limit on the response size, or you can request any block range with a cap of 10K logs in the response.`,
        },
      }
    }
    const [reply] = await upstream([call])
    const logs = reply?.result
    if (o.maxResults !== undefined && Array.isArray(logs) && logs.length > o.maxResults) {
      stats.getLogs.push({ from, to, outcome: 'results' })
      // like Infura: suggest the range up to the block of the last log that fits
      const last = Number((logs[o.maxResults - 1] as { blockNumber: string }).blockNumber)
      const end = Math.max(from, last - 1)
      return {
        jsonrpc: '2.0',
        id: call.id,
        error: {
          code: -32005,
          message: `query returned more than ${o.maxResults} results. Try with this block range [0x${from.toString(16)}, 0x${end.toString(16)}].`,
        },
      }
    }
    stats.getLogs.push({ from, to, outcome: 'ok' })
    return reply
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      if (path === '/stats' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats))
        return
      }
      if (path === '/stats/reset' && req.method === 'POST') {
        Object.assign(stats, { requests: 0, calls: {}, getLogs: [], rateLimited: 0, serverErrors: 0, callTargets: {} })
        res.writeHead(204).end()
        return
      }
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' }
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end()
      stats.requests++
      let body: RpcCall | RpcCall[]
      try {
        body = JSON.parse(await readBody(req)) as RpcCall | RpcCall[]
      } catch {
        res.writeHead(400, cors).end()
        return
      }
      const calls = Array.isArray(body) ? body : [body]
      const now = Date.now()
      tokens = Math.min(capacity, tokens + ((now - refilled) / 1000) * (o.rate ?? 0))
      refilled = now
      if (tokens < calls.length) {
        stats.rateLimited++
        res.writeHead(429, { ...cors, 'content-type': 'text/plain' }).end('Too Many Requests')
        return
      }
      tokens -= calls.length
      if (o.errorRate && next() < o.errorRate) {
        stats.serverErrors++
        const status = next() < 0.5 ? 502 : 503
        res.writeHead(status, { ...cors, 'content-type': 'text/plain' }).end('upstream unavailable')
        return
      }
      try {
        const replies = await Promise.all(calls.map(answer))
        res
          .writeHead(200, { ...cors, 'content-type': 'application/json' })
          .end(JSON.stringify(Array.isArray(body) ? replies : replies[0]))
      } catch (err) {
        stats.serverErrors++
        res.writeHead(502, cors).end(String((err as Error).message))
      }
    })()
  })
  await new Promise<void>((ok) => server.listen(o.port ?? 0, '127.0.0.1', ok))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
  }
}

export interface RpcProxy {
  url: string
  proc: ManagedProcess
  stats(): Promise<RpcProxyStats>
  resetStats(): Promise<void>
}

/** Starts the proxy as a child process and waits for its ready line. */
export async function startRpcProxy(o: RpcProxyOptions): Promise<RpcProxy> {
  const args = [fileURLToPath(import.meta.url), '--upstream', o.upstream, '--port', String(o.port ?? 0)]
  if (o.maxBlockRange !== undefined) args.push('--max-block-range', String(o.maxBlockRange))
  if (o.maxResults !== undefined) args.push('--max-results', String(o.maxResults))
  if (o.rate !== undefined) args.push('--rate', String(o.rate))
  if (o.burst !== undefined) args.push('--burst', String(o.burst))
  if (o.errorRate !== undefined) args.push('--error-rate', String(o.errorRate))
  if (o.seed !== undefined) args.push('--seed', String(o.seed))
  const { proc, value } = await spawnReady<string>({
    name: 'rpc-proxy',
    command: process.execPath,
    args,
    ready: (line) => (line.startsWith('{"event":"ready"') ? (JSON.parse(line) as { url: string }).url : undefined),
  })
  return {
    url: value,
    proc,
    stats: async () => (await (await fetch(`${value}/stats`)).json()) as RpcProxyStats,
    resetStats: async () => void (await fetch(`${value}/stats/reset`, { method: 'POST' })),
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      port: { type: 'string', default: '0' },
      'max-block-range': { type: 'string' },
      'max-results': { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      'error-rate': { type: 'string' },
      seed: { type: 'string' },
    },
  })
  if (!values.upstream) {
    process.stderr.write('rpc-proxy: --upstream URL is required\n')
    process.exit(2)
  }
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))
  const proxy = await serveRpcProxy({
    upstream: values.upstream,
    port: Number(values.port),
    ...(values['max-block-range'] ? { maxBlockRange: num(values['max-block-range'])! } : {}),
    ...(values['max-results'] ? { maxResults: num(values['max-results'])! } : {}),
    ...(values.rate ? { rate: num(values.rate)! } : {}),
    ...(values.burst ? { burst: num(values.burst)! } : {}),
    ...(values['error-rate'] ? { errorRate: num(values['error-rate'])! } : {}),
    ...(values.seed ? { seed: num(values.seed)! } : {}),
  })
  process.stdout.write(`${JSON.stringify({ event: 'ready', url: proxy.url })}\n`)
  const stop = (): void => void proxy.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
