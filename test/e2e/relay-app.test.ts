/**
 * The app with no host: `publish:app` packs the built PWA as a CAR; relay A imports it (`--app-car`), relay B
 * only knows its CID (`--app`) and fetches it from A over the mesh; a browser opens the app from B's HTTP
 * root and from `/ipfs/<cid>/` (a path prefix, as on any gateway), and it boots there — config, chain, relays,
 * service worker scope — and shows the build's CID. Two meshed relays and one browser, as deploy/compose.yaml.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startRelay, type Relay } from '../../scripts/lib/processes.ts'
import { publishApp, type PackResult } from '../../scripts/publish-app.ts'
import { DIST, launchBrowser, openPage } from '../helpers/browser.ts'
import { startStack, type Stack } from '../helpers/stack.ts'
import { waitFor, within } from '../helpers/wait.ts'

/**
 * A request to a relay that gives up after 30 s, saying which (a relay starting up on two busy cores can take
 * seconds to answer; a timeout's DOMException loses its message on its way to the test runner's report).
 */
async function get(url: string): Promise<Response> {
  try {
    return await fetch(url, { signal: AbortSignal.timeout(30_000) })
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : ''
    const what = err instanceof Error ? `${err.name}: ${err.message}${cause}` : String(err)
    throw new Error(`GET ${url} failed: ${what}`, { cause: err })
  }
}

/** What the page knows about its service worker and its loading, for a failure message (bounded in time). */
async function workerState(page: Page): Promise<string> {
  const state = page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration()
    const pending = performance
      .getEntriesByType('resource')
      .filter((e) => e instanceof PerformanceResourceTiming && e.responseEnd === 0)
      .map((e) => e.name)
    return JSON.stringify({
      readyState: document.readyState,
      registration: r
        ? { scope: r.scope, installing: r.installing?.state, waiting: r.waiting?.state, active: r.active?.state }
        : null,
      pending,
    })
  })
  return await within('the page to describe its service worker', state, 5_000).catch((e: unknown) => String(e))
}

describe('the app served by relays from its CID', () => {
  let stack: Stack
  let dir: string
  let pack: PackResult
  let relayA: Relay
  let relayB: Relay
  let browser: Browser

  before(async () => {
    stack = await startStack({ relays: 1 })
    dir = await mkdtemp(join(tmpdir(), 'souk-app-'))
    // the build of `npm run test:e2e`, copied so this test's config.json stays out of dist/
    await cp(DIST, join(dir, 'dist'), { recursive: true })
    pack = await publishApp({
      config: stack.config,
      build: false,
      distDir: join(dir, 'dist'),
      out: join(dir, 'app.car'),
    })
    const cid = pack.cid.toString()
    relayA = await startRelay({
      name: 'relay-app-a',
      dataDir: join(dir, 'a'),
      bootstrap: [stack.relays[0]!.wsAddr],
      extraArgs: ['--app', cid, '--app-car', pack.car],
    })
    relayB = await startRelay({
      name: 'relay-app-b',
      dataDir: join(dir, 'b'),
      bootstrap: [relayA.wsAddr],
      extraArgs: ['--app', cid],
    })
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    await Promise.all([relayA?.proc.stop(), relayB?.proc.stop()])
    await stack?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('packs the build as a CAR with a CIDv1 root', () => {
    assert.equal(pack.cid.version, 1)
    assert.ok(pack.files > 5 && pack.bytes > 100_000, `${pack.files} files, ${pack.bytes} bytes`)
  })

  it('relay B fetches the app from relay A by CID alone, and serves it at its root', async () => {
    type Health = { app?: { cid: string; ready: boolean; fetched: { blocks: number; bytes: number } } }
    const health = async (): Promise<Health> => (await (await get(`${relayB.http}/health`)).json()) as Health
    // a 5 MB DAG (the build without its source maps) over bitswap between two relays that share two cores with
    // the rest of the suite (relay B asks again for a block that has not come in 6 s, for ten minutes); each
    // check is a request that gives up after 30 s and is asked again
    await waitFor('relay B to have fetched and pinned the app from relay A', async () => (await health()).app?.ready, {
      timeout: 180_000,
      interval: 250,
    }).catch((err: unknown) => {
      const { exitCode, signalCode } = relayB.proc.child
      const state =
        exitCode !== null ? `exited with code ${exitCode}` : signalCode ? `was killed (${signalCode})` : 'is running'
      throw new Error(`${(err as Error).message}\nrelay B ${state}; it said:\n${relayB.proc.output().slice(-4000)}`)
    })
    const { fetched } = (await health()).app!
    assert.ok(fetched.blocks > 10 && fetched.bytes > 1_000_000, `fetched from relay A: ${JSON.stringify(fetched)}`)
    const res = await get(`${relayB.http}/`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/html/)
    assert.equal(res.headers.get('x-ipfs-path'), `/ipfs/${pack.cid.toString()}/`)
    assert.match(await res.text(), /<souk-app>/)
    assert.equal((await get(`${relayB.http}/assets/nope.js`)).status, 404)
    assert.equal((await get(`${relayB.http}/sw.js.map`)).status, 404, 'source maps are not published')
    assert.equal((await get(`${relayB.http}/..%2fsecret.txt`)).status, 400, 'no path out of the app')
    assert.equal((await get(`${relayB.http}/health`)).status, 200, 'the relay endpoints still answer')
  })

  for (const [where, path] of [
    ['the relay origin root', '/'],
    ['a /ipfs/<cid>/ path prefix', 'prefix'],
  ] as const) {
    it(`boots from ${where}: config, chain, relays, service worker, build CID`, async () => {
      const cid = pack.cid.toString()
      const url = path === 'prefix' ? `${relayB.http}/ipfs/${cid}/` : `${relayB.http}/`
      await waitFor('relay B to serve the app', async () => (await get(url)).status === 200, { timeout: 60_000 })
      const { page, context, errors } = await openPage(browser, url)
      try {
        await page
          .locator('souk-network-status[data-chain-id="31337"]')
          .waitFor({ timeout: 30_000 })
          .catch(() => assert.fail(`the app never read the chain from its config.json (errors: ${errors.join(' | ')})`))
        await page
          .locator('souk-network-status:not([data-relays-connected="0"])')
          .waitFor({ timeout: 45_000 })
          .catch(() => assert.fail('the app never connected to a relay'))
        await page
          .locator(`souk-build-info[data-cid="${cid}"]`)
          .waitFor({ timeout: 15_000 })
          .catch(() => assert.fail('the page does not show the build CID'))
        assert.match((await page.locator('souk-build-info code').textContent()) ?? '', new RegExp(cid))
        // the app registers its worker after the page's load event; wait for it to be active, with what the
        // page says when it is not (page.evaluate on `serviceWorker.ready` alone would wait forever)
        await page
          .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 })
          .catch(async () =>
            assert.fail(`the service worker never took control of the page: ${await workerState(page)}`),
          )
        const scope = await within(
          'the service worker registration',
          page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope),
          10_000,
        )
        assert.equal(scope, url, 'the service worker is scoped to where the app lives')
        assert.deepEqual(
          errors.filter((e) => !/favicon|ERR_CONNECTION_REFUSED|WebSocket/i.test(e)),
          [],
          'no console errors',
        )
      } finally {
        await context.close()
      }
    })
  }
})
