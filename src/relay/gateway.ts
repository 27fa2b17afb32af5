/**
 * A trustless HTTP gateway (https://specs.ipfs.tech/http-gateways/trustless-gateway/) for the media the relay
 * pins: `GET|HEAD /ipfs/<cid>` answers `application/vnd.ipld.raw` (one block) or `application/vnd.ipld.car`
 * (the DAG, depth-first, no duplicates), chosen by `?format=` or the Accept header. Clients verify what they
 * get against the CID, so any IPFS tool (or @helia/verified-fetch in a browser) can fetch Souk media over
 * plain HTTP. Only pinned blocks are served: the relay is not an open gateway to the rest of IPFS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as dagPb from '@ipld/dag-pb'
import { CarWriter } from '@ipld/car'
import { CID } from 'multiformats/cid'
import type { Metrics } from './metrics.ts'

export interface GatewayStore {
  /** True when `cid` is a pinned root or a block of a pinned DAG. */
  isPinned(cid: CID, options: { signal: AbortSignal }): Promise<boolean>
  /** A local block (never fetched from the network). */
  getBlock(cid: CID, options: { signal: AbortSignal }): Promise<Uint8Array>
}

const RAW = 'application/vnd.ipld.raw'
const CAR = 'application/vnd.ipld.car'
/** Content addressed responses never change. */
const IMMUTABLE = 'public, max-age=29030400, immutable'
const TIMEOUT_MS = 30_000

type Format = 'raw' | 'car'

/** Statuses the gateway answers with (metric label values; any other counts as "other"). */
const GATEWAY_STATUSES = ['200', '206', '304', '400', '404', '405', '406', '412', '500', '503']

/** The response format asked for: `?format=` wins over Accept; undefined if neither names one we serve. */
export function pickFormat(format: string | null, accept: string | undefined): Format | undefined {
  if (format === 'raw' || format === 'car') return format
  if (format !== null) return undefined
  const types = (accept ?? '')
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1)
      return { type, q: Number.isFinite(q) ? q : 0 }
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const { type } of types) {
    if (type === RAW) return 'raw'
    if (type === CAR) return 'car'
  }
  return undefined
}

export function createGateway(
  store: GatewayStore,
  metrics: Metrics,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const labels = { format: ['raw', 'car', 'none'], status: GATEWAY_STATUSES }
  const seconds = metrics.histogram('souk_relay_gateway_duration_seconds', 'Time to answer one gateway request', {
    labels,
  })
  const requests = metrics.counter(
    'souk_relay_gateway_requests_total',
    'Gateway requests, by format and status',
    labels,
  )

  return async (req, res, url) => {
    const started = performance.now()
    let format: Format | 'none' = 'none'
    const finish = (status: number, headers: Record<string, string | number> = {}, body?: string): void => {
      res.writeHead(status, { 'access-control-allow-origin': '*', ...headers }).end(body)
    }
    const signal = AbortSignal.timeout(TIMEOUT_MS)
    try {
      const [, , id = '', ...rest] = url.pathname.split('/')
      let cid: CID
      try {
        cid = CID.parse(decodeURIComponent(id))
      } catch {
        return finish(400, { 'content-type': 'text/plain' }, 'not a CID\n')
      }
      if (rest.some((p) => p !== '')) return finish(400, { 'content-type': 'text/plain' }, 'paths are not served\n')
      const picked = pickFormat(url.searchParams.get('format'), req.headers.accept)
      if (!picked)
        return finish(406, { 'content-type': 'text/plain', vary: 'Accept' }, `this gateway answers ${RAW} and ${CAR}\n`)
      format = picked
      if (!(await store.isPinned(cid, { signal })))
        return finish(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' }, 'not pinned here\n')

      const scope = url.searchParams.get('dag-scope') === 'block' ? 'block' : 'all'
      const etag = format === 'raw' ? `"${cid.toString()}.raw"` : `"${cid.toString()}.car.${scope}.dfs.n"`
      const headers = {
        'cache-control': IMMUTABLE,
        etag,
        vary: 'Accept',
        'x-ipfs-path': `/ipfs/${cid.toString()}`,
        'x-ipfs-roots': cid.toString(),
        'x-content-type-options': 'nosniff',
        'access-control-expose-headers': 'etag, x-ipfs-path, x-ipfs-roots',
      }
      if (req.headers['if-none-match'] === etag) return finish(304, headers)

      if (format === 'raw') {
        const block = await store.getBlock(cid, { signal })
        res.writeHead(200, {
          ...headers,
          'access-control-allow-origin': '*',
          'content-type': RAW,
          'content-length': block.byteLength,
          'content-disposition': `attachment; filename="${cid.toString()}.bin"`,
        })
        res.end(req.method === 'HEAD' ? undefined : block)
        return
      }
      res.writeHead(200, {
        ...headers,
        'access-control-allow-origin': '*',
        'content-type': `${CAR}; version=1; order=dfs; dups=n`,
        'content-disposition': `attachment; filename="${cid.toString()}.car"`,
      })
      if (req.method === 'HEAD') return void res.end()
      const { writer, out } = CarWriter.create([cid])
      const piping = (async () => {
        for await (const chunk of out) if (!res.write(chunk)) await waitDrain(res, signal)
      })()
      try {
        await walk(cid, scope, store, signal, async (c, bytes) => await writer.put({ cid: c, bytes }))
      } finally {
        await writer.close()
        await piping
      }
      res.end()
    } catch (err) {
      if (!res.headersSent)
        finish(500, { 'content-type': 'text/plain' }, `could not read the block: ${(err as Error).message}\n`)
      else res.destroy(err as Error) // a CAR cut short must not look complete
    } finally {
      const status = String(res.statusCode)
      requests({ format, status })
      seconds((performance.now() - started) / 1000, { format, status })
    }
  }
}

/** Depth-first, each block once; stops at the root for dag-scope=block. */
async function walk(
  root: CID,
  scope: 'block' | 'all',
  store: GatewayStore,
  signal: AbortSignal,
  emit: (cid: CID, bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  const stack: CID[] = [root]
  const seen = new Set<string>()
  while (stack.length > 0) {
    const cid = stack.pop()!
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    const bytes = await store.getBlock(cid, { signal })
    await emit(cid, bytes)
    if (scope === 'block' || cid.code !== dagPb.code) continue
    const links = dagPb.decode(bytes).Links
    for (let i = links.length - 1; i >= 0; i--) stack.push(links[i]!.Hash)
  }
}

/** Waits until `res` can take more (or closes); rejects when `signal` aborts first. */
export async function waitDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      signal.removeEventListener('abort', abort)
      resolve()
    }
    const abort = (): void => {
      res.off('drain', done)
      res.off('close', done)
      reject(new Error('gateway response timed out'))
    }
    res.once('drain', done)
    res.once('close', done)
    signal.addEventListener('abort', abort, { once: true })
  })
}
