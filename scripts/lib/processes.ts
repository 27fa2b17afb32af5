/**
 * Child processes of the dev stack (anvil, relays) for `npm start`, the tests and the benchmarks.
 *
 * Every child is started in its own process group and registered, so `stopAll()` (and the exit hooks
 * installed by `killChildrenOnExit()`) leave nothing behind, even when a test fails halfway.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { foundryBinary } from '../forge.ts'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = join(ROOT, 'node_modules', '.bin')

const children = new Set<ChildProcess>()

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port)
        else reject(new Error('could not read the port of a probe socket'))
      })
    })
  })
}

export interface ManagedProcess {
  readonly child: ChildProcess
  readonly name: string
  /** Output so far (stdout + stderr, last 64 KiB), for error messages. */
  output(): string
  /** Sends a signal and resolves when the process has exited. SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>
  readonly exited: Promise<number | null>
}

export interface SpawnReadyOptions<T> {
  name: string
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Returns a value once a stdout line shows the process is ready, otherwise undefined. */
  ready: (line: string) => T | undefined
  timeout?: number
  /** Echo the child's output to this process's stderr, prefixed with its name. */
  echo?: boolean
}

/** Spawns a process and resolves once `ready` accepts one of its stdout lines. */
export async function spawnReady<T>(opts: SpawnReadyOptions<T>): Promise<{ proc: ManagedProcess; value: T }> {
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  children.add(child)
  let log = ''
  const append = (chunk: string): void => {
    log = (log + chunk).slice(-65_536)
    if (opts.echo) for (const l of chunk.split('\n')) if (l) process.stderr.write(`[${opts.name}] ${l}\n`)
  }
  child.stderr!.setEncoding('utf8').on('data', append)
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      children.delete(child)
      resolve(code)
    })
  })
  const proc: ManagedProcess = {
    child,
    name: opts.name,
    output: () => log,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      signalGroup(child, signal)
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
  const value = await new Promise<T>((resolve, reject) => {
    const timeout = opts.timeout ?? 30_000
    const timer = setTimeout(() => {
      void proc.stop('SIGKILL')
      reject(new Error(`${opts.name} did not report ready within ${timeout} ms. Output:\n${log}`))
    }, timeout)
    const lines = createInterface({ input: child.stdout! })
    let done = false
    lines.on('line', (line) => {
      append(line + '\n')
      if (done) return
      const v = opts.ready(line)
      if (v !== undefined) {
        done = true
        clearTimeout(timer)
        resolve(v)
      }
    })
    void exited.then((code) => {
      if (done) return
      clearTimeout(timer)
      reject(new Error(`${opts.name} exited (code ${code}) before it was ready. Output:\n${log}`))
    })
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`${opts.name} could not be started: ${err.message}`))
    })
  })
  return { proc, value }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      /* already gone */
    }
  }
}

/** Stops every child started through this module. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
          signalGroup(child, 'SIGTERM')
          setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000).unref()
        }),
    ),
  )
}

let hooked = false
/** Makes sure children die with this process (normal exit, Ctrl-C, SIGTERM, uncaught error). */
export function killChildrenOnExit(): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const child of children) signalGroup(child, 'SIGKILL')
  })
  // a signal's default action ends the process without 'exit': the children (detached, in their own process
  // groups) would be left running, e.g. when a soak or CI stops a test file. Unless the process handles the
  // signal itself (npm start shuts down gracefully), exit through 'exit', which kills them.
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const) {
    const onSignal = (): void => {
      // another handler (npm start's graceful shutdown, playwright closing its browsers) decides when to exit;
      // the children are told to stop now all the same: a parent that stops its test process and exits next
      // (soak:e2e, CI) left them running when this process ended before its 'exit'
      if (process.listenerCount(signal) > 1) for (const child of children) signalGroup(child, 'SIGTERM')
      else process.exit(code)
    }
    process.on(signal, onSignal)
  }
}

// ---------------------------------------------------------------- anvil

