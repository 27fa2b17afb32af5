/**
 * Photos in messages (issue #26) through the built app's views against the real stack (anvil, contracts, a
 * relay process) in Chromium: the buyer, on a 360 px phone, attaches two photos to a message for a seller
 * whose browser is closed; they are downscaled and encrypted on his device, pinned by the relay, and the
 * message is stored. He closes his browser too. The seller comes online and sees both photos decrypted at the
 * sizes the buyer's device made (the longest side 1600 px) with their colours, opens one full size and closes
 * it with Escape. Screenshots at 360 and 1280 px in English and Chinese: test-results/messaging-photos/.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEther } from 'viem'
import type { Locator } from 'playwright-core'
import { createListing } from '../../src/chain/actions/createListing.ts'
import { getChainTime } from '../../src/chain/market.ts'
import { appSession, DESKTOP, PHONE, png, waitState } from '../helpers/app-session.ts'
import { seller as walletOf } from '../helpers/catalog.ts'
import { devAccount } from '../helpers/messaging.ts'
import { servedApp } from '../helpers/served-app.ts'

const SELLER = 3
const BUYER = 4

/** The pixel size and the centre pixel's colour of each decoded photo in a message bubble. */
async function shownPhotos(bubble: Locator): Promise<{ w: number; h: number; rgb: number[] }[]> {
  return await bubble.locator('[data-testid=photo-thumb] img').evaluateAll(async (imgs) =>
    // an <img> is in the page before its bytes are decoded: wait for each, then measure
    Promise.all(
      (imgs as HTMLImageElement[]).map(async (img) => {
        await img.decode()
        const c = document.createElement('canvas')
        c.width = img.naturalWidth
        c.height = img.naturalHeight
        const ctx = c.getContext('2d')!
        ctx.drawImage(img, 0, 0)
        const d = ctx.getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data
        return { w: img.naturalWidth, h: img.naturalHeight, rgb: [d[0]!, d[1]!, d[2]!] }
      }),
    ),
  )
}

