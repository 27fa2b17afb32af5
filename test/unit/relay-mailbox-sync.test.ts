/**
 * Issue #24 finding 4 between relays: a relay cannot be filled through another relay. Relay A (generous
 * limits) holds a flood; relay B (small limits) joins and syncs with A by anti-entropy: B keeps at most its
 * mailbox cap for the victim and at most half its total from A, counts what it refused, stops asking for
 * what it refused, and still has room for its own clients.
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString } from '@libp2p/peer-id'
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts'
import { killChildrenOnExit, startRelay, type Relay } from '../../scripts/lib/processes.ts'
import { signPull } from '../../src/core/messaging.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { waitFor } from '../helpers/wait.ts'
import { device, deviceKeys, flood, tally, throwawayKeys } from '../helpers/messaging.ts'
import { metric, tempDir } from './relay-helpers.ts'

killChildrenOnExit()

const cleanup: (() => Promise<unknown>)[] = []
after(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {})
})

/** Limits go in as environment (`SOUK_RELAY_MAILBOX_BYTES` for `--mailbox-bytes`, …), like an operator's. */
async function relay(env: Record<string, string>, bootstrap: string[] = []): Promise<Relay> {
  const d = await tempDir('souk-mailbox-sync-')
  cleanup.push(d.remove)
  const r = await startRelay({ dataDir: d.path, bootstrap, env, extraArgs: ['--gossip-interval-ms', '200'] })
  cleanup.push(() => r.proc.stop())
  return r
}

async function node(r: Relay): Promise<SoukNode> {
  const n = await createSoukNode({ relays: [r.wsAddr], storage: 'memory', webrtc: false, reservations: 0 })
  cleanup.push(() => n.stop())
  return n
}

describe('mailbox caps between relays', { timeout: 60_000 }, () => {
  test('anti-entropy fills another relay only up to its caps; refused items are not asked for again', async () => {
    const [victim, alice, carol] = [await deviceKeys(2), await deviceKeys(1), await deviceKeys(3)]
    const wallets = await throwawayKeys(30)
    const a = await relay({})
    const attacker = await node(a)
    const flooded = tally(
      await flood(attacker.libp2p, a.peerId, {
        from: wallets,
        to: (i) => (i % 2 === 0 ? victim.binding.address : privateKeyToAddress(generatePrivateKey())),
        devices: [victim.binding],
        count: 120,
      }),
    )
    assert.equal(flooded.acks, 120)
    await attacker.stop()

    // B's victim mailbox (~11 of these messages) fills before A's share of B (1.5 MB, ~34)
    const MAILBOX = 500_000
    const TOTAL = 3_000_000
    const b = await relay(
      { SOUK_RELAY_MAILBOX_BYTES: String(MAILBOX), SOUK_RELAY_MAILBOX_TOTAL_BYTES: String(TOTAL) },
      [a.wsAddr],
    )
    const refused = async (reason: string): Promise<number> =>
      await metric(b.http, 'souk_relay_messages_dropped_total', { reason, where: 'sync' })
    await waitFor(
      'relay B to refuse items from A at the victim’s mailbox cap and at A’s share of its total',
      async () => (await refused('mailbox_full')) > 0 && (await refused('relay_quota')) > 0,
      { timeout: 30_000 },
    )
    // steady state: B neither stores more nor keeps asking for (and refusing) the same items round after round
    const refusals = async (): Promise<number> => (await refused('mailbox_full')) + (await refused('relay_quota'))
    const rounds = async (): Promise<number> => await metric(b.http, 'souk_relay_sync_rounds_total')
    let last = { refusals: -1, rounds: 0 }
    await waitFor(
      'relay B to stop refusing the same items (no new refusal over 3 rounds)',
      async () => {
        const now = { refusals: await refusals(), rounds: await rounds() }
        if (now.refusals !== last.refusals) last = now
        return now.rounds >= last.rounds + 3
      },
      { timeout: 20_000, interval: 200 },
    )
    const bytes = await metric(b.http, 'souk_relay_messages_stored_bytes')
    assert.ok(bytes <= TOTAL / 2, `B holds ${bytes} bytes from A (its share: ${TOTAL / 2})`)
    const reader = await node(b)
    const inventory = (await request(reader.libp2p, peerIdFromString(b.peerId), MESSAGES_PROTOCOL, {
      ...(await signPull(victim, 0)),
      max: 0,
    })) as { waiting: { count: number; bytes: number } }
    assert.ok(inventory.waiting.bytes <= MAILBOX, `the victim has ${inventory.waiting.bytes} bytes waiting on B`)
    assert.ok(inventory.waiting.count > 0)

    const settled = await rounds()
    await waitFor('5 more anti-entropy rounds at B', async () => (await rounds()) >= settled + 5)
    assert.equal(await refusals(), last.refusals)
    assert.equal(await metric(b.http, 'souk_relay_messages_stored_bytes'), bytes)

    // B's own clients still have room
    const carolDev = await device([b.wsAddr], carol, { maxRelays: 1 })
    cleanup.push(() => carolDev.stop())
    await carolDev.client.pull()
    const aliceDev = await device([b.wsAddr], alice, { maxRelays: 1 })
    cleanup.push(() => aliceDev.stop())
    await aliceDev.client.send(carol.binding.address, 'room for honest mail')
    await waitFor('Alice’s message acknowledged by B', () => aliceDev.client.pending === 0, { timeout: 15_000 })
  })
})
