/**
 * This device's network settings (the `#/settings` view): its own relay list and an RPC URL of its own, kept in
 * localStorage and laid over the deployment's `config.json` when Souk starts (`withSettings`, main.ts). The
 * deployment's config stays the default: "reset" removes the override. Both are checked before they are saved:
 * a relay must be a multiaddr a browser can dial ending in `/p2p/<peer id>`, an RPC URL must answer
 * `eth_chainId` with the deployment's chain id.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { BaseError } from 'viem'
import type { SoukConfig } from '../core/config.ts'

export interface DeviceSettings {
  /** Relays this device uses instead of the config's (undefined: the config's). */
  relays?: string[]
  /** An RPC URL tried before the config's (undefined: the config's only). */
  rpcUrl?: string
}

/** Why a relay address or RPC URL was refused; `reason` says which check failed (the view words it). */
export class SettingsError extends BaseError {
  override name = 'SettingsError'
  readonly reason: SettingsErrorReason
  constructor(reason: SettingsErrorReason, message: string, options: { cause?: Error; details?: string } = {}) {
    super(message, options)
    this.reason = reason
  }
}

export type SettingsErrorReason =
  | 'relay-syntax'
  | 'relay-peer-id'
  | 'relay-transport'
  | 'relay-duplicate'
  | 'rpc-url'
  | 'rpc-unreachable'
  | 'rpc-wrong-chain'

const KEY = 'souk.settings'
/** Relays a person can list here (the node keeps a few connected out of them). */
export const MAX_DEVICE_RELAYS = 16
const MAX_ADDR_LENGTH = 512

function storage(): Storage | undefined {
  return globalThis.localStorage
}

/** The saved settings; anything malformed in storage is dropped (the config's defaults apply). */
export function loadSettings(key = KEY): DeviceSettings {
  let raw: unknown
  try {
    raw = JSON.parse(storage()?.getItem(key) ?? '{}')
  } catch {
    return {}
  }
  if (typeof raw !== 'object' || raw === null) return {}
  const v = raw as Record<string, unknown>
  const out: DeviceSettings = {}
  if (Array.isArray(v.relays)) {
    const relays = v.relays.flatMap((r) => {
      if (typeof r !== 'string') return []
      try {
        return [parseRelayAddr(r)]
      } catch {
        return []
      }
    })
    out.relays = relays.slice(0, MAX_DEVICE_RELAYS)
  }
  if (typeof v.rpcUrl === 'string' && isHttpUrl(v.rpcUrl)) out.rpcUrl = v.rpcUrl
  return out
}

export function saveSettings(settings: DeviceSettings, key = KEY): void {
  const clean: DeviceSettings = {
    ...(settings.relays ? { relays: settings.relays } : {}),
    ...(settings.rpcUrl ? { rpcUrl: settings.rpcUrl } : {}),
  }
  if (Object.keys(clean).length === 0) storage()?.removeItem(key)
  else storage()?.setItem(key, JSON.stringify(clean))
}

/** The config Souk starts with on this device: the deployment's, with this device's relays and RPC URL. */
export function withSettings(config: SoukConfig, settings: DeviceSettings): SoukConfig {
  const rpcUrls = settings.rpcUrl
    ? [settings.rpcUrl, ...config.chain.rpcUrls.filter((u) => u !== settings.rpcUrl)]
    : config.chain.rpcUrls
  return { ...config, chain: { ...config.chain, rpcUrls }, relays: settings.relays ?? config.relays }
}

/**
 * A relay address as typed, checked: a multiaddr over WebSockets (what a browser can dial) ending in
 * `/p2p/<peer id>`, with no circuit hop. Returns its canonical text; throws `SettingsError`.
 */
