/**
 * `npm start`: Souk on one machine. Starts anvil, deploys the contracts, starts a relay, builds the PWA,
 * writes its config.json, serves it and prints the URL and the dev accounts. Ctrl-C stops everything.
 *
 * Ports (override with env): SOUK_WEB_PORT 5173, SOUK_CHAIN_PORT 8545, SOUK_RELAY_PORT 9090 (+1 for its HTTP).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { build, preview } from 'vite'
import { mnemonicToAccount } from 'viem/accounts'
import { ROOT, stopAll } from './lib/processes.ts'
import { startStack } from './lib/stack.ts'

const STATE_DIR = join(ROOT, '.souk')
const LOCK = join(STATE_DIR, 'start.lock')
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'
const ports = {
  web: Number(process.env.SOUK_WEB_PORT ?? 5173),
  chain: Number(process.env.SOUK_CHAIN_PORT ?? 8545),
  relay: Number(process.env.SOUK_RELAY_PORT ?? 9090),
}

function alreadyRunning(): { pid: number; url: string } | undefined {
  if (!existsSync(LOCK)) return undefined
  try {
    const lock = JSON.parse(readFileSync(LOCK, 'utf8')) as { pid: number; url: string }
    process.kill(lock.pid, 0)
    return lock
  } catch {
    return undefined // stale lock from a crashed run
  }
}

async function portFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

async function main(): Promise<void> {
  const running = alreadyRunning()
  if (running) {
    console.error(`Souk is already running (pid ${running.pid}) at ${running.url} — stop it with Ctrl-C there first.`)
    process.exit(1)
  }
  for (const [what, port] of [
    ['the web server', ports.web],
    ['anvil', ports.chain],
    ['the relay', ports.relay],
    ['the relay HTTP endpoint', ports.relay + 1],
  ] as const) {
    if (!(await portFree(port))) {
      console.error(
        `Port ${port} (for ${what}) is taken by another program. Free it or pick another port, e.g. SOUK_WEB_PORT / SOUK_CHAIN_PORT / SOUK_RELAY_PORT.`,
      )
      process.exit(1)
    }
  }
  mkdirSync(STATE_DIR, { recursive: true })
  writeFileSync(LOCK, JSON.stringify({ pid: process.pid, url: `http://127.0.0.1:${ports.web}/` }))

  let shuttingDown = false
  const shutdown = async (code: number): Promise<void> => {
    if (shuttingDown) return
    shuttingDown = true
    console.log('\nStopping Souk…')
    await stopAll()
    rmSync(LOCK, { force: true })
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  try {
    console.log('Starting anvil, deploying the contracts and starting a relay…')
    const stack = await startStack({
      dataDir: join(STATE_DIR, 'data'),
      anvilPort: ports.chain,
      relayPorts: [{ port: ports.relay, httpPort: ports.relay + 1 }],
    })
    console.log('Building the PWA…')
    await build({ root: ROOT, logLevel: 'warn' })
    const configJson = JSON.stringify(stack.config, null, 2)
    writeFileSync(join(ROOT, 'dist', 'config.json'), configJson)
    // also for `npm run dev` (Vite serves public/) while this stack runs; git ignores it
    writeFileSync(join(ROOT, 'public', 'config.json'), configJson)
    const server = await preview({
      root: ROOT,
      preview: { port: ports.web, strictPort: true, host: '127.0.0.1' },
      logLevel: 'warn',
    })
    const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${ports.web}/`

    const accounts = Array.from(
      { length: 10 },
      (_, i) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address,
    )
    console.log(`
Souk is running.

  App:       ${url}
  Chain:     ${stack.anvil.rpcUrl} (chain id ${stack.anvil.chainId})
  Market:    ${stack.deployment?.market}
  Test USD:  ${stack.deployment?.token}
  Relay:     ${stack.relays[0]?.wsAddr}
             health ${stack.relays[0]?.http}/health

Dev accounts (anvil's public test keys; the app offers them as a "dev wallet" on this chain):
${accounts.map((a, i) => `  #${i} ${a}`).join('\n')}

Press Ctrl-C to stop.`)
  } catch (err) {
    console.error(`\nSouk could not start: ${(err as Error).message}`)
    await shutdown(1)
  }
}

await main()
