/**
 * Shared by the relay tests: a Node client built with the browser's own factory (no WebRTC, memory stores),
 * and a reader for the relay's Prometheus metrics.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { waitFor } from '../helpers/wait.ts'

export async function tempDir(prefix = 'souk-relay-test-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** A client node like a browser's, connected to `relays`, waiting until it holds a reservation on one. */
export async function client(relays: string[], opts: { reservation?: boolean } = {}): Promise<SoukNode> {
  const node = await createSoukNode({ relays, storage: 'memory', webrtc: false, backoff: { minMs: 200, maxMs: 2_000 } })
  if (opts.reservation !== false) {
    try {
      await waitFor('the client to hold a relay reservation', () => node.status.snapshot.reservations > 0, {
        timeout: 15_000,
      })
    } catch (err) {
      await node.stop() // a node left running would keep the test process alive
      throw err
    }
  }
  return node
}

/** Sum of a metric's samples whose labels include all of `labels`. */
export async function metric(http: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${http}/metrics`)).text()
  let sum = 0
  let found = false
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const l = m[2] ?? ''
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) {
      sum += Number(m[3])
      found = true
    }
  }
  if (!found && Object.keys(labels).length === 0) throw new Error(`metric ${name} missing from /metrics`)
  return sum
}

/** What a relay's `/health` answers (src/relay/main.ts adds its peer id and its view of the relay mesh). */
export interface RelayHealthJson extends Record<string, unknown> {
  ok: boolean
  peerId: string
  relays: { peerId: string; connected: boolean }[]
}

export async function health(http: string): Promise<RelayHealthJson> {
  const res = await fetch(`${http}/health`)
  if (res.status !== 200) throw new Error(`/health answered ${res.status}`)
  return (await res.json()) as RelayHealthJson
}

/** A protobuf/multiformats unsigned varint. */
export function varint(n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

/** One varint-length-prefixed frame, as libp2p streams carry them. */
export const lpFrame = (bytes: number[]): Uint8Array => Uint8Array.from([...varint(bytes.length), ...bytes])

const field = (tag: number, bytes: Uint8Array): number[] => [tag, ...varint(bytes.byteLength), ...bytes]

/** A gossipsub RPC frame carrying one message with no from, seqno or signature (hand-encoded protobuf). */
export function unsignedGossipRpc(topic: string, data: string): Uint8Array {
  const enc = new TextEncoder()
  const message = [...field(0x12, enc.encode(data)), ...field(0x22, enc.encode(topic))]
  return lpFrame(field(0x12, Uint8Array.from(message)))
}
