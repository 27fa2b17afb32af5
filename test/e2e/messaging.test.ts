/**
 * Messaging end to end in headless Chromium with real relay processes: direct WebRTC delivery and read
 * receipts (client on the main thread, where WebRTC is), and, with the client in the app's engine Worker, a
 * relay killed right after accepting, a sender whose tab closes mid-send, and a recipient that comes back
 * (keys, outbox and cursor in the worker's IndexedDB). The views are tested in the app: messaging-app.test.ts.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startStack, type Stack } from '../helpers/stack.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { waitFor } from '../helpers/wait.ts'
import type { TestPageServer } from '../helpers/test-page.ts'
import { serveMessagingTestPage } from './messaging-page/serve.ts'
import type { MsgStartOptions, SoukMsgPageApi } from './messaging-page/entry.ts'

type Api = SoukMsgPageApi
interface Device {
  page: Page
  context: BrowserContext
  peerId: string
  address: `0x${string}`
  errors: string[]
}

describe('messaging in the browser', { concurrency: 1, timeout: 300_000 }, () => {
  let stack: Stack
  let server: TestPageServer
  let browser: Browser
  const contexts: BrowserContext[] = []
  let n = 0

  before(async () => {
    ;[stack, server, browser] = await Promise.all([
      startStack({ relays: 2, contracts: false }),
      serveMessagingTestPage(),
      launchBrowser(),
    ])
  })
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await browser?.close()
    await server?.close()
    await stack?.stop()
  })

  const relay = (i: number): string => stack.relays[i]!.wsAddr

  /** Opens the page in `context` (a browser profile: its own IndexedDB) and starts the device. */
  async function open(
    o: Omit<MsgStartOptions, 'storageName'> & { storageName?: string },
    context?: BrowserContext,
  ): Promise<Device> {
    const ctx = context ?? (await browser.newContext())
    if (!context) contexts.push(ctx)
    const page = await ctx.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(server.url)
    await page.waitForFunction(() => document.body.dataset.ready === 'true')
    const started = await page.evaluate((opts) => window.soukMsg.start(opts), {
      storageName: `device-${n++}`,
      ...o,
    })
    const d = { page, context: ctx, errors, ...started }
    await waitFor('the device to reach a relay', () => call(d, async (s) => (await s.relaysConnected()) > 0), {
      timeout: 30_000,
    })
    return d
  }
  const call = <R>(d: Device, fn: (s: Api, arg: never) => R | Promise<R>, arg?: unknown): Promise<R> =>
    d.page.evaluate(([f, a]) => new Function('s', 'a', `return (${f})(s, a)`)(window.soukMsg, a) as R, [
      fn.toString(),
      arg,
    ] as const)
  const close = async (d: Device): Promise<void> => {
    await call(d, (s) => s.stop())
    await d.page.close()
  }

  test('direct WebRTC delivery and read receipts (client on the main thread)', async () => {
    const bob = await open({ relays: [relay(0), relay(1)], account: 2, storageName: 'bob', mode: 'page' })
    await call(bob, (s) => s.pull())
    await waitFor('Bob to hold a reservation', () => call(bob, async (s) => (await s.reservations()) > 0), {
      timeout: 30_000,
    })
    const alice = await open({ relays: [relay(0), relay(1)], account: 1, mode: 'page' })
    const first = await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [
      bob.address,
      'hello via the relays',
    ])
    await waitFor(
      'the first message at Bob',
      async () => (await call(bob, (s) => s.incoming())).includes('hello via the relays'),
      {
        timeout: 20_000,
      },
    )
    const direct = await call(alice, (s, p: string) => s.dial(p), bob.peerId)
    assert.equal(direct.limited, false)
    assert.match(direct.addr, /\/webrtc/)
    const second = await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [
      bob.address,
      'hello over WebRTC',
    ])
    await waitFor(
      'Bob’s direct acknowledgement ("delivered")',
      async () => (await call(alice, (s, id: string) => s.stateOf(id), second.id)) === 'delivered',
      {
        timeout: 20_000,
      },
    )

    // Bob reads the thread: one read receipt covers both
    const [conv] = await call(bob, (s) => s.conversations())
    await call(bob, (s, c: string) => s.markRead(c), conv)
    for (const m of [first, second])
      await waitFor(
        `Alice to see "${m.id}" read`,
        async () => (await call(alice, (s, id: string) => s.stateOf(id), m.id)) === 'read',
        { timeout: 20_000 },
      )
    assert.deepEqual([...alice.errors, ...bob.errors], [])
    await close(alice)
    await close(bob)
  })

  test('a relay killed right after accepting: the recipient still gets the message through the other relay', async () => {
    const bobProfile = await browser.newContext()
    contexts.push(bobProfile)
    let bob = await open(
      { relays: [relay(1)], account: 4, maxRelays: 1, reservations: 0, storageName: 'bob' },
      bobProfile,
    )
    await call(bob, (s) => s.pull())
    await close(bob)
    const alice = await open({ relays: [relay(0)], account: 3, maxRelays: 1, reservations: 0 })
    const m = await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [
      bob.address,
      'survives relay 0',
    ])
    await waitFor(
      'relay 0 to acknowledge',
      async () => (await call(alice, (s, id: string) => s.stateOf(id), m.id)) === 'sent',
      {
        timeout: 20_000,
      },
    )
    await stack.killRelay(0)
    try {
      bob = await open(
        { relays: [relay(1)], account: 4, maxRelays: 1, reservations: 0, storageName: 'bob' },
        bobProfile,
      )
      await waitFor(
        'the message at Bob',
        async () => (await call(bob, (s) => s.incoming())).includes('survives relay 0'),
        {
          timeout: 30_000,
        },
      )
      await close(bob)
      await close(alice)
    } finally {
      await stack.restartRelay(0)
    }
  })

  test('sender offline mid-send: the outbox survives closing the tab and delivers on the next visit', async () => {
    const bob = await open({ relays: [relay(1)], account: 6, maxRelays: 1, reservations: 0 })
    await call(bob, (s) => s.pull())
    const aliceProfile = await browser.newContext()
    contexts.push(aliceProfile)
    let alice = await open(
      { relays: [relay(0)], account: 5, maxRelays: 1, reservations: 0, storageName: 'alice' },
      aliceProfile,
    )
    await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [bob.address, 'before']) // learns Bob's keys
    await waitFor('the first message acknowledged', () => call(alice, async (s) => (await s.pending()) === 0), {
      timeout: 20_000,
    })
    // the network goes away: both relays down (with one left, the relay pool would fill the slot with it)
    await stack.killRelay(0)
    await stack.killRelay(1)
    try {
      await waitFor('Alice to be offline', () => call(alice, async (s) => (await s.relaysConnected()) === 0), {
        timeout: 20_000,
      })
      const queued = await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [
        bob.address,
        'written offline',
      ])
      assert.equal(queued.state, 'queued')
      await alice.page.close() // the tab closes before any relay acknowledged
    } finally {
      await stack.restartRelay(0)
      await stack.restartRelay(1)
    }
    alice = await open(
      { relays: [relay(0)], account: 5, maxRelays: 1, reservations: 0, storageName: 'alice' },
      aliceProfile,
    )
    await waitFor('the outbox to drain on the next visit', () => call(alice, async (s) => (await s.pending()) === 0), {
      timeout: 30_000,
    })
    // Bob's page reconnects by itself and pulls
    await waitFor('both messages at Bob', async () => (await call(bob, (s) => s.incoming())).length === 2, {
      timeout: 30_000,
    })
    assert.deepEqual(await call(bob, (s) => s.incoming()), ['before', 'written offline'])
    await close(alice)
    await close(bob)
  })

  test('a recipient offline, then back, gets every message once (cursor and seen ids in IndexedDB)', async () => {
    const bobProfile = await browser.newContext()
    contexts.push(bobProfile)
    let bob = await open({ relays: [relay(1)], account: 8, storageName: 'bob' }, bobProfile)
    await call(bob, (s) => s.pull())
    await close(bob)
    const alice = await open({ relays: [relay(0), relay(1)], account: 7 })
    for (let i = 0; i < 5; i++)
      await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [bob.address, `offline ${i}`])
    await waitFor('the outbox to drain', () => call(alice, async (s) => (await s.pending()) === 0), { timeout: 20_000 })
    bob = await open({ relays: [relay(1)], account: 8, storageName: 'bob' }, bobProfile)
    await waitFor('five messages at Bob', async () => (await call(bob, (s) => s.incoming())).length === 5, {
      timeout: 30_000,
    })
    assert.equal((await call(bob, (s) => s.stats())).received, 5)
    await close(bob)
    bob = await open({ relays: [relay(1)], account: 8, storageName: 'bob' }, bobProfile)
    await call(bob, (s) => s.pull())
    assert.deepEqual(await call(bob, (s) => s.incoming()), [
      'offline 0',
      'offline 1',
      'offline 2',
      'offline 3',
      'offline 4',
    ])
    assert.equal((await call(bob, (s) => s.stats())).received, 0, 'nothing is received twice')
    await close(bob)
    await close(alice)
  })
})
