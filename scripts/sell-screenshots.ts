/**
 * Screenshots of the sell form and the arbiter's desk (contracts v3, issue #25) at 360 and 1280 px in English
 * and Chinese, against the real stack (anvil + contracts + two relays) and the built PWA:
 * `npx vite build && node scripts/with-chrome.ts node scripts/sell-screenshots.ts [outDir]` (default
 * test-results/sell). First the three dev arbiters (anvil accounts 9, 8, 7) write their profiles in the desk and
 * register them, as a person would, so the sell form's picker shows names, languages and terms; then, per
 * language and width: the sell form, the same form after Publish with nothing filled in (every error at its
 * field), the desk of someone not registered yet (and its errors), and the desk of a registered arbiter.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { mnemonicToAccount } from 'viem/accounts'
import { ANVIL_MNEMONIC } from './deploy.ts'
import { CHROME_ARGS, findChrome } from './lib/chrome.ts'
import { ROOT } from './lib/processes.ts'
import { serveDist } from './lib/serve.ts'
import { startStack } from './lib/stack.ts'

const out = process.argv[2] ?? join(ROOT, 'test-results', 'sell')
await mkdir(out, { recursive: true })
const stack = await startStack({ relays: 2 })
const site = await serveDist({ dir: join(ROOT, 'dist'), config: stack.config })
const browser = await chromium.launch({
  executablePath: await findChrome({ install: false }),
  headless: true,
  args: CHROME_ARGS,
})

/** Connects the dev wallet from the header and makes anvil account `account` the active one. */
async function connect(page: Page, account: number): Promise<void> {
  const button = page.locator('souk-wallet-button')
  await button.locator('summary').click()
  if ((await button.locator('details[data-status="connected"]').count()) === 0) {
    await button.locator('button[data-wallet]').first().click()
    await button.locator('details[data-status="connected"]').waitFor({ timeout: 30_000 })
  }
  await button.locator('#account').selectOption(String(account))
  const { address } = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: account })
  await button.locator('code', { hasText: address }).waitFor({ timeout: 20_000 })
  await button.locator('summary').click()
}

const PROFILES = [
  {
    account: 9,
    name: 'Lina Haddad',
    languages: ['en', 'fr'],
    rules:
      'I ask both sides for photos: the item as listed, the parcel as it arrived and the label. Damaged in transit with proof: refund. Not as described: refund once it is sent back. I answer within a day, Monday to Saturday.',
  },
  {
    account: 8,
    name: '陈静 Chen Jing',
    languages: ['zh-Hans', 'en'],
    rules: '请双方提供照片和聊天记录。商品与描述不符时，退货后全额退款。一般 24 小时内回复。',
  },
  {
    account: 7,
    name: 'Mateus Costa',
    languages: ['pt', 'es', 'en'],
    rules: 'Evidence first: photos, tracking number, messages. I split when both sides are partly right.',
  },
]

async function register(page: Page, p: (typeof PROFILES)[number], fee: string, days: string): Promise<void> {
  await connect(page, p.account)
  await page.goto(`${site.url}#/arbiter`)
  const form = page.locator('souk-arbiter-view souk-arbiter-profile-form')
  await form.waitFor({ state: 'attached', timeout: 30_000 })
  const change = page.locator('souk-arbiter-view [data-testid=change-terms]:not([open]) summary')
  if (await change.count()) await change.click()
  await form.locator('input[type=radio][value=write]').check()
  await form.locator('#name').fill(p.name)
  for (const tag of p.languages) await form.locator(`input[type=checkbox][value="${tag}"]`).check()
  await form.locator('#rules').fill(p.rules)
  await form.locator('#fee').fill(fee)
  await form.locator('#window').fill(days)
  await form.locator('[data-action=register]').click()
  await page
    .locator('souk-arbiter-view [role=status].ok')
    .waitFor({ timeout: 60_000 })
    .catch(async () => {
      throw new Error(`registering ${p.name} failed: ${await form.locator('[role=alert]').textContent()}`)
    })
}

async function shot(page: Page, name: string): Promise<void> {
  const file = join(out, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  console.log(file)
}

try {
  // the dev arbiters write their profiles (their terms as the deploy script registered them)
  const setup: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await setup.newPage()
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`))
  await page.goto(site.url)
  const terms = [
    ['1', '2'],
    ['2', '2'],
    ['1', '3'],
  ] as const
  for (const [i, p] of PROFILES.entries()) await register(page, p, terms[i]![0], terms[i]![1])
  await setup.close()

  for (const locale of ['en', 'zh-CN'])
    for (const width of [360, 1280]) {
      const tag = `${width}-${locale === 'en' ? 'en' : 'zh'}`
      const context = await browser.newContext({
        locale,
        viewport: { width, height: width < 600 ? 780 : 900 },
        ...(width < 600 ? { isMobile: true, hasTouch: true } : {}),
      })
      const tab = await context.newPage()
      tab.on('pageerror', (e) => console.error(`page error: ${e.message}`))
      await tab.goto(site.url)
      await connect(tab, 1)
      await tab.goto(`${site.url}#/sell`)
      // the picker with the arbiters' profiles read from the relays
      await tab
        .locator('souk-sell-view souk-arbiter-record #name', { hasText: 'Lina Haddad' })
        .waitFor({ timeout: 60_000 })
      await shot(tab, `sell-${tag}`)
      await tab.locator('souk-sell-view [data-action=publish]').click()
      await tab.locator('souk-sell-view [data-testid=problems]').waitFor({ timeout: 10_000 })
      await shot(tab, `sell-errors-${tag}`)

      await tab.goto(`${site.url}#/arbiter`)
      await tab.locator('souk-arbiter-view [data-testid=become] souk-arbiter-profile-form').waitFor({ timeout: 30_000 })
      await shot(tab, `arbiter-new-${tag}`)
      await tab.locator('souk-arbiter-view [data-action=register]').click()
      await tab.locator('souk-arbiter-view souk-arbiter-profile-form .error').first().waitFor({ timeout: 10_000 })
      await shot(tab, `arbiter-new-errors-${tag}`)

      await connect(tab, 9)
      await tab
        .locator('souk-arbiter-view souk-arbiter-record #name', { hasText: 'Lina Haddad' })
        .waitFor({ timeout: 60_000 })
      await tab.locator('souk-arbiter-view [data-testid=change-terms] summary').click()
      await shot(tab, `arbiter-registered-${tag}`)
      await context.close()
    }
} finally {
  await browser.close()
  await site.close()
  await stack.stop()
}
