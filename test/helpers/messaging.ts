/**
 * Messaging test helpers: wallets from anvil's public dev mnemonic (viem local accounts) and device keys
 * bound to them with a real wallet signature.
 */
import { mnemonicToAccount } from 'viem/accounts'
import { createDeviceKeys, type DeviceKeys } from '../../src/core/messaging.ts'

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
