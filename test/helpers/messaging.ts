/**
 * Messaging test helpers (Node): wallets from anvil's public dev mnemonic (viem local accounts), device keys
 * bound to them with a real wallet signature, and a messaging device: a client built with the browser's own
 * node factory (no WebRTC, memory stores) running `MessagingClient`; reuse its storage to model the same
 * device coming back.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { Libp2p } from '@libp2p/interface'
import type { Address } from 'viem'
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import { createDeviceKeys, sealEnvelope, type DeviceBinding, type DeviceKeys } from '../../src/core/messaging.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { MessagingClient, type MessagingClientOptions } from '../../src/p2p/messaging/client.ts'
import { request } from '../../src/p2p/messaging/wire.ts'
import { MESSAGES_PROTOCOL } from '../../src/p2p/protocols.ts'
import { memoryStorage, type MessagingStorage } from '../../src/p2p/messaging/storage.ts'
import { waitFor } from './wait.ts'

/** Anvil's well-known public development mnemonic (never holds real funds). */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'

export function devAccount(index: number): ReturnType<typeof mnemonicToAccount> {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index })
}

/** A fresh device key pair for dev account `index`, bound by the account's signature. */
export async function deviceKeys(index: number): Promise<DeviceKeys> {
  const account = devAccount(index)
  return await createDeviceKeys(account.address, (message) => account.signMessage({ message }))
}

export interface Device {
  node: SoukNode
  client: MessagingClient
  storage: MessagingStorage
  stop(): Promise<void>
}

export async function device(
  relays: string[],
  keys: DeviceKeys,
  {
    storage = memoryStorage(),
    maxRelays = 3,
    waitConnected = true,
    options = {},
    listen = {},
  }: {
    storage?: MessagingStorage
    maxRelays?: number
    waitConnected?: boolean
    /** More client options (e.g. `pullPageBytes`). */
    options?: Partial<MessagingClientOptions>
    /** Event listeners attached before the client starts (its first pull runs at once). */
    listen?: Record<string, (event: Event) => void>
  } = {},
): Promise<Device> {
  const node = await createSoukNode({
    relays,
    storage: 'memory',
    webrtc: false,
    reservations: 0,
    maxRelays,
    backoff: { minMs: 200, maxMs: 1_000 },
  })
  const client = new MessagingClient({
    libp2p: node.libp2p,
    relays: node.relays,
    keys,
    storage,
    retry: { minMs: 200, maxMs: 1_000 },
    ...options,
  })
  for (const [type, fn] of Object.entries(listen)) client.addEventListener(type, fn)
  await client.start()
  if (waitConnected)
    await waitFor('the device to connect to a relay', () => node.relays.relays.some((r) => r.connected), {
      timeout: 20_000,
    })
  let stopped = false
  return {
    node,
    client,
    storage,
    async stop() {
      if (stopped) return
      stopped = true
      await client.stop()
      await node.stop()
    },
  }
}

/** `n` wallets nobody knows (fresh private keys), each with a bound device key: a flooder's throwaway identities. */
export async function throwawayKeys(n: number): Promise<DeviceKeys[]> {
  return await Promise.all(
    Array.from({ length: n }, async () => {
      const account = privateKeyToAccount(generatePrivateKey())
      return await createDeviceKeys(account.address, (message) => account.signMessage({ message }))
    }),
  )
}

/** A relay's answer to a `put`. */
export interface PutAnswer {
  t?: string
  id?: string
  code?: string
  reason?: string
}

/**
 * Puts `count` envelopes of `bytes` of text (32 KB by default, near the payload cap) straight to `relay` from
 * `libp2p`, message `i` from `from[i % from.length]` to `to(i)`, 8 at a time; resolves with every answer in
 * order. Sealed here, so the relay sees genuine, well-signed envelopes.
 */
export async function flood(
  libp2p: Pick<Libp2p, 'dialProtocol'>,
  relay: string,
  {
    from,
    to,
    devices,
    count,
    bytes = 32_000,
  }: { from: DeviceKeys[]; to: (i: number) => Address; devices: DeviceBinding[]; count: number; bytes?: number },
): Promise<PutAnswer[]> {
  const peer = peerIdFromString(relay)
  const answers: PutAnswer[] = new Array(count)
  let next = 0
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const { envelope } = await sealEnvelope({
          from: from[i % from.length]!,
          to: to(i),
          devices,
          payload: { t: 'text', text: 'x'.repeat(bytes) },
          clock: i,
        })
        answers[i] = (await request(libp2p, peer, MESSAGES_PROTOCOL, { t: 'put', env: envelope })) as PutAnswer
      }
    }),
  )
  return answers
}

/** How many answers are acks, and the nacks by code. */
export function tally(answers: PutAnswer[]): { acks: number; nacks: Record<string, number> } {
  const nacks: Record<string, number> = {}
  let acks = 0
  for (const a of answers) {
    if (a.t === 'ack') acks++
    else nacks[a.code ?? `no code (${a.reason})`] = (nacks[a.code ?? `no code (${a.reason})`] ?? 0) + 1
  }
  return { acks, nacks }
}
