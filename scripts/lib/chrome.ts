/**
 * Finds a Chromium for the browser tests, in this order: $CHROME_PATH, a system Chromium/Chrome, Debian's
 * `chromium` package installed on the spot when running as root with apt-get, then the headless Chromium
 * shipped in the npm package @sparticuz/chromium. Otherwise it stops with one sentence saying what to install.
 */
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
]

/** Flags every launch needs here: root needs --no-sandbox, and the closed network wants no background traffic. */
export const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
]

function installDebianChromium(): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false
  console.error('souk: no Chromium found; installing Debian\'s "chromium" package (about a minute)…')
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' })
  if (update.status !== 0) return false
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  return install.status === 0 && existsSync('/usr/bin/chromium')
}

async function packagedChromium(): Promise<string | undefined> {
  try {
    const mod = (await import('@sparticuz/chromium')) as { default: { executablePath(): Promise<string> } }
    const path = await mod.default.executablePath()
    return existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

export async function findChrome({ install = true }: { install?: boolean } = {}): Promise<string> {
  const fromEnv = process.env.CHROME_PATH
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    throw new Error(`CHROME_PATH is set to ${fromEnv}, which does not exist.`)
  }
  const system = SYSTEM_PATHS.find((p) => existsSync(p))
  if (system) return system
  if (install && installDebianChromium()) return '/usr/bin/chromium'
  const packaged = await packagedChromium()
  if (packaged) return packaged
  throw new Error(
    'No Chromium found: install one (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROME_PATH to a Chrome/Chromium binary.',
  )
}
