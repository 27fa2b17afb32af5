// Deploys the Souk contracts (SoukMarket + the TestUSD dev stablecoin) with viem, from the Foundry build.
//   node scripts/deploy.ts --rpc http://127.0.0.1:8545 [--private-key 0x...]
// prints {"chainId":31337,"market":"0x…","token":"0x…","deployBlock":N}
// Used by `npm start`, the browser/e2e test stacks and the gas benchmark.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createPublicClient, createWalletClient, getAddress, http, type Abi, type Hex } from 'viem'
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import { contractsOutDir, ensureContractsBuilt } from './forge.ts'

/** Anvil's first public development key (account 0 of the "test test … junk" mnemonic). Never use it on a real chain. */
export const ANVIL_DEFAULT_PRIVATE_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'
/** TestUSD minted to each of anvil's dev accounts 0..9 on development chains: 1,000,000 tUSD. */
export const DEV_TOKEN_MINT = 1_000_000n * 10n ** 6n
const DEV_CHAIN_IDS = new Set([31337, 1337])

export interface DeployOptions {
  rpcUrl: string
  privateKey?: Hex
}

export interface Deployment {
  chainId: number
  market: `0x${string}`
  token: `0x${string}`
  deployBlock: number
}

interface Artifact {
  abi: Abi
  bytecode: Hex
}

export function readArtifact(contract: 'SoukMarket' | 'TestUSD'): Artifact {
  const json = JSON.parse(readFileSync(join(contractsOutDir, `${contract}.sol`, `${contract}.json`), 'utf8')) as {
    abi: Abi
    bytecode: { object: Hex }
  }
  return { abi: json.abi, bytecode: json.bytecode.object }
}

/** The addresses of anvil's ten funded development accounts. */
export function anvilDevAddresses(): `0x${string}`[] {
  return Array.from({ length: 10 }, (_, i) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address)
}

/**
 * Deploys SoukMarket and TestUSD; on development chains (31337, 1337) also mints TestUSD to anvil's
 * accounts 0..9. Builds the contracts first when contracts/out/ is missing or older than the sources.
 */
export async function deployContracts({ rpcUrl, privateKey }: DeployOptions): Promise<Deployment> {
  await ensureContractsBuilt()
  const account = privateKeyToAccount(privateKey ?? ANVIL_DEFAULT_PRIVATE_KEY)
  const transport = http(rpcUrl)
  const publicClient = createPublicClient({ transport })
  const chainId = await publicClient.getChainId()
  const chain = {
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const
  const wallet = createWalletClient({ account, chain, transport })

  let nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' })
  const market = readArtifact('SoukMarket')
  const token = readArtifact('TestUSD')
  const marketHash = await wallet.deployContract({ abi: market.abi, bytecode: market.bytecode, nonce: nonce++ })
  const tokenHash = await wallet.deployContract({ abi: token.abi, bytecode: token.bytecode, nonce: nonce++ })
  const marketReceipt = await publicClient.waitForTransactionReceipt({ hash: marketHash })
  const tokenReceipt = await publicClient.waitForTransactionReceipt({ hash: tokenHash })
  if (marketReceipt.status !== 'success' || !marketReceipt.contractAddress)
    throw new Error('SoukMarket deployment failed')
  if (tokenReceipt.status !== 'success' || !tokenReceipt.contractAddress) throw new Error('TestUSD deployment failed')

  if (DEV_CHAIN_IDS.has(chainId)) {
    const mints: Hex[] = []
    for (const to of anvilDevAddresses()) {
      mints.push(
        await wallet.writeContract({
          address: tokenReceipt.contractAddress,
          abi: token.abi,
          functionName: 'mint',
          args: [to, DEV_TOKEN_MINT],
          nonce: nonce++,
        }),
      )
    }
    for (const hash of mints) {
      const receipt = await publicClient.waitForTransactionReceipt({ hash })
      if (receipt.status !== 'success') throw new Error(`TestUSD mint ${hash} failed`)
    }
  }

  return {
    chainId,
    market: getAddress(marketReceipt.contractAddress),
    token: getAddress(tokenReceipt.contractAddress),
    deployBlock: Number(marketReceipt.blockNumber),
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rpc: { type: 'string', default: process.env.SOUK_RPC_URL ?? 'http://127.0.0.1:8545' },
      'private-key': { type: 'string', default: process.env.SOUK_DEPLOYER_KEY },
    },
  })
  try {
    const deployment = await deployContracts({
      rpcUrl: values.rpc,
      privateKey: values['private-key'] as Hex | undefined,
    })
    process.stdout.write(`${JSON.stringify(deployment)}\n`)
  } catch (error) {
    process.stderr.write(`deploy failed: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
}
