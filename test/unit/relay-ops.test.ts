/**
 * Issue #15, what operators expect, against real relay processes: /health says whether the relay can serve
 * and /ready whether it is up; /metrics has process CPU and memory, pin histograms and a counter for every
 * kind of gossip dropped (unsigned, unknown topic, undecodable, oversized); logs are pino JSON at the level
 * asked for; an uncaught exception is logged and the process exits 1.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createLibp2p, type Libp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { ROOT, startRelay, killChildrenOnExit, type Relay } from '../../scripts/lib/processes.ts'
import { parseRelayConfig, RelayConfigError } from '../../src/relay/config.ts'
import { RELAYS_TOPIC } from '../../src/p2p/protocols.ts'
import { waitFor, within } from '../helpers/wait.ts'
import { lpFrame, metric, tempDir, unsignedGossipRpc, varint } from './relay-helpers.ts'

killChildrenOnExit()

describe('relay operations', { concurrency: true }, () => {
  const cleanup: (() => Promise<unknown>)[] = []
  let relay: Relay
  before(async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    relay = await startRelay({ dataDir: dir.path, extraArgs: ['--log-level', 'debug'] })
    cleanup.push(() => relay.proc.stop())
  })
  after(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {})
  })

  test('/health reports what it checked, /ready is up, logs are pino JSON', async () => {
    const res = await fetch(`${relay.http}/health`)
    assert.equal(res.status, 200)
    const body = (await res.json()) as { ok: boolean; checks: Record<string, unknown> }
    assert.deepEqual(body.checks, { libp2p: true, blockstore: true, disk: true })
    assert.equal(body.ok, true)
    const ready = await fetch(`${relay.http}/ready`)
    assert.equal(ready.status, 200)
    const lines = relay.proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{"level"'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
    assert.ok(
      lines.some((l) => l.msg === 'relay ready' && l.level === 30),
      `a pino "relay ready" line:\n${relay.proc.output()}`,
    )
  })

  test('/metrics: a real CPU counter, memory and histograms', async () => {
    const text = await (await fetch(`${relay.http}/metrics`)).text()
    assert.match(text, /# TYPE process_cpu_seconds_total counter/)
    assert.ok((await metric(relay.http, 'process_cpu_seconds_total')) > 0)
    assert.ok((await metric(relay.http, 'process_resident_memory_bytes')) > 10_000_000)
    assert.match(text, /# TYPE souk_relay_pin_duration_seconds histogram/)
    assert.match(text, /# TYPE souk_relay_gateway_duration_seconds histogram/)
    assert.match(text, /# TYPE souk_relay_dropped_gossip_total counter/)
  })

  test('every kind of bad gossip is dropped and counted', async () => {
    const attacker: Libp2p = await createLibp2p({
      transports: [webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() },
    })
    cleanup.push(async () => await attacker.stop())
    await attacker.dial(multiaddr(relay.wsAddr))
    const stream = await attacker.dialProtocol(peerIdFromString(relay.peerId), '/meshsub/1.1.0')
    stream.send(unsignedGossipRpc(RELAYS_TOPIC, '{"peerId":"unsigned"}'))
    stream.send(unsignedGossipRpc('/not/a/souk/topic', 'hello'))
    stream.send(lpFrame([0xff, 0xff, 0xff, 0xff]))
    // then an RPC over the 1 MiB cap, which ends the stream
    stream.send(Uint8Array.from(varint(4 * 1024 * 1024)))
    stream.send(new Uint8Array(64 * 1024))
    const dropped = (reason: string): Promise<number> =>
      metric(relay.http, 'souk_relay_dropped_gossip_total', { reason })
    await waitFor(
      'the relay to count each bad RPC',
      async () =>
        (await dropped('invalid_seqno')) >= 2 &&
        (await dropped('unknown_topic')) >= 1 &&
        (await dropped('undecodable_rpc')) >= 1 &&
        (await dropped('stream_error')) >= 1,
      { timeout: 15_000, interval: 200 },
    ).catch(async (err: Error) => {
      const text = await (await fetch(`${relay.http}/metrics`)).text()
      throw new Error(
        `${err.message}\n${text
          .split('\n')
          .filter((l) => l.includes('dropped_gossip'))
          .join('\n')}`,
      )
    })
    assert.equal(relay.proc.child.exitCode, null, 'the relay is still running')
  })

  test('--log-level is checked', () => {
    assert.throws(() => parseRelayConfig(['--log-level', 'loud']), RelayConfigError)
    const config = parseRelayConfig(['--log-level', 'warn', '--http-host', '127.0.0.1'])
    assert.ok(config !== 'help')
    assert.equal(config.logLevel, 'warn')
    assert.equal(config.httpHost, '127.0.0.1')
    assert.equal(config.allowPrivateAddrs, false, 'strict by default')
  })

  test('an unhealthy disk makes /health 503; an uncaught exception is logged and exits 1', async () => {
    const dir = await tempDir()
    cleanup.push(dir.remove)
    const fixture = pathToFileURL(join(ROOT, 'test', 'unit', 'fixtures', 'crash-on-signal.ts')).href
    const doomed = await startRelay({
      dataDir: dir.path,
      name: 'doomed',
      nodeArgs: ['--import', fixture],
      extraArgs: ['--min-free-disk-bytes', String(2 ** 52), '--log-level', 'warn'],
    })
    cleanup.push(() => doomed.proc.stop())
    const res = await fetch(`${doomed.http}/health`)
    assert.equal(res.status, 503)
    const body = (await res.json()) as { ok: boolean; checks: { disk: unknown } }
    assert.equal(body.ok, false)
    assert.match(String(body.checks.disk), /bytes free/)
    assert.doesNotMatch(doomed.proc.output(), /"msg":"relay ready"/, 'info lines are not logged at warn')

    doomed.proc.child.kill('SIGUSR2')
    const code = await within('the relay to exit after the uncaught exception', doomed.proc.exited, 15_000)
    assert.equal(code, 1)
    const fatal = doomed.proc
      .output()
      .split('\n')
      .find((l) => l.includes('"level":60'))
    assert.ok(fatal, `a fatal log line:\n${doomed.proc.output()}`)
    assert.match(fatal, /uncaught exception/)
    assert.match(fatal, /boom from the crash-on-signal test fixture/)
  })
})
