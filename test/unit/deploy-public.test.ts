/**
 * `npm run deploy` against a chain that is not the local one: an anvil started with Sepolia's chain id
 * (11155111). Anvil's public keys, the open-mint TestUSD and the dev wallet are refused there; a keystore key
 * deploys the market alone, and the deployment file becomes the app's config.json.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPublicClient, createTestClient, http, parseEther } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { appConfig } from '../../scripts/app-config.ts'
import { ANVIL_DEFAULT_PRIVATE_KEY, DeployRefusedError, deployFromCli } from '../../scripts/deploy.ts'
import { readDeployment } from '../../scripts/lib/deployments.ts'
import { encryptKeystore, KeystoreError } from '../../scripts/lib/keystore.ts'
import { startAnvil, type Anvil } from '../../scripts/lib/processes.ts'
import { devWalletAllowed } from '../../src/chain/config.ts'
import { parseConfig } from '../../src/core/config.ts'

const SEPOLIA = 11155111

describe('npm run deploy on a public testnet (anvil with chain id 11155111)', () => {
  let anvil: Anvil
  let dir: string
  const deployerKey = generatePrivateKey()
  const deployer = privateKeyToAccount(deployerKey)
  const treasury = privateKeyToAccount(generatePrivateKey()).address
  let keystore: string

  before(async () => {
    anvil = await startAnvil({ chainId: SEPOLIA })
    dir = await mkdtemp(join(tmpdir(), 'souk-deploy-'))
    await createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl) }).setBalance({
      address: deployer.address,
      value: parseEther('10'),
    })
    keystore = join(dir, 'deployer.json')
    writeFileSync(keystore, await encryptKeystore(deployerKey, 'correct horse', { n: 1024 }))
  })

  after(async () => {
    await anvil?.proc.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it("refuses anvil's public keys, given or by default", async () => {
    await assert.rejects(deployFromCli({ rpc: anvil.rpcUrl, treasury, outDir: dir }), (err: unknown) => {
      assert.ok(err instanceof DeployRefusedError)
      assert.match(err.shortMessage, /chain 11155111 with one of anvil's public development keys/)
      return true
    })
    await assert.rejects(
      deployFromCli({ rpc: anvil.rpcUrl, privateKey: ANVIL_DEFAULT_PRIVATE_KEY, treasury, outDir: dir }),
      DeployRefusedError,
    )
    assert.equal(existsSync(join(dir, `${SEPOLIA}.json`)), false, 'nothing written')
  })

  it('refuses the open-mint TestUSD off the local chain', async () => {
    await assert.rejects(
      deployFromCli({ rpc: anvil.rpcUrl, privateKey: deployerKey, treasury, testToken: true, outDir: dir }),
      /refusing TestUSD on chain 11155111/,
    )
  })

  it('refuses a wrong keystore password with a clear error', async () => {
    await assert.rejects(
      deployFromCli({ rpc: anvil.rpcUrl, keystore, password: 'wrong', treasury, outDir: dir }),
      (err: unknown) => err instanceof KeystoreError && /wrong keystore password/.test(err.shortMessage),
    )
  })

  it('deploys the market alone with a keystore key and writes the deployment file', async () => {
    const { record, file } = await deployFromCli({
      rpc: anvil.rpcUrl,
      keystore,
      password: 'correct horse',
      treasury,
      outDir: dir,
    })
    assert.equal(file, join(dir, `${SEPOLIA}.json`))
    assert.equal(record.chainId, SEPOLIA)
    assert.equal(record.treasury, treasury)
    assert.equal(record.token, undefined, 'no TestUSD')
    assert.equal(record.arbiter, undefined, 'no dev arbiter')
    assert.match(record.commit, /^([0-9a-f]{40}(-dirty)?|unknown)$/)
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), record)
    assert.deepEqual(readDeployment(SEPOLIA, dir), record)
    const client = createPublicClient({ transport: http(anvil.rpcUrl) })
    assert.ok(await client.getCode({ address: record.market }), 'the market has code')
    const tx = await client.getTransactionCount({ address: deployer.address })
    assert.equal(tx, 1, 'one transaction: the market')

    // the app's config.json for this chain: the Sepolia example with the market filled in, no dev wallet
    const config = appConfig({ chainId: SEPOLIA, deploymentsDir: dir })
    assert.equal(config.contracts.market, record.market)
    assert.equal(config.contracts.deployBlock, record.deployBlock)
    assert.equal(config.contracts.token, undefined)
    assert.equal(config.devWallet, false)
    assert.equal(devWalletAllowed(parseConfig({ ...config, devWallet: true })), false, 'dev wallet refused')
    assert.ok(config.chain.rpcUrls.length >= 2 && config.chain.multicall3)
  })
})
