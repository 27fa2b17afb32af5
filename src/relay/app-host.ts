/**
 * A relay as a mirror of the shop: `--app <cid>` pins the PWA's UnixFS directory (from `--app-car FILE`, the
 * output of `npm run publish:app`, or else fetched from other peers over bitswap) and serves its files at the
 * HTTP origin root, and under `/ipfs/<cid>/` as a path gateway would. Every response names the build in
 * `X-Ipfs-Path`, which the page reads to show which build it runs. Only this one DAG is served this way.
 */
import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Helia } from '@helia/interface'
import { CarBlockIterator } from '@ipld/car/iterator'
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'uint8arrays/equals'
import { BaseError } from 'viem'
import { waitDrain } from './gateway.ts'
import type { Logger } from './log.ts'

export class AppHostError extends BaseError {
  constructor(message: string) {
    super(message, { name: 'AppHostError' })
  }
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  webp: 'image/webp',
  ico: 'image/x-icon',
  wasm: 'application/wasm',
  txt: 'text/plain; charset=utf-8',
}

/** Largest file served from the app DAG (the PWA's biggest chunk is ~2 MB). */
const MAX_FILE_BYTES = 32 * 1024 * 1024
const READ_TIMEOUT_MS = 30_000

export interface AppHostOptions {
  helia: Pick<Helia, 'blockstore' | 'pins'>
  cid: string
  /** A CAR holding the app (roots must include `cid`); blocks are checked against their CIDs. */
  car?: string
  log?: Logger
  /** Longest wait for the DAG from the network when there is no CAR (default 10 minutes). */
  fetchTimeoutMs?: number
}

export interface AppHost {
  readonly cid: CID
  /** True once the whole DAG is local and pinned. */
  readonly ready: boolean
  /** True for the requests this host answers (everything but the relay's own endpoints and other CIDs). */
  accepts(url: URL): boolean
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>
}

/** Imports a CAR into the blockstore, refusing blocks whose bytes do not hash to their CID. */
async function importCar(helia: AppHostOptions['helia'], file: string, root: CID): Promise<number> {
  const blocks = await CarBlockIterator.fromIterable(createReadStream(file))
  const roots = await blocks.getRoots()
  if (!roots.some((r) => r.equals(root))) throw new AppHostError(`${file} does not hold ${root.toString()}`)
  let count = 0
  for await (const { cid, bytes } of blocks) {
    if (cid.multihash.code !== sha256.code) throw new AppHostError(`${file}: block ${cid.toString()} is not sha2-256`)
    if (!equals((await sha256.digest(bytes)).digest, cid.multihash.digest))
      throw new AppHostError(`${file}: block ${cid.toString()} does not match its hash`)
    await helia.blockstore.put(cid, bytes)
    count++
  }
  return count
}

/**
 * Without a CAR the DAG comes from peers (bitswap), which may not be connected yet when the relay starts: the
 * first attempt gets 10 s and each later one twice as long, up to a minute (blocks fetched by a cut attempt stay
 * in the blockstore, so the next one goes on from there), backing off up to 30 s between attempts, until
 * `fetchTimeoutMs` has passed. A first attempt made before any peer was connected therefore does not hold the
 * app back for a whole minute. Meanwhile the HTTP root answers 503.
 */
async function fetchApp(pin: (signal: AbortSignal) => Promise<void>, o: AppHostOptions, root: string): Promise<void> {
  const deadline = Date.now() + (o.fetchTimeoutMs ?? 600_000)
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      await pin(AbortSignal.timeout(Math.min(10_000 * 2 ** attempt, 60_000, deadline - Date.now())))
      return
    } catch (err) {
      o.log?.warn({ err, cid: root, attempt }, 'could not fetch the app yet; retrying')
      const wait = Math.min(30_000, 1_000 * 2 ** attempt, Math.max(0, deadline - Date.now()))
      await new Promise((resolve) => setTimeout(resolve, wait).unref())
    }
  }
  o.log?.error({ cid: root }, 'could not fetch the app; the HTTP root stays unavailable')
}

export async function startAppHost(o: AppHostOptions): Promise<AppHost> {
  let cid: CID
  try {
    cid = CID.parse(o.cid)
  } catch {
    throw new AppHostError(`--app must be a CID, got "${o.cid}"`)
  }
  const root = cid.toString()
  let ready = false
  if (o.car) {
    const blocks = await importCar(o.helia, o.car, cid)
    o.log?.info({ cid: root, blocks, car: o.car }, 'app imported from CAR')
  }
  const pin = async (signal: AbortSignal): Promise<void> => {
    if (!(await o.helia.pins.isPinned(cid, { signal }))) for await (const _ of o.helia.pins.add(cid, { signal })) void _ // walks the DAG: every block local
    ready = true
    o.log?.info({ cid: root }, 'app pinned, served at the HTTP root')
  }
  if (o.car) await pin(AbortSignal.timeout(READ_TIMEOUT_MS))
  else void fetchApp(pin, o, root)
  const prefix = `/ipfs/${root}`
  return {
    cid,
    get ready() {
      return ready
    },
    accepts(url) {
      return !url.pathname.startsWith('/ipfs/') || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`)
    },
    async handle(req, res, url) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end()
      if (url.pathname === prefix) return void res.writeHead(301, { location: `${prefix}/${url.search}` }).end()
      if (!ready)
        return void res
          .writeHead(503, { 'content-type': 'text/plain', 'retry-after': '10' })
          .end('the app is still being fetched\n')
      const rel = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length + 1) : url.pathname.slice(1)
      let path: string
      try {
        path = decodeURIComponent(rel)
      } catch {
        return void res.writeHead(400).end()
      }
      if (path.split('/').some((p) => p === '..' || p === '.'))
        return void res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path\n')
      const signal = AbortSignal.timeout(READ_TIMEOUT_MS)
      const resolve = async (p: string): Promise<UnixFSEntry | undefined> => {
        try {
          const entry = await exporter(p ? `${root}/${p}` : root, o.helia.blockstore, { signal })
          if (entry.type === 'directory') return await resolve(p ? `${p.replace(/\/$/, '')}/index.html` : 'index.html')
          return entry
        } catch (err) {
          if ((err as Error).name === 'NotFoundError' || /not found|no link/i.test((err as Error).message))
            return undefined
          throw err
        }
      }
      let entry = await resolve(path)
      let shown = path
      // the app routes in the URL hash, so any other unknown path without an extension is the app itself
      if (!entry && !/\.[a-z0-9]+$/i.test(path)) {
        entry = await resolve('index.html')
        shown = 'index.html'
      }
      if (!entry || (entry.type !== 'file' && entry.type !== 'raw'))
        return void res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('not found\n')
      const size = Number(entry.size)
      if (size > MAX_FILE_BYTES) return void res.writeHead(413).end()
      const name = shown.split('/').pop() || 'index.html'
      const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : ''
      const etag = `"${entry.cid.toString()}"`
      const headers = {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'content-length': size,
        etag,
        'x-ipfs-path': `${prefix}/${shown === 'index.html' && !path.endsWith('index.html') ? path : shown}`,
        'x-ipfs-roots': root,
        'x-content-type-options': 'nosniff',
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'x-ipfs-path, x-ipfs-roots, etag',
        // hashed assets never change; the shell and config are revalidated (cheap: the etag is the CID)
        'cache-control': shown.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      }
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, headers).end()
      res.writeHead(200, headers)
      if (req.method === 'HEAD') return void res.end()
      for await (const chunk of entry.content({ signal })) if (!res.write(chunk)) await waitDrain(res, signal)
      res.end()
    },
  }
}
