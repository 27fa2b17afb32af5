/**
 * Hostile writers against the catalog: a peer that writes whatever it likes into the catalog's log (its own
 * access controller lets everything through) next to honest peers, a relay process with the catalog role and
 * anvil. Every bad entry is rejected by the relay and by an honest peer, counted by reason, and the good
 * listings keep replicating; a fresh peer, with or without the snapshot, ends with exactly the good set.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { createOrbitDB, type DocumentsDatabase, type OrbitDB } from '@orbitdb/core'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { cancelListing } from '../../src/chain/actions/cancelListing.ts'
import { CATALOG_DB_NAME } from '../../src/p2p/protocols.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { catalogPeer, listingDoc, listOnChain, seller, type CatalogPeer } from '../helpers/catalog.ts'
import { waitFor } from '../helpers/wait.ts'
import { metric } from './relay-helpers.ts'

/** A writer whose access controller admits anything, on the catalog's address. */
async function hostileWriter(stack: Stack): Promise<{ db: DocumentsDatabase; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'souk-hostile-'))
  const node: SoukNode = await createSoukNode({
    relays: stack.config.relays,
    storage: 'memory',
    webrtc: false,
    reservations: 0,
  })
  await waitFor('the hostile writer to reach the relay', () => node.libp2p.getConnections().length > 0, {
    timeout: 15_000,
  })
  const orbit: OrbitDB = await createOrbitDB({ ipfs: node.helia, id: 'hostile', directory: join(dir, 'orbitdb') })
  const address = `/souk-listings/${stack.config.chain.id}/${stack.config.contracts.market.toLowerCase()}`
  const db = await orbit.open(CATALOG_DB_NAME, {
    type: 'documents',
    AccessController: Object.assign(async () => ({ type: 'souk-listings', address, canAppend: async () => true }), {
      type: 'souk-listings',
    }),
  })
  db.events.on('error', () => {})
  // gossip sent before the relay subscribes is lost (only the newest head is exchanged later): wait for it
  await waitFor(
    'the relay to subscribe to the hostile writer',
    () => node.libp2p.services.pubsub.getSubscribers(db.address).length > 0,
    {
      timeout: 15_000,
    },
  )
  return {
    db,
    async stop() {
      await orbit.stop()
      await node.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

describe('catalog under hostile writers', () => {
  let stack: Stack
  const stops: (() => Promise<void>)[] = []
  before(async () => {
    stack = await startStack({ relays: 1 })
  })
  after(async () => {
    for (const s of stops.reverse()) await s().catch(() => {})
    await stack?.stop()
  })
  const http = (): string => stack.relays[0]!.http
  const dropped = (reason: string): Promise<number> => metric(http(), 'souk_relay_catalog_dropped_total', { reason })
  const now = (): number => Math.floor(Date.now() / 1000)

  test('every bad entry is rejected and counted, the good ones keep flowing', async () => {
    const alice = await seller(stack.config, 1)
    const honest: CatalogPeer = await catalogPeer(stack.config)
    stops.push(() => honest.stop())
    const evil = await hostileWriter(stack)
    stops.push(() => evil.stop())

    const a = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Walnut desk'))
    const b = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Copper kettle'))
    const c = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Linen curtains'))
    await honest.catalog.put(a.listingId, a.encoded)
    await honest.catalog.put(b.listingId, b.encoded)
    const { receipt } = await cancelListing(alice.wagmi, { listingId: c.listingId })
    await waitFor(
      'the relay to hold the two good listings',
      async () => (await metric(http(), 'souk_relay_catalog_listings')) === 2,
      {
        timeout: 15_000,
      },
    )

    // both have seen the cancellation (else its document is briefly shown, then removed, not refused)
    await waitFor(
      'the relay to read the cancellation',
      async () => (await metric(http(), 'souk_relay_catalog_chain_block')) >= Number(receipt.blockNumber),
      { timeout: 15_000 },
    )
    await waitFor('the honest peer to read it', () => honest.catalog.scannedBlock >= receipt.blockNumber, {
      timeout: 15_000,
    })

    // a document whose hash differs from the chain's
    const forged = dagCbor.encode({ ...listingDoc(alice.address, 'Walnut desk, now free'), schema: 'souk/listing/1' })
    await evil.db.put({ _id: a.listingId.toString(), doc: forged })
    // a real listing's document under another listing id
    await evil.db.put({ _id: b.listingId.toString(), doc: a.encoded.bytes })
    // an id that does not exist (held back, then dropped once the hold expires or overflows)
    await evil.db.put({ _id: '999999', doc: a.encoded.bytes })
    // the authentic document of a cancelled listing
    await evil.db.put({ _id: c.listingId.toString(), doc: c.encoded.bytes })
    // oversized and malformed
    await evil.db.put({ _id: a.listingId.toString(), doc: new Uint8Array(40 * 1024) })
    await evil.db.put({ _id: a.listingId.toString(), doc: 'not bytes' })
    await evil.db.put({ _id: 'not-an-id', doc: a.encoded.bytes })

    // an entry that does not even decode as a catalog entry (oversized, malformed) is refused by the topic's
    // validator (catalog-gossip.ts) before OrbitDB sees it, and not forwarded; the others by the access check
    const refusedGossip = (reason: string): Promise<number> =>
      metric(http(), 'souk_relay_catalog_gossip_rejected_total', { reason })
    await waitFor(
      'the relay to count every kind of bad entry',
      async () => {
        const counts = await Promise.all([
          dropped('hash_mismatch'),
          dropped('cancelled'),
          refusedGossip('oversized'),
          refusedGossip('malformed'),
        ])
        if (counts[0]! >= 2 && counts[1]! >= 1 && counts[2]! >= 1 && counts[3]! >= 2) return true
        throw new Error(`hash_mismatch, cancelled, oversized, malformed: ${counts.join(', ')}`)
      },
      { timeout: 20_000 },
    )
    await waitFor(
      'the honest peer to count the ones the relay passed on',
      () => {
        const d = honest.catalog.dropped
        return d.hash_mismatch >= 2 && d.cancelled >= 1
      },
      { timeout: 20_000 },
    )
    assert.equal(honest.catalog.dropped.oversized + honest.catalog.dropped.malformed, 0, 'junk is not forwarded')
    assert.equal(await metric(http(), 'souk_relay_catalog_held_back'), 1, 'the unknown id waits, once')

    // a flood of entries naming listings that will never exist: memory stays bounded by the hold limit
    for (let i = 0; i < 400; i++) await evil.db.put({ _id: String(1_000_000 + i), doc: a.encoded.bytes })
    await waitFor(
      'the relay to overflow its hold and count the rest',
      async () => (await dropped('unknown_listing')) >= 100,
      {
        timeout: 60_000,
      },
    )
    assert.ok((await metric(http(), 'souk_relay_catalog_held_back')) <= 256)
    assert.ok(honest.catalog.heldBack <= 256)

    // good entries still flow after all that
    const d = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Oak bookshelf'))
    await honest.catalog.put(d.listingId, d.encoded)
    await waitFor(
      'the relay to verify the new listing',
      async () => (await metric(http(), 'souk_relay_catalog_listings')) === 3,
      {
        timeout: 20_000,
      },
    )
    const shown = [...honest.catalog.verified.keys()].sort()
    assert.deepEqual(shown, [a.listingId, b.listingId, d.listingId].map(String).sort())
    assert.equal(honest.catalog.search.search({ text: 'walnut', now: now() }).hits[0]?.title, 'Walnut desk')

    // a fresh peer ends with the same verified set from the snapshot and from plain replication
    const fresh = await catalogPeer(stack.config)
    stops.push(() => fresh.stop())
    assert.deepEqual([...fresh.catalog.verified.keys()].sort(), shown)
    const naive = await catalogPeer(stack.config, { snapshot: false })
    stops.push(() => naive.stop())
    await waitFor('plain replication to verify the three listings', () => naive.catalog.verified.size === 3, {
      timeout: 60_000,
    })
    assert.deepEqual([...naive.catalog.verified.keys()].sort(), shown)
  })
})
