/**
 * The trust records in real Chromium, from data passed in as properties (what the chain Worker's indexer
 * will hand the views): an address's summary (full and on a card), an arbiter's record, the warnings in
 * words, and the reviews with their texts loaded lazily, page by page — in English and in Chinese.
 */
import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/trust/souk-trust-summary.ts'
import '../../../src/components/trust/souk-arbiter-record.ts'
import '../../../src/components/trust/souk-trust-warnings.ts'
import '../../../src/components/trust/souk-reviews.ts'
import type { SoukTrustSummary } from '../../../src/components/trust/souk-trust-summary.ts'
import type { SoukArbiterRecord } from '../../../src/components/trust/souk-arbiter-record.ts'
import type { SoukTrustWarnings } from '../../../src/components/trust/souk-trust-warnings.ts'
import type { SoukReviews } from '../../../src/components/trust/souk-reviews.ts'
import { useLocale } from '../../../src/i18n.ts'
import type { ReviewDocument } from '../../../src/services/trust-types.ts'
import { trustWarnings } from '../../../src/services/trust-warnings.ts'
import { waitFor } from '../../helpers/wait.ts'
import { shadow } from '../components/helpers.ts'
import { ARBITER_A, ARBITER_D, DAY, NOW, arbiter, arbiters, newSeller, ratings, summary } from './fixtures.ts'

