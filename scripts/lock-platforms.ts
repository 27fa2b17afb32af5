/**
 * Keeps package-lock.json complete for every platform, so `npm ci` accepts it.
 *
 * The registry this project installs from holds only some platform builds of a few packages (e.g. no
 * darwin/arm64-linux builds of @foundry-rs/anvil, not every @rollup/rollup-* for each rollup release).
 * `npm install` then leaves those optional dependencies out of the lockfile, and `npm ci` refuses the lockfile
 * as out of sync. This script adds the missing optional platform packages as lockfile entries with their
 * os / cpu / libc, exactly as a lockfile made against the full registry has them; npm never installs them on a
 * platform they don't match. Runs as `postinstall`, so every `npm install` leaves a lockfile `npm ci` accepts.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './lib/processes.ts'

interface LockEntry {
  version?: string
  dev?: boolean
  optional?: boolean
  devOptional?: boolean
  os?: string[]
  cpu?: string[]
  libc?: string[]
  optionalDependencies?: Record<string, string>
  [key: string]: unknown
}

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix', 'netbsd']
const CPU: Record<string, string> = {
  amd64: 'x64',
  x64: 'x64',
  arm64: 'arm64',
  aarch64: 'arm64',
  ia32: 'ia32',
  arm: 'arm',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
}

/** Reads os / cpu / libc from a platform package's name, e.g. `rollup-linux-arm-musleabihf`. */
export function platformOf(name: string): Pick<LockEntry, 'os' | 'cpu' | 'libc'> | undefined {
  const tokens = name.split('/').pop()!.split('-')
  const os = tokens.find((t) => OS.includes(t))
  const cpu = tokens.map((t) => CPU[t]).find((c) => c !== undefined)
  if (!os || !cpu) return undefined
  const libc = tokens.some((t) => t.startsWith('musl'))
    ? ['musl']
    : tokens.some((t) => t === 'gnu' || t.startsWith('gnueabi'))
      ? ['glibc']
      : undefined
  return { os: [os], cpu: [cpu], ...(libc && os === 'linux' ? { libc } : {}) }
}

export function completeLock(lock: { packages: Record<string, LockEntry> }): string[] {
  const added: string[] = []
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
      const nested = `${path}/node_modules/${dep}`
      const hoisted = `node_modules/${dep}`
      if (lock.packages[nested] || lock.packages[hoisted]) continue
      const platform = platformOf(dep)
      if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) continue
      lock.packages[hoisted] = {
        version: spec,
        ...(entry.dev ? { dev: true } : {}),
        optional: true,
        ...platform,
      }
      added.push(`${dep}@${spec}`)
    }
  }
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
  )
  return added
}

if (import.meta.main) {
  const file = join(ROOT, 'package-lock.json')
  if (existsSync(file)) {
    const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, LockEntry> }
    const added = completeLock(lock)
    if (added.length) {
      writeFileSync(file, JSON.stringify(lock, null, 2) + '\n')
      console.log(`lock-platforms: added ${added.length} optional platform packages to package-lock.json`)
    }
  }
}
