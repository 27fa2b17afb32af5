/**
 * Messaging test helpers (Node): wallets from anvil's public dev mnemonic (viem local accounts), device keys
 * bound to them with a real wallet signature, and a messaging device: a client built with the browser's own
 * node factory (no WebRTC, memory stores) running `MessagingClient`; reuse its storage to model the same
 * device coming back.
 */
import { mnemonicToAccount } from 'viem/accounts'
import { createDeviceKeys, type DeviceKeys } from '../../src/core/messaging.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { MessagingClient } from '../../src/p2p/messaging/client.ts'
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
  }: { storage?: MessagingStorage; maxRelays?: number; waitConnected?: boolean } = {},
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
  })
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
