/**
 * The real stack the web-test-runner server started for this run (anvil with the contracts deployed, two
 * relays), and commands to kill or restart a relay from a test.
 */
import { executeServerCommand } from '@web/test-runner-commands'
import type { SoukConfig } from '../../src/core/config.ts'

export interface BrowserStack {
  config: SoukConfig
  deployment:
    | {
        chainId: number
        market: `0x${string}`
        token: `0x${string}`
        deployBlock: number
        /** The dev arbiters the deploy script registered (anvil accounts 9, 8, 7), the recommended one first. */
        arbiters?: `0x${string}`[]
      }
    | undefined
  relays: ({ peerId: string; wsAddr: string; http: string } | null)[]
}

export async function getStack(): Promise<BrowserStack> {
  return await executeServerCommand<BrowserStack, undefined>('souk:stack')
}

/** Kills relay `index` with SIGKILL, as a crash would. */
export async function killRelay(index: number): Promise<BrowserStack> {
  return await executeServerCommand<BrowserStack, { index: number }>('souk:relay-kill', { index })
}

/** Starts relay `index` again on the same port and data directory (same peer id). */
export async function restartRelay(index: number): Promise<BrowserStack> {
  return await executeServerCommand<BrowserStack, { index: number }>('souk:relay-restart', { index })
}
