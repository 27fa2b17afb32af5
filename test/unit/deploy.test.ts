import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createPublicClient, createWalletClient, http, keccak256, parseEther, toHex, zeroAddress } from 'viem'
import { foundry } from 'viem/chains'
import { mnemonicToAccount } from 'viem/accounts'
import {
  ANVIL_MNEMONIC,
  DEV_TOKEN_MINT,
  anvilDevAddresses,
  deployContracts,
  type Deployment,
} from '../../scripts/deploy.ts'
import { startAnvil, type Anvil } from '../../scripts/lib/processes.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { testUsdAbi } from '../../src/chain/abi/testUsd.ts'

describe('deployContracts (scripts/deploy.ts) on a real anvil', () => {
  let anvil: Anvil
  let rpcUrl: string
  let deployment: Deployment

  before(async () => {
    anvil = await startAnvil()
    rpcUrl = anvil.rpcUrl
    deployment = await deployContracts({ rpcUrl })
  })

  after(async () => {
    await anvil?.proc.stop()
  })

  const client = () =>
    createPublicClient({ chain: { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } }, transport: http(rpcUrl) })

  it('returns the chain, both addresses and the deployment block', async () => {
    assert.equal(deployment.chainId, 31337)
    assert.match(deployment.market, /^0x[0-9a-fA-F]{40}$/)
    assert.match(deployment.token, /^0x[0-9a-fA-F]{40}$/)
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
          revealEnd: now + 1200,
          price: parseEther('0.5'),
          token: deployment.token,
          arbiter: anvilDevAddresses()[2]!,
          arbiterFeeBps: 100,
          confirmWindow: 86_400,
          disputeWindow: 86_400,
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
    assert.equal(listing.token, deployment.token)
    assert.equal(listing.price, parseEther('0.5'))
    assert.notEqual(listing.token, zeroAddress)
  })

  it('mints 1,000,000 Test USD (6 decimals) to anvil accounts 0..9', async () => {
    const publicClient = client()
    const read = { address: deployment.token, abi: testUsdAbi } as const
    assert.equal(await publicClient.readContract({ ...read, functionName: 'decimals' }), 6)
    assert.equal(await publicClient.readContract({ ...read, functionName: 'symbol' }), 'tUSD')
    for (const account of anvilDevAddresses()) {
      assert.equal(
        await publicClient.readContract({ ...read, functionName: 'balanceOf', args: [account] }),
        DEV_TOKEN_MINT,
      )
    }
  })
})
