/**
 * Trust in the views (issue #25) against the harness's anvil: the listing page's trust section (windows in
 * words, the seller's record, each arbiter's record and profile, the warnings) in English and Chinese; the seller
 * page after a completed and rated sale (the rating, its review text, what is on sale); the cards' seller line
 * read in one batch. The people are fresh addresses, so "no sale yet" and "registered today" hold whatever ran
 * before; trust documents live in memory behind the real trust documents service.
 */
import { expect, fixture, html } from '@open-wc/testing'
import { parseEther, type Address } from 'viem'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-listing-view.ts'
import '../../../src/components/views/souk-seller-view.ts'
import '../../../src/components/souk-listing-card.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { SoukListingCard } from '../../../src/components/souk-listing-card.ts'
import { buyListing } from '../../../src/chain/actions/buyListing.ts'
import { confirmReceipt } from '../../../src/chain/actions/confirmReceipt.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { rate } from '../../../src/chain/actions/rate.ts'
import { encodeListing } from '../../../src/core/listing.ts'
import { useLocale } from '../../../src/i18n.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import type { TrustDocsService } from '../../../src/services/trust-docs-service.ts'
import { waitFor } from '../../helpers/wait.ts'
import { chainNow, chainStack, contentHash, freshVault, person } from '../chain/helpers.ts'
import { LocalCatalog, sampleDoc, shadow } from './helpers.ts'
import { freshArbiter, freshPerson, memoryTrustDocs } from './trust-helpers.ts'

const DAY = 86_400
const text = (root: ParentNode | null | undefined, selector: string): string =>
  root?.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? ''
const same = (a: string | null | undefined, b: string): boolean => a?.toLowerCase() === b.toLowerCase()

