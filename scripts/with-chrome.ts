/**
 * `node scripts/with-chrome.ts <command> [args…]`: finds (or installs) Chromium, then runs the command with
 * CHROME_PATH set, passing its exit code through.
 */
import { spawn } from 'node:child_process'
import { findChrome } from './lib/chrome.ts'

const [command, ...args] = process.argv.slice(2)
if (!command) {
  console.error('usage: node scripts/with-chrome.ts <command> [args…]')
  process.exit(2)
}
let chrome: string
try {
  chrome = await findChrome()
} catch (err) {
  console.error(`souk: ${(err as Error).message}`)
  process.exit(1)
}
// `node` means this very Node (24), whatever an outer PATH says
const child = spawn(command === 'node' ? process.execPath : command, args, {
  stdio: 'inherit',
  env: { ...process.env, CHROME_PATH: chrome },
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
