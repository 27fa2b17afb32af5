/**
 * Issue #26's seller tools, driven through the built PWA's own views on a real stack (anvil, the contracts, two
 * relays) in real Chromium:
 * (a) a seller lists a buy-now item from the sell form; the listing page shows the price and Buy, no auction
 *     timeline; a buyer on a phone buys it through the confirm sheet (amounts and fees in words); the seller's
 *     dashboard lists "ship" with its action, the seller marks shipped with a tracking number, the buyer's
 *     order shows it;
 * (b) the form remembers ships-from, currency and arbiters after a reload; an auction is edited before the first
 *     bid and another browser's catalog finds the new title; it is cancelled through the confirm sheet and
 *     relisted in one step with the same photos.
 * Screenshots: test-results/seller-tools/.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { appSession, DESKTOP, png, PHONE } from '../helpers/app-session.ts'
import { devAccount } from '../helpers/messaging.ts'
import { servedApp } from '../helpers/served-app.ts'

const SELLER = 1
const BUYER = 2
const OTHER_ARBITER = 8 // registered by the deploy script (2% / 2 days)

describe('the seller’s everyday tools in the app (issue #26)', { timeout: 900_000 }, () => {
  const served = servedApp({ relays: 2 })
  const s = appSession(served, 'seller-tools')
  after(() => s.close())
  let seller: Page
  let buyer: Page
  /** Listings the screens of (c) show: a buy-now one on sale, an auction in bidding. */
  const shown: { auction?: string } = {}

  const order = (page: Page, listingId: string) => page.locator(`li[data-listing-id="${listingId}"] souk-order`)

  async function setUpMessaging(page: Page, who: string): Promise<void> {
    await page.goto(`${served.site.url}#/messages`)
    await page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    await page
      .locator('souk-conversations')
      .waitFor({ state: 'attached', timeout: 120_000 })
      .catch(() => assert.fail(`${who}: messaging never became ready`))
  }

  async function addPhoto(page: Page, rgb: [number, number, number]): Promise<void> {
    const chooser = page.waitForEvent('filechooser')
    await page.locator('souk-sell-view [data-testid=pick-photos]').click()
    await (await chooser).setFiles({ name: 'item.png', mimeType: 'image/png', buffer: png(640, 480, rgb) })
    await page
      .locator('souk-sell-view .photos img')
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(() => assert.fail('the chosen photo was not previewed'))
  }

  /** Presses Publish (or Save changes) and waits for the listing page; its id. */
  async function publish(page: Page, what: string): Promise<string> {
    const before = page.url()
    await page.locator('souk-sell-view [data-action=publish]').click()
    await page
      .waitForURL((u) => /#\/listing\/\d+$/.test(u.hash) && u.toString() !== before, { timeout: 180_000 })
      .catch(async () => {
        await s.shot(page, 'publish-failed')
        const said = await page
          .locator('souk-sell-view [role=alert], souk-sell-view .error')
          .allTextContents()
          .catch(() => [])
        assert.fail(`${what} never reached the listing page: ${said.map((t) => t.trim()).join(' | ')}`)
      })
    return /#\/listing\/(\d+)$/.exec(page.url())![1]!
  }

  /** Waits until the input `selector` holds `value` (a form filled in after it rendered). */
  async function waitValue(page: Page, selector: string, value: string, what: string): Promise<void> {
    const input = await page.locator(selector).elementHandle({ timeout: 30_000 })
    await page
      .waitForFunction(([el, v]) => (el as HTMLInputElement | null)?.value === v, [input, value] as const, {
        timeout: 20_000,
      })
      .catch(() => assert.fail(what))
  }

  async function title(page: Page, text: string, what: string): Promise<void> {
    await page
      .locator('souk-listing-view h2', { hasText: text })
      .waitFor({ timeout: 90_000 })
      .catch(() => assert.fail(`${what}: the listing page never showed "${text}"`))
  }

  it('(a) buy-now: listed from the form, bought with the Buy button and the confirm sheet, shipped with a tracking number the buyer sees', async () => {
    const name = `Copper kettle ${Math.random().toString(36).slice(2, 7)}`
    seller = await s.person('seller')
    buyer = await s.person('buyer', PHONE)
    await buyer.goto(`${served.site.url}#/`)
    await s.connect(buyer, BUYER)
    await setUpMessaging(buyer, 'the buyer')

    await seller.goto(`${served.site.url}#/`)
    await s.connect(seller, SELLER)
    await setUpMessaging(seller, 'the seller')
    await seller.goto(`${served.site.url}#/sell`)
    await addPhoto(seller, [184, 115, 51])
    await seller.locator('souk-sell-view #title').fill(name)
    await seller.locator('souk-sell-view #description').fill('A copper kettle, polished, no dents.')
    await seller.locator('souk-sell-view input[name=kind][value=buy-now]').check()
    assert.equal(await seller.locator('souk-sell-view #reveal').count(), 0, 'a buy-now form still asks for reveals')
    await seller.locator('souk-sell-view #reserve').fill('0.2')
    await seller.locator('souk-sell-view #from').fill('Porto')
    await seller
      .locator(`souk-sell-view souk-arbiter-picker li[data-address="${devAccount(9).address}" i] input:checked`)
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('the recommended arbiter was not chosen'))
    await s.shot(seller, 'sell-form-buy-now')
    const id = await publish(seller, 'the buy-now listing')
    await title(seller, name, 'the seller')
    await seller.locator('souk-listing-view [data-phase="on-sale"]').waitFor({ timeout: 30_000 })
    assert.equal(
      await seller.locator('souk-listing-view ol.timeline').count(),
      0,
      'a buy-now page shows the auction timeline',
    )
    await seller.locator('souk-listing-view [data-testid=sale-until]').waitFor({ timeout: 10_000 })

    // the buyer, on a phone: price, Buy, the sheet in words, then the wallet
    await buyer.goto(`${served.site.url}#/listing/${id}`)
    await title(buyer, name, 'the buyer')
    assert.equal(await buyer.locator('souk-listing-view ol.timeline').count(), 0)
    assert.equal((await buyer.locator('souk-listing-buy [data-testid=buy-price]').textContent())?.trim(), '0.2 ETH')
    await s.shot(buyer, 'listing-buy-now-360px')
    await buyer.locator('souk-listing-buy [data-action=buy]').click()
    const sheet = buyer.locator('souk-listing-buy [data-testid=confirm-sheet]')
    await sheet.waitFor({ timeout: 20_000 }).catch(() => assert.fail('Buy opened no confirm sheet'))
    const words = (await sheet.textContent()) ?? ''
    assert.match(words, /You pay 0\.2 ETH now/)
    // the protocol fee of 0.5% (the deploy script's) of 0.2 ETH, and the listing's 1% arbiter fee
    assert.match(words, /the seller receives 0\.199 ETH: the price less the market fee of 0\.001 ETH/)
    assert.match(words, /takes 1 % of the price \(0\.002 ETH\) only if it decides/)
    await s.shot(buyer, 'confirm-sheet-buy-360px')
    await sheet.locator('[data-action=sheet-confirm]').click()
    await s.waitText(buyer, /Bought\. 0\.2 ETH is held in the escrow/, 'the purchase')
    await buyer
      .locator('souk-listing-view [data-testid=escrow]', { hasText: 'bought by' })
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the listing page never showed the sale'))

    // the seller's dashboard: "ship" first, its action goes to the escrow's tracking field
    await seller.goto(`${served.site.url}#/sales`)
    const todo = seller.locator(`souk-seller-todo li[data-todo="ship"][data-listing-id="${id}"]`)
    await todo.waitFor({ timeout: 60_000 }).catch(() => assert.fail('the dashboard never listed the item to ship'))
    await s.shot(seller, 'sales-dashboard')
    await todo.locator('[data-action=todo-open]').click()
    const tracking = order(seller, id).locator('#tracking')
    const sale = await order(seller, id).elementHandle()
    await seller
      .waitForFunction((o) => o?.shadowRoot?.activeElement?.id === 'tracking', sale, { timeout: 10_000 })
      .catch(() => assert.fail('the to-do’s action did not lead to the tracking field'))
    await tracking.fill('PT 1234 5678 9')
    await order(seller, id).locator('[data-action=ship]').click()
    await s.waitText(seller, 'Your note was sent to the buyer.', 'the shipping note')
    await order(seller, id)
      .locator('[data-testid=status][data-status="shipped"]')
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the sale never showed as shipped'))

    await buyer.goto(`${served.site.url}#/orders`)
    await order(buyer, id)
      .locator('[data-testid=shipping-note]', { hasText: 'PT 1234 5678 9' })
      .waitFor({ timeout: 90_000 })
      .catch(() => assert.fail('the buyer’s order never showed the tracking number'))
    await s.shot(buyer, 'buyer-order-tracking-360px')
  })

  it('(b) the form remembers; edit before the first bid reaches another browser; cancel; relist in one step', async () => {
    assert.ok(seller && buyer, 'run (a) first')
    const name = `Valve radio ${Math.random().toString(36).slice(2, 7)}`
    // what (a) published is remembered for the next listing, after a reload
    await seller.goto(`${served.site.url}#/sell`)
    await seller.reload()
    await s.waitWallet(seller, SELLER, 'the seller after a reload').catch(() => s.connect(seller, SELLER))
    await waitValue(seller, 'souk-sell-view #from', 'Porto', 'the form did not remember where the seller ships from')

    // this one: an auction in the second currency, two arbiters
    const currency = seller.locator('souk-sell-view #currency')
    const options = await currency.locator('option').allTextContents()
    const symbol = options.at(-1)!.trim()
    await currency.selectOption(symbol)
    await seller
      .locator(`souk-sell-view souk-arbiter-picker li[data-address="${devAccount(OTHER_ARBITER).address}" i] input`)
      .check()
    await addPhoto(seller, [90, 60, 30])
    await seller.locator('souk-sell-view #title').fill(name)
    await seller.locator('souk-sell-view #reserve').fill('5')
    const id = await publish(seller, 'the auction')
    await title(seller, name, 'the seller')

    // remembered: ships from, currency and both arbiters, after a reload
    await seller.goto(`${served.site.url}#/sell`)
    await seller.reload()
    await s.waitWallet(seller, SELLER, 'the seller after a reload').catch(() => s.connect(seller, SELLER))
    for (const a of [9, OTHER_ARBITER])
      await seller
        .locator(`souk-sell-view souk-arbiter-picker li[data-address="${devAccount(a).address}" i] input:checked`)
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail(`the form did not remember arbiter ${a}`))
    assert.equal(
      await seller.locator('souk-sell-view #currency').inputValue(),
      symbol,
      'the currency was not remembered',
    )
    assert.equal(await seller.locator('souk-sell-view #from').inputValue(), 'Porto')
    await s.shot(seller, 'sell-form-remembered')

    // edit before the first bid: a new title, seen in another browser's catalog
    await seller.goto(`${served.site.url}#/listing/${id}`)
    await title(seller, name, 'the seller')
    await s.shot(seller, 'listing-auction-seller')
    await seller.locator('souk-listing-seller [data-action=edit]').click()
    await seller.locator('souk-sell-view [data-testid=edit-note]').waitFor({ timeout: 30_000 })
    await seller.locator('souk-sell-view #title').waitFor({ timeout: 30_000 })
    assert.equal(await seller.locator('souk-sell-view #title').inputValue(), name, 'the edit form is not filled in')
    assert.equal(await seller.locator('souk-sell-view souk-sell-terms').count(), 0, 'an edit offers the terms')
    const edited = `${name} with its manual`
    await seller.locator('souk-sell-view #title').fill(edited)
    await s.shot(seller, 'sell-form-edit')
    const back = await publish(seller, 'the edit')
    assert.equal(back, id)
    await title(seller, edited, 'the seller after the edit')

    await buyer.goto(`${served.site.url}#/search`)
    await buyer.locator('souk-search-view #q').pressSequentially('manual', { delay: 30 })
    await buyer
      .locator(`souk-search-view a[data-listing-id="${id}"]`, { hasText: 'with its manual' })
      .waitFor({ timeout: 120_000 })
      .catch(() => assert.fail('another browser’s catalog never showed the edited title'))
    await s.shot(buyer, 'buyer-finds-edited-360px')

    // cancel, after the sheet
    await seller.locator('souk-listing-seller [data-action=cancel-listing]').click()
    const sheet = seller.locator('souk-listing-seller [data-testid=confirm-sheet]')
    await sheet.waitFor({ timeout: 10_000 }).catch(() => assert.fail('Cancel opened no confirm sheet'))
    assert.match((await sheet.textContent()) ?? '', /No money moves/)
    await s.shot(seller, 'confirm-sheet-cancel')
    await sheet.locator('[data-action=sheet-confirm]').click()
    await s.waitText(seller, 'Listing cancelled.', 'the cancellation')
    await seller.locator('souk-listing-view [data-phase="cancelled"]').waitFor({ timeout: 60_000 })

    // relist in one step: the form filled from the listing, the same photo by CID, nothing to upload
    await seller.locator('souk-listing-seller [data-action=relist]').click()
    await seller.locator('souk-sell-view [data-testid=relist-note]').waitFor({ timeout: 30_000 })
    assert.equal(await seller.locator('souk-sell-view #title').inputValue(), edited)
    assert.equal(await seller.locator('souk-sell-view .photos li[data-cid]').count(), 1, 'the photo was not kept')
    assert.equal(
      await seller.locator('souk-sell-view .photos li:not([data-cid])').count(),
      0,
      'a photo is to be uploaded again',
    )
    assert.equal(await seller.locator('souk-sell-view #reserve').inputValue(), '5')
    const relisted = await publish(seller, 'the relist')
    shown.auction = relisted
    assert.notEqual(relisted, id)
    await title(seller, edited, 'the relisted item')
    await seller.locator('souk-listing-view [data-phase="bidding"]').waitFor({ timeout: 30_000 })
    assert.deepEqual(s.errors, [])
  })

  it('(c) the changed screens at 360 and 1280 px, in English and Chinese', async () => {
    assert.ok(shown.auction, 'run (b) first')
    // one more buy-now item, on sale, for its page and its sheet
    await seller.goto(`${served.site.url}#/sell`)
    await addPhoto(seller, [40, 90, 160])
    await seller.locator('souk-sell-view #title').fill('Blue enamel teapot')
    await seller.locator('souk-sell-view input[name=kind][value=buy-now]').check()
    await seller.locator('souk-sell-view #currency').selectOption('ETH')
    await seller.locator('souk-sell-view #reserve').fill('0.05')
    await seller.locator('souk-sell-view #from').fill('Porto')
    const buyNow = await publish(seller, 'the buy-now listing for the screens')
    for (const [locale, lang] of [
      ['en-US', 'en'],
      ['zh-CN', 'zh'],
    ] as const)
      for (const [viewport, size] of [
        [PHONE, '360'],
        [DESKTOP, '1280'],
      ] as const) {
        const page = await s.person(`screens ${lang} ${size}`, viewport, locale)
        const tag = `${lang}-${size}`
        await page.goto(`${served.site.url}#/`)
        await s.connect(page, 3)
        await page.goto(`${served.site.url}#/listing/${buyNow}`)
        await page.locator('souk-listing-buy [data-action=buy]').waitFor({ timeout: 90_000 })
        await s.shot(page, `listing-buy-now-${tag}`)
        await page.locator('souk-listing-buy [data-action=buy]').click()
        const sheet = page.locator('souk-listing-buy [data-testid=confirm-sheet]')
        await sheet.waitFor({ timeout: 20_000 })
        await page.screenshot({ path: await s.path(`confirm-sheet-buy-${tag}`) })
        await sheet.locator('[data-action=sheet-cancel]').click()
        await page.goto(`${served.site.url}#/listing/${shown.auction}`)
        await page.locator('souk-listing-view [data-phase="bidding"]').waitFor({ timeout: 90_000 })
        await s.shot(page, `listing-auction-${tag}`)
        await s.connect(page, SELLER)
        await page.locator('souk-listing-seller [data-action=edit]').waitFor({ timeout: 30_000 })
        await s.shot(page, `listing-auction-seller-${tag}`)
        await page.goto(`${served.site.url}#/sell`)
        await page.locator('souk-sell-view souk-arbiter-picker').waitFor({ timeout: 30_000 })
        await s.shot(page, `sell-form-${tag}`)
        await page.goto(`${served.site.url}#/sales`)
        await page
          .locator('souk-seller-todo [data-testid=todo], souk-seller-todo [data-testid=todo-none]')
          .first()
          .waitFor({ timeout: 60_000 })
        await s.shot(page, `sales-dashboard-${tag}`)
        await page.context().close()
      }
  })
})
