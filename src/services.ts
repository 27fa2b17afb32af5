/**
 * Builds the services the UI reads through context. Loaded after first paint (dynamic import from main.ts),
 * so viem and libp2p are not in the first route's JavaScript. The P2P node runs in the engine Worker
 * (src/engine/), not on the main thread; `src/p2p/browser.ts` (`startNetwork`, with WebRTC) stays for a page
 * that needs a direct connection. The chain status, the chain reads and the reveal reminders run in the chain
 * Worker (`src/engine/chain-client.ts`); viem and wagmi load on the page only for the wallet, when the person acts.
 *
 * The catalog and publish services (the OrbitDB catalog of issue #11) are not wired yet: `catalog` and
 * `publish` stay undefined and the views say "the catalog is not available yet" instead of showing anything
 * made up. Plug them in here.
 */
import type { SoukConfig } from './core/config.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from './core/status.ts'
import type { CatalogService, ChainService, MediaService, PublishService } from './services/types.ts'

export interface Services {
  chainStatus: StatusSource<ChainSnapshot> | undefined
  network: StatusSource<NetworkSnapshot> | undefined
  chain: ChainService | undefined
  media: MediaService | undefined
  catalog: CatalogService | undefined
  publish: PublishService | undefined
  stop(): Promise<void>
}

export async function startServices(config: SoukConfig): Promise<Services> {
  // the chain worker and the P2P node start side by side; neither waits for the other
  const [chain, network] = await Promise.all([
    import('./engine/chain-client.ts')
      .then(({ startChain }) => startChain(config))
      .catch((err: unknown) => {
        console.warn('souk: the chain service could not start', err)
        return undefined
      }),
    import('./engine/client.ts')
      .then(({ startEngine }) => startEngine(config))
      .catch((err: unknown) => {
        console.warn('souk: the peer-to-peer node could not start', err)
        return undefined
      }),
  ])
  return {
    chainStatus: chain?.status,
    network: network?.status,
    chain: chain?.service,
    media: network?.media,
    catalog: undefined,
    publish: undefined,
    async stop() {
      await chain?.close()
      await network?.close()
    },
  }
}
