import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-search-view.ts'
import '../../../src/components/views/souk-home-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import { useLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'
import { LocalCatalog, sampleDoc, shadow, type } from './helpers.ts'

const now = Math.floor(Date.now() / 1000)

function catalog(): LocalCatalog {
  const c = new LocalCatalog()
  const open = (end: number) => ({
    price: 5_000_000n,
    currency: 'TUSD',
    status: 'open' as const,
    biddingEnd: now + end,
    bids: 0,
  })
  c.upsert('1', sampleDoc({ title: 'Brass lantern', category: 'home', description: 'An old ship lantern' }), open(3600))
  c.upsert(
    '2',
    sampleDoc({ title: 'Vintage camera', category: 'electronics', createdAt: 1_700_000_100_000 }),
    open(7 * 86400),
  )
  c.upsert('3', sampleDoc({ title: 'Oil painting of a harbour', category: 'art', createdAt: 1_700_000_200_000 }), {
    price: 100_000_000n,
    currency: 'TUSD',
    status: 'ended',
    biddingEnd: now - 100,
    bids: 3,
  })
  c.upsert('4', sampleDoc({ title: '黄铜灯笼', category: 'home', language: 'zh-Hans' }), open(600))
  return c
}

async function searchView(app: SoukApp) {
  const view = await waitFor('the search view to render', () => app.shadowRoot!.querySelector('souk-search-view'))
  await view.updateComplete
  return view
}

function titles(root: ShadowRoot): string[] {
  return [...root.querySelectorAll('souk-listing-card')].map((c) =>
    shadow(c, 'a card').querySelector('.title')!.textContent!.trim(),
  )
}

describe('<souk-search-view> over a real CatalogSearch', () => {
  afterEach(async () => {
    history.replaceState(null, '', '#/')
    await useLocale('en')
  })

  it('shows results as you type, keeps the query in the URL, and survives a reload of the route', async () => {
    history.replaceState(null, '', '#/search')
    const cat = catalog()
    const app = await fixture<SoukApp>(html`<souk-app .catalog=${cat}></souk-app>`)
    const view = await searchView(app)
    const root = shadow(view, 'search view')
    await waitFor('all four listings', () => titles(root).length === 4)
    type(root.querySelector<HTMLInputElement>('#q')!, 'lant')
    await waitFor('the prefix "lant" to find the lantern only', () => titles(root).join() === 'Brass lantern')
    expect(location.hash).to.equal('#/search?q=lant')
    expect(root.querySelector('[data-testid=result-count]')!.textContent).to.match(/\b1 listing\b/)
    // a deep link: a new app on the same URL shows the same search
    app.remove()
    const again = await fixture<SoukApp>(html`<souk-app .catalog=${cat}></souk-app>`)
    const root2 = shadow(await searchView(again), 'search view')
    await waitFor('the restored search', () => titles(root2).join() === 'Brass lantern')
    expect(root2.querySelector<HTMLInputElement>('#q')!.value).to.equal('lant')
  })

  it('filters by category and phase from the URL and sorts by price', async () => {
    history.replaceState(null, '', '#/search?category=home&status=open')
    const app = await fixture<SoukApp>(html`<souk-app .catalog=${catalog()}></souk-app>`)
    const root = shadow(await searchView(app), 'search view')
    await waitFor('the two open home listings', () => titles(root).sort().join() === 'Brass lantern,黄铜灯笼')
    expect(root.querySelector<HTMLSelectElement>('#category')!.value).to.equal('home')
    history.replaceState(null, '', '#/search?sort=price-desc')
    window.dispatchEvent(new HashChangeEvent('hashchange'))
    await waitFor(
      'the painting first when sorting by price, high to low',
      () => titles(root)[0] === 'Oil painting of a harbour',
    )
  })

  it('finds Chinese text and says clearly when nothing matches', async () => {
    history.replaceState(null, '', '#/search?q=' + encodeURIComponent('灯笼'))
    const app = await fixture<SoukApp>(html`<souk-app .catalog=${catalog()}></souk-app>`)
    const root = shadow(await searchView(app), 'search view')
    await waitFor('the Chinese lantern', () => titles(root).join() === '黄铜灯笼')
    type(root.querySelector<HTMLInputElement>('#q')!, 'submarine')
    const none = await waitFor('the no-result state', () => root.querySelector('[data-testid=no-results]'))
    expect(none.textContent).to.contain('Nothing matches')
    expect(titles(root)).to.deep.equal([])
  })

  it('has an empty-catalog state and a "catalog not available" state without a catalog service', async () => {
    history.replaceState(null, '', '#/search')
    const empty = await fixture<SoukApp>(html`<souk-app .catalog=${new LocalCatalog()}></souk-app>`)
    const root = shadow(await searchView(empty), 'search view')
    await waitFor('the empty-catalog state', () => root.querySelector('[data-testid=empty-catalog]'))
    empty.remove()
    const none = await fixture<SoukApp>(html`<souk-app></souk-app>`)
    const root2 = shadow(await searchView(none), 'search view')
    expect(root2.querySelector('[data-testid=catalog-unavailable]')).to.not.equal(null)
  })

  it('speaks Chinese', async () => {
    history.replaceState(null, '', '#/search?q=zzzz')
    const app = await fixture<SoukApp>(html`<souk-app .catalog=${catalog()}></souk-app>`)
    await useLocale('zh-Hans')
    const root = shadow(await searchView(app), 'search view')
    await waitFor('the no-result state in Chinese', () =>
      root.querySelector('[data-testid=no-results]')?.textContent?.includes('没有匹配的商品'),
    )
    expect(root.querySelector('label[for=category]')!.textContent).to.equal('分类')
  })

  it('home shows listings ending soon and newly listed from the catalog, and refreshes when the catalog changes', async () => {
    history.replaceState(null, '', '#/')
    const cat = catalog()
    const app = await fixture<SoukApp>(html`<souk-app .catalog=${cat}></souk-app>`)
    const home = await waitFor('the home view', () => app.shadowRoot!.querySelector('souk-home-view'))
    const root = shadow(home, 'home view')
    const section = (id: string) => [...root.querySelectorAll(`section[aria-labelledby=${id}] souk-listing-card`)]
    await waitFor('three open auctions ending soon', () => section('ending').length === 3)
    expect(shadow(section('ending')[0], 'card').querySelector('.title')!.textContent).to.equal('黄铜灯笼')
    cat.upsert('5', sampleDoc({ title: 'Folding bicycle', category: 'sports', createdAt: 1_800_000_000_000 }), {
      price: 1n,
      currency: 'TUSD',
      status: 'open',
      biddingEnd: now + 60,
      bids: 0,
    })
    await waitFor(
      'the new listing first under "newly listed"',
      () => shadow(section('newest')[0], 'card').querySelector('.title')?.textContent === 'Folding bicycle',
    )
    expect(root.querySelectorAll('.categories a').length).to.equal(10)
  })
})
