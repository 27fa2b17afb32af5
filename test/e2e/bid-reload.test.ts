/**
 * Bids across a real page reload: the bid secret in the vault (a test page of the chain client), and who bids —
 * in the built app, an account picked in the header is still the one shown, messaging with, and bidding after a
 * reload and a reload offline (issue #26).
 */
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
import { createListing } from '../../src/chain/actions/createListing.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { appSession } from '../helpers/app-session.ts'
import { seller as walletOf } from '../helpers/catalog.ts'
import { servedApp } from '../helpers/served-app.ts'

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

describe('who you are survives a reload, in the app (issue #26)', { timeout: 300_000 }, () => {
  const served = servedApp()
  const app = appSession(served, 'identity-reload')
  after(() => app.close())

  it('account 6 picked once: reloaded, reloaded offline, still account 6 with the same messaging key, and bids as 6', async () => {
    const me = dev(6)
    const { wagmi } = await walletOf(served.stack.config, 5)
    const now = await getChainTime(wagmi)
    const { listingId } = await createListing(wagmi, {
      contentHash: `0x${'cd'.repeat(32)}`,
      biddingEnd: now + 3_600,
      revealEnd: now + 7_200,
      price: parseEther('0.1'),
      arbiters: [served.stack.config.recommendedArbiters![0]!],
    })

    const context = await app.profile({ phone: true })
    const { page, errors } = await app.open(context, '#/messages')
    await app.connect(page, 6)
    await page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    await page.locator('souk-conversations').getByText('No conversations yet.').waitFor({ timeout: 30_000 })
    const messagingKey = async (what: string): Promise<string> => {
      await page.goto(`${served.site.url}#/settings`)
      const key = page.locator('souk-settings-view [data-testid=messaging-key]')
      await key.waitFor({ timeout: 30_000 }).catch(() => assert.fail(`${what}: no messaging key in the settings`))
      return (await key.textContent()) ?? ''
    }
    const key = await messagingKey('set up')
    await app.shot(page, 'account-6-before-reload')

    // a reload: nobody touches the wallet; the header shows account 6, messaging needs no new signature
    await page.reload()
    await app.waitWallet(page, 6, 'after a reload')
    assert.equal(await messagingKey('after a reload'), key, 'messaging came back as another device identity')
    await page.goto(`${served.site.url}#/messages`)
    await page.locator('souk-conversations').getByText('No conversations yet.').waitFor({ timeout: 30_000 })
    assert.equal(await page.getByRole('button', { name: 'Set up messaging on this device' }).count(), 0)

    // a reload with the network gone: the app comes from the service worker, the wallet from this browser
    await app.reloadOffline(page)
    try {
      await app.waitWallet(page, 6, 'after a reload offline')
      assert.equal(await messagingKey('offline'), key)
      await app.shot(page, 'account-6-offline')
    } finally {
      await context.setOffline(false)
    }

    // back online, a bid from the listing page is account 6's
    await page.goto(`${served.site.url}#/listing/${listingId}`)
    await app.waitWallet(page, 6, 'on the listing page')
    await page.getByLabel('Your bid (ETH)').fill('0.2')
    await page.getByRole('button', { name: 'Place bid' }).click()
    await app.waitText(page, 'Your sealed bid is on chain', 'the bid confirmation')
    const rpcUrl = served.stack.config.chain.rpcUrls[0]!
    const client = createPublicClient({
      chain: { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } },
      transport: http(rpcUrl),
    })
    const placed = await client.getContractEvents({
      address: served.stack.deployment!.market,
      abi: soukMarketAbi,
      eventName: 'BidPlaced',
      args: { listingId },
      fromBlock: 0n,
    })
    assert.deepEqual(
      placed.map((l) => l.args.bidder),
      [me],
      'the bid after the reloads came from another account',
    )
    const unexpected = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket|net::/.test(e))
    assert.deepEqual(unexpected, [])
  })
})
