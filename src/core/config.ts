/**
 * Runtime configuration of a Souk deployment, loaded by the PWA from `config.json` at start-up.
 *
 * The static build works on any chain and any set of relays named here without rebuilding.
 * `npm start` writes this file after it has deployed the contracts and started a relay; public deployments
 * start from `public/config.<network>.json` and `npm run deploy` fills in the contracts (docs/chain-client.md).
 */
import { BaseError } from 'viem'

export interface SoukToken {
  address: `0x${string}`
  symbol: string
  decimals: number
}

export interface SoukConfig {
  chain: {
    /** EIP-155 chain id, e.g. 31337 for anvil. */
    id: number
    name: string
    /**
     * JSON-RPC endpoints, tried through viem's `fallback` transport ranked by health (latency and success
     * rate), so one rate-limited or dead public RPC does not stop the app. The first is the preferred one.
     */
    rpcUrls: string[]
    /** Block explorer base URL, if the chain has one. */
    explorer?: string
    /** Multicall3 (canonical `0xcA11bde05977b3631167028862bE2a173976CA11` on most chains): batched reads. */
    multicall3?: `0x${string}`
    /** The native currency; Ether (18 decimals) when omitted. */
    nativeCurrency?: { name: string; symbol: string; decimals: number }
  }
  contracts: {
    /** The singleton auction + escrow contract. */
    market: `0x${string}`
    /** An ERC-20 accepted as payment on dev chains (a test stablecoin), if deployed. */
    token?: `0x${string}`
    /** Block at which the market was deployed; log scans start here. */
    deployBlock?: number
    /** ERC-20 tokens the deployment accepts as payment, beside the native currency (optional). */
    tokens?: SoukToken[]
  }
  /** Multiaddrs of community relays, each ending in /p2p/<peer id>. */
  relays: string[]
  /**
   * Arbiters the deployment suggests to sellers (each registered on chain with `registerArbiter`; the app
   * shows their on-chain record from `getArbiter`). Optional; older config files without it stay valid.
   */
  recommendedArbiters?: `0x${string}`[]
  /**
   * Trustless HTTP gateways (https://specs.ipfs.tech/http-gateways/trustless-gateway/) that serve Souk media,
   * usually the relays' own HTTP ports. Photos are fetched from them (each block checked against its CID) beside
   * bitswap, so a photo shows before or without a libp2p connection. Optional.
   */
  gateways?: string[]
  /** Offer anvil's public dev accounts as a wallet. Only honoured on chain 31337. */
  devWallet?: boolean
}

/** The address 0x0…0: example configs carry it until the contracts are deployed. */
export const UNDEPLOYED = '0x0000000000000000000000000000000000000000'

