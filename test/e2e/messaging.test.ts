/**
 * Messaging end to end in headless Chromium with real relay processes: direct WebRTC delivery and read
 * receipts (client on the main thread, where WebRTC is), and, with the client in the app's engine Worker, a
 * relay killed right after accepting, a sender whose tab closes mid-send, and a recipient that comes back
 * (keys, outbox and cursor in the worker's IndexedDB). The views are tested in the app: messaging-app.test.ts.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitFor } from '../helpers/wait.ts'
import { call, messagingHarness, type MsgDevice as Device } from './messaging-page/harness.ts'

describe('messaging in the browser', { concurrency: 1, timeout: 300_000 }, () => {
  const h = messagingHarness({ relays: 2, contracts: false })
  const relay = (i: number): string => h.relayAddr(i)
  const open = h.open
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
    const bobProfile = await h.browser.newContext()
    let bob = await open(
      { relays: [relay(1)], account: 4, maxRelays: 1, reservations: 0, storageName: 'bob' },
      { context: bobProfile },
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
    await h.stack.killRelay(0)
    try {
      bob = await open(
        { relays: [relay(1)], account: 4, maxRelays: 1, reservations: 0, storageName: 'bob' },
        { context: bobProfile },
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
      await h.stack.restartRelay(0)
    }
  })

  test('sender offline mid-send: the outbox survives closing the tab and delivers on the next visit', async () => {
    const bob = await open({ relays: [relay(1)], account: 6, maxRelays: 1, reservations: 0 })
    await call(bob, (s) => s.pull())
    const aliceProfile = await h.browser.newContext()
    let alice = await open(
      { relays: [relay(0)], account: 5, maxRelays: 1, reservations: 0, storageName: 'alice' },
      { context: aliceProfile },
    )
    await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [bob.address, 'before']) // learns Bob's keys
    await waitFor('the first message acknowledged', () => call(alice, async (s) => (await s.pending()) === 0), {
      timeout: 20_000,
    })
    // the network goes away: both relays down (with one left, the relay pool would fill the slot with it)
    await h.stack.killRelay(0)
    await h.stack.killRelay(1)
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
      await h.stack.restartRelay(0)
      await h.stack.restartRelay(1)
    }
    alice = await open(
      { relays: [relay(0)], account: 5, maxRelays: 1, reservations: 0, storageName: 'alice' },
      { context: aliceProfile },
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
    const bobProfile = await h.browser.newContext()
    let bob = await open({ relays: [relay(1)], account: 8, storageName: 'bob' }, { context: bobProfile })
    await call(bob, (s) => s.pull())
    await close(bob)
    const alice = await open({ relays: [relay(0), relay(1)], account: 7 })
    for (let i = 0; i < 5; i++)
      await call(alice, (s, [to, t]: [`0x${string}`, string]) => s.send(to, t), [bob.address, `offline ${i}`])
    await waitFor('the outbox to drain', () => call(alice, async (s) => (await s.pending()) === 0), { timeout: 20_000 })
    bob = await open({ relays: [relay(1)], account: 8, storageName: 'bob' }, { context: bobProfile })
    await waitFor('five messages at Bob', async () => (await call(bob, (s) => s.incoming())).length === 5, {
      timeout: 30_000,
    })
    assert.equal((await call(bob, (s) => s.stats())).received, 5)
    await close(bob)
    bob = await open({ relays: [relay(1)], account: 8, storageName: 'bob' }, { context: bobProfile })
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
