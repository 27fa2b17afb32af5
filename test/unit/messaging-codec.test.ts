import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BindingVerifier,
  MessagingError,
  openEnvelope,
  sealEnvelope,
  signPresence,
  signPull,
  verifyEnvelope,
  verifyPresence,
  verifyPull,
  type Envelope,
} from '../../src/core/messaging.ts'
import { BUCKETS, DigestSet } from '../../src/core/reconcile.ts'
import { deviceKeys } from '../helpers/messaging.ts'

const rejects = async (p: Promise<unknown>, reason: string): Promise<void> => {
  await assert.rejects(p, (err: unknown) => err instanceof MessagingError && err.reason === reason)
}

test('an envelope opens on every device of the recipient and on no other', async () => {
  const alice = await deviceKeys(1)
  const [bobPhone, bobLaptop, carol] = [await deviceKeys(2), await deviceKeys(2), await deviceKeys(3)]
  const { envelope, id } = await sealEnvelope({
    from: alice,
    to: bobPhone.binding.address,
    devices: [bobPhone.binding, bobLaptop.binding],
    payload: { t: 'text', text: 'shipping to 上海 please' },
    clock: 1,
  })
  const bindings = new BindingVerifier()
  const verified = await verifyEnvelope(structuredClone(envelope), { bindings })
  assert.equal(verified.id, id)
  assert.deepEqual(await openEnvelope(envelope, bobPhone), { t: 'text', text: 'shipping to 上海 please' })
  assert.deepEqual(await openEnvelope(envelope, bobLaptop), { t: 'text', text: 'shipping to 上海 please' })
  await assert.rejects(
    openEnvelope(envelope, carol),
    (e: unknown) => e instanceof MessagingError && e.reason === 'not_for_me',
  )
  // nothing readable travels in the clear
  assert.ok(!JSON.stringify(envelope).includes('上海'))
})

test('tampered, unsigned, forged-binding and stale envelopes are refused with their reason', async () => {
  const alice = await deviceKeys(1)
  const bob = await deviceKeys(2)
  const mallory = await deviceKeys(4)
  const bindings = new BindingVerifier()
  const seal = async (): Promise<Envelope> =>
    (
      await sealEnvelope({
        from: alice,
        to: bob.binding.address,
        devices: [bob.binding],
        payload: { t: 'text', text: 'hi' },
        clock: 1,
      })
    ).envelope
  await rejects(verifyEnvelope({ ...(await seal()), ct: (await seal()).ct }, { bindings }), 'bad_signature')
  const { sig: _sig, ...unsigned } = await seal()
  await rejects(verifyEnvelope(unsigned, { bindings }), 'unsigned')
  // Mallory's device key claimed for Alice's address: the wallet signature does not match (even once
  // Mallory's genuine binding, with the same signature, has been checked and cached)
  await bindings.verify(mallory.binding)
  const forged = await sealEnvelope({
    from: { ...mallory, binding: { ...mallory.binding, address: alice.binding.address } },
    to: bob.binding.address,
    devices: [bob.binding],
    payload: { t: 'text', text: 'send the goods to me' },
    clock: 1,
  })
  await rejects(verifyEnvelope(forged.envelope, { bindings }), 'bad_binding')
  const old = await sealEnvelope({
    from: alice,
    to: bob.binding.address,
    devices: [bob.binding],
    payload: { t: 'text', text: 'hi' },
    clock: 1,
    now: Date.now() - 15 * 24 * 3600_000,
  })
  await rejects(verifyEnvelope(old.envelope, { bindings }), 'stale')
  await rejects(verifyEnvelope({ hello: 'world' }, { bindings }), 'unsigned')
  await assert.rejects(
    sealEnvelope({
      from: alice,
      to: bob.binding.address,
      devices: [bob.binding],
      payload: { t: 'text', text: 'x'.repeat(40_000) },
      clock: 1,
    }),
    (e: unknown) => e instanceof MessagingError && e.reason === 'oversized',
  )
})

