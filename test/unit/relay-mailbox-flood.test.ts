/**
 * Issue #24 finding 4, mailbox flooding, against real relay processes: throwaway wallets on one IP fill a
 * victim's mailbox only up to its cap and are refused with a code the sender reads; honest mail still flows;
 * the victim learns how much waits (count and bytes) before it pulls, and pulls in pages; an honest message
 * refused at the cap stays in its sender's outbox and lands once the mailbox has room; the per-peer, per-IP
 * caps refuse in turn. The total cap and a restart: relay-mailbox-restart.test.ts; between relays:
 * relay-mailbox-sync.test.ts.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { privateKeyToAddress, generatePrivateKey } from 'viem/accounts'
import { killChildrenOnExit } from '../../scripts/lib/processes.ts'
import { envelopeSize, sealEnvelope, signPull } from '../../src/core/messaging.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import type { InboxProgress } from '../../src/p2p/messaging/client.ts'
import { waitFor } from '../helpers/wait.ts'
import { device, deviceKeys, flood, tally, throwawayKeys, type Device } from '../helpers/messaging.ts'
import { metric } from './relay-helpers.ts'
import { mailboxFixtures } from './mailbox-fixtures.ts'

killChildrenOnExit()

const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

const { relay, node } = mailboxFixtures(cleanup)

async function dev(...args: Parameters<typeof device>): Promise<Device> {
  const d = await device(...args)
  cleanup.push(() => d.stop())
  return d
}

const randomAddress = (): `0x${string}` => privateKeyToAddress(generatePrivateKey())

const texts = (d: Device): string[] =>
  d.client.conversations().flatMap((c) =>
    d.client
      .thread(c.conv)
      .filter((m) => m.direction === 'in')
      .map((m) => m.text),
  )

describe('mailbox flood against a real relay', { concurrency: false, timeout: 120_000 }, () => {
  test('mailbox, peer and IP caps refuse a flood with readable codes; honest mail flows; the victim pulls in pages', async () => {
    const [victim, alice, carol] = [await deviceKeys(2), await deviceKeys(1), await deviceKeys(3)]
    const wallets = await throwawayKeys(60)
    const size = envelopeSize(
      (
        await sealEnvelope({
          from: wallets[0]!,
          to: victim.binding.address,
          devices: [victim.binding],
          payload: { t: 'text', text: 'x'.repeat(32_000) },
          clock: 100,
        })
      ).envelope,
    )
    // the mailbox holds 30 messages (the count binds: 30 of these fit in its 1.5 MB, and a small honest message
    // must find it full too)
    const MAILBOX = 1_500_000
    const r = await relay({
      SOUK_RELAY_MAILBOX_MESSAGES: '30',
      SOUK_RELAY_MAILBOX_BYTES: String(MAILBOX),
      SOUK_RELAY_MAILBOX_PEER_BYTES: '3000000',
      SOUK_RELAY_MAILBOX_IP_BYTES: '4500000',
    })
    const attacker = await node(r)

    // 60 throwaway wallets, one peer, one IP: 120 messages of 32 KB for the victim
    const answers = await flood(attacker.libp2p, r.peerId, {
      from: wallets,
      to: () => victim.binding.address,
      devices: [victim.binding],
      count: 120,
    })
    const { acks, nacks } = tally(answers)
    assert.ok(30 * size < MAILBOX)
    assert.equal(acks, 30, 'the mailbox holds 30 messages')
    assert.deepEqual(nacks, { mailbox_full: 120 - acks }, 'the rest is refused: mailbox full')
    assert.match(answers.find((a) => a.t === 'nack')!.reason!, /mailbox/i, 'with a reason a person can read')
    assert.equal(await metric(r.http, 'souk_relay_messages_stored'), acks)
    const stored = await metric(r.http, 'souk_relay_messages_stored_bytes')
    assert.ok(stored <= MAILBOX, `${stored} bytes stored`)
    assert.equal(await metric(r.http, 'souk_relay_messages_dropped_total', { reason: 'mailbox_full' }), 120 - acks)

    // honest mail from another identity to another recipient still flows
    const carolDev = await dev([r.wsAddr], carol, { maxRelays: 1 })
    await carolDev.client.pull()
    const aliceDev = await dev([r.wsAddr], alice, { maxRelays: 1 })
    await aliceDev.client.send(carol.binding.address, 'hello carol')
    await waitFor('Carol to get Alice’s message', () => texts(carolDev).includes('hello carol'), { timeout: 15_000 })

    // the victim's device learns what waits before it pulls a single message (a pull of 0 bytes)
    const inventory = (await request(attacker.libp2p, peerIdFromString(r.peerId), MESSAGES_PROTOCOL, {
      ...(await signPull(victim, 0)),
      max: 0,
    })) as { t?: string; items?: unknown[]; more?: boolean; waiting?: { count: number; bytes: number } }
    assert.equal(inventory.t, 'page')
    assert.deepEqual(inventory.items, [])
    assert.equal(inventory.more, true)
    assert.deepEqual(inventory.waiting, { count: acks, bytes: stored })

    // an honest message to the full mailbox is refused, reported, and kept in the outbox
    const honest = await aliceDev.client.send(victim.binding.address, 'honest hello')
    await waitFor(
      'the refusal reported to Alice',
      async () =>
        (await aliceDev.storage.outbox()).find((e) => e.id === honest.id)?.refused?.code === 'mailbox_full' &&
        aliceDev.client.stats.refused.mailbox_full! >= 1,
      { timeout: 15_000 },
    )
    assert.equal(aliceDev.client.pending, 1)
    assert.equal(aliceDev.client.thread(honest.conv).at(-1)!.state, 'queued')

    // the victim pulls in pages of ≤ 300 KB and sees its progress; then the mailbox has room again
    const progress: InboxProgress[] = []
    const victimDev = await dev([r.wsAddr], victim, {
      maxRelays: 1,
      options: { pullPageBytes: 300_000 },
      listen: { inbox: (e) => progress.push(structuredClone((e as CustomEvent<InboxProgress>).detail)) },
    })
    // (the honest message may land during the pull: the first page made room, and Alice's outbox retries)
    const done = await waitFor('the victim to pull everything', () => progress.find((p) => p.done), {
      timeout: 20_000,
    })
    assert.deepEqual(progress[0]!.waiting, { count: acks, bytes: stored }, 'what waits is known before the pages')
    assert.equal(progress[0]!.pulled.count, 0)
    assert.ok(done.pulled.count >= acks && done.pulled.bytes >= stored, JSON.stringify(done))
    const pages = progress.indexOf(done)
    assert.ok(pages >= Math.ceil(stored / 300_000), `${pages} pages of ≤ 300 KB for ${stored} bytes`)

    // Alice's outbox retries; now the message lands
    await waitFor('the honest message at the victim', () => texts(victimDev).includes('honest hello'), {
      timeout: 20_000,
    })
    await waitFor('Alice’s outbox empty', () => aliceDev.client.pending === 0)

    // the same peer spreads its flood over many recipients: refused at the per-peer cap (3 MB)
    const spread = tally(
      await flood(attacker.libp2p, r.peerId, {
        from: wallets,
        to: randomAddress,
        devices: [victim.binding],
        count: 50,
      }),
    )
    assert.ok(spread.acks > 20 && spread.acks < 50, `${spread.acks} stored before the per-peer cap`)
    assert.deepEqual(spread.nacks, { peer_quota: 50 - spread.acks })
    // a fresh peer on the same IP: refused at the per-IP cap (4.5 MB)
    const second = await node(r)
    const fromIp = tally(
      await flood(second.libp2p, r.peerId, { from: wallets, to: randomAddress, devices: [victim.binding], count: 50 }),
    )
    assert.ok(fromIp.acks > 20 && fromIp.acks < 50, `${fromIp.acks} stored before the per-IP cap`)
    assert.deepEqual(fromIp.nacks, { ip_quota: 50 - fromIp.acks })
    assert.ok((await metric(r.http, 'souk_relay_messages_stored_bytes')) <= 4_500_000 + 100_000)
    assert.equal(await metric(r.http, 'souk_relay_messages_dropped_total', { reason: 'peer_quota' }), 50 - spread.acks)
    assert.equal(await metric(r.http, 'souk_relay_messages_dropped_total', { reason: 'ip_quota' }), 50 - fromIp.acks)
  })
})
