// Deploys the Souk contracts with viem, from the Foundry build.
//   node scripts/deploy.ts --rpc http://127.0.0.1:8545 [--private-key 0x...] [--treasury 0x...]
// prints {"chainId":31337,"market":"0x…","treasury":"0x…","token":"0x…","arbiter":"0x…","deployBlock":N}
// On the local chain (31337) it also deploys the open-mint TestUSD, mints it to anvil's accounts and
// registers anvil account 9 as the default arbiter. On any other chain it refuses anvil's public keys
// (as deployer or treasury), needs --private-key and --treasury, and deploys SoukMarket only.
// Used by `npm start`, the browser/e2e test stacks and the gas benchmark.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { CID } from 'multiformats/cid'
import * as json from 'multiformats/codecs/json'
import { identity } from 'multiformats/hashes/identity'
import {
  BaseError,
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  isAddress,
  type Abi,
  type Hex,
} from 'viem'
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import { contractsOutDir, ensureContractsBuilt } from './forge.ts'

/** Anvil's first public development key (account 0 of the "test test … junk" mnemonic). Never use it on a real chain. */
export const ANVIL_DEFAULT_PRIVATE_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'
/** TestUSD minted to each of anvil's dev accounts 0..9 on development chains: 1,000,000 tUSD. */
export const DEV_TOKEN_MINT = 1_000_000n * 10n ** 6n
/** The only chain where anvil's public keys, the open-mint TestUSD and the dev arbiter are allowed. */
export const LOCAL_CHAIN_ID = 31337
/** Anvil account registered as the default arbiter on the local chain (tests and the app list with it). */
export const DEV_ARBITER_INDEX = 9
/**
 * Local treasury: account 10 of anvil's mnemonic, just past the ten funded accounts the dev wallet offers. The
 * treasury may neither list nor bid, so it must not be an account a person shops with in `npm start`.
 */
export const DEV_TREASURY = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 10 }).address
/** The dev arbiter's largest fee: 10% (the contract's cap). */
export const DEV_ARBITER_MAX_FEE_BPS = 1_000

/** The dev arbiter's profile, inline as an identity CID (dag-json), so it needs no IPFS node to read. */
export function devArbiterMetadataCid(): string {
  const profile = { name: 'Souk dev arbiter', chain: LOCAL_CHAIN_ID }
  return CID.createV1(json.code, identity.digest(json.encode(profile))).toString()
}

export interface DeployOptions {
  rpcUrl: string
  privateKey?: Hex
  /** Receives unrevealed-bid penalties. Defaults to DEV_TREASURY on the local chain; required elsewhere. */
  treasury?: `0x${string}`
}

export interface Deployment {
  chainId: number
  market: `0x${string}`
  treasury: `0x${string}`
  /** TestUSD (local chain only). */
  token?: `0x${string}`
  /** The registered default arbiter (local chain only). */
  arbiter?: `0x${string}`
  deployBlock: number
}

export class DeployRefusedError extends BaseError {
  override name = 'DeployRefusedError'
}

/**
 * The checks that keep development shortcuts off real chains: anvil's keys are public, so a deployer or a
 * treasury among them would hand the contract's penalties (or the deployer's funds) to anyone; TestUSD has
 * an open mint. Throws DeployRefusedError with the reason; returns the treasury to use.
 */
export function checkDeployment(opts: {
  chainId: number
  deployer: `0x${string}`
  treasury?: string | undefined
}): `0x${string}` {
  const dev = new Set(anvilDevAddresses().map((a) => a.toLowerCase()))
  if (opts.treasury !== undefined && !isAddress(opts.treasury))
    throw new DeployRefusedError(`--treasury must be an address (got ${opts.treasury})`)
  if (opts.chainId === LOCAL_CHAIN_ID) return getAddress(opts.treasury ?? DEV_TREASURY)
  if (dev.has(opts.deployer.toLowerCase()))
    throw new DeployRefusedError(
      `refusing to deploy on chain ${opts.chainId} with one of anvil's public development keys: pass --private-key (or SOUK_DEPLOYER_KEY)`,
    )
  if (opts.treasury === undefined)
    throw new DeployRefusedError(`chain ${opts.chainId} needs --treasury (the address that receives penalties)`)
  if (dev.has(opts.treasury.toLowerCase()))
    throw new DeployRefusedError(`refusing an anvil development account as treasury on chain ${opts.chainId}`)
  return getAddress(opts.treasury)
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
  devAddresses ??= Array.from({ length: 10 }, (_, i) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address)
  return [...devAddresses]
}
let devAddresses: `0x${string}`[] | undefined

