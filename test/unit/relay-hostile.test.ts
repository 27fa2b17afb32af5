/**
 * Hostile input against a real relay process: oversized and garbage frames, bad CIDs, malformed blocks,
 * files over the cap, a seller over quota, request floods, forged gossip and non-libp2p bytes on the socket.
 * Each is dropped and counted in /metrics, and the relay keeps serving honest peers.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { peerIdFromString } from '@libp2p/peer-id'
import { startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { MediaStore, MediaPinError } from '../../src/p2p/media.ts'
import { PIN_PROTOCOL, RELAYS_TOPIC } from '../../src/p2p/protocols.ts'
import type { SoukNode } from '../../src/p2p/node.ts'
import { waitFor, within } from '../helpers/wait.ts'
import { client, health, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

function varint(n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Uint8Array.from(out)
}

function frame(bytes: Uint8Array): Uint8Array {
  const len = varint(bytes.byteLength)
  const out = new Uint8Array(len.byteLength + bytes.byteLength)
  out.set(len)
  out.set(bytes, len.byteLength)
  return out
}

describe('relay under hostile input', () => {
  let relay: Relay
  let attacker: SoukNode
  let media: MediaStore
  const cleanup: (() => Promise<unknown>)[] = []

  before(async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    relay = await startRelay({
      dataDir: dir.path,
      extraArgs: ['--max-file-bytes', '100000', '--peer-quota-bytes', '120000', '--pin-rate', '12'],
    })
    cleanup.push(() => relay.proc.stop())
    attacker = await client([relay.wsAddr])
    cleanup.push(() => attacker.stop())
    media = new MediaStore(attacker)
  })
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  const dropped = (reason: string): Promise<number> =>
    metric(relay.http, 'souk_relay_dropped_frames_total', { protocol: 'pin', reason })
  /** Waits for a drop counter, and on timeout says what the relay did count. */
  const waitDropped = async (what: string, reason: string, test: (n: number) => boolean): Promise<void> => {
    try {
      await waitFor(what, async () => test(await dropped(reason)))
    } catch (err) {
      const text = await (await fetch(`${relay.http}/metrics`)).text()
      const counted = text
        .split('\n')
        .filter((l) => l.startsWith('souk_relay_dropped') || l.startsWith('souk_relay_pins_rejected'))
      throw new Error(
        `${(err as Error).message}; relay counted:\n${counted.join('\n')}\nrelay output:\n${relay.proc.output()}`,
        { cause: err },
      )
    }
  }
  /** Opens a pin stream, writes `chunks` and waits until the relay has closed or reset it. */
  const rawPinStream = async (...chunks: Uint8Array[]): Promise<void> => {
    const stream = await attacker.libp2p.dialProtocol(peerIdFromString(relay.peerId), PIN_PROTOCOL)
    const closed = new Promise<void>((resolve) => stream.addEventListener('close', () => resolve(), { once: true }))
    try {
      for (const c of chunks) stream.send(c)
      await stream.close()
    } catch {
      // the relay may reset the stream before we are done writing: that is the point
    }
    if (stream.status === 'open' || stream.status === 'closing')
      await within('the relay to close the stream', closed, 15_000)
  }

  test('an oversized frame is dropped and counted', async () => {
    // a length prefix far over the 4 KiB cap, then one just over it
    await rawPinStream(varint(10_000_000), new Uint8Array(64 * 1024))
    await rawPinStream(varint(5_000), new Uint8Array(5_000))
    await waitDropped('two oversized pin frames to be counted', 'oversized', (n) => n === 2)
  })

  test('garbage and invalid requests are dropped as malformed', async () => {
    await rawPinStream(frame(Uint8Array.from([0xff, 0xfe, 0x00, 0x7b])))
    await rawPinStream(frame(new TextEncoder().encode('{"cids":["not-a-cid"]}')))
    await rawPinStream(frame(new TextEncoder().encode(JSON.stringify({ cids: new Array(100).fill('x') }))))
    await waitDropped('three malformed pin frames to be counted', 'malformed', (n) => n === 3)
  })

  test('a malformed block is refused, counted and not kept', async () => {
    const garbage = new TextEncoder().encode('this is not a protobuf node \u0000\u0001')
    const cid = CID.createV1(dagPb.code, await sha256.digest(garbage))
    await attacker.helia.blockstore.put(cid, garbage)
    await assert.rejects(media.pin([cid]), (err: MediaPinError) => {
      assert.equal(err.outcomes[0]?.results?.[0]?.status, 'rejected')
      assert.match(err.outcomes[0]?.results?.[0]?.reason ?? '', /malformed block/)
      return true
    })
    assert.equal(await metric(relay.http, 'souk_relay_malformed_blocks_total'), 1)
    assert.equal(await metric(relay.http, 'souk_relay_pinned_bytes'), 0)
  })

  test('a file over the size cap and a seller over quota are refused', async () => {
    const big = await media.addBytes(new Uint8Array(150_000).fill(1))
    await assert.rejects(media.pin([big]), /file too large/)
    const first = await media.addBytes(new Uint8Array(60_000).fill(2))
    await media.pin([first])
    const second = await media.addBytes(new Uint8Array(70_000).fill(3))
    await assert.rejects(media.pin([second]), /quota exceeded/)
    assert.equal(await metric(relay.http, 'souk_relay_pinned_bytes'), 60_000)
    assert.equal(await metric(relay.http, 'souk_relay_pins_rejected_total', { reason: 'quota exceeded' }), 1)
    assert.equal(await metric(relay.http, 'souk_relay_pins_rejected_total', { reason: 'file too large' }), 1)
  })

  test('a flood of pin requests is rate limited', async () => {
    for (let i = 0; i < 20; i++) await rawPinStream(frame(new TextEncoder().encode('{}')))
    await waitDropped('the flood to be rate limited', 'rate_limited', (n) => n >= 8)
  })

  test('forged relay announcements are rejected by gossip validation', async () => {
    await attacker.libp2p.services.pubsub.publish(RELAYS_TOPIC, new TextEncoder().encode('{"peerId":"me","addrs":[]}'))
    await waitFor(
      'an invalid gossip message to be counted',
      async () => (await metric(relay.http, 'souk_relay_invalid_gossip_total')) >= 1,
    )
  })

  test('bytes that are not libp2p on the WebSocket are dropped', async () => {
    const url = `ws://127.0.0.1:${/\/tcp\/(\d+)/.exec(relay.wsAddr)![1]}`
    const ws = new WebSocket(url)
    ws.binaryType = 'arraybuffer'
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve()
      ws.onerror = () => reject(new Error('websocket to the relay failed'))
    })
    const closed = new Promise<void>((resolve) => (ws.onclose = () => resolve()))
    ws.send(new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff))
    await closed
  })

  test('after all that the relay still serves an honest seller', async () => {
    assert.equal(relay.proc.child.exitCode, null, 'relay process is still running')
    assert.equal((await health(relay.http)).ok, true)
    const honest = await client([relay.wsAddr])
    cleanup.push(() => honest.stop())
    const honestMedia = new MediaStore(honest)
    const cid = await honestMedia.addBytes(new Uint8Array(50_000).fill(9))
    const outcomes = await honestMedia.pin([cid])
    assert.equal(outcomes[0]?.results?.[0]?.status, 'pinned')
    assert.equal(await metric(relay.http, 'souk_relay_pinned_bytes'), 110_000)
    assert.doesNotMatch(relay.proc.output(), /uncaught|unhandled rejection/)
  })
})
