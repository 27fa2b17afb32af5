/**
 * Issue #14 in the built app against the real stack (anvil, contracts, two relay processes), two people in
 * their own Chromium profiles:
 * - Offline: the buyer loads the app (catalog synced, service worker installed), goes offline, reloads,
 *   searches the cached catalog, writes a message in the listing's conversation (the view says it waits for the
 *   network); back online, the seller gets it. "Offline" is Playwright's `context.setOffline` for the pages
 *   (service worker, `navigator.onLine`) plus both relay processes killed: the emulation does not reach the
 *   engine's SharedWorker, whose sockets would otherwise stay up. Back online: the relays restart on their
 *   addresses and the emulation ends.
 * - After the sale: the buyer bought the listing, so its conversation offers the shipping address form; the
 *   seller gets an address card (no warning), the chain's order updates (bought, shipped) show inline in time
 *   order on both sides; an address from someone who is not the buyer (a Node device on the same relays)
 *   shows with a warning.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { buyListing } from '../../src/chain/actions/buyListing.ts'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { markShipped } from '../../src/chain/actions/markShipped.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { encodeListing } from '../../src/core/listing.ts'
import { catalogPeer, listingDoc, seller as walletOf, type CatalogPeer } from '../helpers/catalog.ts'
import { appSession, stateOf, waitState } from '../helpers/app-session.ts'
import { device, deviceKeys, devAccount } from '../helpers/messaging.ts'
import { servedApp } from '../helpers/served-app.ts'

const SELLER = 6
const BUYER = 7
const MALLORY = 8

describe('offline and after the sale, in the app', { timeout: 420_000 }, () => {
  const served = servedApp({ relays: 2 })
  const app = appSession(served)
  let peer: CatalogPeer | undefined
  const title = `Copper kettle ${Math.random().toString(36).slice(2, 7)}`
  let listingId = ''
  let contentHash: `0x${string}` = '0x'
  const sellerAddress = devAccount(SELLER).address
  const buyerAddress = devAccount(BUYER).address
  let s: { page: Page; errors: string[] }
  let b: { page: Page; errors: string[] }

  before(async () => {
    // a fixed-price listing in the catalog (the chain and the relays' OrbitDB log)
    const { wagmi } = await walletOf(served.stack.config, SELLER)
    const encoded = await encodeListing(listingDoc(sellerAddress, title))
    contentHash = encoded.contentHash
    const now = await getChainTime(wagmi)
    const created = await createListing(wagmi, {
      contentHash,
      categoryId: 3,
      buyNow: true,
      biddingEnd: now + 86_400,
      price: 1_000_000n,
      arbiters: [served.stack.config.recommendedArbiters![0]!],
    })
    listingId = created.listingId.toString()
    peer = await catalogPeer(served.stack.config)
    await peer.catalog.put(created.listingId, encoded)
  })
  after(async () => {
    await app.close()
    await peer?.stop()
  })

  /** What the messages view shows (its shadow DOM's text), for a failure message. */
  const viewText = (page: Page): Promise<string> =>
    page
      .locator('souk-messages-view')
      .evaluate((el) => {
        const conv = el.shadowRoot?.querySelector('souk-conversations')?.shadowRoot?.textContent ?? ''
        return `${el.shadowRoot?.textContent ?? ''} | ${conv}`.replace(/\s+/g, ' ')
      })
      .catch((err: unknown) => String(err))

  async function searchFinds(page: Page, what: string, timeout: number): Promise<void> {
    const q = page.locator('souk-search-view #q')
    await q.fill('')
    await q.pressSequentially('kettle', { delay: 20 })
    await page
      .locator(`souk-search-view a[data-listing-id="${listingId}"]`)
      .waitFor({ timeout })
      .catch(() => assert.fail(`${what}: searching "kettle" never found the listing`))
  }

  it('offline: load, go offline, reload, search the cached catalog, write a message; back online, it is delivered', async () => {
    const sellerProfile = await app.profile()
    s = await app.open(sellerProfile, '#/messages')
    await app.connect(s.page, SELLER)
    await s.page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    await s.page.locator('souk-conversations').getByText('No conversations yet.').waitFor({ timeout: 30_000 })

    const buyerProfile = await app.profile({ phone: true })
    b = await app.open(buyerProfile, '#/search')
    await searchFinds(b.page, 'online', 120_000)
    await b.page
      .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
      .catch(() => assert.fail('the service worker never took control of the page'))
    await b.page.goto(`${served.site.url}#/messages/${sellerAddress}?listing=${listingId}`)
    await app.connect(b.page, BUYER)
    await b.page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    const composer = b.page.locator('souk-conversations form').first()
    await composer.getByLabel('Message').fill('Is the kettle still available?')
    await composer.getByRole('button', { name: 'Send' }).click()
    await waitState(b.page, 'Is the kettle still available?', ['sent', 'delivered', 'read'], 'the relay never took it')

    // the network goes away; the app reloads from the service worker and the cached catalog
    await buyerProfile.setOffline(true)
    for (const i of [0, 1]) await served.stack.killRelay(i)
    await b.page.goto(`${served.site.url}#/search`)
    await b.page.reload()
    await b.page
      .locator('souk-offline-banner[data-state="offline"]')
      .waitFor({ state: 'attached', timeout: 20_000 })
      .catch(() => assert.fail('offline, the banner never said so'))
    await searchFinds(b.page, 'offline, from the cached catalog', 60_000)

    await b.page.goto(`${served.site.url}#/messages/${sellerAddress}?listing=${listingId}`)
    await b.page
      .locator('souk-conversations [data-testid=composer-offline]')
      .waitFor({ timeout: 30_000 })
      .catch(async () =>
        assert.fail(
          `offline, the composer never said messages wait for the network; the view: ${await viewText(b.page)}`,
        ),
      )
    await composer.getByLabel('Message').fill('Written offline: I can pick it up on Friday.')
    await composer.getByRole('button', { name: 'Send' }).click()
    await waitState(b.page, 'Written offline', ['queued'], 'written offline, the message is not waiting')
    assert.equal(
      await stateOf(b.page, 'Written offline')
        .textContent()
        .then((t) => t?.trim()),
      'Offline — will be sent when you are back online',
    )

    // and survives another reload while still offline
    await b.page.reload()
    await waitState(b.page, 'Written offline', ['queued'], 'after a reload offline, the message is gone or sent')

    for (const i of [0, 1]) await served.stack.restartRelay(i)
    await buyerProfile.setOffline(false)
    await waitState(
      b.page,
      'Written offline',
      ['sent', 'delivered', 'read'],
      'back online, the outbox never sent it',
      90_000,
    )
    await s.page.locator(`souk-conversations .conv[data-peer="${buyerAddress}"][data-listing="${listingId}"]`).click()
    await s.page
      .locator('souk-conversations .bubble.in', { hasText: 'Written offline: I can pick it up on Friday.' })
      .waitFor({ timeout: 30_000 })
      .catch(async () =>
        assert.fail(`the seller never got the message written offline; the view: ${await viewText(s.page)}`),
      )
    await s.page
      .locator('souk-conversations h3 souk-listing-label')
      .waitFor({ timeout: 10_000 })
      .catch(() => assert.fail('the conversation does not name its listing'))
    await waitState(b.page, 'Written offline', ['read'], 'the buyer never saw the read receipt')
  })

  it('after the sale: the buyer sends the address, the seller sees the card and the order updates inline', async () => {
    assert.ok(b && s, 'the offline test set the two people up')
    const { wagmi } = await walletOf(served.stack.config, BUYER)
    await buyListing(wagmi, { listingId: BigInt(listingId), contentHash })

    // the listing page offers the buyer to send the address; the link opens the conversation with the form
    await b.page.goto(`${served.site.url}#/listing/${listingId}`)
    await app.connect(b.page, BUYER)
    await b.page
      .locator('souk-listing-view [data-testid=send-address]')
      .click({ timeout: 60_000 })
      .catch(() => assert.fail('the listing page never offered the buyer to send the address'))
    await b.page.waitForURL(`**#/messages/${sellerAddress}?listing=${listingId}&address=1`)
    await b.page
      .locator('souk-conversations [data-testid=order-update][data-order="bought"]')
      .waitFor({ timeout: 60_000 })
      .catch(() => assert.fail('the purchase never showed in the buyer’s conversation'))
    const form = b.page.locator('souk-shipping-form')
    await form.getByRole('button', { name: 'Send the address to the seller' }).click()
    assert.equal(await form.locator('[data-problem="required"]').count(), 5, 'an empty form was not refused')
    await form.getByLabel('Full name').fill('Tariq Bennani')
    await form.getByLabel('Street and number').fill('7 Rue Souika')
    await form.getByLabel('City').fill('Rabat')
    await form.getByLabel('Postcode').fill('10030')
    await form.getByLabel('Country').fill('Morocco')
    await form.getByRole('button', { name: 'Send the address to the seller' }).click()
    const mine = b.page.locator('souk-conversations .bubble.out[data-kind="address"]')
    await mine
      .locator('.state[data-state="sent"], .state[data-state="delivered"], .state[data-state="read"]')
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('the address never reached a relay'))

    // the seller's card, no warning
    const card = s.page.locator('souk-conversations .bubble.in[data-kind="address"] souk-address-card')
    await card
      .locator('[data-testid=address-lines]')
      .waitFor({ timeout: 30_000 })
      .catch(async () => assert.fail(`the seller never saw the address card; the view: ${await viewText(s.page)}`))
    assert.equal(
      await card.locator('[data-testid=address-lines]').textContent(),
      'Tariq Bennani\n7 Rue Souika\n10030 Rabat\nMorocco',
    )
    await s.page
      .locator('souk-conversations [data-testid=order-update][data-order="bought"]')
      .waitFor({ timeout: 30_000 })
    assert.equal(await card.locator('[data-testid=address-warning]').count(), 0, 'the buyer’s address was flagged')
    assert.equal(await card.locator('[data-testid=copy-address]').count(), 1)

    // the seller ships: the update appears in both threads, after the address (time order)
    await markShipped((await walletOf(served.stack.config, SELLER)).wagmi, { listingId: BigInt(listingId) })
    for (const [who, page] of [
      ['seller', s.page],
      ['buyer', b.page],
    ] as const) {
      await page
        .locator('souk-conversations [data-testid=order-update][data-order="shipped"]')
        .waitFor({ timeout: 60_000 })
        .catch(() => assert.fail(`the ${who} never saw "shipped" in the conversation`))
      const sequence = await page
        .locator('souk-conversations .thread > *')
        .evaluateAll((els) =>
          els.map((e) => (e as HTMLElement).dataset.order ?? (e as HTMLElement).dataset.kind ?? 'text'),
        )
      // the purchase (seconds before) sits between the questions and the address; "shipped"
      // follows the address by less than a second here, within the skew between anvil's clock (ahead of the
      // wall clock after many blocks in one second) and the devices' clocks, so its place is not asserted
      assert.deepEqual(
        sequence.filter((k) => k !== 'shipped'),
        ['text', 'text', 'bought', 'address'],
        `the ${who}'s thread order`,
      )
      assert.equal(sequence.filter((k) => k === 'shipped').length, 1)
    }

    // someone who is not the buyer sends an address for the same listing: the seller sees a warning
    const mallory = await device(served.stack.config.relays, await deviceKeys(MALLORY))
    try {
      await mallory.client.sendAddress(sellerAddress, listingId, {
        name: 'Not The Buyer',
        street: '1 Elsewhere',
        city: 'Casablanca',
        postcode: '20000',
        country: 'Morocco',
      })
      await s.page.locator(`souk-conversations .conv[data-peer="${devAccount(MALLORY).address}"]`).click()
      await s.page
        .locator('souk-conversations souk-address-card [data-testid=address-warning]')
        .waitFor({ timeout: 30_000 })
        .catch(() => assert.fail('an address from someone who is not the buyer showed without a warning'))
    } finally {
      await mallory.stop()
    }
    const unexpected = [...s.errors, ...b.errors].filter(
      (e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket|net::/.test(e),
    )
    assert.deepEqual(unexpected, [], `console errors: ${unexpected.join('\n')}`)
  })
})
