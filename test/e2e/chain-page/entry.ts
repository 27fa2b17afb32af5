/**
 * Test page for test/e2e/bid-reload.test.ts: the real chain client (dev wallet, bid vault in this origin's
 * IndexedDB, placeBid / revealBid) exposed on `window.soukChain` for playwright to drive.
 */
import type { SoukConfig } from '../../../src/core/config.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../../src/chain/dev-wallet.ts'
import { connectWallet, selectDevAccount } from '../../../src/chain/wallet.ts'
import { BidVault } from '../../../src/chain/vault.ts'
import { placeBid } from '../../../src/chain/actions/placeBid.ts'
import { revealBid } from '../../../src/chain/actions/revealBid.ts'

let wagmi: SoukWagmiConfig | undefined
let vault: BidVault | undefined

const api = {
  async connect(config: SoukConfig, accountIndex: number): Promise<string> {
    wagmi = createSoukWagmiConfig(config, {
      storage: null,
      multiInjectedProviderDiscovery: false,
      devAccountIndex: accountIndex,
    })
    await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
    vault = await BidVault.open()
    return await selectDevAccount(wagmi, accountIndex)
  },
  async bid(listingId: string, contentHash: `0x${string}`, amount: string, deposit: string): Promise<string> {
    const { commitment } = await placeBid(wagmi!, {
      listingId: BigInt(listingId),
      contentHash,
      amount: BigInt(amount),
      deposit: BigInt(deposit),
      vault: vault!,
    })
    return commitment
  },
  async secrets(): Promise<{ commitment: string; amount: string; status: string }[]> {
    return (await vault!.list()).map((s) => ({
      commitment: s.commitment,
      amount: s.amount.toString(),
      status: s.status,
    }))
  },
  async reveal(commitment: `0x${string}`): Promise<string> {
    const { secret } = await revealBid(wagmi!, { commitment, vault: vault! })
    return secret.status
  },
}

declare global {
  interface Window {
    soukChain: typeof api
  }
}
window.soukChain = api
