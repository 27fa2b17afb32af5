/**
 * Screenshots of the views at phone (360 px) and desktop (1280 px) width, in English and Chinese, against the
 * real stack (anvil + contracts + a relay) and the built PWA: `npm run build && node scripts/with-chrome.ts
 * node scripts/screenshots.ts [outDir]` (default test-results/screenshots). One auction listing is created
 * on chain first, and the dev wallet is connected through the page, as a person would.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { parseEther } from 'viem'
import { createListing } from '../src/chain/actions/createListing.ts'
import { createSoukWagmiConfig } from '../src/chain/config.ts'
import { DEV_WALLET_ID } from '../src/chain/dev-wallet.ts'
import { getChainTime } from '../src/chain/market.ts'
import { connectWallet, selectDevAccount } from '../src/chain/wallet.ts'
import { CHROME_ARGS, findChrome } from './lib/chrome.ts'
import { ROOT } from './lib/processes.ts'
import { serveDist } from './lib/serve.ts'
import { startStack } from './lib/stack.ts'

const out = process.argv[2] ?? join(ROOT, 'test-results', 'screenshots')
await mkdir(out, { recursive: true })
const stack = await startStack({ relays: 1 })
const site = await serveDist({ dir: join(ROOT, 'dist'), config: stack.config })
const browser = await chromium.launch({
  executablePath: await findChrome({ install: false }),
  headless: true,
  args: CHROME_ARGS,
})
try {
  const wagmi = createSoukWagmiConfig(stack.config, { storage: null, multiInjectedProviderDiscovery: false })
  await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
  const seller = await selectDevAccount(wagmi, 1)
  const arbiter = stack.deployment?.arbiter
  if (!arbiter) throw new Error('the local deployment has no registered arbiter')
  const now = await getChainTime(wagmi)
  const { listingId } = await createListing(wagmi, {
    contentHash: `0x${'ab'.repeat(32)}`,
    biddingEnd: now + 2 * 86_400,
    revealEnd: now + 3 * 86_400,
    price: parseEther('0.25'),
    // a set of registered arbiters (contracts v3): the default one the local deployment registers
    arbiters: [arbiter],
    arbiterFeeBps: 150,
    account: seller,
  })
  const pages = {
    home: '#/',
    search: '#/search?q=lamp&category=home',
    listing: `#/listing/${listingId}`,
    sell: '#/sell',
    bids: '#/bids',
    sales: '#/sales',
    orders: '#/orders',
    arbiter: '#/arbiter',
  }
  for (const locale of ['en', 'zh-CN'])
    for (const width of [360, 1280]) {
      const context = await browser.newContext({ locale, viewport: { width, height: width < 600 ? 780 : 900 } })
      const page = await context.newPage()
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`))
      await page.goto(site.url)
      // connect the dev wallet through the header, as a person would
      await page.locator('souk-wallet-button summary').click()
      await page.locator('souk-wallet-button button[data-wallet]').first().click()
      await page.locator('souk-wallet-button details[data-status=connected]').waitFor({ timeout: 20_000 })
      await page.locator('souk-wallet-button summary').click()
      for (const [name, hash] of Object.entries(pages)) {
        await page.goto(`${site.url}${hash}`)
        if (name === 'listing') await page.locator('souk-listing-view [data-phase]').waitFor({ timeout: 20_000 })
        await page.locator('souk-network-status[data-chain-id]').waitFor({ timeout: 20_000 })
        const file = join(out, `${name}-${width}-${locale === 'en' ? 'en' : 'zh'}.png`)
        await page.screenshot({ path: file, fullPage: true })
        console.log(file)
      }
      await context.close()
    }
} finally {
  await browser.close()
  await site.close()
  await stack.stop()
}
