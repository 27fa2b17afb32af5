import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicClient, createWalletClient, http, keccak256, parseEther, toHex, zeroAddress } from 'viem'
import { foundry } from 'viem/chains'
import { mnemonicToAccount } from 'viem/accounts'
import {
  ANVIL_MNEMONIC,
  DEV_ARBITER_INDEX,
  DEV_ARBITERS,
  DEFAULT_PROTOCOL_FEE_BPS,
  DEV_TOKEN_MINT,
  DeployRefusedError,
  anvilDevAddresses,
  checkDeployment,
  deployContracts,
  DEV_TREASURY,
  devArbiterMetadataCid,
  type Deployment,
} from '../../scripts/deploy.ts'
import { startAnvil, type Anvil } from '../../scripts/lib/processes.ts'
import { startStack, type Stack } from '../../scripts/lib/stack.ts'
import { decodeArbiterProfile } from '../../src/core/trust-docs.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { testUsdAbi } from '../../src/chain/abi/testUsd.ts'

describe('deployContracts (scripts/deploy.ts) on a real anvil', () => {
  let anvil: Anvil
  let rpcUrl: string
  let deployment: Deployment
  let token: `0x${string}`

  before(async () => {
    anvil = await startAnvil()
    rpcUrl = anvil.rpcUrl
    deployment = await deployContracts({ rpcUrl })
    assert.ok(deployment.token, 'TestUSD is deployed on the local chain')
    token = deployment.token
  })

  after(async () => {
    await anvil?.proc.stop()
  })

  const client = () =>
    createPublicClient({ chain: { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } }, transport: http(rpcUrl) })

  it('returns the chain, both addresses and the deployment block', async () => {
    assert.equal(deployment.chainId, 31337)
    assert.match(deployment.market, /^0x[0-9a-fA-F]{40}$/)
    assert.match(token, /^0x[0-9a-fA-F]{40}$/)
    assert.equal(deployment.treasury, DEV_TREASURY, 'local treasury: mnemonic account 10, not a shopping account')
    assert.ok(deployment.deployBlock >= 1)
    assert.ok(deployment.deployBlock <= Number(await client().getBlockNumber()))
    assert.ok(await client().getCode({ address: deployment.market }), 'market has code')
  })

  it('deploys an empty market whose listings can be read back', async () => {
    const publicClient = client()
    assert.equal(
      await publicClient.readContract({ address: deployment.market, abi: soukMarketAbi, functionName: 'listingCount' }),
      0n,
    )
    const seller = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 })
    const wallet = createWalletClient({
      account: seller,
      chain: { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } },
      transport: http(rpcUrl),
    })
    const now = Number((await publicClient.getBlock()).timestamp)
    const hash = await wallet.writeContract({
      address: deployment.market,
      abi: soukMarketAbi,
      functionName: 'list',
      args: [
        {
          contentHash: keccak256(toHex('doc')),
          categoryId: 1,
          buyNow: false,
          biddingEnd: now + 600,
          revealEnd: now + 600 + 3_600,
          price: parseEther('0.5'),
          token,
          // all three dev arbiters: the fee and window meet the largest of their minimums
          arbiters: deployment.arbiters!,
          arbiterFeeBps: 200,
          confirmWindow: 86_400,
          disputeWindow: 3 * 86_400,
        },
      ],
    })
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, 'success')
    const listing = await publicClient.readContract({
      address: deployment.market,
      abi: soukMarketAbi,
      functionName: 'getListing',
      args: [1n],
    })
    assert.equal(listing.seller, seller.address)
    assert.equal(listing.token, token)
    assert.equal(listing.price, parseEther('0.5'))
    assert.notEqual(listing.token, zeroAddress)
  })

  it('mints 1,000,000 Test USD (6 decimals) to anvil accounts 0..9', async () => {
    const publicClient = client()
    const read = { address: token, abi: testUsdAbi } as const
    assert.equal(await publicClient.readContract({ ...read, functionName: 'decimals' }), 6)
    assert.equal(await publicClient.readContract({ ...read, functionName: 'symbol' }), 'tUSD')
    for (const account of anvilDevAddresses()) {
      assert.equal(
        await publicClient.readContract({ ...read, functionName: 'balanceOf', args: [account] }),
        DEV_TOKEN_MINT,
      )
    }
  })

  it('registers anvil account 9 as the default arbiter and 8 and 7 beside it, with readable terms', async () => {
    const arbiter = anvilDevAddresses()[DEV_ARBITER_INDEX]!
    assert.equal(deployment.arbiter, arbiter)
    assert.deepEqual(
      deployment.arbiters,
      DEV_ARBITERS.map((a) => anvilDevAddresses()[a.index]!),
    )
    for (const [which, terms] of DEV_ARBITERS.entries()) {
      const view = await client().readContract({
        address: deployment.market,
        abi: soukMarketAbi,
        functionName: 'getArbiter',
        args: [anvilDevAddresses()[terms.index]!],
      })
      assert.equal(view.registered, true)
      assert.equal(view.minFeeBps, terms.minFeeBps)
      assert.equal(view.minDisputeWindow, terms.minDisputeWindow)
      assert.ok(view.registeredAt > 0, 'registration time recorded')
      assert.equal(view.metadataCid, await devArbiterMetadataCid(which))
      assert.equal(view.disputes, 0)
    }
  })

  it('sets the default protocol fee and seeds the treasury with 1 wei', async () => {
    const read = { address: deployment.market, abi: soukMarketAbi } as const
    assert.equal(deployment.protocolFeeBps, DEFAULT_PROTOCOL_FEE_BPS)
    assert.equal(await client().readContract({ ...read, functionName: 'PROTOCOL_FEE_BPS' }), 50n)
    assert.equal(
      await client().readContract({ ...read, functionName: 'withdrawable', args: [DEV_TREASURY, zeroAddress] }),
      1n,
    )
  })
})

