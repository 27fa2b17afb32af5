/**
 * A wagmi connector for anvil's public dev accounts, so `npm start` works with no wallet extension.
 *
 * anvil keeps its dev accounts unlocked, so this wallet holds no key: it answers the account and chain
 * questions itself and forwards everything else (including `eth_sendTransaction`) to the node, which signs.
 * Safety: `createSoukWagmiConfig` only adds it when the config is for chain 31337 with `devWallet: true`,
 * and `connect()` refuses unless the node itself answers chain id 31337, so it can never send anything to a
 * real network.
 *
 * It remembers, in the wagmi config's storage (localStorage, per origin and chain), the account the person picked
 * and the node's account list, so a reload, a browser restart or a reload offline comes back as the same person.
 * A reconnect that cannot reach the node uses the remembered list; the node's chain id is then checked before
 * the first request that signs or sends anything.
 */
import { createConnector, type Storage } from '@wagmi/core'
import { getAddress, numberToHex, SwitchChainError, type Address, type EIP1193RequestFn, BaseError } from 'viem'

export const DEV_CHAIN_ID = 31337
export const DEV_WALLET_ID = 'souk-dev-wallet'

export interface DevWalletParameters {
  rpcUrl: string
  /** Which dev account is active at first (0..9). Default 0. */
  accountIndex?: number
}

interface DevWalletProperties extends Record<string, unknown> {
  /** Makes dev account `index` the active one (like picking another account in a wallet); remembered. */
  selectAccount(index: number): Promise<Address>
  /** All dev accounts the node offers, in anvil's order. */
  listAccounts(): Promise<readonly Address[]>
  /** The active account's index (0..9). */
  activeIndex(): number
}

/** What the dev wallet keeps in the wagmi storage (keys under `souk.wagmi.<chainId>.`). */
interface DevWalletStorage extends Record<string, unknown> {
  'souk-dev-wallet.connected': boolean
  /** The account the person picked last. */
  'souk-dev-wallet.account': number
  /** The node's accounts, for a reconnect while the node cannot be reached (offline). */
  'souk-dev-wallet.accounts': string[]
}

/** Requests that sign or send: never forwarded before the node answered chain id 31337. */
const SIGNING = new Set([
  'eth_sendTransaction',
  'eth_sign',
  'personal_sign',
  'eth_signTypedData',
  'eth_signTypedData_v3',
  'eth_signTypedData_v4',
  'eth_signTransaction',
  'eth_sendRawTransaction',
])

export interface DevWalletProvider {
  request: EIP1193RequestFn
}

export class DevWalletRefusedError extends BaseError {
  override name = 'DevWalletRefusedError'
}

let nextId = 1

/** A wallet account with the capabilities it reports (the dev wallet reports none). */
interface AccountWithCapabilities {
  address: Address
  capabilities: Record<string, unknown>
}

/** The accounts a wagmi connector's `connect` answers: addresses, or with `withCapabilities` address objects. */
type ConnectedAccounts<withCapabilities extends boolean> = withCapabilities extends true
  ? readonly AccountWithCapabilities[]
  : readonly Address[]

/**
 * `list` in the form `connect` was asked for (wagmi's own `connect` action accepts either and maps plain addresses
 * to `{ address, capabilities: {} }` itself, so callers see the same result as before). The overload states the
 * conditional type, which TypeScript cannot check against a runtime boolean; the body below covers both branches.
 */
function connectedAccounts<withCapabilities extends boolean>(
  list: readonly Address[],
  capabilities: withCapabilities | boolean | undefined,
): ConnectedAccounts<withCapabilities>
function connectedAccounts(
  list: readonly Address[],
  capabilities: boolean | undefined,
): readonly AccountWithCapabilities[] | readonly Address[] {
  return capabilities ? list.map((address) => ({ address, capabilities: {} })) : list
}

