import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { CHROME_ARGS, findChrome } from '../../scripts/lib/chrome.ts'
import { serveDist } from '../../scripts/lib/serve.ts'
import { DIST, openPage } from '../helpers/browser.ts'
import { servedApp } from '../helpers/served-app.ts'
import { within } from '../helpers/wait.ts'

/** Waits until the service worker controls the page (it claims the page on its first install). */
async function controlled(page: Page): Promise<void> {
  await page
    .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
    .catch(() => assert.fail('the service worker never took control of the page'))
}

describe('the PWA: installable, opens offline, offers a new version', () => {
  const served = servedApp()

  it('is installable as Chromium reports it, with the manifest’s icons, screenshots and shortcuts', async () => {
    // a real profile: Chromium never offers to install from an incognito context (playwright's newContext)
    const profile = await mkdtemp(join(tmpdir(), 'souk-pwa-profile-'))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: await findChrome({ install: false }),
      headless: true,
      args: CHROME_ARGS,
    })
    try {
      const page = context.pages()[0] ?? (await context.newPage())
      await page.goto(served.site.url)
      await controlled(page)
      const cdp = await context.newCDPSession(page)
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: { errorId: string }[]
      }
      assert.deepEqual(installabilityErrors, [], 'Chromium says the app cannot be installed')
      const manifest = (await (
        await page.request.get(new URL('manifest.webmanifest', served.site.url).href)
      ).json()) as {
        icons: { purpose: string }[]
        screenshots: { form_factor: string; src: string }[]
        shortcuts: { url: string }[]
        theme_color: string
      }
      assert.deepEqual([...new Set(manifest.icons.map((i) => i.purpose))].sort(), ['any', 'maskable'])
      assert.deepEqual(manifest.screenshots.map((s) => s.form_factor).sort(), ['narrow', 'wide'])
      for (const s of manifest.screenshots) {
        const res = await page.request.get(new URL(s.src, served.site.url).href)
        assert.equal(res.headers()['content-type'], 'image/png', `${s.src} is not served as a PNG`)
      }
      assert.deepEqual(manifest.shortcuts.map((s) => s.url).sort(), ['./#/search', './#/sell'])
      assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/)
    } finally {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    }
  })

  it('opens offline after one visit: the shell, a deep link and a banner that says what is offline', async () => {
    const { page, context, errors } = await openPage(served.browser, served.site.url)
    try {
      await controlled(page)
      await context.setOffline(true)
      await page.goto(`${served.site.url}#/search`)
      await page.reload()
      await page
        .locator('souk-app h1')
        .waitFor({ timeout: 15_000 })
        .catch(() => assert.fail('offline, the app shell never rendered its header'))
      const banner = page.locator('souk-offline-banner[data-state="offline"] [data-testid=offline-banner]')
      await banner
        .waitFor({ timeout: 15_000 })
        .catch(() => assert.fail('offline, the banner never said the device is offline'))
      assert.match((await banner.textContent()) ?? '', /You are offline\..*cannot be sent until you are back online/s)
      await page
        .locator('souk-search-view')
        .waitFor({ timeout: 15_000 })
        .catch(() => assert.fail('offline, the search route never rendered its view'))
      // config.json came from the worker's copy: no configuration error
      assert.equal(await page.locator('souk-app [role=alert]').count(), 0, 'the app could not load its configuration')

      await context.setOffline(false)
      await page
        .locator('souk-offline-banner[data-state="online"]')
        .waitFor({ state: 'attached', timeout: 15_000 })
        .catch(() => assert.fail('back online, the offline banner never left'))
      assert.equal(await page.locator('[data-testid=offline-banner]').count(), 0)
      // the failed fetches while offline are the browser's own; nothing else may fail
      const unexpected = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket|net::/.test(e))
      assert.deepEqual(unexpected, [], `console errors: ${unexpected.join('\n')}`)
    } finally {
      await context.close()
    }
  })

  it('sends requests to other origins (the chain, polled every second) past the service worker', async () => {
    // a stream of fetch events keeps the old worker busy, and an accepted update then waited minutes to take over
    const { page, context } = await openPage(served.browser, served.site.url)
    try {
      await controlled(page)
      const rpc = served.stack.config.chain.rpcUrls[0]!
      const cdp = await context.newCDPSession(page)
      const routed = new Promise<string>((resolve) => {
        cdp.on('Network.responseReceived', ({ response }) => {
          if (response.url.startsWith(rpc)) resolve(response.serviceWorkerRouterInfo?.matchedSourceType ?? 'no rule')
        })
      })
      await cdp.send('Network.enable')
      // the request the chain client polls with (from the page here: a worker's requests are not in its session)
      await page.evaluate(async (url) => {
        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] })
        await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text()
      }, rpc)
      assert.equal(
        await within('a request from the page to the chain’s RPC', routed, 15_000),
        'network',
        'the chain’s requests still go through the service worker',
      )
    } finally {
      await context.close()
    }
  })

  /**
   * A new deployment (a service worker that differs by a byte, on the same origin) is offered; accepting it
   * reloads the page into it. `busy`: the old worker is still serving a request that hangs (a listing photo on
   * a bad network) when the person accepts, which keeps Chromium from activating the new version for minutes.
   */
  async function update(busy: boolean): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'souk-pwa-'))
    await cp(DIST, dir, { recursive: true })
    const hold = (path: string): boolean => path.startsWith('/ipfs/')
    let site = await serveDist({ dir, config: served.stack.config, hold })
    const port = Number(new URL(site.url).port)
    const { page, context } = await openPage(served.browser, site.url)
    try {
      await controlled(page)
      const prompt = page.locator('souk-update-prompt [data-testid=update-prompt]')
      assert.equal(await prompt.count(), 0, 'an update was offered before there was one')

      await site.close()
      await appendFile(join(dir, 'sw.js'), '\n// next build\n')
      site = await serveDist({ dir, config: served.stack.config, port, hold })
      await page.reload()
      await prompt.waitFor({ timeout: 30_000 }).catch(() => assert.fail('the update prompt never appeared'))
      assert.match((await prompt.textContent()) ?? '', /A new version of Souk is ready\./)
      assert.equal(
        await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting)),
        true,
        'the prompt showed with no new version waiting',
      )
      if (busy) {
        // a photo the old worker fetches (media is cache-first in the worker) from a network that never answers
        await page.evaluate(() => {
          void fetch('ipfs/bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku').catch(() => undefined)
        })
      }

      const reloaded = page.waitForEvent('framenavigated', { timeout: 30_000 })
      await prompt.getByRole('button', { name: 'Reload to update' }).click()
      if (busy)
        await prompt
          .getByRole('button', { name: 'Updating…' })
          .waitFor({ timeout: 2_000 })
          .catch(() => assert.fail('while the new version is on its way, the prompt never said it was updating'))
      await reloaded.catch(async () => {
        // where the swap stopped: "installed" = the worker never took SKIP_WAITING, "activating" = the old worker
        // still had events in flight, "activated" without a reload = the page missed controllerchange
        const swap = await within(
          'the page to describe its service workers',
          page.evaluate(async () => {
            const r = await navigator.serviceWorker.getRegistration()
            return JSON.stringify({
              waiting: r?.waiting?.state ?? null,
              installing: r?.installing?.state ?? null,
              active: r?.active?.state ?? null,
              controlled: navigator.serviceWorker.controller !== null,
            })
          }),
          5_000,
        ).catch((e: unknown) => String(e))
        assert.fail(`accepting the update never reloaded the page: ${swap}`)
      })
      await controlled(page)
      await page.locator('souk-app h1').waitFor({ timeout: 15_000 })
      assert.equal(await prompt.count(), 0, 'the prompt is still there after the update')
      const state = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration()
        return { waiting: Boolean(r?.waiting), active: r?.active?.state }
      })
      assert.deepEqual(state, { waiting: false, active: 'activated' }, 'the new version did not take over')
    } finally {
      await context.close()
      await site.close()
      await rm(dir, { recursive: true, force: true })
    }
  }

  it('offers a new version once it is deployed, and reloads into it when asked', async () => {
    await update(false)
  })

  it('takes the new version even while the old worker is still serving a request that hangs', async () => {
    await update(true)
  })
})
