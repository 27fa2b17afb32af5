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
import type { Blockstore } from 'interface-blockstore'
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'uint8arrays/equals'
import { AppHostError, fetchDag, type APP_DAG_LIMITS } from './app-fetch.ts'
import { waitDrain } from './gateway.ts'
import type { Logger } from './log.ts'

export { AppHostError }

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
  /** Caps on the DAG fetched from the network (default `APP_DAG_LIMITS`); a CAR is the operator's own. */
  limits?: Partial<typeof APP_DAG_LIMITS>
  /**
   * Where the blocks of a refused DAG are deleted: the store under Helia (its own blockstore takes a write lock
   * that waits for every read in progress). Default: Helia's blockstore.
   */
  store?: Pick<Blockstore, 'delete'>
}

export interface AppHost {
  readonly cid: CID
  /** True once the whole DAG is local and pinned. */
  readonly ready: boolean
  /** Blocks and bytes fetched from peers so far (none when the app came from a CAR). */
  readonly fetched: { blocks: number; bytes: number }
  /** Why the app is not served: refused at a cap, or the fetch failed (then also in the log). */
  readonly error?: string
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

/** Deletes `blocks` unless pinned (a media file may share one); returns how many went. Best effort. */
async function deleteUnpinned(o: AppHostOptions, blocks: CID[]): Promise<number> {
  const store = o.store ?? o.helia.blockstore
  let deleted = 0
  for (const block of blocks) {
    try {
      if (await o.helia.pins.isPinned(block)) continue
      await store.delete(block)
      deleted++
    } catch {
      /* an orphan block costs only disk */
    }
  }
  return deleted
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
  let error: string | undefined
  const fetched = { blocks: 0, bytes: 0 }
  if (o.car) {
    const blocks = await importCar(o.helia, o.car, cid)
    o.log?.info({ cid: root, blocks, car: o.car }, 'app imported from CAR')
  }
  // the pin record is written once the whole DAG was walked (a block's own pin mark is written as the walk
  // passes it, so `isPinned(root)` is true for a walk that was cut short)
  const pinned = async (signal: AbortSignal): Promise<boolean> => {
    try {
      await o.helia.pins.get(cid, { signal })
      return true
    } catch (err) {
      if ((err as Error).name === 'NotFoundError') return false
      throw err
    }
  }
  const pin = async (signal: AbortSignal): Promise<void> => {
    if (!(await pinned(signal))) for await (const _ of o.helia.pins.add(cid, { signal })) void _ // every block local: a quick walk
    ready = true
    o.log?.info({ cid: root, ...fetched }, 'app pinned, served at the HTTP root')
  }
  if (o.car) await pin(AbortSignal.timeout(READ_TIMEOUT_MS))
  else
    void (async () => {
      // peers may not be connected yet when the relay starts: blocks are wanted until they are, for 10 min
      const signal = AbortSignal.timeout(o.fetchTimeoutMs ?? 600_000)
      let said = Date.now()
      // blocks this fetch brought in (not those local before): what a refusal deletes; bounded by maxBlocks
      const brought: CID[] = []
      try {
        if (!(await pinned(signal)))
          await fetchDag(o.helia.blockstore, cid, {
            signal,
            ...o.limits,
            onBlock: (bytes, block, isNew) => {
              if (isNew) brought.push(block)
              fetched.blocks++
              fetched.bytes += bytes
              if (Date.now() - said < 5_000) return
              said = Date.now()
              o.log?.info({ cid: root, ...fetched }, 'fetching the app')
            },
            onRetry: (block, attempt, err) =>
              o.log?.warn(
                { err, cid: root, block: block.toString(), attempt, ...fetched },
                'a block of the app has not come yet; asking again',
              ),
          })
        await pin(signal)
      } catch (err) {
        if (err instanceof AppHostError) {
          error = err.shortMessage
          const deleted = await deleteUnpinned(o, brought)
          o.log?.error({ err, cid: root, ...fetched, deleted }, `${error}; deleted the ${deleted} blocks it fetched`)
        } else {
          error = `could not fetch the app: ${(err as Error).message}`
          o.log?.error({ err, cid: root, ...fetched }, 'could not fetch the app; the HTTP root stays unavailable')
        }
      }
    })()
  const prefix = `/ipfs/${root}`
  return {
    cid,
    get ready() {
      return ready
    },
    get fetched() {
      return { ...fetched }
    },
    get error() {
      return error
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
