/**
 * The set-up every browser-P2P e2e file shares: a stack of relays, the P2P test page (entry.ts) served on
 * loopback and one Chromium, started in `before` and stopped in `after` of the enclosing `describe`; `open`
 * gives a fresh browser profile with the page's node started. With `SOUK_E2E_DEBUG=<namespaces>` each page keeps
 * libp2p's debug logs and `logsOnFailure` prints them when a step fails.
 */
import { after, before } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startStack, type Stack, type StackOptions } from '../../helpers/stack.ts'
import { launchBrowser } from '../../helpers/browser.ts'
import { waitFor } from '../../helpers/wait.ts'
import { serveP2PTestPage, type TestPageServer } from './serve.ts'
import type { SoukPageApi, StartOptions } from './entry.ts'
import { captureLogs, dumpLogs } from './debug.ts'
import type { NetworkSnapshot } from '../../../src/p2p/network-status.ts'

const DEBUG = process.env.SOUK_E2E_DEBUG

/** A browser profile with the test page's node started. */
export interface P2PPeer {
  page: Page
  context: BrowserContext
  peerId: string
  /** Uncaught page errors, for tests that assert there were none. */
  errors: string[]
}

export interface P2PHarness {
  readonly stack: Stack
  readonly browser: Browser
  /** The WebSocket multiaddr of relay `i`. */
  relayAddr(i: number): string
  /** Opens the page in a new browser profile (or in `context`) and starts its node with `options`. */
  open(options: StartOptions, context?: BrowserContext): Promise<P2PPeer>
}

/** Registers `before`/`after` hooks that start and stop the relays, the page server and the browser. */
export function p2pHarness(stackOptions: StackOptions, extra?: { before?: () => Promise<void> }): P2PHarness {
  let stack: Stack | undefined
  let server: TestPageServer | undefined
  let browser: Browser | undefined
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the p2p harness is used before its `before` hook ran')
    return value
  }
  before(async () => {
    // each part is kept as it comes up, so `after` stops it even when another failed: a Chromium nobody closes
    // keeps the test file's process alive for ever after a failed start
    const started = await Promise.allSettled([
      startStack(stackOptions).then((s) => (stack = s)),
      serveP2PTestPage().then((s) => (server = s)),
      launchBrowser().then((b) => (browser = b)),
    ])
    for (const r of started) if (r.status === 'rejected') throw r.reason
    await extra?.before?.()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    await stack?.stop()
  })
  return {
    get stack() {
      return started(stack)
    },
    get browser() {
      return started(browser)
    },
    relayAddr: (i) => {
      const relay = started(stack).relays[i]
      if (!relay) throw new Error(`the stack has no relay ${i}`)
      return relay.wsAddr
    },
    async open(options, context) {
      const ctx = context ?? (await started(browser).newContext())
      const page = await ctx.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      if (DEBUG) await captureLogs(page, DEBUG)
      await page.goto(started(server).url)
      await page.waitForFunction(() => document.body.dataset.ready === 'true')
      const peerId = await page.evaluate((o) => window.souk.start(o), options)
      return { page, context: ctx, peerId, errors }
    },
  }
}

/**
 * Runs `fn(window.souk, arg)` in the peer's page. `fn` is sent as source, so it may use only its arguments.
 */
export function onPage<R, A = undefined>(
  p: { page: Page },
  fn: (s: SoukPageApi, arg: A) => R | Promise<R>,
  arg?: A,
): Promise<R> {
  return p.page.evaluate(([f, a]) => new Function('s', 'a', `return (${f})(s, a)`)(window.souk, a) as R, [
    fn.toString(),
    arg,
  ] as const)
}

export const snapshot = (p: { page: Page }): Promise<NetworkSnapshot> => p.page.evaluate(() => window.souk.snapshot())

/** Waits until the page's network snapshot passes `ok`; on timeout the error shows the last snapshot. */
export async function waitSnapshot(
  p: { page: Page },
  what: string,
  ok: (s: NetworkSnapshot) => boolean,
  timeout = 15_000,
): Promise<NetworkSnapshot> {
  let last: NetworkSnapshot | undefined
  try {
    return await waitFor(
      what,
      async () => {
        last = await snapshot(p)
        return ok(last) ? last : undefined
      },
      { timeout, interval: 100 },
    )
  } catch (err) {
    const shown = last ? { ...last, multiaddrs: undefined } : 'none'
    throw new Error(`${(err as Error).message}; last snapshot: ${JSON.stringify(shown)}`, { cause: err })
  }
}

/** With SOUK_E2E_DEBUG set, prints the pages' buffered libp2p logs when `work` fails, then rethrows. */
export async function logsOnFailure<R>(peers: { page: Page; peerId: string }[], work: Promise<R>): Promise<R> {
  try {
    return await work
  } catch (err) {
    if (DEBUG) for (const p of peers) await dumpLogs(p.page, p.peerId)
    throw err
  }
}
