/**
 * Messaging through the app's own views, in the built PWA against the real stack (anvil, contracts, a relay
 * process): two people in two browser profiles (one a 360 px phone), the client in the engine Worker, the
 * device binding signed by the dev wallet on the page. The buyer writes from the listing's "Message the
 * seller" link; the seller sees the unread count and reads (the buyer sees "Read"); the buyer's tab closes,
 * the seller answers, the buyer comes back and gets both answers once; a message arriving while the page is
 * hidden raises a notification.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseEther, type Address } from 'viem'
import type { BrowserContext } from 'playwright-core'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { createSoukWagmiConfig } from '../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../src/chain/dev-wallet.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { connectWallet, selectDevAccount } from '../../src/chain/wallet.ts'
import { servedApp } from '../helpers/served-app.ts'
import { devAccount } from '../helpers/messaging.ts'
import { appSession, stateOf, waitState } from '../helpers/app-session.ts'

const SELLER = 3
const BUYER = 4

declare global {
  interface Window {
    /** The titles and bodies of the notifications the page raised (recordNotifications). */
    soukNotifications?: string[]
  }
}

/** Records the notifications a page raises (the real Notification still runs). */
function recordNotifications(): void {
  const seen: string[] = []
  window.soukNotifications = seen
  if (!('Notification' in globalThis)) return
  const Real = Notification
  globalThis.Notification = class extends Real {
    static override get permission(): NotificationPermission {
      return Real.permission
    }
    static override requestPermission = Real.requestPermission.bind(Real)
    constructor(title: string, options?: NotificationOptions) {
      super(title, options)
      seen.push(`${title}|${options?.body ?? ''}`)
    }
  }
}

describe('messaging in the app: listing link, conversations view, offline and back', { timeout: 300_000 }, () => {
  const served = servedApp()
  const app = appSession(served)
  const profile = (options: { phone?: boolean } = {}): Promise<BrowserContext> =>
    app.profile({ ...options, init: recordNotifications })
  const open = app.open

  it('two people exchange messages through the views, one going offline and coming back', async () => {
    const seller: Address = devAccount(SELLER).address
    const buyer: Address = devAccount(BUYER).address
    const wagmi = createSoukWagmiConfig(served.stack.config, { storage: null, multiInjectedProviderDiscovery: false })
    await connectWallet(wagmi, { wallet: DEV_WALLET_ID })
    const account = await selectDevAccount(wagmi, SELLER)
    const now = await getChainTime(wagmi)
    const { listingId } = await createListing(wagmi, {
      contentHash: `0x${'ab'.repeat(32)}`,
      biddingEnd: now + 3_600,
      revealEnd: now + 7_200,
      price: parseEther('0.1'),
      arbiters: [served.stack.config.recommendedArbiters![0]!],
      account,
    })

    // the seller sets messaging up on her laptop (one signature from the wallet)
    const sellerProfile = await profile()
    const s = await open(sellerProfile, '#/messages')
    await app.connect(s.page, SELLER)
    await s.page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    await s.page.locator('souk-conversations').getByText('No conversations yet.').waitFor({ timeout: 30_000 })

    // the buyer, on a phone, writes from the listing page
    const buyerProfile = await profile({ phone: true })
    let b = await open(buyerProfile, `#/listing/${listingId}`)
    await app.connect(b.page, BUYER)
    await b.page.getByTestId('message-seller').click()
    await b.page.waitForURL(`**#/messages/${seller}?listing=${listingId}`)
    await b.page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    const composer = b.page.locator('souk-conversations form')
    await composer.getByLabel('Message').fill('Is the lamp still available?')
    await composer.getByRole('button', { name: 'Send' }).click()
    await waitState(b.page, 'Is the lamp still available?', ['sent', 'delivered'], 'the relay never took it')

    // the seller sees one unread message in the header (the buyer sees "delivered"), opens it and reads it
    await s.page
      .locator('souk-unread-badge [data-testid=unread]', { hasText: '1' })
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('the seller’s header never showed 1 unread message'))
    await waitState(b.page, 'Is the lamp still available?', ['delivered'], 'no delivery receipt came back')
    await s.page.locator(`souk-conversations .conv[data-peer="${buyer}"]`).click()
    await s.page.waitForURL(`**#/messages/${buyer}?listing=${listingId}`)
    await s.page.locator('souk-conversations .bubble.in', { hasText: 'Is the lamp still available?' }).waitFor()
    await waitState(b.page, 'Is the lamp still available?', ['read'], 'the buyer never saw the read receipt')
    await s.page.locator('souk-unread-badge [data-testid=unread]').waitFor({ state: 'detached', timeout: 10_000 })

    // the buyer's tab closes; the seller answers twice while he is away
    await b.page.close()
    const reply = s.page.locator('souk-conversations form')
    for (const text of ['Yes, it is.', 'It ships from Marrakesh.']) {
      await reply.getByLabel('Message').fill(text)
      await reply.getByRole('button', { name: 'Send' }).click()
      await waitState(s.page, text, ['sent'], 'the relay never stored the answer')
    }
    assert.match((await stateOf(s.page, 'Yes, it is.').textContent()) ?? '', /Sent|Stored on/)

    // he comes back: no new signature (the key is in IndexedDB); both answers once, counted in the header
    b = await open(buyerProfile, '#/messages')
    await app.connect(b.page, BUYER)
    await b.page
      .locator('souk-unread-badge [data-testid=unread]', { hasText: '2' })
      .waitFor({ timeout: 45_000 })
      .catch(() => assert.fail('the buyer’s header never showed 2 unread messages after coming back'))
    assert.equal(await b.page.getByRole('button', { name: 'Set up messaging on this device' }).count(), 0)
    await b.page.locator(`souk-conversations .conv[data-peer="${seller}"]`).click()
    const thread = b.page.locator('souk-conversations .thread')
    await thread.locator('.bubble.in', { hasText: 'It ships from Marrakesh.' }).waitFor({ timeout: 10_000 })
    assert.deepEqual(await thread.locator('.bubble .text').allTextContents(), [
      'Is the lamp still available?',
      'Yes, it is.',
      'It ships from Marrakesh.',
    ])
    await waitState(s.page, 'It ships from Marrakesh.', ['read'], 'the seller never saw the read receipt')

    // with his page in the background and notifications allowed, a new message raises a notification
    await buyerProfile.grantPermissions(['notifications'], { origin: new URL(served.site.url).origin })
    await b.page.evaluate(() =>
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' }),
    )
    await reply.getByLabel('Message').fill('Still there?')
    await reply.getByRole('button', { name: 'Send' }).click()
    await b.page
      .waitForFunction(() => (window.soukNotifications ?? []).some((n) => n.endsWith('Still there?')), undefined, {
        timeout: 30_000,
      })
      .catch(() => assert.fail('no notification while the buyer’s page was hidden'))

    assert.deepEqual([...s.errors, ...b.errors], [])
    await app.close()
  })
})
