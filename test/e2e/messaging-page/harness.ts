/**
 * The set-up the messaging e2e files share: relays, the messaging test page (entry.ts and the engine Worker)
 * and one Chromium, started in `before` and stopped in `after` of the enclosing `describe`. `open` starts a
 * device in a fresh browser profile (or in a given one) and waits until it reaches a relay; `call` runs a
 * function against the page's `window.soukMsg`.
 */
import { after, before } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startStack, type Stack, type StackOptions } from '../../helpers/stack.ts'
import { launchBrowser } from '../../helpers/browser.ts'
import { waitFor } from '../../helpers/wait.ts'
import type { TestPageServer } from '../../helpers/test-page.ts'
import { serveMessagingTestPage } from './serve.ts'
import type { MsgStartOptions, SoukMsgPageApi } from './entry.ts'

export type Api = SoukMsgPageApi

export interface MsgDevice {
  page: Page
  context: BrowserContext
  peerId: string
  address: `0x${string}`
  /** Uncaught page errors. */
  errors: string[]
}

export interface MsgOpenOptions {
  /** A profile to open in (e.g. to reopen a device with its IndexedDB); a fresh one otherwise. */
  context?: BrowserContext
  /** Script run in the page before its own (e.g. to block WebRTC). */
  init?: string
}

export interface MessagingHarness {
  readonly stack: Stack
  readonly browser: Browser
  /** The WebSocket multiaddr of relay `i`. */
  relayAddr(i: number): string
  /** Starts a device (`storageName` defaults to a new one) and waits until it reaches a relay. */
  open(
    options: Omit<MsgStartOptions, 'storageName'> & { storageName?: string },
    how?: MsgOpenOptions,
  ): Promise<MsgDevice>
}

/** Runs `fn(window.soukMsg, arg)` in the page. `fn` is sent as source, so it may use only its arguments. */
export function call<R, A = undefined>(d: { page: Page }, fn: (s: Api, arg: A) => R | Promise<R>, arg?: A): Promise<R> {
  return d.page.evaluate(([f, a]) => new Function('s', 'a', `return (${f})(s, a)`)(window.soukMsg, a) as R, [
    fn.toString(),
    arg,
  ] as const)
}

/** Registers `before`/`after` hooks that start and stop the relays, the page server and the browser. */
export function messagingHarness(stackOptions: StackOptions): MessagingHarness {
  let stack: Stack | undefined
  let server: TestPageServer | undefined
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []
  let n = 0
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the messaging harness is used before its `before` hook ran')
    return value
  }
  before(async () => {
    // each part is kept as it comes up, so `after` stops it even when another failed: a Chromium nobody closes
    // keeps the test file's process alive for ever after a failed start
    const started = await Promise.allSettled([
      startStack(stackOptions).then((s) => (stack = s)),
      serveMessagingTestPage().then((s) => (server = s)),
      launchBrowser().then((b) => (browser = b)),
    ])
    for (const r of started) if (r.status === 'rejected') throw r.reason
  })
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {})
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
    relayAddr(i) {
      const relay = started(stack).relays[i]
      if (!relay) throw new Error(`the stack has no relay ${i}`)
      return relay.wsAddr
    },
    async open(options, how = {}) {
      const context = how.context ?? (await started(browser).newContext())
      if (!how.context) contexts.push(context)
      if (how.init) await context.addInitScript(how.init)
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(started(server).url)
      await page.waitForFunction(() => document.body.dataset.ready === 'true')
      const ids = await page.evaluate((opts) => window.soukMsg.start(opts), {
        storageName: `device-${n++}`,
        ...options,
      })
      const d: MsgDevice = { page, context, errors, ...ids }
      await waitFor('the device to reach a relay', () => call(d, async (s) => (await s.relaysConnected()) > 0), {
        timeout: 30_000,
      })
      return d
    },
  }
}
