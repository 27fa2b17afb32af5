/**
 * Screenshots of trust in the views (issue #25) in the built app against the real stack: the listing page with
 * its trust section, a list of cards with the sellers' lines, and a seller page with ratings and reviews, at
 * 360 and 1280 px in English and Chinese: `npm run build && node scripts/with-chrome.ts node
 * scripts/listing-trust-screenshots.ts [outDir]` (default test-results/listing-trust).
 *
 * The market is seeded first, as people would leave it: a seller with three completed, rated sales (one of
 * them disputed, split by a dev arbiter and rated), a newcomer with two listings, an arbiter registered today
 * with a profile, and an auction naming it and the recommended dev arbiter at the shortest windows. Listing
 * documents, photos, the profile and the reviews are pinned on the relay by a Node peer, as the app does.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { parseEther, type Address } from 'viem'
import { buyListing } from '../src/chain/actions/buyListing.ts'
import { confirmReceipt } from '../src/chain/actions/confirmReceipt.ts'
import { createListing } from '../src/chain/actions/createListing.ts'
import { dispute } from '../src/chain/actions/dispute.ts'
import { rate } from '../src/chain/actions/rate.ts'
import { registerArbiter } from '../src/chain/actions/registerArbiter.ts'
import { resolveDispute } from '../src/chain/actions/resolveDispute.ts'
import { getChainTime } from '../src/chain/market.ts'
import { encodeListing, type ListingDocument } from '../src/core/listing.ts'
import { encodeArbiterProfile, encodeReview } from '../src/core/trust-docs.ts'
import { MediaStore } from '../src/p2p/media.ts'
import { catalogPeer, listingDoc, seller as walletOf } from '../test/helpers/catalog.ts'
import { png } from '../test/helpers/app-session.ts'
import { CHROME_ARGS, findChrome } from './lib/chrome.ts'
import { ROOT } from './lib/processes.ts'
import { serveDist } from './lib/serve.ts'
import { startStack } from './lib/stack.ts'

const out = process.argv[2] ?? join(ROOT, 'test-results', 'listing-trust')
await mkdir(out, { recursive: true })
const DAY = 86_400
const stack = await startStack({ relays: 1 })
const site = await serveDist({ dir: join(ROOT, 'dist'), config: stack.config })
const peer = await catalogPeer(stack.config)
const media = new MediaStore(peer.node)
const browser = await chromium.launch({
  executablePath: await findChrome({ install: false }),
  headless: true,
  args: CHROME_ARGS,
})

/**
 * Adds a document block and asks the relay to pin it (what the app's trust documents service does). Today's
 * relays refuse dag-cbor ("media must be UnixFS"), so the pages show such documents as unreadable; the refusal
 * is printed, not hidden.
 */
async function pinDocument(doc: { cid: { toString(): string }; bytes: Uint8Array }): Promise<string> {
  const cid = doc.cid.toString()
  await media.addDocument(cid, doc.bytes)
  await media.pin([cid], { minRelays: 1 }).catch((err: unknown) => {
    console.error(`document ${cid} not pinned: ${(err as Error).message.split('\n')[0]}`)
  })
  return cid
}

/** A listing in the catalog with one photo of `colour`; returns its id. */
async function list(
  who: Awaited<ReturnType<typeof walletOf>>,
  title: string,
  colour: [number, number, number],
  terms: Omit<Parameters<typeof createListing>[1], 'contentHash'>,
  extra: Partial<ListingDocument> = {},
): Promise<bigint> {
  const photo = (await media.addBytes(png(400, 300, colour))).toString()
  await media.pin([photo], { minRelays: 1 })
  const doc = listingDoc(who.address, title, {
    images: [{ full: photo, thumb: photo, width: 400, height: 300 }],
    ...extra,
  })
  const encoded = await encodeListing(doc)
  const { listingId } = await createListing(who.wagmi, { contentHash: encoded.contentHash, ...terms })
  await peer.catalog.put(listingId, encoded)
  return listingId
}

async function sellAndRate(
  s: Awaited<ReturnType<typeof walletOf>>,
  b: Awaited<ReturnType<typeof walletOf>>,
  title: string,
  price: bigint,
  review: { text: string; lang: string },
  arbiters: Address[],
): Promise<void> {
  const now = await getChainTime(s.wagmi)
  const doc = listingDoc(s.address, title)
  const encoded = await encodeListing(doc)
  const { listingId } = await createListing(s.wagmi, {
    contentHash: encoded.contentHash,
    buyNow: true,
    biddingEnd: now + 3 * DAY,
    price,
    arbiters,
  })
  await buyListing(b.wagmi, { listingId, contentHash: encoded.contentHash })
  await confirmReceipt(b.wagmi, { listingId })
  const reviewCid = await pinDocument(await encodeReview({ v: 1, listingId: listingId.toString(), ...review }))
  await rate(b.wagmi, { listingId, ofArbiter: false, score: 'positive', reviewCid })
}

