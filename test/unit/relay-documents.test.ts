/**
 * Trust documents (issue #25: an arbiter's profile, a rating's review) are single dag-cbor blocks pinned on
 * relays the way media is, against a real relay process: one is pinned and served by the gateway; one over the
 * document cap, one that is not dag-cbor under a dag-cbor CID, and a dag-cbor block that links further are
 * refused, each with its reason.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { peerIdFromString } from '@libp2p/peer-id'
import { startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { encodeReview } from '../../src/core/trust-docs.ts'
import { MediaStore } from '../../src/p2p/media.ts'
import { requestPin } from '../../src/p2p/pin-protocol.ts'
import type { SoukNode } from '../../src/p2p/node.ts'
import { MAX_DOCUMENT_BYTES } from '../../src/relay/pin-fetch.ts'
import { client, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

async function put(node: SoukNode, bytes: Uint8Array): Promise<CID> {
  const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
  await node.helia.blockstore.put(cid, bytes)
  return cid
}

describe('trust documents pinned on a relay', () => {
  let relay: Relay
  let writer: SoukNode
  const cleanup: (() => Promise<unknown>)[] = []

  before(async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    relay = await startRelay({ dataDir: dir.path })
    cleanup.push(() => relay.proc.stop())
    writer = await client([relay.wsAddr])
    cleanup.push(() => writer.stop())
  })
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('a review is pinned and served by the gateway, byte for byte', async () => {
    const review = await encodeReview({ v: 1, listingId: '7', text: 'Arrived well packed.', lang: 'en' })
    const media = new MediaStore(writer)
    await media.addDocument(review.cid, review.bytes)
    const outcomes = await media.pin([review.cid], { minRelays: 1 })
    assert.equal(outcomes[0]?.results?.[0]?.status, 'pinned', JSON.stringify(outcomes))
    const res = await fetch(`${relay.http}/ipfs/${review.cid.toString()}?format=raw`)
    assert.equal(res.status, 200)
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), review.bytes)
  })

  test("an oversized document and a non-dag-cbor block are refused; a document's links are not followed", async () => {
    const relayId = peerIdFromString(relay.peerId)
    const big = await put(writer, dagCbor.encode({ v: 1, text: 'x'.repeat(MAX_DOCUMENT_BYTES) }))
    const notCbor = await put(writer, new Uint8Array([0xff, 0xfe, 0x00]))
    const linked = await put(writer, dagCbor.encode({ v: 1, next: big }))
    const results = await requestPin(writer.libp2p, relayId, [big, notCbor], { timeoutMs: 30_000 })
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
      JSON.stringify(results),
    )
    assert.match(results[0]!.reason ?? '', /document too large/)
    assert.match(results[1]!.reason ?? '', /not dag-cbor/)
    // a document's links are not followed: the block itself is all that is pinned
    const [one] = await requestPin(writer.libp2p, relayId, [linked], { timeoutMs: 30_000 })
    assert.equal(one?.status, 'pinned', JSON.stringify(one))
    const res = await fetch(`${relay.http}/ipfs/${big.toString()}?format=raw`)
    assert.notEqual(res.status, 200, 'the linked oversized block was not fetched along')
  })
})
