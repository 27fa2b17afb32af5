/**
 * Wallet connection on top of @wagmi/core: list the wallets (EIP-6963 announcements arrive over time), connect,
 * disconnect, follow account and chain changes live, and switch the wallet to the configured chain.
 *
 * Who the person is survives a reload: the wallet last connected (its connector id, name and account) is kept in
 * the wagmi storage (`rememberWallet`), and `reconnectWallet` reconnects that wallet and no other. When it is
 * not there (an extension removed or disabled, a locked wallet), the state says so (`missing`) instead of
 * reconnecting another wallet that happens to be authorized — which would act as another account.
 */
import {
  connect,
  disconnect,
  getConnection,
  getConnectors,
  reconnect,
  switchChain,
  watchConnection,
  watchConnectors,
  type Connector,
} from '@wagmi/core'
import type { Address } from 'viem'
import { configuredChain, type SoukWagmiConfig } from './config.ts'
import { DEV_WALLET_ID } from './dev-wallet.ts'
import { DevWalletUnavailableError, toSoukChainError, WalletNotConnectedError, WrongNetworkError } from './errors.ts'

export interface WalletInfo {
  id: string
  uid: string
  name: string
  /** Data URI of the wallet's icon, when the wallet announced one (EIP-6963). */
  icon: string | undefined
  /** Reverse-DNS id from EIP-6963, e.g. io.metamask. */
  rdns: string | undefined
  isDevWallet: boolean
}

export interface WalletState {
  status: 'disconnected' | 'connecting' | 'reconnecting' | 'connected'
  address: Address | undefined
  addresses: readonly Address[]
  chainId: number | undefined
  /** True when connected and the wallet is on the chain this deployment lives on. */
  onConfiguredChain: boolean
  connector: WalletInfo | undefined
  /** Dev wallet: the active account's index (0..9). */
  devAccount?: number
  /** The remembered wallet did not come back (not in this browser now, locked, or it refused to reconnect). */
  missing?: RememberedWallet
}

/** The wallet this browser used last (wagmi storage: per origin and chain). */
export interface RememberedWallet {
  /** The connector id: an EIP-6963 rdns, `injected` or the dev wallet's. */
  id: string
  name: string
  address: Address | undefined
}

const MEMORY_KEY = 'souk.wallet'

function isAnnounced(c: Connector): boolean {
  return c.type === 'injected' && c.id !== 'injected' && c.id !== DEV_WALLET_ID
}

function info(c: Connector): WalletInfo {
  return {
    id: c.id,
    uid: c.uid,
    name: c.name,
    icon: c.icon,
    // wagmi names an EIP-6963 wallet's connector by its rdns
    rdns: (typeof c.rdns === 'string' ? c.rdns : c.rdns?.[0]) ?? (isAnnounced(c) ? c.id : undefined),
    isDevWallet: c.id === DEV_WALLET_ID,
  }
}

/**
 * The wallets a person can pick: EIP-6963 wallets first, then the dev wallet (on 31337), then the generic
 * `window.ethereum` only when no announced wallet covers it.
 */
export function listWallets(wagmi: SoukWagmiConfig): WalletInfo[] {
  const all = getConnectors(wagmi)
  const announced = all.filter(isAnnounced)
  const legacy = all.filter((c) => c.id === 'injected')
  const dev = all.filter((c) => c.id === DEV_WALLET_ID)
  const others = all.filter((c) => !announced.includes(c) && !legacy.includes(c) && !dev.includes(c))
  const hasLegacyProvider = typeof window !== 'undefined' && (window as { ethereum?: unknown }).ethereum !== undefined
  return [...announced, ...dev, ...others, ...(announced.length === 0 && hasLegacyProvider ? legacy : [])].map(info)
}

/** Calls `onChange` whenever the list of wallets changes (a wallet extension announced itself late). */
export function watchWallets(wagmi: SoukWagmiConfig, onChange: (wallets: WalletInfo[]) => void): () => void {
  return watchConnectors(wagmi, { onChange: () => onChange(listWallets(wagmi)) })
}

export function getWalletState(wagmi: SoukWagmiConfig): WalletState {
  const c = getConnection(wagmi)
  const chain = configuredChain(wagmi)
  const active = (c.connector as { activeIndex?: () => number } | undefined)?.activeIndex
  return {
    status: c.status,
    address: c.address,
    addresses: c.addresses ?? [],
    chainId: c.chainId,
    onConfiguredChain: c.status === 'connected' && c.chainId === chain.id,
    connector: c.connector ? info(c.connector) : undefined,
    ...(c.connector?.id === DEV_WALLET_ID && typeof active === 'function' ? { devAccount: active() } : {}),
  }
}

/** The wallet this browser used last, or (from before it was remembered) wagmi's last connector. */
export async function rememberedWallet(wagmi: SoukWagmiConfig): Promise<RememberedWallet | undefined> {
  const storage = wagmi.storage
  if (!storage) return undefined
  const kept = (await storage.getItem(MEMORY_KEY)) as Partial<RememberedWallet> | null | undefined
  if (kept && typeof kept.id === 'string' && typeof kept.name === 'string')
    return {
      id: kept.id,
      name: kept.name,
      address: typeof kept.address === 'string' && /^0x[0-9a-fA-F]{40}$/.test(kept.address) ? kept.address : undefined,
    }
  const recent = await storage.getItem('recentConnectorId')
  return typeof recent === 'string' ? { id: recent, name: recent, address: undefined } : undefined
}

