/**
 * Issue #15, weakness 1 and the gateway, against a real relay process: a pin of a DAG whose leaf nobody has and
 * a file one byte over the cap (the pair that used to stall every read for a minute) leave reads untouched, and
 * the trustless gateway serves pinned media as verifiable raw blocks and CARs, and nothing else.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { CarReader } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'uint8arrays/equals'
import { peerIdFromString } from '@libp2p/peer-id'
import { startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { requestPin, type PinResult } from '../../src/p2p/pin-protocol.ts'
import type { SoukNode } from '../../src/p2p/node.ts'
import { waitFor, within } from '../helpers/wait.ts'
import { client, metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const MAX_FILE = 2_000_000
/** Long enough that the missing-CID pin is surely still waiting while the reads below run. */
const BLOCK_TIMEOUT_MS = 12_000

async function verifyBlock(cid: CID, bytes: Uint8Array): Promise<boolean> {
  return equals((await sha256.digest(bytes)).bytes, cid.multihash.bytes)
}

describe('pins never block reads', () => {
  let relay: Relay
  let seller: SoukNode
  let attacker: SoukNode
  let buyer: SoukNode
  let pinned: CID
  const file = new Uint8Array(1_500_000).map((_, i) => (i * 13) % 251)
  const cleanup: (() => Promise<unknown>)[] = []

  before(async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    relay = await startRelay({
      dataDir: dir.path,
      extraArgs: ['--max-file-bytes', String(MAX_FILE), '--block-timeout-ms', String(BLOCK_TIMEOUT_MS)],
    })
    cleanup.push(() => relay.proc.stop())
    ;[seller, attacker] = await Promise.all([client([relay.wsAddr]), client([relay.wsAddr])])
    cleanup.push(
      () => seller.stop(),
      () => attacker.stop(),
    )
    pinned = await new MediaStore(seller).addBytes(file)
    await new MediaStore(seller).pin([pinned])
    await seller.stop()
  })
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('a pin of a missing CID plus an over-cap file leave bitswap and gateway reads fast', async () => {
    const relayId = peerIdFromString(relay.peerId)
    // the attacker holds the root (so the pin gets past its 2 s probe for the root block) but not its one leaf,
    // which nobody has: the pin waits the whole block timeout for it
    const gone = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`gone ${Date.now()}`)))
    const rootBytes = dagPb.encode({ Links: [{ Hash: gone, Tsize: 9 }] })
    const nobodyHas = CID.createV1(dagPb.code, await sha256.digest(rootBytes))
    await attacker.helia.blockstore.put(nobodyHas, rootBytes)
    const overCap = await new MediaStore(attacker).addBytes(new Uint8Array(MAX_FILE + 1).fill(7))
    let missingSettled = false
    const missing = requestPin(attacker.libp2p, relayId, [nobodyHas], { timeoutMs: 60_000 }).finally(() => {
      missingSettled = true
    })
    await waitFor('the relay to start fetching the missing CID', async () => {
      return (await metric(relay.http, 'souk_relay_pins_fetching')) >= 1
    })
    const rejected = await within(
      'the relay to refuse the over-cap file',
      requestPin(attacker.libp2p, relayId, [overCap]),
      20_000,
    )
    assert.equal(rejected[0]?.status, 'rejected')
    assert.match(rejected[0]?.reason ?? '', /file too large/)

    // while the missing CID is still being waited for, a fresh buyer gets the pinned file over bitswap...
    buyer = await client([relay.wsAddr], { reservation: false })
    cleanup.push(() => buyer.stop())
    await waitFor('the buyer to connect to the relay', () => buyer.status.snapshot.relays.some((r) => r.connected))
    const started = Date.now()
    const got = await within('the pinned file over bitswap', new MediaStore(buyer).fetch(pinned), 5_000)
    assert.deepEqual(got, file)
    // ...and over HTTP
    const res = await within(
      'the pinned file from the gateway',
      fetch(`${relay.http}/ipfs/${pinned.toString()}?format=car`),
      5_000,
    )
    assert.equal(res.status, 200)
    await res.arrayBuffer()
    assert.equal(
      missingSettled,
      false,
      `the missing-CID pin ended before the reads were done (${Date.now() - started} ms)`,
    )

    const results: PinResult[] = await within('the missing-CID pin to fail', missing, BLOCK_TIMEOUT_MS + 20_000)
    assert.equal(results[0]?.status, 'failed')
    assert.equal(await metric(relay.http, 'souk_relay_pin_staged_bytes'), 0)
    const pinnedBytes = await metric(relay.http, 'souk_relay_pinned_bytes')
    assert.ok(pinnedBytes > file.byteLength && pinnedBytes < file.byteLength + 1_000, `only the file: ${pinnedBytes}`)
    // nothing of the refused file reached the blockstore
    const res2 = await fetch(`${relay.http}/ipfs/${overCap.toString()}?format=raw`)
    assert.equal(res2.status, 404)
    assert.ok((await metric(relay.http, 'souk_relay_pin_duration_seconds_count')) >= 3)
  })

  test('the gateway answers raw blocks and CARs of pinned media with caching headers', async () => {
    const rawRes = await fetch(`${relay.http}/ipfs/${pinned.toString()}`, {
      headers: { accept: 'application/vnd.ipld.raw' },
    })
    assert.equal(rawRes.status, 200)
    assert.equal(rawRes.headers.get('content-type'), 'application/vnd.ipld.raw')
    assert.equal(rawRes.headers.get('cache-control'), 'public, max-age=29030400, immutable')
    assert.equal(rawRes.headers.get('access-control-allow-origin'), '*')
    const etag = rawRes.headers.get('etag')
    assert.equal(etag, `"${pinned.toString()}.raw"`)
    assert.ok(await verifyBlock(pinned, new Uint8Array(await rawRes.arrayBuffer())), 'root block matches its CID')
    const again = await fetch(`${relay.http}/ipfs/${pinned.toString()}?format=raw`, {
      headers: { 'if-none-match': etag! },
    })
    assert.equal(again.status, 304)

    const carRes = await fetch(`${relay.http}/ipfs/${pinned.toString()}`, {
      headers: { accept: 'application/vnd.ipld.car' },
    })
    assert.equal(carRes.status, 200)
    assert.match(carRes.headers.get('content-type') ?? '', /^application\/vnd\.ipld\.car; version=1; order=dfs/)
    const reader = await CarReader.fromBytes(new Uint8Array(await carRes.arrayBuffer()))
    assert.deepEqual(
      (await reader.getRoots()).map((r) => r.toString()),
      [pinned.toString()],
    )
    let leafBytes = 0
    let blocks = 0
    for await (const { cid, bytes } of reader.blocks()) {
      assert.ok(await verifyBlock(cid, bytes), `block ${cid.toString()} matches its CID`)
      if (cid.code === raw.code) leafBytes += bytes.byteLength
      blocks++
    }
    assert.equal(leafBytes, file.byteLength, 'the CAR holds every byte of the file')
    assert.ok(blocks > 1, 'a multi-block file')

    const head = await fetch(`${relay.http}/ipfs/${pinned.toString()}?format=car`, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal((await head.arrayBuffer()).byteLength, 0)

    const unpinned = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('never pinned')))
    assert.equal((await fetch(`${relay.http}/ipfs/${unpinned.toString()}?format=raw`)).status, 404)
    assert.equal((await fetch(`${relay.http}/ipfs/not-a-cid?format=raw`)).status, 400)
    const html = await fetch(`${relay.http}/ipfs/${pinned.toString()}`, { headers: { accept: 'text/html' } })
    assert.equal(html.status, 406)
    assert.ok((await metric(relay.http, 'souk_relay_gateway_requests_total', { format: 'car', status: '200' })) >= 2)
    assert.ok((await metric(relay.http, 'souk_relay_gateway_duration_seconds_count')) >= 1)
  })
})
