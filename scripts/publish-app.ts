// `npm run publish:app`: the PWA as content on IPFS. Builds dist/ (relative URLs, so it works under any
// /ipfs/<cid>/ prefix), adds a config.json (`--chain N`: the example config of chain N with its deployment
// filled in, see scripts/app-config.ts; or `--config FILE`), imports the directory as UnixFS (CIDv1, raw
// leaves, the same importer Helia's unixfs uses) and writes it as a CAR file.
//   npm run publish:app -- --chain 84532 [--relay MA]... [--out souk-app.car] [--no-build]
// Prints the root CID and a JSON line {"cid":"bafy…","car":"…","files":N,"bytes":N}. Pin it on any IPFS node
// (`ipfs dag import souk-app.car`) or on a Souk relay (`--app <cid> --app-car souk-app.car`).
import { createWriteStream } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CarWriter } from '@ipld/car'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { importer } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import { BaseError } from 'viem'
import { parseConfig, type SoukConfig } from '../src/core/config.ts'
import { collectBytes } from '../src/p2p/bytes.ts'
import { appConfig } from './app-config.ts'
import { repoRoot } from './forge.ts'

export interface PackResult {
  cid: CID
  car: string
  files: number
  bytes: number
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (entry.isFile()) yield path
  }
}

/**
 * Packs a directory as one UnixFS DAG (its files under the root, as in dist/) into a CAR file. Source maps stay
 * out (16 of the build's 21 MB): no visitor's browser asks for them, and every relay that pins the app would
 * carry them; they stay in dist/ for whoever debugs a build.
 */
export async function packDirectory(dir: string, car: string): Promise<PackResult> {
  const blockstore = new MemoryBlockstore()
  const paths: string[] = []
  for await (const path of files(dir)) if (!path.endsWith('.map')) paths.push(path)
  paths.sort()
  const source = paths.map((path) => ({
    path: relative(dir, path).split(sep).join('/'),
    content: (async function* () {
      yield await readFile(path)
    })(),
  }))
  let root: CID | undefined
  let bytes = 0
  for await (const entry of importer(source, blockstore, { wrapWithDirectory: true, cidVersion: 1, rawLeaves: true })) {
    if (entry.path === '') root = entry.cid
    else if (!entry.path?.includes('/') && entry.size) bytes += Number(entry.size)
  }
  if (!root) throw new Error(`importing ${dir} gave no root directory`)
  const { writer, out } = CarWriter.create([root])
  const written = pipeline(Readable.from(out), createWriteStream(car))
  for await (const { cid, bytes: block } of blockstore.getAll())
    await writer.put({ cid, bytes: await collectBytes(block) })
  await writer.close()
  await written
  return { cid: root, car, files: paths.length, bytes }
}

export interface PublishOptions {
  /** The config.json to ship inside the build. */
  config: SoukConfig
  out?: string
  /** Reuse dist/ as built (tests that built once). */
  build?: boolean
  distDir?: string
}

/** Builds the PWA, writes its config.json and packs dist/ as a CAR. */
export async function publishApp(o: PublishOptions): Promise<PackResult> {
  const dist = o.distDir ?? join(repoRoot, 'dist')
  if (o.build !== false) {
    const { build } = await import('vite')
    await build({ root: repoRoot, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } })
  }
  await writeFile(join(dist, 'config.json'), `${JSON.stringify(parseConfig(o.config), null, 2)}\n`)
  return await packDirectory(dist, o.out ?? join(repoRoot, 'souk-app.car'))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      chain: { type: 'string' },
      config: { type: 'string' },
      relay: { type: 'string', multiple: true },
      out: { type: 'string' },
      'no-build': { type: 'boolean' },
    },
  })
  try {
    if (!values.chain === !values.config) throw new Error('give --chain <chain id> or --config <config.json>')
    const config = values.config
      ? parseConfig(JSON.parse(await readFile(values.config, 'utf8')))
      : appConfig({ chainId: Number(values.chain), ...(values.relay ? { relays: values.relay } : {}) })
    const result = await publishApp({
      config,
      ...(values.out ? { out: resolve(values.out) } : {}),
      ...(values['no-build'] ? { build: false } : {}),
    })
    process.stderr.write(
      `Souk app for ${config.chain.name} (chain ${config.chain.id}): ${result.files} files, ${result.bytes} bytes\n` +
        `  root CID  ${result.cid.toString()}\n  CAR       ${relative(process.cwd(), result.car)}\n` +
        `Serve it from a relay: npm run relay -- --app ${result.cid.toString()} --app-car ${relative(process.cwd(), result.car)}\n`,
    )
    process.stdout.write(
      `${JSON.stringify({ cid: result.cid.toString(), car: result.car, files: result.files, bytes: result.bytes })}\n`,
    )
  } catch (error) {
    process.stderr.write(
      `publish:app failed: ${error instanceof BaseError ? error.shortMessage : (error as Error).message}\n`,
    )
    process.exit(1)
  }
}
