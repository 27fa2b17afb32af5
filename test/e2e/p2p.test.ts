/**
 * The P2P network end to end: real relay processes and headless Chromium pages running the real browser node
 * (src/p2p bundled with esbuild into a small test page).
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { within, waitFor } from '../helpers/wait.ts'
import { logsOnFailure, onPage as souk, p2pHarness, snapshot, waitSnapshot, type P2PPeer } from './p2p-page/harness.ts'
import type { SoukPageApi } from './p2p-page/entry.ts'
import type { NetworkSnapshot } from '../../src/p2p/network-status.ts'

const RECOVERY_MS = 50_000

describe('p2p network in the browser', { concurrency: 1 }, () => {
  const h = p2pHarness({ relays: 2, contracts: false })
  const { relayAddr } = h
  const openPeer = h.open

  let seller: P2PPeer
  let photo: Awaited<ReturnType<SoukPageApi['addPhoto']>>

  test('two browsers connect through a relay, then directly over WebRTC', async () => {
    seller = await openPeer({ relays: [relayAddr(0)] })
    const buyer = await openPeer({ relays: [relayAddr(0)] })
    await waitSnapshot(seller, 'the seller to hold a reservation', (s) => s.reservations > 0)
    await waitSnapshot(buyer, 'the buyer to be connected to a relay', (s) => s.relays.some((r) => r.connected))
    const sellerCircuit = (await snapshot(seller)).multiaddrs.find((a) => a.includes('/p2p-circuit'))
    assert.ok(sellerCircuit, 'the seller announces a relayed address')

    const conn = await logsOnFailure(
      [buyer, seller],
      within(
        'a WebRTC connection from buyer to seller',
        souk(buyer, (s, id: string) => s.dialPeer(id), seller.peerId),
        40_000,
      ),
    )
    assert.equal(conn.peer, seller.peerId)
    assert.equal(conn.limited, false, 'the connection is direct, not the limited relayed one')
    assert.match(conn.addr, /\/webrtc/)
    await waitSnapshot(seller, 'the seller to count a direct peer', (s) => s.directPeers >= 1 && s.peersSeen >= 1)

    // gossip reaches the other browser
    await souk(buyer, (s) => s.subscribe('/souk/test/1.0.0'))
    await souk(seller, (s) => s.subscribe('/souk/test/1.0.0'))
    await waitFor(
      'a gossip message from seller to buyer',
      async () => {
        await souk(seller, (s) => s.publish('/souk/test/1.0.0', 'hello from the seller'))
        return (await souk(buyer, (s) => s.received('/souk/test/1.0.0'))).includes('hello from the seller')
      },
      { timeout: 15_000, interval: 500 },
    )
    await buyer.context.close()
  })

  test('the seller learns the second relay, adds a photo and both relays pin it', async () => {
    await waitSnapshot(seller, 'the seller, told only about relay 0, to connect to relay 1 too', (s) =>
      s.relays.some((r) => r.peerId === h.stack.relays[1]!.peerId && r.connected),
    )
    photo = await souk(seller, (s) => s.addPhoto(2400, 1800, 7))
    assert.equal(photo.width, 1600)
    assert.equal(photo.height, 1200)
    assert.equal(photo.thumbWidth, 400)
    assert.equal(photo.type, 'image/webp')
    const outcomes = await within(
      'both relays to pin the photo',
      souk(seller, (s, cids: string[]) => s.pin(cids, 2), [photo.cid, photo.thumbCid]),
      40_000,
    )
    assert.equal(outcomes.length, 2)
    for (const o of outcomes)
      assert.deepEqual(
        o.results?.map((r) => r.status),
        ['pinned', 'pinned'],
        JSON.stringify(o),
      )
  })

  test('identity and blocks persist in IndexedDB across a reload', async () => {
    const before = await snapshot(seller)
    await seller.page.reload()
    await seller.page.waitForFunction(() => document.body.dataset.ready === 'true')
    const again = await souk(seller, (s, r: string[]) => s.start({ relays: r }), [relayAddr(0)])
    assert.equal(again, seller.peerId)
    const after = await snapshot(seller)
    assert.ok(
      after.bytesStored >= before.bytesStored && after.bytesStored > photo.bytes,
      `bytesStored ${after.bytesStored}`,
    )
  })

  test('a photo added in browser A is fetched in browser B after A closed', async () => {
    await seller.context.close()
    const buyer = await openPeer({ relays: [relayAddr(1)] })
    await waitSnapshot(buyer, 'the buyer to connect to a relay', (s) => s.relays.some((r) => r.connected))
    const got = await within(
      'the photo from the relays',
      souk(buyer, (s, cid: string) => s.fetchMedia(cid), photo.cid),
      20_000,
    )
    assert.equal(got.sha256, photo.sha256)
    assert.equal(got.width, 1600)
    assert.ok(
      got.progress.length >= 2 && got.progress.at(-1)!.loaded === got.bytes && got.progress.at(-1)!.total === got.bytes,
    )
    const thumb = await souk(buyer, (s, cid: string) => s.fetchMedia(cid), photo.thumbCid)
    assert.equal(thumb.sha256, photo.thumbSha256)
    assert.equal(thumb.width, 400)
    await buyer.context.close()
  })

  test('a relay restarted keeps its peer id and browsers reconnect to it', async () => {
    const peer = await openPeer({ relays: [relayAddr(0), relayAddr(1)] })
    await waitSnapshot(peer, 'reservations on both relays', (s) => s.reservations === 2)
    const old = h.stack.relays[1]!
    const restarted = await h.stack.restartRelay(1)
    assert.equal(restarted.peerId, old.peerId)
    assert.equal(restarted.wsAddr, old.wsAddr)
    await waitSnapshot(
      peer,
      'the browser to reconnect to the restarted relay and reserve again',
      (s) => s.relays.filter((r) => r.connected).length === 2 && s.reservations === 2,
      RECOVERY_MS,
    )
    // its pins survived the restart
    const other = await openPeer({ relays: [relayAddr(1)], storage: 'memory' })
    const got = await souk(other, (s, cid: string) => s.fetchMedia(cid), photo.thumbCid)
    assert.equal(got.sha256, photo.thumbSha256)
    await Promise.all([peer.context.close(), other.context.close()])
  })

  test('a browser with two relays keeps working when one is killed', async () => {
    const a = await openPeer({ relays: [relayAddr(0), relayAddr(1)] })
    const b = await openPeer({ relays: [relayAddr(1)] })
    await waitSnapshot(a, 'reservations on both relays', (s) => s.reservations === 2 && s.status === 'online')
    const killed = h.stack.relays[0]!.peerId
    const survivor = h.stack.relays[1]!.peerId
    await waitSnapshot(b, 'the other browser to connect to relay 1', (s) =>
      s.relays.some((r) => r.peerId === survivor && r.connected),
    )
    await h.stack.killRelay(0)
    const gone = (x: NetworkSnapshot): boolean => x.relays.every((r) => r.peerId !== killed || !r.connected)
    const s = await waitSnapshot(a, 'the browser to notice the relay is gone', gone)
    await waitSnapshot(b, 'the other browser to notice the relay is gone', gone)
    assert.notEqual(s.status, 'offline')
    assert.equal(s.reservations, 1)
    // still reachable by other browsers through the remaining relay, and media still loads
    const conn = await logsOnFailure(
      [b, a],
      within(
        'a WebRTC dial through the remaining relay',
        souk(b, (x, id: string) => x.dialPeer(id), a.peerId),
        40_000,
      ),
    )
    assert.equal(conn.limited, false)
    const got = await souk(a, (x, cid: string) => x.fetchMedia(cid), photo.cid)
    assert.equal(got.sha256, photo.sha256)
    // the relay comes back: the browser reconnects by itself (backoff) and reserves again
    await h.stack.restartRelay(0)
    await waitSnapshot(
      a,
      'the browser to reconnect to the revived relay',
      (x) => x.relays.every((r) => r.connected) && x.reservations === 2,
      RECOVERY_MS,
    )
    assert.deepEqual([...a.errors, ...b.errors], [])
    await Promise.all([a.context.close(), b.context.close()])
  })
})
