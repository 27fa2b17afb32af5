/**
 * The mailbox flood of issue #24 (findings 4 and 5) against one real relay process, as the report ran it:
 *
 * 1. 60 throwaway wallets from one IP (one Node peer) send 6,000 messages of 32 KB to one victim;
 * 2. the victim pulls everything stored for it (what it learns first, pages, bytes);
 * 3. 15,000 requests with random message kinds (`{ t: <random> }`) on `/souk/msg/1.0.0`.
 *
 * Prints the relay's RSS and `/metrics` size before and after each part, what was accepted and refused (by
 * the nack's code), and as its last line one JSON object. The relay runs with its default limits unless
 * given `-- --relay-args "--mailbox-bytes 1000000 …"`.
 *
 * Usage: node test/bench/mailbox-flood.ts [--messages 6000] [--wallets 60] [--kinds 15000] [--relay-args "…"]
 * [--relay-node-args "…"]
 */
import { parseArgs } from 'node:util'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { killChildrenOnExit, startRelay, stopAll } from '../../scripts/lib/processes.ts'
import { createDeviceKeys, sealEnvelope, signPull, type DeviceKeys } from '../../src/core/messaging.ts'
import { createSoukNode } from '../../src/p2p/node.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { deviceKeys } from '../helpers/messaging.ts'
import { metric } from '../unit/relay-helpers.ts'

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '6000' },
    wallets: { type: 'string', default: '60' },
    kinds: { type: 'string', default: '15000' },
    'relay-args': { type: 'string', default: '' },
    // e.g. --relay-node-args="--expose-gc --import ./gc.mjs" (a gc() every second): the heap without garbage
    'relay-node-args': { type: 'string', default: '' },
  },
})
const MESSAGES = Number(values.messages)
const WALLETS = Number(values.wallets)
const KINDS = Number(values.kinds)

killChildrenOnExit()
const log = (s: string): void => void process.stderr.write(`${s}\n`)
const dir = await mkdtemp(join(tmpdir(), 'souk-bench-flood-'))
const relay = await startRelay({
  dataDir: dir,
  name: 'relay',
  nodeArgs: values['relay-node-args'].split(/\s+/).filter(Boolean),
  extraArgs: ['--sender-rate', '1000000', ...values['relay-args'].split(/\s+/).filter(Boolean)],
})
const node = await createSoukNode({ relays: [relay.wsAddr], storage: 'memory', webrtc: false, reservations: 0 })
const peer = peerIdFromString(relay.peerId)
const mb = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10
const rss = async (): Promise<number> => await metric(relay.http, 'process_resident_memory_bytes')
const heap = async (): Promise<number> => await metric(relay.http, 'nodejs_heap_size_used_bytes')
const metricsSize = async (): Promise<number> => (await (await fetch(`${relay.http}/metrics`)).text()).length

/** Runs `work` for 0..n-1 with `concurrency` in flight. */
async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++)
    }),
  )
}

try {
  const victim = await deviceKeys(2)
  const wallets: DeviceKeys[] = await Promise.all(
    Array.from({ length: WALLETS }, async () => {
      const account = privateKeyToAccount(generatePrivateKey())
      return await createDeviceKeys(account.address, (message) => account.signMessage({ message }))
    }),
  )
  const rss0 = await rss()
  const heap0 = await heap()
  const size0 = await metricsSize()
  const answers: Record<string, number> = {}
  const started = performance.now()
  await pool(MESSAGES, 32, async (i) => {
    const { envelope } = await sealEnvelope({
      from: wallets[i % WALLETS]!,
      to: victim.binding.address,
      devices: [victim.binding],
      payload: { t: 'text', text: 'x'.repeat(32_000) },
      clock: i,
    })
    const a = (await request(node.libp2p, peer, MESSAGES_PROTOCOL, { t: 'put', env: envelope }).catch((err) => ({
      t: 'error',
      code: (err as Error).name,
    }))) as { t?: string; code?: string; reason?: string }
    const k = a.t === 'ack' ? 'ack' : `${a.t}:${a.code ?? a.reason ?? '?'}`
    answers[k] = (answers[k] ?? 0) + 1
  })
  const floodS = (performance.now() - started) / 1000
  const rss1 = await rss()
  const heap1 = await heap()
  const stored = await metric(relay.http, 'souk_relay_messages_stored')

  // the victim pulls: what it learns first, then page by page
  let after = 0
  let pages = 0
  let pulled = 0
  let items = 0
  let firstWaiting: unknown
  for (;;) {
    const page = (await request(node.libp2p, peer, MESSAGES_PROTOCOL, await signPull(victim, after), {
      timeoutMs: 60_000,
    })) as { items: { at: number }[]; more: boolean; waiting?: unknown }
    firstWaiting ??= page.waiting ?? 'nothing (no inventory in the answer)'
    pages++
    pulled += JSON.stringify(page).length
    items += page.items.length
    for (const it of page.items) after = Math.max(after, it.at)
    if (!page.more || page.items.length === 0) break
  }

  // random message kinds
  const rss2 = await rss()
  const size2 = await metricsSize()
  await pool(KINDS, 32, async () => {
    await request(node.libp2p, peer, MESSAGES_PROTOCOL, { t: Math.random().toString(36).slice(2, 12) }).catch(() => {})
  })
  const rss3 = await rss()
  const size3 = await metricsSize()

  const rows: [string, string, string][] = [
    ['flood', `${MESSAGES} × 32 KB`, `${WALLETS} wallets, one IP, ${floodS.toFixed(1)} s`],
    ['answers', JSON.stringify(answers), 'ack, or nack:<code>'],
    ['stored for the victim', String(stored), ''],
    ['relay RSS (MB)', `${mb(rss0)} → ${mb(rss1)}`, 'before → after the flood'],
    ['relay heap used (MB)', `${mb(heap0)} → ${mb(heap1)}`, 'before → after the flood'],
    ['victim learnt first', JSON.stringify(firstWaiting), ''],
    ['victim pulled', `${mb(pulled)} MB`, `${items} messages in ${pages} pages`],
    ['/metrics (KB)', `${Math.round(size0 / 1024)} → ${Math.round(size2 / 1024)} → ${Math.round(size3 / 1024)}`, ''],
    ['relay RSS (MB)', `${mb(rss2)} → ${mb(rss3)}`, `${KINDS} random kinds`],
  ]
  for (const [a, b, c] of rows) console.log(`${a.padEnd(24)} ${b.padEnd(40)} ${c}`)
  console.log(
    JSON.stringify({
      bench: 'mailbox-flood',
      floodS: Math.round(floodS * 10) / 10,
      answers,
      stored,
      rssMb: [mb(rss0), mb(rss1)],
      heapMb: [mb(heap0), mb(heap1)],
      pulledMb: mb(pulled),
      pages,
      metricsKb: [Math.round(size0 / 1024), Math.round(size3 / 1024)],
      kindsRssMb: [mb(rss2), mb(rss3)],
    }),
  )
} finally {
  await node.stop().catch(() => {})
  await stopAll()
  await rm(dir, { recursive: true, force: true })
  log('done')
}