/** Remembers the connected wallet and account (called on every change while connected). */
export async function rememberWallet(wagmi: SoukWagmiConfig, state: WalletState): Promise<void> {
  if (state.status !== 'connected' || !state.connector) return
  const next: RememberedWallet = { id: state.connector.id, name: state.connector.name, address: state.address }
  await wagmi.storage?.setItem(MEMORY_KEY, next)
}

/** The connector with id `id`, waiting up to `waitMs` for a wallet extension to announce itself (EIP-6963). */
async function connectorById(wagmi: SoukWagmiConfig, id: string, waitMs: number, signal?: AbortSignal) {
  const find = (): Connector | undefined => getConnectors(wagmi).find((c) => c.id === id)
  const now = find()
  if (now || waitMs <= 0) return now
  return await new Promise<Connector | undefined>((resolve) => {
    const done = (c: Connector | undefined): void => {
      clearTimeout(timer)
      unwatch()
      signal?.removeEventListener('abort', onAbort)
      resolve(c)
    }
    const onAbort = (): void => done(undefined)
    const timer = setTimeout(() => done(find()), waitMs)
    const unwatch = watchConnectors(wagmi, {
      onChange: () => {
        const c = find()
        if (c) done(c)
      },
    })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Follows the wallet live: connect, disconnect, account switch and chain switch in the wallet. */
export function watchWallet(wagmi: SoukWagmiConfig, onChange: (state: WalletState) => void): () => void {
  return watchConnection(wagmi, { onChange: () => onChange(getWalletState(wagmi)) })
}

export interface ConnectWalletParameters {
  /** `id` or `uid` from `listWallets`; the first wallet listed when omitted. */
  wallet?: string
}

/** Connects a wallet (asking it for permission) on the configured chain when it can. */
export async function connectWallet(
  wagmi: SoukWagmiConfig,
  { wallet }: ConnectWalletParameters = {},
): Promise<WalletState> {
  const connectors = getConnectors(wagmi)
  const connector = wallet
    ? connectors.find((c) => c.uid === wallet || c.id === wallet)
    : connectors.find((c) => c.uid === listWallets(wagmi)[0]?.uid)
  if (!connector) throw wallet === DEV_WALLET_ID ? new DevWalletUnavailableError() : new WalletNotConnectedError()
  try {
    await connect(wagmi, { connector })
  } catch (err) {
    throw toSoukChainError(err, { chain: configuredChain(wagmi) })
  }
  return getWalletState(wagmi)
}

export interface ReconnectWalletParameters {
  /** How long to wait for the remembered wallet extension to announce itself (default 2 s). */
  waitMs?: number
  signal?: AbortSignal
}

/**
 * Reconnects the wallet used last time — that wallet only, with the account it had — if it still allows it
 * (call once at start-up). When it is not there or does not reconnect, the state's `missing` names it and
 * nothing else is connected.
 */
export async function reconnectWallet(
  wagmi: SoukWagmiConfig,
  { waitMs = 2_000, signal }: ReconnectWalletParameters = {},
): Promise<WalletState> {
  const remembered = await rememberedWallet(wagmi)
  if (!remembered) return getWalletState(wagmi)
  const connector = await connectorById(wagmi, remembered.id, waitMs, signal)
  if (connector) await reconnect(wagmi, { connectors: [connector] }).catch(() => undefined)
  const state = getWalletState(wagmi)
  return state.status === 'connected' ? state : { ...state, missing: remembered }
}

/** Disconnects and forgets the wallet: the next visit starts with nobody connected. */
export async function disconnectWallet(wagmi: SoukWagmiConfig): Promise<void> {
  await wagmi.storage?.removeItem(MEMORY_KEY)
  await disconnect(wagmi)
}

/**
 * Asks the wallet to switch to the configured chain (adding it to the wallet first if the wallet does not
 * know it). Resolves when the wallet is there; throws a readable error if the person refuses.
 */
export async function switchToConfiguredChain(wagmi: SoukWagmiConfig): Promise<WalletState> {
  const chain = configuredChain(wagmi)
  const state = getWalletState(wagmi)
  if (state.status !== 'connected') throw new WalletNotConnectedError()
  if (state.onConfiguredChain) return state
  try {
    await switchChain(wagmi, { chainId: chain.id })
  } catch (err) {
    const mapped = toSoukChainError(err, { chain })
    if (mapped.name === 'UnknownChainError') throw new WrongNetworkError(chain, state.chainId, { cause: err })
    throw mapped
  }
  return getWalletState(wagmi)
}

/** Throws WrongNetworkError / WalletNotConnectedError unless a wallet is connected on the configured chain. */
export function assertWalletReady(wagmi: SoukWagmiConfig): { address: Address; chainId: number } {
  const state = getWalletState(wagmi)
  if (state.status !== 'connected' || !state.address) throw new WalletNotConnectedError()
  const chain = configuredChain(wagmi)
  if (state.chainId !== chain.id) throw new WrongNetworkError(chain, state.chainId)
  return { address: state.address, chainId: chain.id }
}

/** Dev wallet only: makes dev account `index` (0..9) the active account. */
export async function selectDevAccount(wagmi: SoukWagmiConfig, index: number): Promise<Address> {
  const connector = getConnectors(wagmi).find((c) => c.id === DEV_WALLET_ID) as
    (Connector & { selectAccount(i: number): Promise<Address> }) | undefined
  if (!connector) throw new DevWalletUnavailableError()
  return await connector.selectAccount(index)
}
