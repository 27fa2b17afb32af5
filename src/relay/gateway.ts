/**
 * A trustless HTTP gateway (https://specs.ipfs.tech/http-gateways/trustless-gateway/) for the media the relay
 * pins: `GET|HEAD /ipfs/<cid>` answers `application/vnd.ipld.raw` (one block, `Range` honoured) or
 * `application/vnd.ipld.car` (the DAG, depth-first, no duplicates), chosen by `?format=` or the Accept header.
 * Clients verify what they get against the CID, so any IPFS tool (or @helia/verified-fetch in a browser) can
 * fetch Souk media over plain HTTP. Only pinned blocks are served: the relay is not an open gateway to the
 * rest of IPFS. A response costs one bounded stream at most (src/relay/gateway-limits.ts): slots per client
 * address and in all, a stall and a total deadline, and at most a block or two in memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as dagPb from '@ipld/dag-pb'
import * as dagCbor from '@ipld/dag-cbor'
import { CID, varint } from 'multiformats'
import { concat } from 'uint8arrays/concat'
import type { Metrics } from './metrics.ts'
import { CAR, noneMatch, parseRange, pickFormat, RAW } from './gateway-headers.ts'
import {
  clientAddress,
  CUT_REASONS,
  end,
  Gate,
  GATEWAY_DEFAULTS,
  GATEWAY_READS,
  GatewayCut,
  GatewaySlots,
  send,
  untilAborted,
  type GatewayConfig,
} from './gateway-limits.ts'

export interface GatewayStore {
  /** True when `cid` is a pinned root or a block of a pinned DAG. */
  isPinned(cid: CID, options: { signal: AbortSignal }): Promise<boolean>
  /**
   * A local block (never fetched from the network), in the chunks the blockstore reads it in: they are sent
   * as they are, not joined (a copy and a garbage-collected buffer less per block served).
   */
  getBlock(cid: CID, options: { signal: AbortSignal }): AsyncIterable<Uint8Array>
}

/** One block's bytes as chunks. */
interface Chunks {
  chunks: Uint8Array[]
  size: number
}

/** Content addressed responses never change. */
const IMMUTABLE = 'public, max-age=29030400, immutable'
/** Larger than any block a relay pins (bitswap messages are at most 4 MiB). */
const MAX_BLOCK_BYTES = 4 * 1024 * 1024
const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }

type Format = 'raw' | 'car'

/** Statuses the gateway answers with (metric label values; any other counts as "other"). */
const GATEWAY_STATUSES = ['200', '206', '304', '400', '404', '405', '406', '412', '416', '429', '500', '503']

