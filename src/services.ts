/**
 * Builds the services the UI reads through context. Loaded after first paint (dynamic import from main.ts),
 * so viem and libp2p are not in the first route's JavaScript. The P2P node runs in the engine Worker
 * (src/engine/), not on the main thread; `src/p2p/browser.ts` (`startNetwork`, with WebRTC) stays for a page
 * that needs a direct connection. The chain status, the chain reads and the reveal reminders run in the chain
 * Worker (`src/engine/chain-client.ts`); viem and wagmi load on the page only for the wallet, when the person acts.
 *
 * The catalog (OrbitDB + search index) runs in the engine Worker too (`network.catalog`); publishing runs its
 * photo, pin and catalog stages there and the transaction here, through the wallet (publish-service.ts).
 * Without the engine or the chain service there is no catalog or no publishing, and the views say so.
 */
import type { SoukConfig } from './core/config.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from './core/status.ts'
import type { CatalogService, ChainService, MediaService, PublishService } from './services/types.ts'
import type { MessagingService } from './services/types.ts'
import { LazyPublishService } from './services/lazy-publish.ts'
import { createTrustDocsService, type TrustDocsService } from './services/trust-docs-service.ts'

export interface Services {
  chainStatus: StatusSource<ChainSnapshot> | undefined
  network: StatusSource<NetworkSnapshot> | undefined
  chain: ChainService | undefined
  media: MediaService | undefined
  catalog: CatalogService | undefined
  publish: PublishService | undefined
  trustDocs: TrustDocsService | undefined
  /** Messages of the connected wallet, run by the engine Worker (undefined without a chain service or engine). */
  messaging: MessagingService | undefined
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
  const publish =
    chain && network
      ? new LazyPublishService(() =>
          import('./services/publish-service.ts').then(
            ({ EnginePublishService }) =>
              new EnginePublishService(() => chain.service.wagmiConfig(), network.catalog, {
                // two relays hold the photos before the transaction, or every relay when fewer are configured
                minRelays: Math.max(1, Math.min(2, config.relays.length)),
              }),
          ),
        )
      : undefined
  const messaging =
    chain && network
      ? new (await import('./services/messaging-service.ts')).EngineMessagingService(network.messaging, chain.service)
      : undefined
  const trustDocs = network ? createTrustDocsService(network.catalog, { relays: config.relays.length }) : undefined
  return {
    chainStatus: chain?.status,
    network: network?.status,
    chain: chain?.service,
    media: network?.media,
    catalog: network?.catalog,
    publish,
    messaging,
    trustDocs,
    async stop() {
      messaging?.stop()
      publish?.close()
      await chain?.close()
      await network?.close()
    },
  }
}
