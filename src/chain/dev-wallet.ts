/**
 * A wagmi connector for anvil's public dev accounts, so `npm start` works with no wallet extension.
 *
 * anvil keeps its dev accounts unlocked, so this wallet holds no key: it answers the account and chain
 * questions itself and forwards everything else (including `eth_sendTransaction`) to the node, which signs.
 * Safety: `createSoukWagmiConfig` only adds it when the config is for chain 31337 with `devWallet: true`,
 * and `connect()` refuses unless the node itself answers chain id 31337, so it can never send anything to a
 * real network.
 */
import { createConnector } from '@wagmi/core'
import { getAddress, numberToHex, SwitchChainError, type Address, type EIP1193RequestFn, BaseError } from 'viem'

export const DEV_CHAIN_ID = 31337
export const DEV_WALLET_ID = 'souk-dev-wallet'

export interface DevWalletParameters {
  rpcUrl: string
  /** Which dev account is active at first (0..9). Default 0. */
  accountIndex?: number
}

interface DevWalletProperties extends Record<string, unknown> {
  /** Makes dev account `index` the active one (like picking another account in a wallet). */
  selectAccount(index: number): Promise<Address>
  /** All dev accounts the node offers, in anvil's order. */
  listAccounts(): Promise<readonly Address[]>
}

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

  const loadAccounts = async (): Promise<readonly Address[]> => {
    accounts ??= ((await rpc('eth_accounts')) as string[]).map((a) => getAddress(a))
    return accounts
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
          return await rpc(method, (params as unknown[] | undefined) ?? [])
      }
    }) as EIP1193RequestFn,
  }

  return createConnector<DevWalletProvider, DevWalletProperties, { 'souk-dev-wallet.connected': boolean }>(
    (config) => ({
      id: DEV_WALLET_ID,
      name: 'Dev wallet (anvil)',
      type: 'souk-dev-wallet',
      async connect<withCapabilities extends boolean = false>({
        chainId,
        withCapabilities,
      }: {
        chainId?: number | undefined
        isReconnecting?: boolean | undefined
        withCapabilities?: withCapabilities | boolean | undefined
      } = {}): Promise<{ accounts: ConnectedAccounts<withCapabilities>; chainId: number }> {
        if (chainId !== undefined && chainId !== DEV_CHAIN_ID)
          throw new SwitchChainError(new Error('The dev wallet only works on the local chain 31337.'))
        // never sign anything on a node that is not a local dev chain
        const nodeChainId = Number(await rpc('eth_chainId'))
        if (nodeChainId !== DEV_CHAIN_ID)
          throw new DevWalletRefusedError(`The dev wallet refuses chain ${nodeChainId}; it only works on 31337.`)
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
        if (connected) this.onAccountsChanged([...(await ordered())])
        return all[index]
      },
      async listAccounts() {
        return await loadAccounts()
      },
    }),
  )
}
