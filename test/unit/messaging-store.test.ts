import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryDatastore } from 'datastore-core'
import { sealEnvelope } from '../../src/core/messaging.ts'
import { MessageStore } from '../../src/relay/message-store.ts'
import { deviceKeys } from '../helpers/messaging.ts'

test('concurrent puts get distinct, ordered `at`s, so paging by cursor never skips one (found by bench:messages)', async () => {
  const [alice, bob] = [await deviceKeys(1), await deviceKeys(2)]
  // a datastore whose writes finish in random order, like a busy disk
  const ds = new MemoryDatastore()
  const put = ds.put.bind(ds)
  ds.put = async (key, value) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5))
    return put(key, value)
  }
  const store = new MessageStore(ds)
  const sealed = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      sealEnvelope({
        from: alice,
        to: bob.binding.address,
        devices: [bob.binding],
        payload: { t: 'text', text: `${i}` },
        clock: i,
      }),
    ),
  )
  await Promise.all(sealed.map(({ envelope, id }) => store.put(id, envelope)))
  // small pages: many boundaries
  const seen = new Set<string>()
  let after = 0
  for (;;) {
    const { items, more } = store.page(bob.binding.address, after, 4_000)
    for (const m of items) {
      assert.ok(m.at > after, 'pages come in cursor order')
      seen.add(m.id)
      after = m.at
    }
    if (!more) break
  }
  assert.equal(seen.size, 200)
  // and a restart (load from the datastore) keeps the same order and count
  const reloaded = new MessageStore(ds)
  await reloaded.load()
  assert.equal(reloaded.page(bob.binding.address, 0, 10_000_000).items.length, 200)
  assert.equal(reloaded.keysOf(alice.binding.address).length, 1)
})