export class ConfigError extends BaseError {
  constructor(message: string) {
    super(message, { name: 'ConfigError' })
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

function fail(path: string, expected: string): never {
  throw new ConfigError(`config.json: ${path} must be ${expected}`)
}

function isAddress(v: unknown): v is `0x${string}` {
  return typeof v === 'string' && ADDRESS.test(v)
}

function isHttpUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false
  try {
    const url = new URL(v)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

function parseToken(t: unknown, i: number): SoukToken {
  const o = t as Record<string, unknown> | null
  if (typeof o !== 'object' || o === null) fail(`contracts.tokens[${i}]`, 'an object')
  if (!isAddress(o.address)) fail(`contracts.tokens[${i}].address`, 'an address')
  if (typeof o.symbol !== 'string' || o.symbol.length === 0 || o.symbol.length > 16)
    fail(`contracts.tokens[${i}].symbol`, 'a string of 1 to 16 characters')
  if (!Number.isSafeInteger(o.decimals) || (o.decimals as number) < 0 || (o.decimals as number) > 36)
    fail(`contracts.tokens[${i}].decimals`, 'an integer from 0 to 36')
  return { address: o.address, symbol: o.symbol, decimals: o.decimals as number }
}

/** Checks an untrusted value (parsed JSON) and returns it typed, or throws a ConfigError naming the bad field. */
export function parseConfig(value: unknown): SoukConfig {
  if (typeof value !== 'object' || value === null) fail('the document', 'a JSON object')
  const v = value as Record<string, unknown>
  const chain = v.chain as Record<string, unknown> | undefined
  if (typeof chain !== 'object' || chain === null) fail('chain', 'an object')
  if (!Number.isSafeInteger(chain.id) || (chain.id as number) <= 0) fail('chain.id', 'a positive integer')
  if (typeof chain.name !== 'string') fail('chain.name', 'a string')
  if (!Array.isArray(chain.rpcUrls) || chain.rpcUrls.length === 0 || !chain.rpcUrls.every((u) => typeof u === 'string'))
    fail('chain.rpcUrls', 'a non-empty list of URLs')
  chain.rpcUrls.forEach((u, i) => {
    if (!isHttpUrl(u)) fail(`chain.rpcUrls[${i}]`, `an http(s) URL (got "${String(u)}")`)
  })
  if (new Set(chain.rpcUrls).size !== chain.rpcUrls.length) fail('chain.rpcUrls', 'a list without duplicates')
  if (chain.explorer !== undefined && !isHttpUrl(chain.explorer)) fail('chain.explorer', 'an http(s) URL')
  if (chain.multicall3 !== undefined && !isAddress(chain.multicall3)) fail('chain.multicall3', 'an address')
  const currency = chain.nativeCurrency as Record<string, unknown> | undefined
  if (
    currency !== undefined &&
    (typeof currency !== 'object' ||
      currency === null ||
      typeof currency.name !== 'string' ||
      typeof currency.symbol !== 'string' ||
      !Number.isSafeInteger(currency.decimals))
  )
    fail('chain.nativeCurrency', 'an object { name, symbol, decimals }')
  const contracts = v.contracts as Record<string, unknown> | undefined
  if (typeof contracts !== 'object' || contracts === null) fail('contracts', 'an object')
  if (!isAddress(contracts.market)) fail('contracts.market', 'an address')
  if (contracts.token !== undefined && !isAddress(contracts.token)) fail('contracts.token', 'an address')
  if (
    contracts.deployBlock !== undefined &&
    (!Number.isSafeInteger(contracts.deployBlock) || (contracts.deployBlock as number) < 0)
  )
    fail('contracts.deployBlock', 'a block number')
  if (contracts.tokens !== undefined && !Array.isArray(contracts.tokens)) fail('contracts.tokens', 'a list of tokens')
  const tokens = ((contracts.tokens as unknown[] | undefined) ?? []).map(parseToken)
  if (!Array.isArray(v.relays) || !v.relays.every((r) => typeof r === 'string' && r.includes('/p2p/')))
    fail('relays', 'a list of multiaddrs ending in /p2p/<peer id>')
  if (v.devWallet !== undefined && typeof v.devWallet !== 'boolean') fail('devWallet', 'true or false')
  const gateways = v.gateways ?? []
  if (!Array.isArray(gateways) || !gateways.every((g) => typeof g === 'string' && /^https?:\/\/[^/]/.test(g)))
    fail('gateways', 'a list of http(s) URLs')
  const arbiters = v.recommendedArbiters ?? []
  if (!Array.isArray(arbiters) || !arbiters.every(isAddress)) fail('recommendedArbiters', 'a list of addresses')
  return {
    chain: {
      id: chain.id as number,
      name: chain.name,
      rpcUrls: chain.rpcUrls as string[],
      ...(chain.explorer === undefined ? {} : { explorer: chain.explorer }),
      ...(chain.multicall3 === undefined ? {} : { multicall3: chain.multicall3 }),
      ...(currency === undefined
        ? {}
        : {
            nativeCurrency: {
              name: currency.name as string,
              symbol: currency.symbol as string,
              decimals: currency.decimals as number,
            },
          }),
    },
    contracts: {
      market: contracts.market,
      ...(contracts.token === undefined ? {} : { token: contracts.token }),
      ...(contracts.deployBlock === undefined ? {} : { deployBlock: contracts.deployBlock as number }),
      ...(tokens.length ? { tokens } : {}),
    },
    relays: v.relays as string[],
    recommendedArbiters: arbiters,
    ...(gateways.length > 0 ? { gateways: gateways as string[] } : {}),
    devWallet: v.devWallet === true && chain.id === 31337,
  }
}

/** True while the config still names no market (an example config before `npm run deploy`). */
export function isUndeployed(config: SoukConfig): boolean {
  return config.contracts.market.toLowerCase() === UNDEPLOYED
}