export function createGateway(
  store: GatewayStore,
  metrics: Metrics,
  config: GatewayConfig = GATEWAY_DEFAULTS,
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
  const refused = metrics.counter(
    'souk_relay_gateway_refused_total',
    'Gateway requests refused: the client address (429) or the gateway (503) had too many responses in flight',
    { reason: ['per_ip', 'total'] },
  )
  const cut = metrics.counter(
    'souk_relay_gateway_cut_total',
    'Gateway responses ended early: the connection took no bytes for --gateway-stall-ms (stalled), the response ' +
      'ran past --gateway-timeout-ms (deadline), or the client went away (closed)',
    { reason: CUT_REASONS },
  )
  for (const reason of ['per_ip', 'total']) refused({ reason }, 0)
  for (const reason of CUT_REASONS) cut({ reason }, 0)
  const slots = new GatewaySlots(config)
  metrics.gauge('souk_relay_gateway_active', 'Gateway responses in flight', () => slots.active)
  const reads = new Gate(GATEWAY_READS)
  // a read that hangs (a sick disk) gives up its turn at the response's deadline
  const read = (cid: CID, signal: AbortSignal): Promise<Chunks> =>
    reads.run(() => untilAborted(collect(store.getBlock(cid, { signal })), signal), signal)

  return async (req, res, url) => {
    const started = performance.now()
    let format: Format | 'none' = 'none'
    const finish = (status: number, headers: Record<string, string | number> = {}, body?: string): void => {
      res.writeHead(status, { 'access-control-allow-origin': '*', ...headers }).end(body)
    }
    // an error on a response we gave up on must not become an uncaught exception
    res.on('error', () => {})
    let release: (() => void) | undefined
    const abort = new AbortController()
    const timer = setTimeout(
      () => abort.abort(new GatewayCut('deadline', `the response took over ${config.timeoutMs} ms`)),
      config.timeoutMs,
    )
    const { signal } = abort
    // a client gone while its request waits for a read stops the wait at once
    res.once('close', () => abort.abort(new GatewayCut('closed', 'the client closed the connection')))
    try {
      const [, , id = '', ...rest] = url.pathname.split('/')
      let cid: CID
      try {
        cid = CID.parse(decodeURIComponent(id))
      } catch {
        return finish(400, TEXT, 'not a CID\n')
      }
      if (rest.some((p) => p !== '')) return finish(400, TEXT, 'paths are not served\n')
      const picked = pickFormat(url.searchParams.get('format'), req.headers.accept)
      if (!picked) return finish(406, { ...TEXT, vary: 'Accept' }, `this gateway answers ${RAW} and ${CAR}\n`)
      format = picked

      const slot = slots.take(clientAddress(req))
      if (slot === 'per_ip') {
        refused({ reason: 'per_ip' })
        const text = `too many requests from your address at once (at most ${config.perIp}); retry shortly\n`
        return finish(429, { ...TEXT, 'retry-after': 2 }, text)
      }
      if (slot === 'total') {
        refused({ reason: 'total' })
        return finish(
          503,
          { ...TEXT, 'retry-after': 5 },
          `the gateway is busy (${config.max} responses); retry shortly\n`,
        )
      }
      release = slot

      if (!(await store.isPinned(cid, { signal }))) return finish(404, TEXT, 'not pinned here\n')
      const scope = url.searchParams.get('dag-scope') === 'block' ? 'block' : 'all'
      const etag = format === 'raw' ? `"${cid.toString()}.raw"` : `"${cid.toString()}.car.${scope}.dfs.n"`
      const headers: Record<string, string | number> = {
        'access-control-allow-origin': '*',
        'cache-control': IMMUTABLE,
        etag,
        vary: 'Accept',
        'x-ipfs-path': `/ipfs/${cid.toString()}`,
        'x-ipfs-roots': cid.toString(),
        'x-content-type-options': 'nosniff',
        'access-control-expose-headers': 'etag, x-ipfs-path, x-ipfs-roots, content-range, accept-ranges',
      }
      if (noneMatch(req.headers['if-none-match'], etag)) return finish(304, headers)

      if (format === 'raw') {
        const { chunks, size } = await read(cid, signal)
        const ifRange = req.headers['if-range']
        const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : undefined
        if (range === 'unsatisfiable')
          return finish(416, { ...headers, ...TEXT, 'content-range': `bytes */${size}` }, 'range not satisfiable\n')
        const { start, end: last } = range ?? { start: 0, end: size - 1 }
        if (range) headers['content-range'] = `bytes ${start}-${last}/${size}`
        res.writeHead(range ? 206 : 200, {
          ...headers,
          'content-type': RAW,
          'content-length': last + 1 - start,
          'accept-ranges': 'bytes',
          'content-disposition': `attachment; filename="${cid.toString()}.bin"`,
        })
        if (req.method !== 'HEAD')
          for (const part of slice(chunks, start, last + 1)) await send(res, part, config.stallMs, signal)
        return await end(res, config.stallMs, signal)
      }
      res.writeHead(200, {
        ...headers,
        'content-type': `${CAR}; version=1; order=dfs; dups=n`,
        'content-disposition': `attachment; filename="${cid.toString()}.car"`,
      })
      if (req.method !== 'HEAD')
        for await (const chunk of carChunks(cid, scope, read, signal)) await send(res, chunk, config.stallMs, signal)
      await end(res, config.stallMs, signal)
    } catch (err) {
      if (err instanceof GatewayCut) cut({ reason: err.reason })
      if (!res.headersSent) finish(500, TEXT, `could not read the block: ${(err as Error).message}\n`)
      else res.destroy() // a CAR cut short must not look complete
    } finally {
      clearTimeout(timer)
      abort.abort() // stops a walk or read still running
      release?.()
      const status = String(res.statusCode)
      requests({ format, status })
      seconds((performance.now() - started) / 1000, { format, status })
    }
  }
}

/** The DAG under `root` as CAR v1 bytes: depth-first, each block once; only the root for dag-scope=block. */
async function* carChunks(
  root: CID,
  scope: 'block' | 'all',
  read: (cid: CID, signal: AbortSignal) => Promise<Chunks>,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  yield withLength(dagCbor.encode({ version: 1, roots: [root] }))
  const stack: CID[] = [root]
  const seen = new Set<string>()
  while (stack.length > 0) {
    const cid = stack.pop()!
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    const { chunks, size } = await read(cid, signal)
    const length = cid.bytes.byteLength + size
    const prefix = new Uint8Array(varint.encodingLength(length) + cid.bytes.byteLength)
    varint.encodeTo(length, prefix)
    prefix.set(cid.bytes, prefix.byteLength - cid.bytes.byteLength)
    yield prefix
    yield* chunks
    if (scope === 'block' || cid.code !== dagPb.code) continue
    const links = dagPb.decode(chunks.length === 1 ? chunks[0]! : concat(chunks, size)).Links
    for (let i = links.length - 1; i >= 0; i--) stack.push(links[i]!.Hash)
  }
}

/** A block's chunks, refusing one larger than any block a relay keeps. */
async function collect(source: AsyncIterable<Uint8Array>): Promise<Chunks> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of source) {
    size += chunk.byteLength
    if (size > MAX_BLOCK_BYTES) throw new Error(`a block over ${MAX_BLOCK_BYTES} bytes`)
    chunks.push(chunk)
  }
  return { chunks, size }
}

/** Bytes `start` to `end` (exclusive) of a block held as chunks, without copying. */
function* slice(chunks: Uint8Array[], start: number, end: number): Generator<Uint8Array> {
  let at = 0
  for (const chunk of chunks) {
    const from = Math.max(start - at, 0)
    const to = Math.min(end - at, chunk.byteLength)
    if (from < to) yield chunk.subarray(from, to)
    at += chunk.byteLength
  }
}

function withLength(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(varint.encodingLength(bytes.byteLength) + bytes.byteLength)
  varint.encodeTo(bytes.byteLength, out)
  out.set(bytes, out.byteLength - bytes.byteLength)
  return out
}

/** Waits until `res` can take more (or closes); rejects when `signal` aborts first. (src/relay/app-host.ts) */
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