/** The connector. `rpcUrl` must be an anvil node on chain 31337. */
export function devWallet({ rpcUrl, accountIndex = 0 }: DevWalletParameters) {
  let accounts: readonly Address[] | undefined
  let active = accountIndex
  let connected = false
  /** The wagmi config's storage, once wagmi set the connector up. */
  let storage: Storage<DevWalletStorage> | null | undefined
  /** The node answered chain id 31337 (checked once per page; a failed check is tried again). */
  let checked: Promise<void> | undefined

  const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
    })
    const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } }
    if (body.error) throw Object.assign(new Error(body.error.message), body.error)
    return body.result
  }

  /** Refuses (and never forwards a signing request) unless the node is a local dev chain. */
  const checkNode = (): Promise<void> => {
    checked ??= (async () => {
      const nodeChainId = Number(await rpc('eth_chainId'))
      if (nodeChainId !== DEV_CHAIN_ID)
        throw new DevWalletRefusedError(`The dev wallet refuses chain ${nodeChainId}; it only works on 31337.`)
    })()
    checked.catch(() => (checked = undefined))
    return checked
  }

  /** The node's accounts; when the node cannot be reached, the list remembered from an earlier visit. */
  const loadAccounts = async (): Promise<readonly Address[]> => {
    if (accounts) return accounts
    try {
      accounts = ((await rpc('eth_accounts')) as string[]).map((a) => getAddress(a))
      await storage?.setItem('souk-dev-wallet.accounts', [...accounts])
    } catch (err) {
      const kept = await storage?.getItem('souk-dev-wallet.accounts')
      if (!Array.isArray(kept) || kept.length === 0) throw err
      accounts = kept.map((a) => getAddress(a))
    }
    return accounts
  }

  /** The account the person picked on an earlier visit, if any. */
  const restoreAccount = async (): Promise<void> => {
    const kept = await storage?.getItem('souk-dev-wallet.account')
    if (typeof kept === 'number' && Number.isInteger(kept) && kept >= 0) active = kept
  }
  /** The active account first, like a wallet reports it. */
  const ordered = async (): Promise<readonly Address[]> => {
    const all = await loadAccounts()
    const first = all[active]
    if (!first) throw new DevWalletRefusedError(`the node has no dev account ${active}`)
    return [first, ...all.filter((a) => a !== first)]
  }

  const provider: DevWalletProvider = {
    request: (async ({ method, params }: { method: string; params?: unknown }) => {
      switch (method) {
        case 'eth_chainId':
          return numberToHex(DEV_CHAIN_ID)
        case 'eth_accounts':
          return connected ? await ordered() : []
        case 'eth_requestAccounts':
          return await ordered()
        case 'wallet_switchEthereumChain': {
          const [{ chainId }] = params as [{ chainId: string }]
          if (Number(chainId) !== DEV_CHAIN_ID)
            throw Object.assign(new Error('The dev wallet only works on the local chain 31337.'), { code: 4902 })
          return null
        }
        case 'wallet_addEthereumChain':
        case 'wallet_watchAsset':
          throw Object.assign(new Error(`${method} is not supported by the dev wallet`), { code: 4200 })
        default:
          if (SIGNING.has(method)) await checkNode()
          return await rpc(method, (params as unknown[] | undefined) ?? [])
      }
    }) as EIP1193RequestFn,
  }

  return createConnector<DevWalletProvider, DevWalletProperties, DevWalletStorage>((config) => {
    storage = config.storage
    return {
      id: DEV_WALLET_ID,
      name: 'Dev wallet (anvil)',
      type: 'souk-dev-wallet',
      async connect<withCapabilities extends boolean = false>({
        chainId,
        isReconnecting,
        withCapabilities,
      }: {
        chainId?: number | undefined
        isReconnecting?: boolean | undefined
        withCapabilities?: withCapabilities | boolean | undefined
      } = {}): Promise<{ accounts: ConnectedAccounts<withCapabilities>; chainId: number }> {
        if (chainId !== undefined && chainId !== DEV_CHAIN_ID)
          throw new SwitchChainError(new Error('The dev wallet only works on the local chain 31337.'))
        // never sign anything on a node that is not a local dev chain: checked now, or — reconnecting while the
        // node cannot be reached (a reload offline) — before the first request that signs (SIGNING)
        try {
          await checkNode()
        } catch (err) {
          if (err instanceof DevWalletRefusedError || !isReconnecting) throw err
        }
        await restoreAccount()
        const list = await ordered()
        connected = true
        await config.storage?.setItem('souk-dev-wallet.connected', true)
        return { accounts: connectedAccounts<withCapabilities>(list, withCapabilities), chainId: DEV_CHAIN_ID }
      },
      async disconnect() {
        connected = false
        await config.storage?.removeItem('souk-dev-wallet.connected')
      },
      async getAccounts() {
        return connected ? await ordered() : []
      },
      async getChainId() {
        return DEV_CHAIN_ID
      },
      async getProvider() {
        return provider
      },
      async isAuthorized() {
        // reconnects after a reload only if the person connected it before and did not disconnect
        return (await config.storage?.getItem('souk-dev-wallet.connected')) === true
      },
      async switchChain({ chainId }) {
        const chain = config.chains.find((c) => c.id === chainId)
        if (chainId !== DEV_CHAIN_ID || !chain)
          throw new SwitchChainError(new Error('The dev wallet only works on the local chain 31337.'))
        return chain
      },
      onAccountsChanged(list) {
        if (list.length === 0) this.onDisconnect()
        else config.emitter.emit('change', { accounts: list.map((a) => getAddress(a)) })
      },
      onChainChanged(chain) {
        config.emitter.emit('change', { chainId: Number(chain) })
      },
      onDisconnect() {
        connected = false
        config.emitter.emit('disconnect')
      },
      async selectAccount(index: number) {
        const all = await loadAccounts()
        if (!Number.isInteger(index) || !all[index]) throw new DevWalletRefusedError(`no dev account ${index}`)
        active = index
        await storage?.setItem('souk-dev-wallet.account', index)
        if (connected) this.onAccountsChanged([...(await ordered())])
        return all[index]
      },
      async listAccounts() {
        return await loadAccounts()
      },
      activeIndex() {
        return active
      },
    }
  })
}
