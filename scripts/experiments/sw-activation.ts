/**
 * `node scripts/experiments/sw-activation.ts [--routes] [--runs N] [--poll MS]`: how long an accepted service
 * worker update takes to take over while the page fetches another origin every `--poll` ms (as the chain
 * client polls its RPC). A minimal worker (a fetch handler that answers one path, `skipWaiting` on a message);
 * `--routes` adds the static route that Souk's worker uses (src/sw.ts): other origins go to the network.
 * Without it, Chromium holds the new version back past 40 s in about one run in ten (docs/decisions.md).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { CHROME_ARGS, findChrome } from '../lib/chrome.ts'

const { values } = parseArgs({
  options: {
    routes: { type: 'boolean', default: false },
    runs: { type: 'string', default: '10' },
    poll: { type: 'string', default: '100' },
  },
})
const LIMIT_MS = 40_000
let version = 0
const routes = `self.addEventListener('install', (e) => { if (e.addRoutes) e.waitUntil(e.addRoutes({ condition: { not: { urlPattern: { protocol: location.protocol.slice(0, -1), hostname: location.hostname, port: location.port } } }, source: 'network' })) })\n`
const worker = () => `${values.routes ? routes : ''}
self.addEventListener('message', (e) => { if (e.data === 'SKIP') self.skipWaiting() })
self.addEventListener('fetch', (e) => { if (e.request.url.endsWith('/answered')) e.respondWith(new Response('x')) })
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()))
// version ${version}`
const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}
const rpc = createServer((_req, res) => res.writeHead(200, { 'access-control-allow-origin': '*' }).end('{}'))
const rpcPort = await listen(rpc)
const site = createServer((req, res) => {
  if (req.url === '/sw.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(worker())
  else
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><script>navigator.serviceWorker.register('sw.js');setInterval(() => fetch('http://127.0.0.1:${rpcPort}/').catch(() => {}), ${Number(values.poll)})</script>`,
      )
})
const sitePort = await listen(site)
const browser = await chromium.launch({ executablePath: await findChrome({ install: false }), args: CHROME_ARGS })
const results: number[] = []
try {
  for (let i = 0; i < Number(values.runs); i++) {
    const context = await browser.newContext()
    const page = await context.newPage()
    version++
    await page.goto(`http://127.0.0.1:${sitePort}/`)
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
    version++
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update())
    await page.waitForFunction(
      async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state === 'installed',
      undefined,
      { timeout: 30_000 },
    )
    const ms = await page.evaluate(
      (limit) =>
        new Promise<number>((resolve) => {
          const t0 = performance.now()
          navigator.serviceWorker.addEventListener('controllerchange', () => resolve(performance.now() - t0))
          setTimeout(() => resolve(limit), limit)
          void navigator.serviceWorker.getRegistration().then((r) => r?.waiting?.postMessage('SKIP'))
        }),
      LIMIT_MS,
    )
    results.push(Math.round(ms))
    console.log(`run ${i + 1}: ${ms >= LIMIT_MS ? `no takeover within ${LIMIT_MS / 1000} s` : `${Math.round(ms)} ms`}`)
    await context.close()
  }
} finally {
  await browser.close()
  site.close()
  rpc.close()
}
const held = results.filter((ms) => ms >= LIMIT_MS).length
console.log(
  `${held} of ${results.length} updates held back past ${LIMIT_MS / 1000} s (poll ${values.poll} ms, static routes ${values.routes ? 'on' : 'off'})`,
)
console.log(
  JSON.stringify({
    experiment: 'sw-activation',
    routes: values.routes,
    pollMs: Number(values.poll),
    runs: results.length,
    held,
    ms: results,
  }),
)
