// Deploys the Souk contracts with viem, from the Foundry build.
//   npm run deploy -- --rpc URL [--keystore FILE | --private-key 0x…] [--treasury 0x…] [--out DIR]
// prints {"chainId":31337,"market":"0x…","treasury":"0x…","token":"0x…","arbiter":"0x…","deployBlock":N,"commit":"…"}
// and writes it to deployments/<chainId>.json (.souk/deployments/ for the local chain), which
// `npm run app-config` / `npm run publish:app` turn into the app's config.json.
// The market is deployed with the protocol fee (--protocol-fee, default 50 bps) and 1 wei, which the contract
// credits to the treasury so that its balance slot is live before the first sale (see SoukMarket's constructor).
// On the local chain (31337) it also deploys the open-mint TestUSD, mints it to anvil's accounts and
// registers three dev arbiters (anvil accounts 9, 8, 7; 9 is the default one). On any other chain it refuses anvil's public keys
// (as deployer or treasury), needs --private-key and --treasury, and deploys SoukMarket only.
// Used by `npm start`, the browser/e2e test stacks and the gas benchmark.
import { readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
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
import { encodeArbiterProfile } from '../src/core/trust-docs.ts'
import { contractsOutDir, ensureContractsBuilt } from './forge.ts'
import { deploymentsDirFor, gitCommit, writeDeployment, type DeploymentRecord } from './lib/deployments.ts'
import { decryptKeystore } from './lib/keystore.ts'
import { installMulticall3 } from './lib/multicall3.ts'

const DEPLOY_HELP = `Usage: npm run deploy -- --rpc URL [options]
  --rpc URL            JSON-RPC endpoint of the chain (SOUK_RPC_URL)
  --keystore FILE      encrypted JSON keystore of the deployer (SOUK_KEYSTORE); password from
                       SOUK_KEYSTORE_PASSWORD or asked on the terminal
  --private-key 0x…    the deployer's key; prefer SOUK_DEPLOYER_KEY (flags show in the process list)
  --treasury 0x…       receives penalties and protocol fees (SOUK_TREASURY); required off the local chain
  --protocol-fee BPS   protocol fee on completed sales, 0..100 basis points (default 50); immutable
  --test-token         the open-mint TestUSD: local chain (31337) only, refused elsewhere
  --out DIR            where <chainId>.json goes (default deployments/, .souk/deployments/ for 31337)
Anvil's public development keys are refused on every chain but 31337.
`

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
 * The dev arbiters registered on the local chain, the default one first, so that a listing can name a set of
 * up to three (MAX_ARBITERS) and a buyer can choose. Their terms differ on purpose: a listing naming all three
 * must pay at least 200 bps and give at least 3 days to decide (the largest minimum of each).
 */
export const DEV_ARBITERS = [
  {
    index: DEV_ARBITER_INDEX,
    minFeeBps: 100,
    minDisputeWindow: 2 * 86_400,
    name: 'Lin Mediation (dev)',
    languages: ['en', 'zh-Hans'],
    rules:
      'I read the listing, the messages and any tracking both sides share. An item that arrives as described goes to the seller; one that never arrives, or differs from its description in a way that matters, is refunded to the buyer. When both sides are partly right I split the price.',
  },
  {
    index: 8,
    minFeeBps: 200,
    minDisputeWindow: 2 * 86_400,
    name: 'Harbor Arbitration (dev)',
    languages: ['en', 'fr'],
    rules:
      'I decide on evidence only: photos, tracking numbers and the listing text as it was when the sale was made. Without proof of shipping the buyer is refunded; with proof of delivery the seller is paid unless the buyer shows the item is not what was listed.',
  },
  {
    index: 7,
    minFeeBps: 100,
    minDisputeWindow: 3 * 86_400,
    name: 'Atlas Dispute Desk (dev)',
    languages: ['en', 'es', 'ar'],
    rules:
      'I ask both sides for their account within the first day and decide within three. Damage in transit is shared unless the packing was plainly inadequate. I prefer a split when the facts are unclear, and I explain every decision in a short note.',
  },
] as const
/** Anvil indices of the dev arbiters (DEV_ARBITERS), the default one first. */
export const DEV_ARBITER_INDICES: readonly number[] = DEV_ARBITERS.map((a) => a.index)
/** The protocol fee the deploy script sets unless told otherwise: 0.5% of the seller's share of each sale. */
export const DEFAULT_PROTOCOL_FEE_BPS = 50
/** The contract's cap on the protocol fee (MAX_PROTOCOL_FEE_BPS). */
export const MAX_PROTOCOL_FEE_BPS = 100
/**
 * Wei sent with the deployment and credited to the treasury, so that its ETH balance slot is non-zero
 * before the first sale: the first sale's protocol fee then costs the same gas as every later one.
 */
export const TREASURY_SEED_WEI = 1n
/**
 * Local treasury: account 10 of anvil's mnemonic, just past the ten funded accounts the dev wallet offers. The
 * treasury may neither list nor bid, so it must not be an account a person shops with in `npm start`.
 */
export const DEV_TREASURY = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 10 }).address
/** The default dev arbiter's smallest fee: 1% (DEV_ARBITERS[0]). */
export const DEV_ARBITER_MIN_FEE_BPS = DEV_ARBITERS[0].minFeeBps
/** The default dev arbiter's shortest dispute window: 2 days (DEV_ARBITERS[0]). */
export const DEV_ARBITER_MIN_DISPUTE_WINDOW = DEV_ARBITERS[0].minDisputeWindow

