/**
 * Builds the services the UI reads through context. Loaded after first paint (dynamic import from main.ts),
 * so viem and libp2p are not in the first route's JavaScript.
 */
import type { SoukConfig } from './core/config.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from './core/status.ts'

export interface Services {
  chainStatus: StatusSource<ChainSnapshot>
  network: StatusSource<NetworkSnapshot> | undefined
  stop(): Promise<void>
}

export async function startServices(config: SoukConfig): Promise<Services> {
  const { ChainStatus } = await import('./chain/chain-status.ts')
  const chainStatus = new ChainStatus(config)
  void chainStatus.start()
  const { startNetwork } = await import('./p2p/browser.ts')
  const network = await startNetwork(config).catch((err: unknown) => {
    console.warn('souk: the peer-to-peer node could not start', err)
    return undefined
  })
  return {
    chainStatus,
    network: network?.status,
    async stop() {
      chainStatus.stop()
      await network?.stop()
    },
  }
}
