import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
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
import { foundryBinary } from '../../scripts/forge.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { testUsdAbi } from '../../src/chain/abi/testUsd.ts'

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

async function waitForRpc(rpcUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}`)
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`anvil never answered on ${rpcUrl}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('deployContracts (scripts/deploy.ts) on a real anvil', () => {
  let anvil: ChildProcess
  let rpcUrl: string
  let deployment: Deployment

  before(async () => {
    const port = await freePort()
    rpcUrl = `http://127.0.0.1:${port}`
    anvil = spawn(foundryBinary('anvil'), ['--port', String(port), '--silent'], {
      stdio: 'ignore',
    })
    await waitForRpc(rpcUrl, anvil)
    deployment = await deployContracts({ rpcUrl })
  })

  after(() => {
    anvil?.kill('SIGTERM')
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