describe('photos in messages', { timeout: 300_000 }, () => {
  const served = servedApp()
  const app = appSession(served, 'messaging-photos')

  it('a buyer’s encrypted photos reach a seller who was offline, decrypted', async () => {
    const seller = devAccount(SELLER).address
    const buyer = devAccount(BUYER).address
    const { wagmi } = await walletOf(served.stack.config, SELLER)
    const now = await getChainTime(wagmi)
    const { listingId } = await createListing(wagmi, {
      contentHash: `0x${'cd'.repeat(32)}`,
      biddingEnd: now + 3_600,
      revealEnd: now + 7_200,
      price: parseEther('0.1'),
      arbiters: [served.stack.config.recommendedArbiters![0]!],
    })

    // the seller sets messaging up, then closes her browser
    const sellerProfile = await app.profile()
    let s = await app.open(sellerProfile, '#/messages')
    await app.connect(s.page, SELLER)
    await s.page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    await s.page.locator('souk-conversations').getByText('No conversations yet.').waitFor({ timeout: 30_000 })
    await s.page.close()

    // the buyer writes from his phone with two photos: a 2400×1800 one (downscaled) and a 600×900 one
    const dir = await mkdtemp(join(tmpdir(), 'souk-photos-'))
    const files = [join(dir, 'scratch.png'), join(dir, 'box.png')]
    await writeFile(files[0]!, png(2400, 1800, [200, 40, 40]))
    await writeFile(files[1]!, png(600, 900, [30, 60, 200]))
    const buyerProfile = await app.profile({ phone: true })
    const b = await app.open(buyerProfile, `#/messages/${seller}?listing=${listingId}`)
    await app.connect(b.page, BUYER)
    await b.page.getByRole('button', { name: 'Set up messaging on this device' }).click()
    const composer = b.page.locator('souk-conversations form')
    await composer.getByRole('button', { name: 'Add photos' }).waitFor({ timeout: 60_000 })
    // beside a thread being started, the empty list says nothing
    assert.equal(await b.page.locator('souk-conversations').getByText('No conversations yet.').count(), 0)
    await composer.getByTestId('photo-input').setInputFiles(files)
    await composer.getByRole('img', { name: 'Photo 2' }).waitFor()
    await app.shot(b.page, 'buyer-attached-360-en')
    const text = 'The lamp arrived with a scratch, see the photos.'
    await composer.getByLabel('Message').fill(text)
    await composer.getByRole('button', { name: 'Send' }).click()
    await waitState(b.page, text, ['sent', 'delivered'], 'the relay never took the message with photos', 90_000)
    assert.equal(await composer.getByRole('list', { name: 'Photos to send' }).count(), 0, 'the composer was cleared')
    // his own copy shows the photos too (decrypted from this device's blocks)
    await b.page
      .locator('souk-conversations .bubble.out [data-testid=photo-thumb]')
      .nth(1)
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail('the buyer’s own message never showed its photos'))
    await app.shot(b.page, 'buyer-sent-360-en')
    await buyerProfile.close()

    // the seller comes online: the message and both photos, decrypted, from the relay alone
    s = await app.open(sellerProfile, '#/messages')
    await app.connect(s.page, SELLER)
    await s.page
      .locator(`souk-conversations .conv[data-peer="${buyer}"]`)
      .click({ timeout: 60_000 })
      .catch(() => assert.fail('the buyer’s conversation never reached the seller'))
    const bubble = s.page.locator('souk-conversations .bubble.in', { hasText: text })
    await bubble.waitFor({ timeout: 30_000 })
    await bubble
      .locator('[data-testid=photo-thumb] img')
      .nth(1)
      .waitFor({ timeout: 60_000 })
      .catch(async () =>
        assert.fail(
          `the seller never saw both photos decrypted; the bubble says: ${(await bubble.textContent())?.replace(/\s+/g, ' ')}`,
        ),
      )
    assert.equal(await bubble.getByTestId('photo-unavailable').count(), 0)
    const photos = await shownPhotos(bubble)
    assert.deepEqual(
      photos.map((p) => [p.w, p.h]),
      [
        [1600, 1200],
        [600, 900],
      ],
    )
    const near = (a: number[], b: number[]): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= 12)
    assert.ok(near(photos[0]!.rgb, [200, 40, 40]), `first photo's colour ${photos[0]!.rgb}`)
    assert.ok(near(photos[1]!.rgb, [30, 60, 200]), `second photo's colour ${photos[1]!.rgb}`)
    assert.match((await bubble.locator('time').textContent()) ?? '', /\d{1,2}:\d{2}/)

    // full size in a dialog, closed with Escape
    await s.page.setViewportSize(DESKTOP)
    await app.shot(s.page, 'seller-thread-1280-en')
    await bubble.getByRole('button', { name: 'Photo 1 of 2: open full size' }).click()
    const full = bubble.getByTestId('photo-full').first()
    await full.waitFor()
    await app.shot(s.page, 'seller-photo-full-1280-en')
    await s.page.keyboard.press('Escape')
    await full.waitFor({ state: 'hidden', timeout: 5_000 })
    await s.page.setViewportSize(PHONE)
    await app.shot(s.page, 'seller-thread-360-en')

    // the same thread in Chinese (the header's language select is there from 40rem up)
    await s.page.setViewportSize(DESKTOP)
    await s.page.locator('souk-app header select').selectOption('zh-Hans')
    await bubble.getByRole('button', { name: '第 1 张照片（共 2 张）：查看原图' }).waitFor({ timeout: 10_000 })
    await app.shot(s.page, 'seller-thread-1280-zh')
    await s.page.setViewportSize(PHONE)
    await app.shot(s.page, 'seller-thread-360-zh')

    assert.deepEqual([...s.errors, ...b.errors], [])
    await app.close()
  })
})
