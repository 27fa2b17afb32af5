/**
 * Issue #24 finding 4 against a real relay process: envelopes stay on disk across a restart and are not loaded
 * into memory at start (the index is; a data directory from before the index is indexed once), pulls read them
 * back intact, and the relay's total cap refuses once it is reached. The flood: relay-mailbox-flood.test.ts.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { privateKeyToAddress, generatePrivateKey } from 'viem/accounts'
import { killChildrenOnExit } from '../../scripts/lib/processes.ts'
import { join } from 'node:path'
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { BindingVerifier, envelopeSize, sealEnvelope, signPull, verifyEnvelope } from '../../src/core/messaging.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { deviceKeys, flood, tally, throwawayKeys } from '../helpers/messaging.ts'
import { metric } from './relay-helpers.ts'
import { mailboxFixtures } from './mailbox-fixtures.ts'

killChildrenOnExit()

const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

const { relay, node } = mailboxFixtures(cleanup)

const randomAddress = (): `0x${string}` => privateKeyToAddress(generatePrivateKey())

describe('mailbox store across restarts', { timeout: 120_000 }, () => {
  test('an older data directory is indexed once; then envelopes stay on disk, out of memory; the total cap refuses', async (t) => {
    const victim = await deviceKeys(2)
    const wallets = await throwawayKeys(60)
    // an empty relay: its heap is the baseline
    let r = await relay({})
    const heapEmpty = await metric(r.http, 'nodejs_heap_size_used_bytes')
    await r.proc.stop()

    // 600 envelopes of 32 KB in its datastore, as a relay kept them before the index (the upgrade path;
    // written here rather than sent, which takes minutes on a loaded machine)
    const COUNT = 600
    const ds = new LevelDatastore(join(r.dir, 'datastore'))
    await ds.open()
    let bytes = 0
    const now = Date.now()
    for (let i = 0; i < COUNT; i++) {
      const { envelope, id } = await sealEnvelope({
        from: wallets[i % wallets.length]!,
        to: victim.binding.address,
        devices: [victim.binding],
        payload: { t: 'text', text: 'x'.repeat(32_000) },
        clock: i,
      })
      bytes += envelopeSize(envelope)
      const record = new TextEncoder().encode(JSON.stringify({ env: envelope, at: now - COUNT + i }))
      await ds.put(new Key(`/souk/msg/${id}`), record)
    }
    await ds.delete(new Key('/souk/msgmeta/indexed')) // as an older relay left it: no index yet
    await ds.close()

    // the first start indexes them (reading each envelope once); the next one reads only the index
    r = await relay({}, r.dir, r)
    assert.equal(await metric(r.http, 'souk_relay_messages_stored'), COUNT)
    await r.proc.stop()
    // … with the relay's total cap below what is stored
    r = await relay({ SOUK_RELAY_MAILBOX_TOTAL_BYTES: String(Math.floor(bytes / 2)) }, r.dir, r)
    const heap = await metric(r.http, 'nodejs_heap_size_used_bytes')
    t.diagnostic(
      `heap used: ${Math.round(heapEmpty / 1e6)} MB empty, ${Math.round(heap / 1e6)} MB after a restart with ${Math.round(bytes / 1e6)} MB stored`,
    )
    assert.ok(
      heap < heapEmpty + bytes / 2,
      `heap ${Math.round(heap / 1e6)} MB with ${Math.round(bytes / 1e6)} MB of envelopes stored (empty relay: ${Math.round(heapEmpty / 1e6)} MB)`,
    )
    assert.equal(await metric(r.http, 'souk_relay_messages_stored'), COUNT, 'every message is back after a restart')
    assert.equal(await metric(r.http, 'souk_relay_messages_stored_bytes'), bytes)

    // read from disk on a pull, intact
    const reader = await node(r)
    const page = (await request(
      reader.libp2p,
      peerIdFromString(r.peerId),
      MESSAGES_PROTOCOL,
      await signPull(victim, 0),
      { timeoutMs: 30_000 },
    )) as { items: { env: unknown }[]; more: boolean; waiting: { count: number; bytes: number } }
    assert.deepEqual(page.waiting, { count: COUNT, bytes })
    assert.ok(page.items.length > 5 && page.more)
    const bindings = new BindingVerifier()
    for (const it of page.items) await verifyEnvelope(it.env, { bindings })

    // the whole relay holds at most --mailbox-total-bytes: past it, new messages are refused
    const answer = tally(
      await flood(reader.libp2p, r.peerId, {
        from: wallets,
        to: randomAddress,
        devices: [victim.binding],
        count: 3,
        bytes: 100,
      }),
    )
    assert.deepEqual(answer, { acks: 0, nacks: { relay_full: 3 } })
    assert.equal(await metric(r.http, 'souk_relay_messages_dropped_total', { reason: 'relay_full' }), 3)
  })
})
