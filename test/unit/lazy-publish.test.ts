/**
 * Publishing's code loads on the first publish, once; a load that failed (offline) is tried again next time.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { LazyPublishService, type ClosablePublishService } from '../../src/services/lazy-publish.ts'
import type { ListingDraft, PublishResult } from '../../src/services/types.ts'

const draft: ListingDraft = {
  title: 'Lamp',
  description: 'Brass, 1950s.',
  category: 'home',
  condition: 'good',
  photos: [],
  reserve: 0n,
  currency: 'ETH',
  biddingSeconds: 3_600,
  revealSeconds: 3_600,
  arbiters: ['0x0000000000000000000000000000000000000001'],
  shippingFrom: 'Braga',
  language: 'en',
}
const result: PublishResult = { listingId: '7', txHash: '0x01' }

function fakeService(calls: string[]): ClosablePublishService {
  return {
    async publish(d) {
      calls.push(`publish ${d.title}`)
      return result
    },
    async update(id, d) {
      calls.push(`update ${id} ${d.title}`)
      return result
    },
    close() {
      calls.push('close')
    },
  }
}

describe('LazyPublishService', () => {
  it('loads nothing until the first publish, then loads once', async () => {
    const calls: string[] = []
    const lazy = new LazyPublishService(async () => {
      calls.push('load')
      return fakeService(calls)
    })
    assert.deepEqual(calls, [], 'the publishing code loaded before anyone published')
    assert.deepEqual(await lazy.publish(draft, {}), result)
    await lazy.publish(draft, {})
    lazy.close()
    // close() does not wait for the loaded service; let its promise callbacks run
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(calls, ['load', 'publish Lamp', 'publish Lamp', 'close'])
  })

  it('says why when the code cannot load, and loads again on the next publish', async () => {
    let attempts = 0
    const lazy = new LazyPublishService(async () => {
      attempts++
      if (attempts === 1) throw new TypeError('Failed to fetch dynamically imported module')
      return fakeService([])
    })
    await assert.rejects(lazy.publish(draft, {}), /Failed to fetch dynamically imported module/)
    assert.deepEqual(await lazy.publish(draft, {}), result)
    assert.equal(attempts, 2)
  })

  it('closing before any publish loads nothing', () => {
    let loaded = false
    const lazy = new LazyPublishService(async () => {
      loaded = true
      return fakeService([])
    })
    lazy.close()
    assert.equal(loaded, false)
  })
})
