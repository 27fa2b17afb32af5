// web-test-runner: components and in-browser P2P in real headless Chromium (found by scripts/with-chrome.ts).
// The server starts one real stack (anvil + contracts + two relays) before the tests, once per run; tests read it with
// getStack() from test/browser/stack.ts and may kill or restart relays through the server commands below.
import { esbuildPlugin } from '@web/dev-server-esbuild'
import { chromeLauncher } from '@web/test-runner-chrome'
import { CHROME_ARGS } from './scripts/lib/chrome.ts'
import { build, transform } from 'esbuild'

/**
 * CommonJS-only dependencies (eventemitter3, imported by @wagmi/core through an ESM wrapper that default-imports
 * its CJS index.js) rewritten to ESM with esbuild, as Vite's pre-bundling does for the app.
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
function commonjsToEsm(patterns = [/\/node_modules\/eventemitter3\/index\.js$/]) {
  return {
    name: 'commonjs-to-esm',
    async transform(context) {
      if (!patterns.some((p) => p.test(context.path))) return undefined
      const { code } = await transform(context.body, { format: 'esm', loader: 'js' })
      return { body: code }
    },
  }
}

/**
 * `process.env.NODE_ENV` in dependencies (workbox reads it) replaced by "production", as Vite's `define` does for
 * the app; served as they are, those modules throw "process is not defined" in the browser.
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
function defineNodeEnv() {
  return {
    name: 'define-node-env',
    transform(context) {
      if (!context.path.includes('/node_modules/') || typeof context.body !== 'string') return undefined
      if (!context.body.includes('process.env.NODE_ENV')) return undefined
      return { body: context.body.replaceAll('process.env.NODE_ENV', '"production"') }
    },
  }
}

/**
 * The engine Worker (libp2p, Helia, OrbitDB: dozens of CommonJS packages deep) served as one esbuild bundle,
 * as Vite bundles it for the app; served module by module, the Worker's import graph does not load.
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
function bundledWorkers(pattern = /^\/src\/engine\/engine\.worker\.ts$/) {
  return {
    name: 'bundled-workers',
    // a transform placed after esbuildPlugin's, so the bundle replaces its output instead of going through it
    async transform(context) {
      if (!pattern.test(context.path)) return undefined
      const out = await build({
        entryPoints: [`.${context.path}`],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        target: 'es2023',
        conditions: ['browser', 'production'],
        // not the project's tsconfig: its useDefineForClassFields=false (for Lit) would break libraries'
        // `static name = …` fields; the Worker has no decorators
        tsconfigRaw: '{}',
        logLevel: 'silent',
      })
      return { body: out.outputFiles[0].text }
    },
  }
}

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
function soukStack() {
  /** @type {import('./scripts/lib/stack.ts').Stack | undefined} */
  let stack
  /** @type {Promise<import('./scripts/lib/stack.ts').Stack> | undefined} */
  let starting
  const ensure = () => {
    starting ??= import('./scripts/lib/stack.ts').then(async ({ startStack }) => {
      stack = await startStack({ relays: 2 })
      return stack
    })
    return starting
  }
  const describe = (s) => ({
    config: s.config,
    deployment: s.deployment,
    relays: s.relays.map((r) => (r ? { peerId: r.peerId, wsAddr: r.wsAddr, http: r.http } : null)),
  })
  return {
    name: 'souk-stack',
    // started before the browsers, so no test waits on it (server commands time out after 20 s)
    async serverStart() {
      await ensure()
    },
    async serverStop() {
      await stack?.stop()
    },
    async executeCommand({ command, payload }) {
      if (command === 'souk:stack') return describe(await ensure())
      if (command === 'souk:relay-kill') {
        await (await ensure()).killRelay(payload.index)
        return describe(stack)
      }
      if (command === 'souk:relay-restart') {
        await (await ensure()).restartRelay(payload.index)
        return describe(stack)
      }
      return undefined
    },
  }
}

/**
 * `souk:while-offline` takes the test page offline (DevTools network emulation: `navigator.onLine` and the
 * `online`/`offline` events are the browser's own), waits until the page expression `probe` is truthy,
 * brings the page back online and returns the probe's value. One command, because the test page talks to
 * this server over the network it just lost.
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
function networkConditions() {
  return {
    name: 'souk-network-conditions',
    async executeCommand({ command, payload, session }) {
      if (command !== 'souk:while-offline') return undefined
      const page = session.browser.getPage(session.id)
      await page.setOfflineMode(true)
      try {
        const handle = await page.waitForFunction(payload.probe, { timeout: 10_000 }).catch(() => {
          throw new Error(`offline, the page never showed: ${payload.probe}`)
        })
        return await handle.jsonValue()
      } finally {
        await page.setOfflineMode(false)
      }
    },
  }
}

export default {
  files: ['test/browser/**/*.test.ts'],
  // `browser: true` honours package.json "browser" fields as Vite does (uint8arrays under @multiformats/multiaddr)
  nodeResolve: { exportConditions: ['browser', 'production'], browser: true },
  concurrency: 1,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 60_000 } },
  plugins: [
    commonjsToEsm(),
    defineNodeEnv(),
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'auto' }),
    bundledWorkers(),
    soukStack(),
    networkConditions(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: process.env.CHROME_PATH, headless: true, args: CHROME_ARGS },
    }),
  ],
}