/**
 * Deploys SoukMarket; on the local chain (31337) also TestUSD (minted to anvil's accounts 0..9) and the
 * default arbiter's registration. Refuses development keys and tokens elsewhere (`checkDeployment`).
 * Builds the contracts first when contracts/out/ is missing or older than the sources.
 */
export async function deployContracts({
  rpcUrl,
  privateKey,
  treasury: treasuryOption,
}: DeployOptions): Promise<Deployment> {
  const transport = http(rpcUrl)
  const publicClient = createPublicClient({ transport })
  const chainId = await publicClient.getChainId()
  const account = privateKeyToAccount(privateKey ?? ANVIL_DEFAULT_PRIVATE_KEY)
  const treasury = checkDeployment({ chainId, deployer: account.address, treasury: treasuryOption })
  const local = chainId === LOCAL_CHAIN_ID
  await ensureContractsBuilt()
  const chain = {
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const
  const wallet = createWalletClient({ account, chain, transport })

  let nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' })
  const market = readArtifact('SoukMarket')
  const marketHash = await wallet.deployContract({
    abi: market.abi,
    bytecode: market.bytecode,
    args: [treasury],
    nonce: nonce++,
  })
  const marketReceipt = await publicClient.waitForTransactionReceipt({ hash: marketHash })
  if (marketReceipt.status !== 'success' || !marketReceipt.contractAddress)
    throw new Error('SoukMarket deployment failed')
  const deployment: Deployment = {
    chainId,
    market: getAddress(marketReceipt.contractAddress),
    treasury,
    deployBlock: Number(marketReceipt.blockNumber),
  }
  if (!local) return deployment

  const token = readArtifact('TestUSD')
  const tokenHash = await wallet.deployContract({ abi: token.abi, bytecode: token.bytecode, nonce: nonce++ })
  const tokenReceipt = await publicClient.waitForTransactionReceipt({ hash: tokenHash })
  if (tokenReceipt.status !== 'success' || !tokenReceipt.contractAddress) throw new Error('TestUSD deployment failed')
  const pending: Hex[] = []
  for (const to of anvilDevAddresses()) {
    pending.push(
      await wallet.writeContract({
        address: tokenReceipt.contractAddress,
        abi: token.abi,
        functionName: 'mint',
        args: [to, DEV_TOKEN_MINT],
        nonce: nonce++,
      }),
    )
  }
  const arbiter = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: DEV_ARBITER_INDEX })
  pending.push(
    await createWalletClient({ account: arbiter, chain, transport }).writeContract({
      address: deployment.market,
      abi: market.abi,
      functionName: 'registerArbiter',
      args: [DEV_ARBITER_MAX_FEE_BPS, devArbiterMetadataCid()],
    }),
  )
  for (const hash of pending) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`deployment transaction ${hash} failed`)
  }
  return { ...deployment, token: getAddress(tokenReceipt.contractAddress), arbiter: arbiter.address }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rpc: { type: 'string', default: process.env.SOUK_RPC_URL ?? 'http://127.0.0.1:8545' },
      'private-key': { type: 'string', default: process.env.SOUK_DEPLOYER_KEY },
      treasury: { type: 'string', default: process.env.SOUK_TREASURY },
    },
  })
  try {
    const deployment = await deployContracts({
      rpcUrl: values.rpc,
      ...(values['private-key'] ? { privateKey: values['private-key'] as Hex } : {}),
      ...(values.treasury ? { treasury: values.treasury as `0x${string}` } : {}),
    })
    process.stdout.write(`${JSON.stringify(deployment)}\n`)
  } catch (error) {
    const reason =
      error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error)
    process.stderr.write(`deploy failed: ${reason}\n`)
    process.exit(1)
  }
}