describe('trust in the views on a real chain', function () {
  this.timeout(180_000)
  const services: WagmiChainService[] = []
  afterEach(async () => {
    for (const s of services.splice(0)) s.stop()
    await useLocale('en')
  })

  /** Someone looking (account 4's wagmi for reads; no transaction is sent from it). */
  async function viewer(label: string): Promise<WagmiChainService> {
    const { config } = await chainStack()
    const { wagmi } = await person(config, 4)
    const svc = await WagmiChainService.start(config, { wagmi, vault: await freshVault(label) })
    services.push(svc)
    return svc
  }

  async function app(chain: WagmiChainService, catalog: LocalCatalog, docs: TrustDocsService, inner: unknown) {
    return await fixture<SoukApp>(html`
      <souk-app no-routes .chain=${chain} .catalog=${catalog} .trustDocs=${docs}>${inner}</souk-app>
    `)
  }

  it('listing page: windows in words, the seller, each arbiter with its record and profile, and the warnings, in English and Chinese', async () => {
    const stack = await chainStack()
    const { docs } = memoryTrustDocs()
    const seller = await freshPerson(stack.config)
    const fresh = await freshArbiter(stack.config, docs, 'Quick Lin')
    const dev = stack.config.recommendedArbiters![0]! as Address // 100 bps, 2 days
    const start = await chainNow(seller.wagmi)
    const doc = sampleDoc({ title: 'Walnut writing desk', category: 'home', seller: seller.address })
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: (await encodeListing(doc)).contentHash,
      categoryId: 3,
      biddingEnd: start + 2 * DAY,
      revealEnd: start + 2 * DAY + 3_600, // the shortest reveal window
      price: parseEther('0.3'),
      arbiters: [fresh.address, dev],
      arbiterFeeBps: 100,
      confirmWindow: DAY, // the shortest confirm window
      disputeWindow: 2 * DAY,
    })
    const catalog = new LocalCatalog()
    catalog.upsert(listingId.toString(), doc, {
      price: parseEther('0.3'),
      currency: 'ETH',
      status: 'open',
      biddingEnd: start + 2 * DAY,
      bids: 0,
    })
    const chain = await viewer('trust-listing')
    const root = await app(
      chain,
      catalog,
      docs,
      html`<souk-listing-view .listingId=${listingId.toString()}></souk-listing-view>`,
    )
    const view = shadow(root.querySelector('souk-listing-view'), 'listing view')
    const section = await waitFor('the trust section', () => view.querySelector('souk-listing-trust'), {
      timeout: 20_000,
    })
    const t = shadow(section, 'listing trust')
    // the windows come with the listing: in words at once
    expect(text(t, '[data-window=reveal] strong')).to.equal('1 hour')
    expect(text(t, '[data-window=confirm] strong')).to.equal('1 day')
    expect(text(t, '[data-window=dispute] strong')).to.equal('2 days')
    expect(text(t, '[data-window=bidding]')).to.match(/(2 days|1 day 23 hours) from now$/)

    // the records: from the chain Worker's index, then the profiles
    await waitFor('the records', () => t.querySelector('.records[data-state=ready]'), { timeout: 30_000 })
    const records = [...t.querySelectorAll('souk-arbiter-record')]
    expect(records.map((r) => r.arbiter?.address.toLowerCase())).to.deep.equal([
      fresh.address.toLowerCase(),
      dev.toLowerCase(),
    ])
    const freshRecord = shadow(records[0], 'the new arbiter')
    await waitFor('the new arbiter’s profile name', () => text(freshRecord, '.name') === 'Quick Lin', {
      timeout: 10_000,
    })
    expect(text(freshRecord, '[data-testid=age]')).to.equal('Today')
    expect(text(freshRecord, '[data-testid=cases]')).to.equal('0 received, 0 decided')
    expect(text(freshRecord, '[data-testid=languages]')).to.contain('English')
    expect(freshRecord.querySelector('[data-testid=recommended]')).to.equal(null)
    const devRecord = shadow(records[1], 'the dev arbiter')
    expect(text(devRecord, '[data-testid=recommended]')).to.equal('Recommended by this marketplace')
    expect(text(devRecord, '[data-testid=min-fee]')).to.equal('at least 1 % of the price, only if it decides')

    const summary = shadow(t.querySelector('souk-trust-summary'), 'seller summary')
    expect(text(summary, '[data-testid=ratings]')).to.equal('No ratings yet')
    expect(text(summary, '[data-testid=sales]')).to.equal('0')
    expect(t.querySelector('[data-testid=seller-page]')!.getAttribute('href')!.toLowerCase()).to.equal(
      `#/seller/${seller.address.toLowerCase()}`,
    )

    const w = shadow(t.querySelector('souk-trust-warnings'), 'warnings')
    const item = (kind: string, about?: string) =>
      [...w.querySelectorAll<HTMLElement>('li')].find(
        (li) => li.dataset.kind === kind && (about === undefined || same(li.dataset.about, about)),
      )
    expect(item('no-sales', seller.address), 'a seller with no completed sale').to.not.equal(undefined)
    await waitFor('the new arbiter called by its name', () =>
      item('new-arbiter', fresh.address)?.textContent?.includes(
        'Arbiter Quick Lin registered less than 30 days ago and has decided no dispute yet.',
      ),
    )
    expect(text(item('minimum-windows'), '[data-testid=windows]')).to.equal(
      'bidders have 1 hour to reveal their bids; after shipping, the buyer has 1 day to confirm or dispute',
    )
    expect(item('inherent')?.textContent).to.contain('The arbiter you choose decides alone.')

    // near the bid form: the seller's record and the warnings in a line, and the way to the section
    const glance = shadow(view.querySelector('souk-trust-glance'), 'glance')
    await waitFor('the glance', () => glance.querySelector('[data-state=ready]'))
    const warnings = w.querySelectorAll('li:not([data-kind=inherent])').length
    const compact = () => text(glance.querySelector('souk-trust-summary')?.shadowRoot, '[data-testid=trust-compact]')
    expect(compact()).to.equal('No sales yet')
    expect(text(glance, '[data-testid=warnings]')).to.equal(`${warnings} warnings`)
    glance.querySelector('button')!.click()
    await waitFor('the focus on the section', () => t.activeElement?.id === 'trust-heading')

    await useLocale('zh-Hans')
    await waitFor('the windows in Chinese', () => text(t, '[data-window=reveal] strong') === '1 小时')
    expect(text(t, '#trust-heading')).to.equal('你将信任的人')
    expect(text(t, '[data-window=confirm] strong')).to.equal('1 天')
    expect(text(t, '[data-window=dispute] strong')).to.equal('2 天')
    expect(text(t, '[data-window=bidding]')).to.match(/还有 (2 天|1 天 23 小时)$/)
    await waitFor('the warnings in Chinese', () =>
      item('new-arbiter', fresh.address)?.textContent?.includes('仲裁人 Quick Lin 注册不到 30 天'),
    )
    expect(item('no-sales', seller.address)?.textContent).to.contain('该卖家还没有完成过任何销售。')
    expect(item('inherent')?.textContent).to.contain('你选择的仲裁人独自裁决。')
    expect(text(summary, '[data-testid=ratings]')).to.equal('暂无评价')
    expect(text(glance, '[data-testid=warnings]')).to.equal(`${warnings} 条警示`)
    expect(compact()).to.equal('暂无成交')
    expect(text(devRecord, '[data-testid=recommended]')).to.not.equal('Recommended by this marketplace')
  })

  it('seller page after a completed and rated sale: the rating, its review text, what is on sale; cards read their sellers in one batch', async () => {
    const stack = await chainStack()
    const { docs, loads } = memoryTrustDocs()
    const seller = await freshPerson(stack.config)
    const buyer = await freshPerson(stack.config)
    const dev = stack.config.recommendedArbiters![0]! as Address
    const start = await chainNow(seller.wagmi)
    const shown = contentHash(`walnut desk ${start} ${Math.random()}`)
    const sold = await createListing(seller.wagmi, {
      contentHash: shown,
      buyNow: true,
      biddingEnd: start + DAY,
      price: parseEther('0.5'),
      arbiters: [dev],
    })
    await buyListing(buyer.wagmi, { listingId: sold.listingId, contentHash: shown })
    await confirmReceipt(buyer.wagmi, { listingId: sold.listingId })
    const review = 'Well packed, exactly as described.\nWould buy again.'
    const { cid } = await docs.publishReview({ v: 1, listingId: sold.listingId.toString(), text: review, lang: 'en' })
    await rate(buyer.wagmi, {
      listingId: sold.listingId,
      ofArbiter: false,
      score: 'positive',
      reviewCid: cid.toString(),
    })

    // on sale now: another listing of the seller in the catalog, and listings of two other sellers
    const catalog = new LocalCatalog()
    const lamp = sampleDoc({ title: 'Brass desk lamp', category: 'home', seller: seller.address })
    const onSale = await createListing(seller.wagmi, {
      contentHash: (await encodeListing(lamp)).contentHash,
      categoryId: 3,
      biddingEnd: start + 2 * DAY,
      price: parseEther('0.1'),
      arbiters: [dev],
    })
    const open = {
      price: parseEther('0.1'),
      currency: 'ETH',
      status: 'open' as const,
      biddingEnd: start + 2 * DAY,
      bids: 0,
    }
    catalog.upsert(onSale.listingId.toString(), lamp, open)
    const newcomer = (await freshPerson(stack.config)).address
    for (let i = 0; i < 18; i++)
      catalog.upsert(
        `${9_000_000 + i}`,
        sampleDoc({ title: `Card ${i}`, category: 'home', seller: i % 2 ? newcomer : buyer.address }),
        open,
      )

    const chain = await viewer('trust-seller')
    let batches = 0
    let singles = 0
    const many = chain.trustSummaries.bind(chain)
    const one = chain.trustSummary.bind(chain)
    chain.trustSummaries = (addresses, options) => (batches++, many(addresses, options))
    chain.trustSummary = (address, options) => (singles++, one(address, options))

    // twenty cards naming three sellers: one batched read, each card its seller's line
    const hits = catalog.index.search({ now: start, limit: 100 }).hits
    expect(hits.length).to.equal(19)
    const cards = await app(
      chain,
      catalog,
      docs,
      html`<ul>
        ${hits.map((l) => html`<li><souk-listing-card .listing=${l}></souk-listing-card></li>`)}
      </ul>`,
    )
    const lines = () =>
      [...cards.querySelectorAll('souk-listing-card')].map((c) => {
        const line = c.shadowRoot?.querySelector('souk-trust-summary')
        return line?.shadowRoot ? text(line.shadowRoot, '[data-testid=trust-compact]') : ''
      })
    await waitFor('every card’s seller line', () => lines().every(Boolean), { timeout: 30_000 })
    const bySeller = new Map(hits.map((h, i) => [h.seller.toLowerCase(), lines()[i]]))
    expect(bySeller.get(seller.address.toLowerCase())).to.equal('100 % positive · 1 sale')
    expect(bySeller.get(newcomer.toLowerCase())).to.equal('No sales yet')
    expect(bySeller.get(buyer.address.toLowerCase())).to.equal('No sales yet')
    expect({ batches, singles }).to.deep.equal({ batches: 1, singles: 0 })

    // the seller page: record, the rating with its review, what is on sale
    const root = await app(chain, catalog, docs, html`<souk-seller-view .address=${seller.address}></souk-seller-view>`)
    const page = shadow(root.querySelector('souk-seller-view'), 'seller view')
    const summary = await waitFor(
      'the record',
      () => page.querySelector('.summary[data-state=ready] souk-trust-summary'),
      {
        timeout: 30_000,
      },
    )
    const s = shadow(summary, 'summary')
    expect(text(s, '[data-testid=ratings]')).to.equal('1 rating · 100 % positive')
    expect(text(s, '[data-testid=sales]')).to.equal('1')
    expect({ batches, singles }).to.deep.equal({ batches: 1, singles: 0 }, 'the summary came from the cards’ read')

    const reviews = await waitFor('the reviews', () => page.querySelector('souk-reviews')?.shadowRoot, {
      timeout: 30_000,
    })
    const rating = await waitFor('the rating', () => reviews.querySelector<HTMLElement>('li[data-score=positive]'))
    expect(rating.dataset.listingId).to.equal(sold.listingId.toString())
    expect(text(rating, '.meta')).to.contain('weighs 0.0025 ETH in fees')
    const body = await waitFor('the review text', () => rating.querySelector('[data-testid=review-text]'), {
      timeout: 10_000,
    })
    expect(body.textContent).to.equal(review)
    expect(loads).to.include(cid.toString())

    const onSaleCards = await waitFor('the listings on sale', () => {
      const found = page.querySelectorAll<SoukListingCard>('[data-testid=on-sale] souk-listing-card')
      return found.length ? found : undefined
    })
    expect([...onSaleCards].map((c) => c.listing?.id)).to.deep.equal([onSale.listingId.toString()])

    await useLocale('zh-Hans')
    await waitFor('the page in Chinese', () => text(page, 'h2').endsWith('的交易记录'))
    await waitFor('the record in Chinese', () => text(s, '[data-testid=ratings]') === '1 条评价 · 100% 好评')
    expect(text(page, '#on-sale')).to.equal('正在出售')
    expect(text(reviews, 'li .score')).to.equal('好评')
  })
})
