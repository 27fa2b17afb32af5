// Runs Foundry's forge (from the @foundry-rs/forge npm package) on the contracts/ project.
//   node scripts/forge.ts test [-vvv] ...   (npm run test:contracts)
//   node scripts/forge.ts build
// forge runs with cwd = contracts/ because foundry.toml's `solc = "./solc"` (the solc-js wrapper) is
// resolved against the working directory. Output goes straight through; the exit code is forge's.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const contractsDir = join(repoRoot, 'contracts')
export const contractsOutDir = join(contractsDir, 'out')

const PLATFORM: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'win32' }
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' }

/**
 * Path of a Foundry tool's native binary from its npm package (`@foundry-rs/<tool>-<os>-<arch>`).
 * The packages' `node_modules/.bin/<tool>` shims always exit 0, whatever the tool returned, and do not
 * survive a SIGKILL cleanly, so everything here runs the binary itself.
 */
export function foundryBinary(tool: 'forge' | 'anvil'): string {
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool
  const os = PLATFORM[process.platform]
  const arch = ARCH[process.arch]
  if (os && arch) {
    const native = join(repoRoot, 'node_modules', '@foundry-rs', `${tool}-${os}-${arch}`, 'bin', exe)
    if (existsSync(native)) return native
  }
  return exe // a Foundry installed on PATH
}

/** Runs forge with `args` in contracts/; resolves with its exit code. */
export function runForge(args: readonly string[], options: { quiet?: boolean } = {}): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(foundryBinary('forge'), [...args], {
      cwd: contractsDir,
      stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (options.quiet && code !== 0) process.stderr.write(output)
      resolvePromise(code ?? (signal ? 1 : 0))
    })
  })
}

function newestMtime(dir: string): number {
  let newest = 0
  if (!existsSync(dir)) return newest
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * Runs `fn` while holding a lock shared by every process of this checkout, so that parallel test files
 * never run two forge builds into the same out/ and cache/ directories.
 */
export async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(contractsDir, '.build-lock')
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      // A lock older than three minutes belongs to a build that died.
      const held = statSync(lock, { throwIfNoEntry: false })
      if (held && Date.now() - held.mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`, { cause: error })
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

/** Runs `forge build` for the contracts (not the tests); throws with forge's output when it fails. */
export async function buildContracts(): Promise<void> {
  await withBuildLock(async () => {
    const code = await runForge(['build', '--skip', 'test', '--skip', 'script'], { quiet: true })
    if (code !== 0) throw new Error(`forge build failed with exit code ${code}`)
  })
}

/** Builds the contracts unless contracts/out/ is newer than every source file. */
export async function ensureContractsBuilt(): Promise<void> {
  const artifact = join(contractsOutDir, 'SoukMarket.sol', 'SoukMarket.json')
  const sources = Math.max(newestMtime(join(contractsDir, 'src')), statSync(join(contractsDir, 'foundry.toml')).mtimeMs)
  if (existsSync(artifact) && statSync(artifact).mtimeMs >= sources) return
  await buildContracts()
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  // `forge test` and `forge build` write out/ and cache/ too; `npm test` runs the contracts suite beside suites
  // that build the contracts for their deployments
  const writes = args[0] === 'test' || args[0] === 'build'
  const code = writes ? await withBuildLock(() => runForge(args)) : await runForge(args)
  process.exit(code)
}
