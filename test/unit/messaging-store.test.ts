import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { envelopeSize, sealEnvelope } from '../../src/core/messaging.ts'
import { MessageStore } from '../../src/relay/message-store.ts'
import { deviceKeys } from '../helpers/messaging.ts'

async function sealed(n: number, text = (i: number) => `${i}`) {
  const [alice, bob] = [await deviceKeys(1), await deviceKeys(2)]
  const list = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      sealEnvelope({
        from: alice,
        to: bob.binding.address,
        devices: [bob.binding],
        payload: { t: 'text', text: text(i) },
        clock: i,
      }),
    ),
  )
  return { alice, bob, list }
}

describe('relay message store', () => {
  test('concurrent puts get distinct, ordered `at`s, so paging by cursor never skips one (found by bench:messages)', async () => {
    const { alice, bob, list } = await sealed(200)
    // a datastore whose writes finish in random order, like a busy disk
    const ds = new MemoryDatastore()
    const batch = ds.batch.bind(ds)
    ds.batch = () => {
      const b = batch()
      const commit = b.commit.bind(b)
      b.commit = async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5))
        return commit()
      }
      return b
    }
    const store = new MessageStore(ds)
    await store.load()
    await Promise.all(list.map(({ envelope, id }) => store.put(id, envelope, envelopeSize(envelope), ['peer:a'])))
    // small pages: many boundaries
    const seen = new Set<string>()
    let after = 0
    for (;;) {
      const { items, more } = await store.page(bob.binding.address, after, 4_000)
      for (const m of items) {
        assert.ok(m.at > after, 'pages come in cursor order')
        seen.add(m.id)
        after = m.at
      }
      if (!more) break
    }
    assert.equal(seen.size, 200)
    // and a restart (load from the datastore) keeps the same order, count and tallies
    const reloaded = new MessageStore(ds)
    await reloaded.load()
    assert.equal((await reloaded.page(bob.binding.address, 0, 10_000_000)).items.length, 200)
    assert.equal(reloaded.keysOf(alice.binding.address).length, 1)
    assert.deepEqual(reloaded.storedFrom('peer:a'), { count: 200, bytes: store.bytes })
    assert.equal(reloaded.storedFor(alice.binding.address), 200)
  })

  test('load reads the index, not the envelopes; what waits is what the recipient has not pulled', async () => {
    const { bob, list } = await sealed(50, () => 'x'.repeat(10_000))
    const ds = new MemoryDatastore()
    const store = new MessageStore(ds)
    await store.load()
    for (const { envelope, id } of list) await store.put(id, envelope, envelopeSize(envelope), ['ip:x'])
    const bytes = list.reduce((n, { envelope }) => n + envelopeSize(envelope), 0)
    assert.deepEqual(store.waitingFor(bob.binding.address), { count: 50, bytes })

    // a page counts as pulled; a page of 0 bytes only says what waits
    const inventory = await store.page(bob.binding.address, 0, 0)
    assert.deepEqual(inventory, { items: [], more: true, waiting: { count: 50, bytes } })
    const first = await store.page(bob.binding.address, 0, 100_000)
    assert.ok(first.items.length > 1 && first.items.length < 50 && first.more)
    assert.equal(store.waitingFor(bob.binding.address).count, 50 - first.items.length)

    // every read of the restarted store is counted: it must not touch an envelope until a page asks for one
    const reads: string[] = []
    const spy = Object.assign(Object.create(ds) as MemoryDatastore, {
      get: (key: Key) => (reads.push(key.toString()), ds.get(key)),
      query: (q: { prefix?: string }) => {
        reads.push(`query ${q.prefix}`)
        return ds.query(q)
      },
    })
    const reloaded = new MessageStore(spy)
    await reloaded.load()
    assert.ok(!reads.some((r) => r.startsWith('/souk/msg/') || r === 'query /souk/msg/'), reads.join('\n'))
    assert.equal(reloaded.size, 50)
    assert.equal(reloaded.bytes, bytes)
    assert.equal(reloaded.waitingFor(bob.binding.address).count, 50 - first.items.length, 'the pull mark is kept')
    const page = await reloaded.page(bob.binding.address, 0, 100_000)
    assert.deepEqual(
      page.items.map((m) => m.id),
      first.items.map((m) => m.id),
    )
    assert.ok(
      reads.some((r) => r.startsWith('/souk/msg/')),
      'a page reads its envelopes from disk',
    )

    // expiry frees every tally
    await reloaded.expire(Date.now() + 60_000) // `at`s may run ahead of the clock (one per put)
    assert.equal(reloaded.size, 0)
    assert.deepEqual(reloaded.waitingFor(bob.binding.address), { count: 0, bytes: 0 })
    assert.deepEqual(reloaded.storedFrom('ip:x'), { count: 0, bytes: 0 })
    for (const prefix of ['/souk/msg/', '/souk/msgidx/', '/souk/msgmark/'])
      assert.equal((await ds.query({ prefix }).next()).done, true, `nothing left under ${prefix}`)
  })

  test('a data directory from before the index is indexed once', async () => {
    const { bob, list } = await sealed(5)
    const ds = new MemoryDatastore()
    const enc = new TextEncoder()
    for (const [i, { envelope, id }] of list.entries())
      await ds.put(new Key(`/souk/msg/${id}`), enc.encode(JSON.stringify({ env: envelope, at: 1_000 + i })))
    const store = new MessageStore(ds)
    await store.load()
    assert.equal(store.size, 5)
    assert.equal((await store.page(bob.binding.address, 0, 1_000_000)).items.length, 5)
    const again = new MessageStore(ds)
    await again.load()
    assert.equal(again.size, 5)
  })
})
