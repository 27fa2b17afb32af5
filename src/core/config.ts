/**
 * Runtime configuration of a Souk deployment, loaded by the PWA from `config.json` at start-up.
 *
 * The static build works on any chain and any set of relays named here without rebuilding.
 * `npm start` writes this file after it has deployed the contracts and started a relay.
 */
import { BaseError } from 'viem'

export interface SoukConfig {
  chain: {
    /** EIP-155 chain id, e.g. 31337 for anvil. */
    id: number
    name: string
    rpcUrls: string[]
    /** Block explorer base URL, if the chain has one. */
    explorer?: string
  }
  contracts: {
    /** The singleton auction + escrow contract. */
    market: `0x${string}`
    /** An ERC-20 accepted as payment on dev chains (a test stablecoin), if deployed. */
    token?: `0x${string}`
    /** Block at which the market was deployed; log scans start here. */
    deployBlock?: number
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

export class ConfigError extends BaseError {
  override name = 'ConfigError'
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

function fail(path: string, expected: string): never {
  throw new ConfigError(`config.json: ${path} must be ${expected}`)
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
  if (chain.explorer !== undefined && typeof chain.explorer !== 'string') fail('chain.explorer', 'a string')
  const contracts = v.contracts as Record<string, unknown> | undefined
  if (typeof contracts !== 'object' || contracts === null) fail('contracts', 'an object')
  if (typeof contracts.market !== 'string' || !ADDRESS.test(contracts.market)) fail('contracts.market', 'an address')
  if (contracts.token !== undefined && (typeof contracts.token !== 'string' || !ADDRESS.test(contracts.token)))
    fail('contracts.token', 'an address')
  if (contracts.deployBlock !== undefined && !Number.isSafeInteger(contracts.deployBlock))
    fail('contracts.deployBlock', 'a block number')
  if (!Array.isArray(v.relays) || !v.relays.every((r) => typeof r === 'string' && r.includes('/p2p/')))
    fail('relays', 'a list of multiaddrs ending in /p2p/<peer id>')
  if (v.devWallet !== undefined && typeof v.devWallet !== 'boolean') fail('devWallet', 'true or false')
  const gateways = v.gateways ?? []
  if (!Array.isArray(gateways) || !gateways.every((g) => typeof g === 'string' && /^https?:\/\/[^/]/.test(g)))
    fail('gateways', 'a list of http(s) URLs')
  const arbiters = v.recommendedArbiters ?? []
  if (!Array.isArray(arbiters) || !arbiters.every((a) => typeof a === 'string' && ADDRESS.test(a)))
    fail('recommendedArbiters', 'a list of addresses')
  return {
    chain: {
      id: chain.id as number,
      name: chain.name,
      rpcUrls: chain.rpcUrls as string[],
      ...(chain.explorer === undefined ? {} : { explorer: chain.explorer as string }),
    },
    contracts: {
      market: contracts.market as `0x${string}`,
      ...(contracts.token === undefined ? {} : { token: contracts.token as `0x${string}` }),
      ...(contracts.deployBlock === undefined ? {} : { deployBlock: contracts.deployBlock as number }),
    },
    relays: v.relays as string[],
    recommendedArbiters: arbiters as `0x${string}`[],
    ...(gateways.length > 0 ? { gateways: gateways as string[] } : {}),
    devWallet: v.devWallet === true && chain.id === 31337,
  }
}
