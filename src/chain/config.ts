/**
 * The wagmi config of a Souk deployment, built at runtime from `config.json` (`SoukConfig`), so the same static
 * build works on any chain named there.
 *
 * Connectors: every injected wallet announced through EIP-6963 (wagmi's `multiInjectedProviderDiscovery`), the
 * legacy `window.ethereum` as a fallback, and — on chain 31337 with `devWallet: true` only — the dev wallet.
 */
import { createConfig, createStorage, injected, type CreateConnectorFn, type Storage } from '@wagmi/core'
import { defineChain, fallback, http, type Address, type Chain, type HttpTransportConfig } from 'viem'
import type { SoukConfig } from '../core/config.ts'
import { DEV_CHAIN_ID, devWallet } from './dev-wallet.ts'

/** What `createSoukWagmiConfig` returns: wagmi's `createConfig` type for the one configured chain and its transport. */
export type SoukWagmiConfig = ReturnType<typeof createSoukWagmiConfig>

export interface CreateSoukWagmiConfigOptions {
  /** Where wagmi remembers the last wallet; `null` keeps nothing (tests, private windows). */
  storage?: Storage | null
  /** Listen for EIP-6963 wallet announcements (default true). */
  multiInjectedProviderDiscovery?: boolean
  /** Initial dev account (0..9) of the dev wallet. */
  devAccountIndex?: number
  /** A Multicall3 deployment on this chain; reads are batched through it when set (default: `chain.multicall3`). */
  multicall3?: Address
  pollingInterval?: number
  /**
   * Rank several RPC URLs by health (default true). viem's ranking pings each endpoint every 30 s for the
   * life of the page and cannot be stopped, so Node processes and tests that must exit pass false.
   */
  rankRpcs?: boolean
  /** More connectors (e.g. WalletConnect) appended after the built-in ones. */
  connectors?: CreateConnectorFn[]
}

/** The chain object viem needs, from the config (no chain list compiled in). */
export function soukChain(config: SoukConfig, { multicall3 }: { multicall3?: Address } = {}): Chain {
  return defineChain({
    id: config.chain.id,
    name: config.chain.name,
    nativeCurrency: config.chain.nativeCurrency ?? { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: config.chain.rpcUrls } },
    ...(config.chain.explorer ? { blockExplorers: { default: { name: 'Explorer', url: config.chain.explorer } } } : {}),
    // the deployment travels with the chain object, so every action needs only the wagmi config
    contracts: {
      soukMarket: {
        address: config.contracts.market,
        ...(config.contracts.deployBlock === undefined ? {} : { blockCreated: config.contracts.deployBlock }),
      },
      ...(config.contracts.token ? { soukToken: { address: config.contracts.token } } : {}),
      ...(multicall3 ? { multicall3: { address: multicall3 } } : {}),
    },
    testnet: config.chain.id === DEV_CHAIN_ID,
  })
}

/** True when this config may offer anvil's dev accounts. */
export function devWalletAllowed(config: SoukConfig): boolean {
  return config.devWallet === true && config.chain.id === DEV_CHAIN_ID
}

/**
 * The read transport of a deployment: every configured RPC through viem's `fallback`, ranked by health when
 * there are several (each is pinged now and then and ordered by latency and success rate), so a rate-limited
 * or dead public endpoint is skipped. Each endpoint batches JSON-RPC calls and retries 429/5xx answers itself.
 */
export function soukTransport(
  rpcUrls: readonly string[],
  { rank = true, http: httpConfig = {} }: { rank?: boolean; http?: HttpTransportConfig } = {},
) {
  return fallback(
    rpcUrls.map((url) => http(url, { batch: { wait: 16 }, retryCount: 2, ...httpConfig })),
    rank && rpcUrls.length > 1
      ? {
          rank: {
            interval: 30_000,
            sampleCount: 5,
            timeout: 2_000,
            // every endpoint serves eth_blockNumber (not all answer net_listening, viem's default ping)
            ping: ({ transport }) => transport.request({ method: 'eth_blockNumber' }),
          },
        }
      : {},
  )
}

export function createSoukWagmiConfig(config: SoukConfig, options: CreateSoukWagmiConfigOptions = {}) {
  const multicall3 = options.multicall3 ?? config.chain.multicall3
  const chain = soukChain(config, multicall3 ? { multicall3 } : {})
  const connectors: CreateConnectorFn[] = [injected()]
  if (devWalletAllowed(config))
    connectors.push(devWallet({ rpcUrl: config.chain.rpcUrls[0]!, accountIndex: options.devAccountIndex ?? 0 }))
  connectors.push(...(options.connectors ?? []))
  // Without Multicall3 the reads still go out as one HTTP request per tick through JSON-RPC batching.
  const transport = soukTransport(config.chain.rpcUrls, { rank: options.rankRpcs ?? true })
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: transport },
    batch: { multicall: multicall3 ? { wait: 16 } : false },
    multiInjectedProviderDiscovery: options.multiInjectedProviderDiscovery ?? true,
    pollingInterval: options.pollingInterval ?? 1_000,
    storage:
      options.storage === undefined
        ? createStorage({ key: `souk.wagmi.${config.chain.id}`, storage: globalThis.localStorage })
        : options.storage,
  })
}

/** The configured chain of a wagmi config (there is exactly one). */
export function configuredChain(wagmi: SoukWagmiConfig): Chain {
  return wagmi.chains[0]
}
