/**
 * Shared pieces of the chain tests: one wagmi config per simulated person (each its own "browser" with the
 * dev wallet on its own anvil account), anvil time travel, fresh vault profiles, and a fake EIP-6963 wallet
 * (the only mock: a wallet extension cannot run here) that can be on the wrong chain or reject a request.
 */
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { deleteDB } from 'idb'
import { keccak256, numberToHex, stringToHex, type Address, type Hex } from 'viem'
import type { SoukConfig } from '../../../src/core/config.ts'
import { registerArbiter } from '../../../src/chain/actions/registerArbiter.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../../src/chain/dev-wallet.ts'
import { getChainTime } from '../../../src/chain/market.ts'
import { BidVault } from '../../../src/chain/vault.ts'
import { connectWallet, selectDevAccount } from '../../../src/chain/wallet.ts'
import { getStack } from '../stack.ts'

export interface ChainTestStack {
  config: SoukConfig
  market: Address
  token: Address
  rpcUrl: string
}

/** The stack the test server started before the tests (see web-test-runner.config.mjs). */
export async function chainStack(): Promise<ChainTestStack> {
  const stack = await getStack()
  const { config, deployment } = stack
  if (!deployment?.token) throw new Error('the test stack has no contracts (or no TestUSD) deployed')
  return { config, market: deployment.market, token: deployment.token, rpcUrl: config.chain.rpcUrls[0]! }
}

let rpcId = 1
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: rpcId++, method, params }),
  })
  const body = (await res.json()) as { result?: T; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result as T
}

/** Moves the shared anvil's clock forward and mines a block at the new time. */
export async function advanceTime(url: string, seconds: number): Promise<void> {
  await rpc(url, 'evm_increaseTime', [seconds])
  await rpc(url, 'evm_mine')
}

/** A person with the dev wallet connected on anvil account `index` (no storage shared with anyone). */
export async function person(config: SoukConfig, index: number): Promise<{ wagmi: SoukWagmiConfig; address: Address }> {
  const wagmi = createSoukWagmiConfig(config, {
    storage: null,
    multiInjectedProviderDiscovery: false,
    devAccountIndex: index,
  })
  const state = await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
  const address = await selectDevAccount(wagmi, index)
  if (state.address !== address) throw new Error(`dev wallet did not start on account ${index}`)
  return { wagmi, address }
}

/** A profile CID for a test arbiter (an inline identity CID: nothing to fetch). */
export function testProfileCid(label: string): string {
  return CID.createV1(0x55, identity.digest(new TextEncoder().encode(`test arbiter ${label}`))).toString()
}

/** A person registered on chain as an arbiter (no minimum fee or window), so that listings may name it. */
export async function arbiterPerson(
  config: SoukConfig,
  index: number,
): Promise<{ wagmi: SoukWagmiConfig; address: Address }> {
  const p = await person(config, index)
  await registerArbiter(p.wagmi, { minFeeBps: 0, minDisputeWindow: 0, metadataCid: testProfileCid(String(index)) })
  return p
}

/** A vault in a brand-new profile (its own IndexedDB database). */
export async function freshVault(label: string): Promise<BidVault> {
  const name = `souk-test-${label}-${crypto.randomUUID()}`
  await deleteDB(name)
  return await BidVault.open({ name })
}

export function contentHash(text: string): Hex {
  return keccak256(stringToHex(text))
}

export async function chainNow(wagmi: SoukWagmiConfig): Promise<number> {
  return await getChainTime(wagmi)
}

export interface FakeWallet {
  /** The chain the wallet says it is on. */
  chainId: number
  /** Answer the next eth_sendTransaction with EIP-1193 error 4001, as a person pressing "Reject" would. */
  rejectNext: boolean
  /** Requests the wallet was asked for, in order. */
  calls: string[]
  /** The person switches network inside the wallet. */
  setChain(chainId: number): void
  remove(): void
}

/**
 * An EIP-6963 wallet extension: announces itself, reports `chainId` (mainnet at first, like most wallets),
 * switches chain on request (emitting `chainChanged`) and forwards everything else to anvil, which signs for
 * the unlocked `account`.
 */
export function announceFakeWallet({
  rpcUrl,
  account,
  chainId = 1,
  name = 'Test Wallet',
}: {
  rpcUrl: string
  account: Address
  chainId?: number
  name?: string
}): FakeWallet {
  const listeners = new Map<string, Set<(arg: unknown) => void>>()
  const emit = (event: string, arg: unknown): void => listeners.get(event)?.forEach((fn) => fn(arg))
  const wallet: FakeWallet = {
    chainId,
    rejectNext: false,
    calls: [],
    setChain(next) {
      wallet.chainId = next
      emit('chainChanged', numberToHex(next))
    },
    remove: () => window.removeEventListener('eip6963:requestProvider', announce),
  }
  const rejected = (): Error => Object.assign(new Error('User rejected the request.'), { code: 4001 })
  const provider = {
    async request({ method, params }: { method: string; params?: unknown[] }): Promise<unknown> {
      wallet.calls.push(method)
      switch (method) {
        case 'eth_chainId':
          return numberToHex(wallet.chainId)
        case 'eth_accounts':
        case 'eth_requestAccounts':
          return [account]
        case 'wallet_requestPermissions':
        case 'wallet_getPermissions':
          return [{ parentCapability: 'eth_accounts' }]
        case 'wallet_revokePermissions':
          return null
        case 'wallet_switchEthereumChain': {
          const next = Number((params as [{ chainId: Hex }])[0].chainId)
          if (next !== 31337 && next !== 1) throw Object.assign(new Error('Unrecognized chain ID'), { code: 4902 })
          wallet.chainId = next
          emit('chainChanged', numberToHex(next))
          return null
        }
        case 'eth_sendTransaction':
          if (wallet.rejectNext) {
            wallet.rejectNext = false
            throw rejected()
          }
          return await rpc(rpcUrl, method, params)
        default:
          return await rpc(rpcUrl, method, params ?? [])
      }
    },
    on(event: string, fn: (arg: unknown) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(fn)
    },
    removeListener(event: string, fn: (arg: unknown) => void) {
      listeners.get(event)?.delete(fn)
    },
  }
  const detail = Object.freeze({
    info: {
      uuid: crypto.randomUUID(),
      name,
      icon: 'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg"/%3E',
      rdns: 'org.souk.test-wallet',
    },
    provider,
  })
  function announce(): void {
    window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail }))
  }
  window.addEventListener('eip6963:requestProvider', announce)
  announce()
  return wallet
}