test('presence and pull requests are signed by the device and expire', async () => {
  const alice = await deviceKeys(1)
  const bindings = new BindingVerifier()
  const p = await signPresence(alice, { peerId: '12D3KooWtest', relays: ['12D3KooWrelay'] })
  assert.equal((await verifyPresence(structuredClone(p), { bindings })).peerId, '12D3KooWtest')
  await rejects(verifyPresence({ ...p, peerId: '12D3KooWother' }, { bindings }), 'bad_signature')
  await rejects(verifyPresence(p, { bindings, now: p.expires + 1 }), 'stale')
  const pull = await signPull(alice, 42)
  assert.equal((await verifyPull(structuredClone(pull), { bindings })).after, 42)
  await rejects(verifyPull({ ...pull, after: 0 }, { bindings }), 'bad_signature')
})

test('a presence record may name the device’s direct (page) peer: signed, so nobody can add, change or remove it', async () => {
  const alice = await deviceKeys(1)
  const bindings = new BindingVerifier()
  const p = await signPresence(alice, { peerId: '12D3KooWworker', relays: [], direct: '12D3KooWpage' })
  assert.equal((await verifyPresence(structuredClone(p), { bindings })).direct, '12D3KooWpage')
  await rejects(verifyPresence({ ...p, direct: '12D3KooWmallory' }, { bindings }), 'bad_signature')
  const { direct: _dropped, ...without } = p
  await rejects(verifyPresence(without, { bindings }), 'bad_signature')
  const plain = await signPresence(alice, { peerId: '12D3KooWworker', relays: [] })
  await rejects(verifyPresence({ ...plain, direct: '12D3KooWmallory' }, { bindings }), 'bad_signature')
  await rejects(verifyPresence({ ...p, direct: 42 }, { bindings }), 'malformed')
  assert.equal((await verifyPresence(plain, { bindings })).direct, undefined)
})

test('bucketed digests find exactly the differing buckets', () => {
  const a = new DigestSet()
  const b = new DigestSet()
  const id = (n: number): string => n.toString(16).padStart(8, '0').repeat(4)
  for (let i = 0; i < 1000; i++) {
    a.add(id(i * 7919))
    b.add(id(i * 7919))
  }
  assert.deepEqual(a.differing(b.digest()), [])
  b.add(id(123456789))
  a.delete(id(0))
  const diff = a.differing(b.digest())
  assert.ok(diff.length >= 1 && diff.length <= 2 && diff.every((x) => x >= 0 && x < BUCKETS))
  b.delete(id(123456789))
  b.delete(id(0))
  assert.deepEqual(a.differing(b.digest()), [])
})

test('binding checks run one at a time after a pause each, and one binding asked for twice is checked once', async () => {
  const [a, b, c] = [await deviceKeys(1), await deviceKeys(2), await deviceKeys(3)]
  const forged = { ...c.binding, address: a.binding.address }
  const gates: (() => void)[] = []
  const bindings = new BindingVerifier(10, async () => await new Promise<void>((resolve) => gates.push(resolve)))
  const turn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))
  const results = [a.binding, b.binding, a.binding, forged, b.binding].map((x) =>
    bindings.verify(x).then(
      () => 'ok',
      (err: unknown) => (err instanceof MessagingError ? err.reason : 'error'),
    ),
  )
  for (let checks = 1; checks <= 3; checks++) {
    await turn()
    // the next check waits for the one before it to finish, then for its own pause
    assert.equal(gates.length, checks, `pauses before check ${checks}`)
    gates[checks - 1]!()
  }
  assert.deepEqual(await Promise.all(results), ['ok', 'ok', 'ok', 'bad_binding', 'ok'])
  assert.equal(gates.length, 3, 'one check per distinct binding')
  // checked bindings are cached: no more pauses
  await bindings.verify(b.binding)
  assert.equal(gates.length, 3)
})