export interface Anvil {
  rpcUrl: string
  port: number
  chainId: number
  proc: ManagedProcess
}

/**
 * Starts anvil (from @foundry-rs/anvil) on a free port, or the one given, and waits until it answers RPC.
 * `chainId` imitates another chain (e.g. 11155111, Sepolia) to test what is refused off the dev chain.
 */
export async function startAnvil({
  port,
  host = '127.0.0.1',
  echo = false,
  chainId = 31337,
}: { port?: number; host?: string; echo?: boolean; chainId?: number } = {}): Promise<Anvil> {
  const p = port ?? (await freePort(host))
  const { proc } = await spawnReady({
    name: 'anvil',
    // the native binary: the npm wrapper in .bin always exits 0 and does not pass SIGKILL on
    command: foundryBinary('anvil'),
    args: ['--host', host, '--port', String(p), '--chain-id', String(chainId)],
    ready: (line) => (line.includes('Listening on') ? true : undefined),
    echo,
  })
  return { rpcUrl: `http://${host}:${p}`, port: p, chainId, proc }
}

// ---------------------------------------------------------------- relay

export interface RelayReady {
  event: 'ready'
  peerId: string
  multiaddrs: string[]
  http: string
}

export interface Relay extends RelayReady {
  proc: ManagedProcess
  /** The loopback WebSocket multiaddr browsers dial. */
  wsAddr: string
}

export interface StartRelayOptions {
  dataDir: string
  port?: number
  httpPort?: number
  bootstrap?: string[]
  extraArgs?: string[]
  env?: NodeJS.ProcessEnv
  echo?: boolean
  name?: string
  /** Dial and trust relays on loopback/private addresses (default true: the dev stack is on 127.0.0.1). */
  privateAddrs?: boolean
  /** Extra `node` flags before the script, e.g. `--import` of a test fixture. */
  nodeArgs?: string[]
  /** How long to wait for the ready line (default 30 s). */
  timeout?: number
  /**
   * Lift the per-address caps (default true: every dev and test peer is on 127.0.0.1, where one IP's caps would
   * refuse honest peers). False keeps the product's defaults, for peers that come from several addresses.
   */
  liftAddressCaps?: boolean
}

/** Starts `src/relay/main.ts` as a child process and waits for its ready line. */
export async function startRelay(opts: StartRelayOptions): Promise<Relay> {
  const args = [...(opts.nodeArgs ?? []), join(ROOT, 'src', 'relay', 'main.ts'), '--data-dir', opts.dataDir]
  args.push('--host', '127.0.0.1')
  args.push('--port', String(opts.port ?? 0), '--http-port', String(opts.httpPort ?? 0))
  for (const b of opts.bootstrap ?? []) args.push('--bootstrap', b)
  // every dev/test relay and client is on loopback: allow private addresses, lift the per-address caps
  // (tests of those caps pass their own values in extraArgs, which come later and win)
  if (opts.privateAddrs !== false) args.push('--allow-private-addrs')
  if (opts.liftAddressCaps !== false) {
    args.push('--reservations-per-ip', '4096', '--reservations-per-subnet', '4096')
    args.push('--gateway-per-ip', '4096')
  }
  args.push(...(opts.extraArgs ?? []))
  const { proc, value } = await spawnReady<RelayReady>({
    name: opts.name ?? 'relay',
    command: process.execPath,
    args,
    env: opts.env,
    echo: opts.echo,
    timeout: opts.timeout,
    ready: (line) => {
      if (!line.startsWith('{')) return undefined
      try {
        const parsed = JSON.parse(line) as RelayReady
        return parsed.event === 'ready' ? parsed : undefined
      } catch {
        return undefined
      }
    },
  })
  const wsAddr = value.multiaddrs.find((a) => a.includes('/ws') && a.includes('127.0.0.1')) ?? value.multiaddrs[0]
  if (wsAddr === undefined) throw new Error('relay reported no listen addresses')
  return { ...value, proc, wsAddr }
}