const text = (root: ShadowRoot, selector: string): string =>
  (root.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim()

describe('trust records', function () {
  this.timeout(30_000)
  afterEach(async () => {
    await useLocale('en')
  })

  it('<souk-trust-summary>: ratings, fee-weighted scores per currency, sales, people, first seen; a card line', async () => {
    const el = await fixture<SoukTrustSummary>(html`<souk-trust-summary .summary=${summary()}></souk-trust-summary>`)
    const root = shadow(el, 'summary')
    expect(text(root, '[data-testid=ratings]')).to.equal('41 ratings · 97 % positive')
    expect(text(root, '[data-testid=score-counts]')).to.equal('40 positive 1 neutral 0 negative')
    const weighted = [...root.querySelectorAll('[data-testid=weighted]')].map((d) =>
      d.textContent!.replace(/\s+/g, ' ').trim(),
    )
    expect(weighted).to.deep.equal([
      '+0.97 from −1 to +1, over 0.0123 ETH in fees',
      '−0.20 from −1 to +1, over 4.5 TUSD in fees',
    ])
    expect(text(root, '[data-testid=sales]')).to.equal('41')
    expect(text(root, '[data-testid=sales-value]')).to.equal('2.46 ETH · 900 TUSD')
    expect(text(root, '[data-testid=counterparties]')).to.equal('38 different people')
    expect(text(root, '[data-testid=first-seen]')).to.match(/2025/)

    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, '[data-testid=ratings]')).to.equal('41 条评价 · 97% 好评')
    expect(text(root, '[data-testid=counterparties]')).to.equal('38 个不同的人')

    const card = await fixture<SoukTrustSummary>(
      html`<souk-trust-summary compact .summary=${summary()}></souk-trust-summary>`,
    )
    expect(text(shadow(card, 'card'), '[data-testid=trust-compact]')).to.equal('97% 好评 · 41 笔成交')
    await useLocale('en')
    await card.updateComplete
    expect(text(shadow(card, 'card'), '[data-testid=trust-compact]')).to.equal('97 % positive · 41 sales')
    card.summary = newSeller()
    await card.updateComplete
    expect(text(shadow(card, 'card'), '[data-testid=trust-compact]')).to.equal('No sales yet')
    card.summary = { ...newSeller(), completedSales: 2 }
    await card.updateComplete
    expect(text(shadow(card, 'card'), '[data-testid=trust-compact]')).to.equal('No ratings yet · 2 sales')
    card.summary = undefined
    await card.updateComplete
    expect(text(shadow(card, 'card'), '[role=status]')).to.equal('Reading the record from the chain…')
  })

  it('<souk-arbiter-record>: terms in words, record, age, profile and a message link', async () => {
    const el = await fixture<SoukArbiterRecord>(
      html`<souk-arbiter-record .arbiter=${arbiter()} .now=${NOW} listing-id="7"></souk-arbiter-record>`,
    )
    const root = shadow(el, 'record')
    expect(text(root, '.name')).to.equal('Lin Mediation')
    expect(text(root, '[data-testid=recommended]')).to.equal('Recommended by this marketplace')
    expect(text(root, '[data-testid=min-fee]')).to.equal('at least 1.5 % of the price, only if it decides')
    expect(text(root, '[data-testid=min-window]')).to.equal('at least 2 days')
    expect(text(root, '[data-testid=age]')).to.match(/^200 days ago \(/)
    expect(text(root, '[data-testid=cases]')).to.equal(
      '12 received, 11 decided 5 for the buyer · 4 for the seller · 2 split',
    )
    expect(text(root, '[data-testid=value-decided]')).to.equal('3.3 ETH')
    expect(text(root, '[data-testid=languages]')).to.equal('English and Simplified Chinese')
    expect(text(root, '[data-testid=arbiter-ratings]')).to.equal('9 ratings · 88 % positive')
    expect(root.querySelector('[data-testid=rules] .rules')!.textContent).to.include('\nI answer within a day.')
    expect(root.querySelector<HTMLAnchorElement>('[data-testid=message]')!.getAttribute('href')).to.equal(
      `#/messages/${ARBITER_A}?listing=7`,
    )

    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, '[data-testid=min-fee]')).to.equal('至少为价格的 1.5%，仅在作出裁决时收取')
    expect(text(root, '[data-testid=min-window]')).to.equal('至少 2 天')
    expect(text(root, '[data-testid=age]')).to.match(/^200 天前（/)
    expect(text(root, '[data-testid=languages]')).to.equal('英语和简体中文')

    // a new arbiter with no profile, no longer registered; compact leaves out value and rules
    el.arbiter = arbiter({ profile: undefined, metadataCid: '', registered: false, registeredAt: NOW - 3_600 })
    el.compact = true
    await useLocale('en')
    await el.updateComplete
    expect(text(root, '.name')).to.equal('Arbiter 0x90F7…b906')
    expect(text(root, '[data-testid=age]')).to.equal('Today')
    expect(text(root, '[data-testid=no-profile]')).to.equal('It has published no profile.')
    expect(text(root, '[data-testid=unregistered]')).to.match(/^It no longer accepts new listings/)
    expect(root.querySelector('[data-testid=value-decided]')).to.equal(null)
    await expect(el).to.be.accessible()
  })

  it('<souk-trust-warnings>: each warning in words with its risk; the seller sees the 2-of-3 risk', async () => {
    const set = [
      arbiters()[3]!,
      arbiter({ valueDecided: [{ currency: { id: 'ETH', symbol: 'ETH', decimals: 18 }, amount: 11n }] }),
    ]
    const windows = { reveal: 3_600, confirm: DAY, dispute: 2 * DAY }
    const warnings = trustWarnings({ seller: newSeller(), arbiters: set, windows, now: NOW })
    expect(warnings.map((w) => w.kind)).to.deep.equal([
      'no-sales',
      'new-arbiter',
      'closed-circle',
      'dust-record',
      'minimum-windows',
    ])
    const el = await fixture<SoukTrustWarnings>(
      html`<souk-trust-warnings .warnings=${warnings} .arbiters=${set} .windows=${windows}></souk-trust-warnings>`,
    )
    const root = shadow(el, 'warnings')
    const item = (kind: string) => text(root, `[data-kind=${kind}]`)
    expect(item('no-sales')).to.match(/^The seller has no completed sale yet\. There is no record/)
    expect(item('new-arbiter')).to.include(
      `Arbiter ${ARBITER_D.slice(0, 6)}…${ARBITER_D.slice(-4)} registered less than 30 days ago`,
    )
    expect(item('closed-circle')).to.include('may be one person, who would decide a dispute for the seller')
    expect(item('dust-record')).to.include('Arbiter Lin Mediation’s decided cases are tiny.')
    expect(text(root, '[data-testid=windows]')).to.equal(
      'bidders have 1 hour to reveal their bids; after shipping, the buyer has 1 day to confirm or dispute',
    )
    expect(root.querySelector('[data-kind=inherent]')).to.equal(null)

    el.audience = 'seller'
    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, '[data-testid=windows]')).to.equal(
      '出价人有 1 小时来揭示出价；发货后，买家有 1 天来确认收货或提出争议',
    )
    expect(item('inherent')).to.include('与买家串通')
    await useLocale('en')
    await el.updateComplete
    expect(item('inherent')).to.include('one that colludes with the buyer')
    await expect(el).to.be.accessible()

    // a buyer with nothing to be warned about sees nothing
    el.audience = 'buyer'
    el.warnings = []
    await el.updateComplete
    expect(root.querySelector('section')).to.equal(null)
  })

  it('<souk-reviews>: newest first, paged, texts loaded for the page shown; a missing text says so', async () => {
    const list = ratings(23)
    const asked: string[] = []
    const loader = async (cid: string, { signal }: { signal: AbortSignal }): Promise<ReviewDocument | undefined> => {
      asked.push(cid)
      signal.throwIfAborted()
      if (cid === 'review-16') throw new Error('not on any relay')
      return { v: 1, listingId: cid.slice(7), text: `Review text ${cid}\nsecond line`, lang: 'en' }
    }
    const el = await fixture<SoukReviews>(
      html`<souk-reviews .ratings=${list} .loader=${loader} page-size="10"></souk-reviews>`,
    )
    const root = shadow(el, 'reviews')
    const items = () => [...root.querySelectorAll('li')]
    expect(items()).to.have.length(10)
    const times = items().map((li) => list.find((r) => r.listingId === li.dataset.listingId)!.at)
    expect([...times].sort((a, b) => b - a)).to.deep.equal(times)
    await waitFor('the first page’s review texts', () => root.querySelector('[data-testid=review-text]'))
    // only the texts of the ratings shown were asked for
    const shownCids = items().flatMap((li) => list.find((r) => r.listingId === li.dataset.listingId)!.reviewCid ?? [])
    expect([...asked].sort()).to.deep.equal([...shownCids].sort())
    expect(root.querySelector('[data-testid=review-text]')!.textContent).to.match(
      /^Review text review-\d+\nsecond line$/,
    )
    expect(text(root, '[data-testid=page]')).to.equal('Page 1 of 3')
    expect(root.querySelector<HTMLButtonElement>('[data-action=newer]')!.disabled).to.equal(true)

    root.querySelector<HTMLButtonElement>('[data-action=older]')!.click()
    await el.updateComplete
    root.querySelector<HTMLButtonElement>('[data-action=older]')!.click()
    await el.updateComplete
    expect(text(root, '[data-testid=page]')).to.equal('Page 3 of 3')
    expect(items()).to.have.length(3)
    expect(root.querySelector<HTMLButtonElement>('[data-action=older]')!.disabled).to.equal(true)
    const missing = await waitFor('a review that could not be fetched', () =>
      items()
        .find((li) => li.dataset.listingId === '116')
        ?.querySelector('[data-testid=review-missing]'),
    )
    expect(missing.textContent!.trim()).to.equal('The review text could not be fetched.')

    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, '[data-testid=page]')).to.equal('第 3 页，共 3 页')
    expect(items()[0]!.textContent).to.include('来自买家')
    await useLocale('en')
    await el.updateComplete
    await expect(el).to.be.accessible()

    el.ratings = []
    await el.updateComplete
    expect(text(root, '[data-testid=no-reviews]')).to.equal('No ratings yet')
  })
})