describe("the dev stack pins the dev arbiters' profiles on its relays", () => {
  let stack: Stack

  before(async () => {
    stack = await startStack({ relays: 1 })
  })

  after(async () => {
    await stack?.stop()
  })

  it("serves each registered metadataCid from the relay gateway as the arbiter's profile", async () => {
    const rpcUrl = stack.anvil.rpcUrl
    const chain = createPublicClient({ transport: http(rpcUrl) })
    const names = new Set<string>()
    for (const [which, terms] of DEV_ARBITERS.entries()) {
      const address = anvilDevAddresses()[terms.index]!
      const view = await chain.readContract({
        address: stack.deployment!.market,
        abi: soukMarketAbi,
        functionName: 'getArbiter',
        args: [address],
      })
      assert.equal(view.metadataCid, await devArbiterMetadataCid(which))
      const res = await fetch(`${stack.relays[0]!.http}/ipfs/${view.metadataCid}?format=raw`)
      assert.equal(res.status, 200, `relay serves ${view.metadataCid}`)
      const profile = await decodeArbiterProfile(new Uint8Array(await res.arrayBuffer()), view.metadataCid)
      assert.equal(profile.name, terms.name)
      assert.equal(profile.contact, address)
      assert.ok(profile.languages.includes('en'))
      assert.ok(profile.rules.length > 100, 'a few sentences on how it decides')
      names.add(profile.name)
    }
    assert.equal(names.size, DEV_ARBITERS.length, 'distinct names')
  })
})

describe('checkDeployment: development shortcuts stay on the local chain', () => {
  const [account0, account1] = anvilDevAddresses()
  const real = '0x1111111111111111111111111111111111111111'

  it("refuses anvil's public keys as deployer on any chain but 31337", () => {
    for (const chainId of [1, 1337, 8453, 11155111])
      assert.throws(() => checkDeployment({ chainId, deployer: account0!, treasury: real }), DeployRefusedError)
    assert.equal(checkDeployment({ chainId: 31337, deployer: account0! }), DEV_TREASURY)
  })

  it('needs a treasury that is not an anvil account off the local chain', () => {
    assert.throws(() => checkDeployment({ chainId: 8453, deployer: real }), /needs --treasury/)
    assert.throws(() => checkDeployment({ chainId: 8453, deployer: real, treasury: account1! }), DeployRefusedError)
    assert.throws(() => checkDeployment({ chainId: 8453, deployer: real, treasury: 'nope' }), /must be an address/)
    assert.equal(checkDeployment({ chainId: 8453, deployer: real, treasury: real }), real)
  })
})
