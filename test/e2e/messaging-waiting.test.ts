/**
 * A message to someone who never opened Messages (issue #26), through the built app's views against the real
 * stack (anvil, contracts, a relay process) in Chromium: a buyer on a 360 px phone bids, accepts the offer to
 * set up messaging that follows the bid, and writes to the seller, who has never set messaging up. The thread
 * says it waits for the seller (in English and Chinese), it survives the buyer's reload, and when the seller
 * later sets up messaging in her own browser the message arrives by itself and the buyer sees it sent.
 * Screenshots: test-results/messaging-waiting/.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseEther } from 'viem'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { appSession, stateOf, waitState } from '../helpers/app-session.ts'
import { seller as walletOf } from '../helpers/catalog.ts'
import { devAccount } from '../helpers/messaging.ts'
import { servedApp } from '../helpers/served-app.ts'

const SELLER = 3
const BUYER = 4

describe('a message to a seller who never opened Messages', { timeout: 300_000 }, () => {
  const served = servedApp()
  const app = appSession(served, 'messaging-waiting')

  it('waits on the buyer’s device, survives a reload, and arrives when the seller sets up', async () => {
    const seller = devAccount(SELLER).address
    const buyer = devAccount(BUYER).address
    const { wagmi } = await walletOf(served.stack.config, SELLER)
    const now = await getChainTime(wagmi)
    const { listingId } = await createListing(wagmi, {
      contentHash: `0x${'ef'.repeat(32)}`,
      biddingEnd: now + 3_600,
      revealEnd: now + 7_200,
      price: parseEther('0.1'),
      arbiters: [served.stack.config.recommendedArbiters![0]!],
    })

    // the buyer bids from his phone; the app then offers to set up messaging, and he accepts
    const buyerProfile = await app.profile({ phone: true })
    const b = await app.open(buyerProfile, `#/listing/${listingId}`)
    await app.connect(b.page, BUYER)
    await b.page.getByLabel('Your bid (ETH)').fill('0.2')
    await b.page.getByRole('button', { name: 'Place bid' }).click()
    await app.waitText(b.page, 'Your sealed bid is on chain', 'the bid confirmation')
    const offer = b.page.locator('souk-messaging-offer [data-testid=messaging-offer][data-role=buyer]')
    await offer.waitFor({ timeout: 30_000 }).catch(() => assert.fail('no offer to set up messaging after the bid'))
    await app.shot(b.page, 'offer-after-bid-360')
    await offer.getByRole('button', { name: 'Set up messaging' }).click()
    await offer.waitFor({ state: 'detached', timeout: 60_000 }).catch(() => assert.fail('the offer never closed'))

    // he writes to the seller, who has never set messaging up: the message waits, and the thread says for whom
    await b.page.getByTestId('message-seller').click()
    await b.page.waitForURL(`**#/messages/${seller}?listing=${listingId}`)
    assert.equal(await b.page.getByRole('button', { name: 'Set up messaging on this device' }).count(), 0)
    const composer = b.page.locator('souk-conversations form')
    const text = 'Is the lamp still available? I can collect it on Saturday.'
    await composer.getByLabel('Message').fill(text)
    await composer.getByRole('button', { name: 'Send' }).click()
    await waitState(b.page, text, ['waiting'], 'the message to a seller without messaging is not waiting')
    const said = async (): Promise<string> => ((await stateOf(b.page, text).textContent()) ?? '').trim()
    assert.equal(await said(), 'Waiting for the seller to set up messaging — sent as soon as they do')
    assert.equal(await b.page.locator('souk-conversations [role=alert]').count(), 0, 'an error beside the message')
    await app.shot(b.page, 'waiting-for-seller-360')

    // the buyer reloads: the same person is back and the message still waits, also said in Chinese
    await b.page.reload()
    await app.waitWallet(b.page, BUYER, 'after the buyer’s reload')
    await waitState(b.page, text, ['waiting'], 'after a reload the message is gone or changed')
    await app.language(b.page, 'zh-Hans')
    await b.page
      .locator('souk-conversations .bubble.out .state', { hasText: '等待卖家启用消息功能——对方启用后自动发送' })
      .waitFor({ timeout: 10_000 })
      .catch(() => assert.fail('the waiting line is not said in Chinese'))
    await app.shot(b.page, 'waiting-for-seller-zh-360')
    await app.language(b.page, 'en')

    // the seller sets messaging up on her laptop later: the message arrives by itself
    const s = await app.open(await app.profile(), '#/messages')
    await app.connect(s.page, SELLER)
    await s.page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    await s.page
      .locator(`souk-conversations .conv[data-peer="${buyer}"][data-listing="${listingId}"]`)
      .click({ timeout: 60_000 })
      .catch(() => assert.fail('the waiting message never reached the seller after she set up'))
    await s.page
      .locator('souk-conversations .bubble.in', { hasText: text })
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('the seller’s thread does not show the message'))
    await waitState(b.page, text, ['sent', 'delivered', 'read'], 'the buyer never saw it sent', 60_000)
    await app.shot(b.page, 'sent-after-seller-set-up-360')

    const unexpected = [...b.errors, ...s.errors].filter((e) => !/WebSocket|net::/.test(e))
    assert.deepEqual(unexpected, [])
    await app.close()
  })
})