/** An encoded trust document as the relays pin it: its CID (text) and its dag-cbor bytes. */
export interface DevArbiterProfile {
  cid: string
  bytes: Uint8Array
}

/**
 * The dev arbiters' profiles (DEV_ARBITERS, in order), encoded with `encodeArbiterProfile`: their CIDs are
 * what the local deployment registers as `metadataCid`, and the dev stack pins their bytes on its relays so
 * the app can read them (scripts/lib/stack.ts). Not part of the Deployment, so deployments/*.json stays small.
 */
export function devArbiterProfiles(): Promise<DevArbiterProfile[]> {
  devProfiles ??= Promise.all(
    DEV_ARBITERS.map(async (a) => {
      const contact = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: a.index }).address
      const doc = await encodeArbiterProfile({ v: 1, name: a.name, languages: a.languages, rules: a.rules, contact })
      return { cid: doc.cid.toString(), bytes: doc.bytes }
    }),
  )
  return devProfiles
}
let devProfiles: Promise<DevArbiterProfile[]> | undefined

/** A dev arbiter's registered profile CID (`which` indexes DEV_ARBITERS; the default one unless given). */
export async function devArbiterMetadataCid(which = 0): Promise<string> {
  return (await devArbiterProfiles())[which]!.cid
}

export interface DeployOptions {
  rpcUrl: string
  privateKey?: Hex
  /** Receives penalties and protocol fees. Defaults to DEV_TREASURY on the local chain; required elsewhere. */
  treasury?: `0x${string}`
  /** Protocol fee in basis points, 0..MAX_PROTOCOL_FEE_BPS; DEFAULT_PROTOCOL_FEE_BPS unless given. */
  protocolFeeBps?: number
}

export interface Deployment {
  chainId: number
  market: `0x${string}`
  treasury: `0x${string}`
  /** The market's immutable protocol fee, in basis points. */
  protocolFeeBps: number
  /** TestUSD (local chain only). */
  token?: `0x${string}`
  /** The registered default arbiter (local chain only). */
  arbiter?: `0x${string}`
  /** Every registered dev arbiter, the default one first (local chain only; DEV_ARBITERS). */
  arbiters?: `0x${string}`[]
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
 * Deploys SoukMarket with the protocol fee and TREASURY_SEED_WEI; on the local chain (31337) also TestUSD
 * (minted to anvil's accounts 0..9) and the dev arbiters' registrations (DEV_ARBITERS). Refuses development
 * keys and tokens elsewhere (`checkDeployment`). Builds the contracts first when contracts/out/ is missing or
 * older than the sources.
 */
export async function deployContracts({
  rpcUrl,
  privateKey,
  treasury: treasuryOption,
  protocolFeeBps = DEFAULT_PROTOCOL_FEE_BPS,
}: DeployOptions): Promise<Deployment> {
  if (!Number.isInteger(protocolFeeBps) || protocolFeeBps < 0 || protocolFeeBps > MAX_PROTOCOL_FEE_BPS)
    throw new DeployRefusedError(`the protocol fee must be 0..${MAX_PROTOCOL_FEE_BPS} basis points`)
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
    args: [treasury, protocolFeeBps],
    value: TREASURY_SEED_WEI,
    nonce: nonce++,
  })
  const marketReceipt = await publicClient.waitForTransactionReceipt({ hash: marketHash })
  if (marketReceipt.status !== 'success' || !marketReceipt.contractAddress)
    throw new Error('SoukMarket deployment failed')
  const deployment: Deployment = {
    chainId,
    market: getAddress(marketReceipt.contractAddress),
    treasury,
    protocolFeeBps,
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
  const arbiters: `0x${string}`[] = []
  const profiles = await devArbiterProfiles()
  for (const [which, terms] of DEV_ARBITERS.entries()) {
    const arbiter = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: terms.index })
    arbiters.push(arbiter.address)
    pending.push(
      await createWalletClient({ account: arbiter, chain, transport }).writeContract({
        address: deployment.market,
        abi: market.abi,
        functionName: 'registerArbiter',
        args: [terms.minFeeBps, terms.minDisputeWindow, profiles[which]!.cid],
      }),
    )
  }
  for (const hash of pending) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`deployment transaction ${hash} failed`)
  }
  return { ...deployment, token: getAddress(tokenReceipt.contractAddress), arbiter: arbiters[0]!, arbiters }
}