try {
  const config = stack.config
  const [devArbiter] = config.recommendedArbiters as Address[]
  if (!devArbiter) throw new Error('the local deployment recommends no arbiter')
  const seller = await walletOf(config, 1)
  const [alice, bo, newcomer, fresh] = await Promise.all([2, 3, 4, 5].map((i) => walletOf(config, i)))
  const arbiter9 = await walletOf(config, 9)

  // an arbiter registered today, with a profile on the relay
  const profile = await pinDocument(
    await encodeArbiterProfile({
      v: 1,
      name: 'Amina Haddad',
      languages: ['en', 'ar', 'zh-Hans'],
      rules: 'Send photos of the parcel and of the item as it arrived. I decide within two days.',
      contact: fresh!.address,
    }),
  )
  await registerArbiter(fresh!.wagmi, { minFeeBps: 50, minDisputeWindow: 2 * DAY, metadataCid: profile })

  // the seller's record: two sales confirmed and rated, one disputed, split by the dev arbiter and rated
  await sellAndRate(
    seller,
    alice!,
    'Linen tablecloth',
    parseEther('0.2'),
    {
      text: 'Exactly as described, well packed. Thank you!',
      lang: 'en',
    },
    [devArbiter],
  )
  await sellAndRate(
    seller,
    bo!,
    'Brass candle holders',
    parseEther('0.15'),
    {
      text: '包装很好，和描述一致，发货很快。',
      lang: 'zh-Hans',
    },
    [devArbiter],
  )
  {
    const now = await getChainTime(seller.wagmi)
    const encoded = await encodeListing(listingDoc(seller.address, 'Copper kettle'))
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: encoded.contentHash,
      buyNow: true,
      biddingEnd: now + 3 * DAY,
      price: parseEther('0.3'),
      arbiters: [devArbiter],
    })
    await buyListing(bo!.wagmi, { listingId, contentHash: encoded.contentHash })
    await dispute(bo!.wagmi, { listingId, arbiter: devArbiter })
    await resolveDispute(arbiter9.wagmi, { listingId, toBuyer: parseEther('0.1') })
    const reviewCid = await pinDocument(
      await encodeReview({
        v: 1,
        listingId: listingId.toString(),
        text: 'The lid was dented; the arbiter split it fairly.',
        lang: 'en',
      }),
    )
    await rate(bo!.wagmi, { listingId, ofArbiter: false, score: 'neutral', reviewCid })
    await rate(bo!.wagmi, { listingId, ofArbiter: true, score: 'positive' })
  }

  // on sale: the auction the listing page shows (the shortest windows, a new arbiter), and more cards
  const now = await getChainTime(seller.wagmi)
  const auction = await list(
    seller,
    'Walnut writing desk, 1960s',
    [140, 90, 50],
    {
      categoryId: 3,
      biddingEnd: now + 2 * DAY,
      revealEnd: now + 2 * DAY + 3_600,
      price: parseEther('0.25'),
      arbiters: [devArbiter, fresh!.address],
      arbiterFeeBps: 100,
      confirmWindow: DAY,
      disputeWindow: 2 * DAY,
    },
    { description: 'Solid walnut, three drawers, small scratch on the left side. Pick-up or shipping.' },
  )
  const more = { categoryId: 3, biddingEnd: now + 3 * DAY, price: parseEther('0.05'), arbiters: [devArbiter] }
  await list(seller, 'Ceramic teapot', [40, 110, 150], more)
  await list(newcomer!, 'Vintage film camera', [60, 60, 60], more)
  await list(newcomer!, '复古黄铜台灯', [190, 150, 60], { ...more, biddingEnd: now + 4 * DAY }, { language: 'zh-Hans' })

  const pages = {
    listing: `#/listing/${auction}`,
    cards: '#/search',
    seller: `#/seller/${seller.address}`,
  }
  const ready: Record<keyof typeof pages, (p: Page) => Promise<void>> = {
    listing: async (p) => {
      await p.locator('souk-listing-trust .records[data-state=ready]').waitFor({ timeout: 60_000 })
      await p.locator('souk-arbiter-record .name').nth(1).waitFor({ timeout: 30_000 })
    },
    cards: async (p) => {
      await p.locator('souk-listing-card [data-testid=trust-compact]').nth(3).waitFor({ timeout: 90_000 })
    },
    seller: async (p) => {
      // each review's text, or its "could not be fetched" once the fetch gave up
      const settled = '[data-testid=review-text], [data-testid=review-missing]'
      await p.locator('souk-reviews').locator(settled).nth(2).waitFor({ timeout: 60_000 })
      await p.locator('[data-testid=on-sale] souk-listing-card').nth(1).waitFor({ timeout: 60_000 })
    },
  }
  for (const locale of ['en', 'zh-CN'])
    for (const width of [360, 1280]) {
      const context = await browser.newContext({ locale, viewport: { width, height: width < 600 ? 780 : 900 } })
      const page = await context.newPage()
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`))
      for (const [name, hash] of Object.entries(pages) as [keyof typeof pages, string][]) {
        await page.goto(`${site.url}${hash}`)
        await ready[name](page)
        // photos come over the network: give the visible ones their chance, without waiting on a fixed time
        await page
          .waitForFunction(
            () => {
              const loading = (root: Document | ShadowRoot): boolean =>
                [...root.querySelectorAll('*')].some(
                  (el) =>
                    (el.localName === 'souk-ipfs-image' && !!el.shadowRoot?.querySelector('progress')) ||
                    (!!el.shadowRoot && loading(el.shadowRoot)),
                )
              return !loading(document)
            },
            undefined,
            { timeout: 20_000 },
          )
          .catch(() => console.error(`${name}: some photos were still loading`))
        const file = join(out, `${name}-${width}-${locale === 'en' ? 'en' : 'zh'}.png`)
        await page.screenshot({ path: file, fullPage: true })
        console.log(file)
      }
      await context.close()
    }
} finally {
  await browser.close()
  await peer.stop()
  await site.close()
  await stack.stop()
}
