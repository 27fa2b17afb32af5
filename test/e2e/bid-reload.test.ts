import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseEther,
  parseEventLogs,
  zeroAddress,
  type Address,
} from 'viem'
import { foundry } from 'viem/chains'
import { mnemonicToAccount } from 'viem/accounts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { ANVIL_MNEMONIC } from '../../scripts/deploy.ts'
import { ROOT } from '../../scripts/lib/processes.ts'
import { startStack, type Stack } from '../helpers/stack.ts'
import { launchBrowser } from '../helpers/browser.ts'
import { serveTestPage, type TestPageServer } from '../helpers/test-page.ts'

const dev = (i: number): Address => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }).address

describe('a sealed bid survives a real page reload', () => {
  let stack: Stack
  let page: TestPageServer
  let browser: Browser

  before(async () => {
    stack = await startStack({ relays: 0 })
    page = await serveTestPage(join(ROOT, 'test/e2e/chain-page/entry.ts'), 'souk chain')
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    await page?.close()
    await stack?.stop()
  })

  it('bids, reloads, finds the secret in the vault and reveals with it', async () => {
    const rpcUrl = stack.anvil.rpcUrl
    const market = stack.deployment!.market
    const chain = { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } }
    const client = createPublicClient({ chain, transport: http(rpcUrl) })
    const seller = createWalletClient({ account: dev(5), chain, transport: http(rpcUrl) })
    const now = Number((await client.getBlock()).timestamp)
    const listHash = await seller.writeContract({
      address: market,
      abi: soukMarketAbi,
      functionName: 'list',
      args: [
        {
          contentHash: `0x${'ab'.repeat(32)}`,
          categoryId: 1,
          buyNow: false,
          biddingEnd: now + 120,
          revealEnd: now + 120 + 3_600, // the shortest reveal window (MIN_REVEAL_WINDOW)
          price: parseEther('0.1'),
          token: zeroAddress,
          arbiters: [stack.deployment!.arbiter!], // the registered dev arbiter (scripts/deploy.ts)
          arbiterFeeBps: 100,
          confirmWindow: 86_400,
          disputeWindow: 2 * 86_400, // its minimum
        },
      ],
    })
    const created = parseEventLogs({
      abi: soukMarketAbi,
      eventName: 'ListingCreated',
      logs: (await client.waitForTransactionReceipt({ hash: listHash })).logs,
    })
    const listingId = created[0]!.args.listingId

    const context = await browser.newContext()
    const tab = await context.newPage()
    const errors: string[] = []
    tab.on('pageerror', (e) => errors.push(e.message))
    try {
      await tab.goto(page.url)
      await tab.waitForFunction(() => 'soukChain' in window, undefined, { timeout: 15_000 })
      const bidder = await tab.evaluate(([config]) => window.soukChain.connect(config, 6), [stack.config] as const)
      assert.equal(bidder, dev(6))
      const commitment = await tab.evaluate(
        ([id, shown, amount, deposit]) => window.soukChain.bid(id, shown, amount, deposit),
        [
          listingId.toString(),
          `0x${'ab'.repeat(32)}`,
          parseEther('0.5').toString(),
          parseEther('0.8').toString(),
        ] as const,
      )

      await tab.reload()
      await tab.waitForFunction(() => 'soukChain' in window, undefined, { timeout: 15_000 })
      await tab.evaluate(([config]) => window.soukChain.connect(config, 6), [stack.config] as const)
      const secrets = await tab.evaluate(() => window.soukChain.secrets())
      const kept = secrets.find((s) => s.commitment === commitment)
      assert.ok(kept, 'the bid secret was not in the vault after the reload')
      assert.equal(kept.amount, parseEther('0.5').toString())
      assert.equal(kept.status, 'confirmed')

      const anvil = createTestClient({ mode: 'anvil', transport: http(rpcUrl) })
      await anvil.increaseTime({ seconds: 121 })
      await anvil.mine({ blocks: 1 })
      const status = await tab.evaluate((c) => window.soukChain.reveal(c as `0x${string}`), commitment)
      assert.equal(status, 'revealed')
      const revealed = await client.getContractEvents({
        address: market,
        abi: soukMarketAbi,
        eventName: 'BidRevealed',
        args: { listingId },
        fromBlock: 0n,
      })
      assert.equal(revealed.length, 1)
      assert.equal(revealed[0]!.args.amount, parseEther('0.5'))
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })
})