export interface DeployCliOptions {
  rpc: string
  /** Private key in hex; prefer SOUK_DEPLOYER_KEY (flags show in `ps`) or a keystore. */
  privateKey?: string
  /** An encrypted JSON keystore (Web3 Secret Storage, as `cast wallet import` or geth write). */
  keystore?: string
  /** Keystore password; SOUK_KEYSTORE_PASSWORD, or asked on the terminal. */
  password?: string
  treasury?: string
  /** Protocol fee in basis points (default DEFAULT_PROTOCOL_FEE_BPS). */
  protocolFeeBps?: number
  /** Also deploy the open-mint TestUSD and the dev arbiter: refused off the local chain. */
  testToken?: boolean
  /** Where deployment files go (default deployments/, or .souk/deployments/ for chain 31337). */
  outDir?: string
}

/** The deployer key: from the flag or environment, else decrypted from a keystore; undefined = anvil's key. */
export async function deployerKey(o: DeployCliOptions, ask?: () => Promise<string>): Promise<Hex | undefined> {
  if (o.privateKey && o.keystore) throw new DeployRefusedError('give either a private key or --keystore, not both')
  if (o.privateKey) {
    const key = o.privateKey.startsWith('0x') ? o.privateKey : `0x${o.privateKey}`
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new DeployRefusedError('the private key must be 32 bytes of hex')
    return key as Hex
  }
  if (!o.keystore) return undefined
  const password = o.password ?? (ask ? await ask() : undefined)
  if (password === undefined) throw new DeployRefusedError('--keystore needs SOUK_KEYSTORE_PASSWORD (or a terminal)')
  return await decryptKeystore(readFileSync(o.keystore, 'utf8'), password)
}

/** Deploys from CLI options and writes `<outDir>/<chainId>.json`; returns the record and the file written. */
export async function deployFromCli(
  o: DeployCliOptions,
  ask?: () => Promise<string>,
): Promise<{ record: DeploymentRecord; file: string }> {
  const privateKey = await deployerKey(o, ask)
  const chainId = await createPublicClient({ transport: http(o.rpc) }).getChainId()
  if (o.testToken && chainId !== LOCAL_CHAIN_ID)
    throw new DeployRefusedError(
      `refusing TestUSD on chain ${chainId}: anyone can mint it, so it only exists on the local chain (31337)`,
    )
  const deployment = await deployContracts({
    rpcUrl: o.rpc,
    ...(privateKey ? { privateKey } : {}),
    ...(o.treasury ? { treasury: o.treasury as `0x${string}` } : {}),
    ...(o.protocolFeeBps === undefined ? {} : { protocolFeeBps: o.protocolFeeBps }),
  })
  // the local example config names Multicall3, which a bare anvil lacks (the dev stack installs it too)
  if (chainId === LOCAL_CHAIN_ID) await installMulticall3(o.rpc)
  const record: DeploymentRecord = { ...deployment, commit: gitCommit(), deployedAt: new Date().toISOString() }
  const dir = o.outDir ?? deploymentsDirFor(chainId)
  const file = writeDeployment(dir, record)
  return { record, file }
}

/** Reads a password from the terminal without echoing it. */
async function askPassword(): Promise<string> {
  if (!process.stdin.isTTY)
    throw new DeployRefusedError('--keystore needs SOUK_KEYSTORE_PASSWORD when not on a terminal')
  process.stderr.write('Keystore password: ')
  process.stdin.setRawMode(true)
  let password = ''
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    for (const ch of chunk.toString('utf8')) {
      if (ch === '\r' || ch === '\n') {
        process.stdin.setRawMode(false)
        process.stdin.pause()
        process.stderr.write('\n')
        return password
      }
      if (ch === '\u0003') process.exit(130)
      password = ch === '\u007f' ? password.slice(0, -1) : password + ch
    }
  }
  return password
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rpc: { type: 'string', default: process.env.SOUK_RPC_URL ?? 'http://127.0.0.1:8545' },
      'private-key': { type: 'string', default: process.env.SOUK_DEPLOYER_KEY },
      keystore: { type: 'string', default: process.env.SOUK_KEYSTORE },
      treasury: { type: 'string', default: process.env.SOUK_TREASURY },
      'protocol-fee': { type: 'string' },
      'test-token': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    process.stdout.write(DEPLOY_HELP)
    process.exit(0)
  }
  try {
    const { record, file } = await deployFromCli(
      {
        rpc: values.rpc,
        ...(values['private-key'] ? { privateKey: values['private-key'] } : {}),
        ...(values.keystore ? { keystore: values.keystore } : {}),
        ...(process.env.SOUK_KEYSTORE_PASSWORD === undefined ? {} : { password: process.env.SOUK_KEYSTORE_PASSWORD }),
        ...(values.treasury ? { treasury: values.treasury } : {}),
        ...(values['protocol-fee'] === undefined ? {} : { protocolFeeBps: Number(values['protocol-fee']) }),
        ...(values['test-token'] ? { testToken: true } : {}),
        ...(values.out ? { outDir: values.out } : {}),
      },
      askPassword,
    )
    process.stderr.write(`deployment written to ${relative(process.cwd(), file) || file}\n`)
    process.stdout.write(`${JSON.stringify(record)}\n`)
  } catch (error) {
    const reason =
      error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error)
    process.stderr.write(`deploy failed: ${reason}\n`)
    process.exit(1)
  }
}