export function parseRelayAddr(text: string): string {
  const t = text.trim()
  let ma
  try {
    if (!t.startsWith('/') || t.length > MAX_ADDR_LENGTH) throw new Error('not a multiaddr')
    ma = multiaddr(t)
  } catch (err) {
    throw new SettingsError('relay-syntax', `"${t.slice(0, 80)}" is not a multiaddr.`, {
      ...(err instanceof Error ? { cause: err } : {}),
    })
  }
  const components = ma.getComponents()
  const names = components.map((c) => c.name)
  const last = components.at(-1)
  if (last?.name !== 'p2p' || names.filter((n) => n === 'p2p').length !== 1 || names.includes('p2p-circuit'))
    throw new SettingsError('relay-peer-id', 'A relay address must end in /p2p/<peer id>.')
  try {
    checkPeerId(last.value ?? '')
  } catch (err) {
    throw new SettingsError('relay-peer-id', 'The peer id at the end of the address is not valid.', {
      ...(err instanceof Error ? { cause: err } : {}),
    })
  }
  if (!names.includes('ws') && !names.includes('wss'))
    throw new SettingsError('relay-transport', 'A browser reaches relays only over WebSockets (/ws or /wss).')
  return ma.toString()
}

/**
 * Throws unless `text` is a libp2p peer id: a base58btc multihash (identity for Ed25519 keys, sha2-256 for
 * RSA) or a CID with the libp2p-key codec. (`@libp2p/peer-id` would bring @libp2p/crypto onto the page.)
 */
function checkPeerId(text: string): void {
  const digest =
    text.startsWith('1') || text.startsWith('Q')
      ? Digest.decode(base58btc.decode(`z${text}`))
      : CID.parse(text).multihash
  if (!text.startsWith('1') && !text.startsWith('Q') && CID.parse(text).code !== LIBP2P_KEY)
    throw new Error('not a libp2p-key CID')
  if (digest.code !== IDENTITY && digest.code !== SHA2_256) throw new Error('not a peer id multihash')
  if (digest.code === IDENTITY && (digest.digest.length < 32 || digest.digest.length > 42))
    throw new Error('unexpected key length')
}
const LIBP2P_KEY = 0x72
const IDENTITY = 0x00
const SHA2_256 = 0x12

/** `list` with `text` added (checked, not twice, at most MAX_DEVICE_RELAYS). */
export function addRelay(list: readonly string[], text: string): string[] {
  const addr = parseRelayAddr(text)
  if (list.includes(addr)) throw new SettingsError('relay-duplicate', 'This relay is already in the list.')
  if (list.length >= MAX_DEVICE_RELAYS)
    throw new SettingsError('relay-duplicate', `At most ${MAX_DEVICE_RELAYS} relays can be listed.`)
  return [...list, addr]
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    return false
  }
}

/**
 * Checks an RPC URL before it is saved: an http(s) URL that answers `eth_chainId` with the deployment's chain
 * id (viem's client, one attempt, 8 s). Resolves with the URL as it will be saved; throws `SettingsError`.
 */
export async function checkRpcUrl(
  text: string,
  config: Pick<SoukConfig, 'chain'>,
  { signal }: { signal?: AbortSignal } = {},
): Promise<string> {
  const url = text.trim()
  if (!isHttpUrl(url)) throw new SettingsError('rpc-url', 'The RPC URL must start with https:// or http://.')
  const { createPublicClient, http } = await import('viem')
  const client = createPublicClient({ transport: http(url, { retryCount: 0, timeout: 8_000 }) })
  let id: number
  try {
    signal?.throwIfAborted()
    id = await Promise.race([
      client.getChainId(),
      new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
      }),
    ])
  } catch (err) {
    if (signal?.aborted) throw err
    throw new SettingsError('rpc-unreachable', 'The RPC URL did not answer eth_chainId.', {
      ...(err instanceof Error ? { cause: err } : {}),
    })
  }
  if (id !== config.chain.id)
    throw new SettingsError('rpc-wrong-chain', `The RPC URL serves chain ${id}, not ${config.chain.id}.`, {
      details: String(id),
    })
  return url
}
