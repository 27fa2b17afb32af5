/**
 * Direct WebRTC delivery from the app (docs/messaging.md "Direct delivery"), in headless Chromium with real
 * relay processes: the messaging client runs in the engine Worker as in the app, and the app's
 * `EngineMessagingService` starts the page's WebRTC node while a thread is open. Shows that a message went
 * direct (the sender's `via` field, both direct nodes' counters), that the relays still hold it and the
 * recipient gets it once, that receipts come back the same way, and that with WebRTC blocked (no ICE
 * candidates) everything still arrives through the relays.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitFor } from '../helpers/wait.ts'
import { call, messagingHarness, type MsgDevice as Device } from './messaging-page/harness.ts'

type Addr = `0x${string}`
/** WebRTC that cannot connect: no ICE candidate is ever gathered (a network that blocks UDP and has no TURN). */
const BLOCK_WEBRTC = `{
  const Native = globalThis.RTCPeerConnection
  globalThis.RTCPeerConnection = class extends Native {
    constructor(config) { super({ ...config, iceServers: [], iceTransportPolicy: 'relay' }) }
  }
}`

describe('direct WebRTC delivery from the app', { concurrency: 1, timeout: 300_000 }, () => {
  const h = messagingHarness({ relays: 2, contracts: false })
  const open = (o: Omit<Parameters<typeof h.open>[0], 'relays'>, blockWebRTC = false): Promise<Device> =>
    h.open(
      { ...o, relays: h.stack.relays.flatMap((r) => (r ? [r.wsAddr] : [])), mode: 'app' },
      blockWebRTC ? { init: BLOCK_WEBRTC } : {},
    )
  const send = (d: Device, to: Addr, text: string) => call(d, (s, [t, x]: [Addr, string]) => s.send(t, x), [to, text])
  const message = (d: Device, id: string) => call(d, (s, i: string) => s.message(i), id)
  const direct = (d: Device) => call(d, (s) => s.direct())
  const openThread = (d: Device, peer: Addr) => call(d, (s, p: Addr) => s.openThread(p), peer)

  /** Both open the thread with each other: each page starts its direct node. */
  async function converse(alice: Device, bob: Device): Promise<void> {
    await openThread(bob, alice.address)
    await openThread(alice, bob.address)
    for (const d of [bob, alice])
      await waitFor('the page’s direct node to start and register', () => direct(d), { timeout: 60_000 })
  }

  test('both online with a thread open: messages and receipts go direct; the relays still hold them', async () => {
    const bob = await open({ account: 12 })
    const alice = await open({ account: 11 })
    await converse(alice, bob)
    // a message goes direct once Alice's client has seen Bob's presence with its direct peer (announced when
    // his node registered; an entry without one is looked up again after 5 s)
    const sent: { id: string; text: string }[] = []
    const first = await waitFor(
      'a message acknowledged by Bob’s page over WebRTC',
      async () => {
        for (const m of sent) if ((await message(alice, m.id))?.via === 'direct') return m
        if (sent.length < 8) {
          const text = `direct ${sent.length}`
          sent.push({ id: (await send(alice, bob.address, text)).id, text })
        }
        return undefined
      },
      { timeout: 90_000, interval: 1_500 },
    )
    const acked = await message(alice, first.id)
    assert.ok(acked && ['delivered', 'read'].includes(acked.state), `state ${acked?.state}`)
    const aliceNode = (await direct(alice))!
    const bobNode = (await direct(bob))!
    assert.ok(aliceNode.stats.delivered >= 1, 'Alice’s page delivered directly')
    assert.ok(bobNode.stats.received >= 1, 'Bob’s page received directly')
    const bobStats = await call(bob, (s) => s.stats())
    assert.ok(bobStats.direct.received >= 1, 'the worker was handed the direct copy')
    // the relays hold a copy too (store-and-forward), and Bob has every message exactly once
    await waitFor(
      'a relay to acknowledge the direct message too',
      async () => {
        return ((await message(alice, first.id))?.relays ?? 0) >= 1
      },
      { timeout: 30_000 },
    )
    await waitFor('every message at Bob', async () => (await call(bob, (s) => s.incoming())).length === sent.length, {
      timeout: 30_000,
    })
    assert.deepEqual((await call(bob, (s) => s.incoming())).sort(), sent.map((m) => m.text).sort())
    await waitFor(
      'the relay copies to reach Bob as well (counted as duplicates)',
      async () => {
        const st = await call(bob, (s) => s.stats())
        return st.duplicates >= 1
      },
      { timeout: 30_000 },
    )
    assert.equal((await call(bob, (s) => s.stats())).received, sent.length, 'nothing is received twice')

    // receipts come back the same way: Bob's delivery receipt reaches Alice's page directly
    // (Bob's client looks Alice's direct peer up again when a message arrives directly; Alice keeps writing, as
    // people do, should the first receipts leave before that answer)
    let more = 0
    await waitFor(
      'a receipt over WebRTC at Alice’s page',
      async () => {
        if ((await direct(alice))!.stats.received >= 1) return true
        if (more < 8) {
          const text = `more ${more++}`
          sent.push({ id: (await send(alice, bob.address, text)).id, text })
        }
        return false
      },
      { timeout: 60_000, interval: 2_000 },
    ).catch(async (err: Error) => {
      const state = {
        alice: [await direct(alice), (await call(alice, (s) => s.stats())).direct],
        bob: [await direct(bob), (await call(bob, (s) => s.stats())).direct],
      }
      throw new Error(`${err.message}; direct paths: ${JSON.stringify(state)}`, { cause: err })
    })
    const [conv] = await call(bob, (s) => s.conversations())
    await call(bob, (s, c: string) => s.markRead(c), conv)
    await waitFor('Alice to see the message read', async () => (await message(alice, first.id))?.state === 'read', {
      timeout: 30_000,
    })
    assert.deepEqual([...alice.errors, ...bob.errors], [])
    await call(alice, (s) => s.stop())
    await call(bob, (s) => s.stop())
  })

  test('WebRTC blocked: the direct attempt fails quietly and everything arrives through the relays', async () => {
    const bob = await open({ account: 14 }, true)
    const alice = await open({ account: 13 }, true)
    await converse(alice, bob)
    const texts: string[] = []
    const ids: string[] = []
    // the direct path is tried (and fails) once Alice's client knows Bob's direct peer; she keeps writing
    const failed = waitFor(
      'a failed direct attempt counted by Alice’s client',
      async () => {
        if ((await call(alice, (s) => s.stats())).direct.failed >= 1) return true
        if (texts.length < 8) {
          const t = `blocked ${texts.length}`
          texts.push(t)
          ids.push((await send(alice, bob.address, t)).id)
        }
        return false
      },
      { timeout: 90_000, interval: 1_500 },
    )
    await failed.catch(async (err: Error) => {
      const state = { page: await direct(alice), worker: (await call(alice, (s) => s.stats())).direct }
      throw new Error(`${err.message}; Alice's direct path: ${JSON.stringify(state)}`, { cause: err })
    })
    await waitFor(
      'the messages at Bob through the relays',
      async () => {
        return (await call(bob, (s) => s.incoming())).length === texts.length
      },
      { timeout: 30_000 },
    )
    assert.deepEqual((await call(bob, (s) => s.incoming())).sort(), texts)
    // delivered through the relays' receipts, not directly
    for (const id of ids)
      await waitFor(`"${id}" delivered`, async () => (await message(alice, id))?.state === 'delivered', {
        timeout: 30_000,
      })
    for (const id of ids) assert.notEqual((await message(alice, id))?.via, 'direct')
    // nothing went direct (WebRTC never connected), and no error reached the page
    assert.equal((await direct(alice))!.stats.delivered, 0)
    assert.equal((await direct(bob))!.stats.received, 0)
    assert.deepEqual([...alice.errors, ...bob.errors], [])
    await call(alice, (s) => s.stop())
    await call(bob, (s) => s.stop())
  })
})
