/**
 * Issue #24 finding 5: metric labels chosen by the network. A real relay process gets thousands of requests
 * with made-up message kinds; every label value comes from a declared list, so `/metrics` keeps its size and
 * the made-up kinds are counted together as `other`.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { killChildrenOnExit, startRelay } from '../../scripts/lib/processes.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

const KINDS = 2_000

describe('metric labels under a flood of made-up values', { timeout: 60_000 }, () => {
  test('random message kinds at a real relay: /metrics stays small, the kinds count as "other"', async () => {
    const dir = await tempDir('souk-labels-')
    cleanup.push(dir.remove)
    const relay = await startRelay({ dataDir: dir.path })
    cleanup.push(() => relay.proc.stop())
    const node: SoukNode = await createSoukNode({
      relays: [relay.wsAddr],
      storage: 'memory',
      webrtc: false,
      reservations: 0,
    })
    cleanup.push(() => node.stop())
    const peer = peerIdFromString(relay.peerId)
    const metricsText = async (): Promise<string> => await (await fetch(`${relay.http}/metrics`)).text()
    // one made-up kind first, so the series of the refusal itself exists before the baseline
    await request(node.libp2p, peer, MESSAGES_PROTOCOL, { t: 'warm-up' })
    const before = (await metricsText()).length

    let next = 0
    const answers = new Map<string, number>()
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < KINDS) {
          const kind = Math.random().toString(36).slice(2, 12)
          const a = (await request(node.libp2p, peer, MESSAGES_PROTOCOL, { t: kind })) as { t?: string }
          answers.set(String(a?.t), (answers.get(String(a?.t)) ?? 0) + 1)
        }
      }),
    )
    assert.deepEqual([...answers], [['nack', KINDS]], 'every made-up kind is refused')

    const text = await metricsText()
    // counter values grow by a few digits; each new series would add ~90 bytes (2,000 of them: ~180 KB)
    assert.ok(
      text.length - before < 2_048,
      `/metrics grew from ${before} to ${text.length} bytes under ${KINDS} made-up kinds`,
    )
    const series = text.split('\n').filter((l) => l.startsWith('souk_relay_messages_dropped_total{'))
    assert.ok(series.length <= 4, `dropped_total has ${series.length} series:\n${series.join('\n')}`)
    assert.equal(
      await metric(relay.http, 'souk_relay_messages_dropped_total', { reason: 'malformed', where: 'other' }),
      KINDS + 1,
    )
  })
})
