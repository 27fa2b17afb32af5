/**
 * The catalog against the real thing: anvil with the market deployed, a relay process with the catalog role,
 * Node peers built like browsers. Replication, chain verification, snapshot bootstrap, search.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { cancelListing } from '../../src/chain/actions/cancelListing.ts'
import { updateListing } from '../../src/chain/actions/updateListing.ts'
import { encodeListing } from '../../src/core/listing.ts'
import { catalogPeer, listingDoc, listOnChain, seller, type CatalogPeer } from '../helpers/catalog.ts'
import { waitFor } from '../helpers/wait.ts'
import { metric } from './relay-helpers.ts'

describe('catalog', () => {
  let stack: Stack
  const peers: CatalogPeer[] = []
  before(async () => {
    stack = await startStack({ relays: 1 })
  })
  after(async () => {
    for (const p of peers) await p.stop().catch(() => {})
    await stack?.stop()
  })
  const http = (): string => stack.relays[0]!.http
  const now = (): number => Math.floor(Date.now() / 1000)

  test('a listing put by its seller replicates to the relay and to a fresh peer, which finds it by search', async () => {
    const alice = await seller(stack.config, 1)
    const a = await catalogPeer(stack.config)
    peers.push(a)
    const { listingId, encoded } = await listOnChain(alice.wagmi, listingDoc(alice.address, 'Brass lantern'))
    await a.catalog.put(listingId, encoded)
    await a.catalog.whenListed(listingId.toString(), AbortSignal.timeout(10_000))
    await waitFor(
      'the relay to verify the listing',
      async () => (await metric(http(), 'souk_relay_catalog_listings')) === 1,
      {
        timeout: 15_000,
      },
    )
    const b = await catalogPeer(stack.config)
    peers.push(b)
    // from the snapshot alone: searchable as soon as the catalog opened
    assert.equal(b.catalog.verified.size, 1)
    const hits = b.catalog.search.search({ text: 'lantern', now: now() }).hits
    assert.deepEqual(
      hits.map((h) => h.id),
      [listingId.toString()],
    )
    assert.equal(hits[0]!.status, 'open')
    assert.equal(hits[0]!.price, 5_000_000n)
  })

  test('a new listing reaches an online peer, and updates and cancellations follow the chain', async () => {
    const bob = await seller(stack.config, 2)
    const [a, b] = [peers[0]!, peers[1]!]
    const { listingId, encoded } = await listOnChain(bob.wagmi, listingDoc(bob.address, 'Teak chair'))
    const id = listingId.toString()
    await a.catalog.put(listingId, encoded)
    await b.catalog.whenListed(id, AbortSignal.timeout(15_000))
    assert.equal(b.catalog.search.search({ text: 'teak', now: now() }).total, 1)
    // b heard from a through the relay's gossip without ever connecting to it: a device seen (issue #26: the
    // count of connections alone said "Peers seen 0" with five browsers trading through one relay)
    await waitFor('b to count a among the devices it heard from', () => b.node.status.snapshot.peersSeen >= 1, {
      timeout: 10_000,
    })
    assert.equal(b.node.status.snapshot.directPeers, 0, 'a and b are not connected to each other')

    const v2 = await encodeListing(listingDoc(bob.address, 'Teak armchair'))
    await updateListing(bob.wagmi, { listingId, contentHash: v2.contentHash })
    await waitFor('the old document to leave the catalog', () => !b.catalog.verified.has(id), { timeout: 15_000 })
    await a.catalog.put(listingId, v2)
    await waitFor(
      'the new document to arrive',
      () => b.catalog.search.search({ text: 'armchair', now: now() }).total === 1,
      {
        timeout: 15_000,
      },
    )

    await cancelListing(bob.wagmi, { listingId })
    await waitFor(
      'the cancelled listing to leave search',
      () => b.catalog.search.search({ text: 'teak', now: now() }).total === 0,
      {
        timeout: 15_000,
      },
    )
    await waitFor('the relay to drop it too', async () => (await metric(http(), 'souk_relay_catalog_listings')) === 1, {
      timeout: 15_000,
    })
  })
})
