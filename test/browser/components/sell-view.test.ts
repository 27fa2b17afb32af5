import { expect, fixture, html } from '@open-wc/testing'
import { executeServerCommand } from '@web/test-runner-commands'
import { deleteDB } from 'idb'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-sell-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { SoukSellView } from '../../../src/components/views/souk-sell-view.ts'
import { getMarketEvents } from '../../../src/chain/market.ts'
import { startEngine, type Engine } from '../../../src/engine/client.ts'
import { useLocale } from '../../../src/i18n.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { EnginePublishService } from '../../../src/services/publish-service.ts'
import { createTrustDocsService, type TrustDocsService } from '../../../src/services/trust-docs-service.ts'
import type { ListingDraft, PublishProgress, PublishService } from '../../../src/services/types.ts'
import { waitFor, within } from '../../helpers/wait.ts'
import { chainStack, freshVault, person } from '../chain/helpers.ts'
import { getStack } from '../stack.ts'
import { choose, shadow, type } from './helpers.ts'

const HOUR = 3_600
const DAY = 24 * HOUR

async function photo(color: string): Promise<File> {
  const canvas = new OffscreenCanvas(64, 48)
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = color
  ctx.fillRect(0, 0, 64, 48)
  return new File([await canvas.convertToBlob({ type: 'image/png' })], `${color}.png`, { type: 'image/png' })
}

/** What a person does with the file chooser: picks files, the input fires `change`. */
function pick(input: HTMLInputElement, files: File[]): void {
  const dt = new DataTransfer()
  for (const f of files) dt.items.add(f)
  input.files = dt.files
  input.dispatchEvent(new Event('change', { bubbles: true }))
}

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()

/** The dev arbiters the deploy script registered: anvil accounts 9 (recommended), 8 and 7. */
async function devArbiters(): Promise<{ nine: `0x${string}`; eight: `0x${string}`; seven: `0x${string}` }> {
  const arbiters = (await getStack()).deployment?.arbiters
  if (arbiters?.length !== 3) throw new Error('the test stack did not register the three dev arbiters')
  const [nine, eight, seven] = arbiters as [`0x${string}`, `0x${string}`, `0x${string}`]
  return { nine, eight, seven }
}

/** The sell view's parts: the item (photos … ships from), the terms (windows, arbiters, fee) and the picker. */
function parts(root: ShadowRoot) {
  const item = () => shadow(root.querySelector('souk-sell-item'), 'the item section')
  const terms = () => shadow(root.querySelector('souk-sell-terms'), 'the terms section')
  const picker = () => shadow(terms().querySelector('souk-arbiter-picker'), 'the arbiter picker')
  const rows = () => [...picker().querySelectorAll<HTMLLIElement>('li[data-address]')]
  const row = (address: string) =>
    rows().find((r) => r.dataset.address?.toLowerCase() === address.toLowerCase()) ?? undefined
  const box = (address: string) => {
    const r = row(address)
    if (!r) throw new Error(`${address} is not offered`)
    return r.querySelector<HTMLInputElement>('input[type=checkbox]')!
  }
  const field = <T extends HTMLElement = HTMLInputElement>(id: string): T => {
    const found = item().querySelector<T>(`#${id}`) ?? terms().querySelector<T>(`#${id}`)
    if (!found) throw new Error(`no #${id} in the sell form`)
    return found
  }
  const error = (id: string) => text(item().querySelector(`#${id}-error`) ?? terms().querySelector(`#${id}-error`))
  return { item, terms, picker, rows, row, box, field, error }
}

describe('<souk-sell-view>', function () {
  this.timeout(120_000)
  const store = `souk-test-drafts-${crypto.randomUUID()}`
  const chains: WagmiChainService[] = []
  const engines: Engine[] = []
  const databases: string[] = []
  after(async () => {
    for (const c of chains) c.stop()
    for (const e of engines) await e.stop().catch(() => {})
    for (const d of [store, ...databases]) await deleteDB(d)
  })
  afterEach(async () => {
    await useLocale('en')
    // a published listing makes the form remember its ships-from, currency and arbiters for the account
    // (sell-prefs.ts): each test starts from a seller who never listed
    for (const k of Object.keys(localStorage)) if (k.startsWith('souk.sell.prefs.')) localStorage.removeItem(k)
  })

  async function mount(
    publish?: PublishService,
    drafts = store,
    { account = 5, trustDocs }: { account?: number; trustDocs?: TrustDocsService } = {},
  ): Promise<{ view: SoukSellView; root: ShadowRoot; chain: WagmiChainService }> {
    const stack = await chainStack()
    const { wagmi } = await person(stack.config, account)
    const chain = await WagmiChainService.start(stack.config, { wagmi, vault: await freshVault('ui-sell') })
    chains.push(chain)
    const app = await fixture<SoukApp>(html`
      <souk-app no-routes .chain=${chain} .publish=${publish} .trustDocs=${trustDocs}>
        <souk-sell-view draft-store=${drafts}></souk-sell-view>
      </souk-app>
    `)
    const view = app.querySelector('souk-sell-view')!
    await waitFor('the draft to be loaded', () => view.dataset.draftLoaded !== undefined)
    return { view, root: shadow(view, 'sell view'), chain }
  }

  it('offers the camera and the gallery, keeps the draft (photos too) across closing the page, and says publishing is not available yet', async () => {
    const first = await mount()
    const form = parts(first.root)
    const input = form.field('photos')
    expect(input.accept).to.equal('image/*')
    // no `capture`: Android then offers the camera and the gallery, not only the camera
    expect(input.hasAttribute('capture')).to.equal(false)
    expect(input.multiple).to.equal(true)
    expect(first.root.querySelector('[data-testid=publish-unavailable]')).to.not.equal(null)
    expect(first.root.querySelector<HTMLButtonElement>('[data-action=publish]')!.disabled).to.equal(true)
    expect(first.root.textContent).to.not.contain('Your draft was restored')

    pick(input, [await photo('red'), await photo('blue')])
    await waitFor('two photo previews', () => form.item().querySelectorAll('.photos img').length === 2)
    // the first photo is the cover; "Make cover" on the second puts it first
    const srcs = (): string[] => [...form.item().querySelectorAll<HTMLImageElement>('.photos img')].map((i) => i.src)
    const before = srcs()
    expect(text(form.item().querySelector('.photos li [data-testid=cover]'))).to.equal('Cover')
    form.item().querySelector<HTMLButtonElement>('.photos li:nth-child(2) [data-action=cover]')!.click()
    await waitFor('the second photo made the cover', () => srcs()[0] === before[1] && srcs()[1] === before[0])
    const saved = new Promise((resolve) => first.view.addEventListener('souk-draft-saved', resolve, { once: true }))
    type(form.field('title'), 'Brass lantern')
    await saved
    first.view.closest('souk-app')!.remove()

    const second = await mount()
    const again = parts(second.root)
    await waitFor('the restored title', () => again.field('title').value === 'Brass lantern')
    expect(again.item().querySelectorAll('.photos img').length).to.equal(2)
    expect(second.root.textContent).to.contain('Your draft was restored')
    second.view.closest('souk-app')!.remove()
  })

  it('does not say "Your draft was restored" when the saved draft holds only the form\'s choices', async () => {
    const drafts = `${store}-choices`
    const first = await mount(undefined, drafts)
    const form = parts(first.root)
    const saved = new Promise((resolve) => first.view.addEventListener('souk-draft-saved', resolve, { once: true }))
    choose(form.field<HTMLSelectElement>('length'), String(HOUR))
    await saved
    first.view.closest('souk-app')!.remove()

    const second = await mount(undefined, drafts)
    const again = parts(second.root)
    await waitFor(
      'the saved choice back in the form',
      () => again.field<HTMLSelectElement>('length').value === String(HOUR),
    )
    expect(second.root.textContent).to.not.contain('Your draft was restored')
    second.view.closest('souk-app')!.remove()
    await deleteDB(drafts)
  })

  it('lists the registered arbiters, the recommended one first and chosen, the fee at its minimum and each window in words; never the seller', async () => {
    const { nine, eight, seven } = await devArbiters()
    const { view, root } = await mount(undefined, `${store}-arbiters`)
    const form = parts(root)
    await waitFor('the three dev arbiters in the picker', () => form.row(nine) && form.row(eight) && form.row(seven), {
      timeout: 30_000,
    })
    expect(form.rows()[0]!.dataset.address!.toLowerCase()).to.equal(nine.toLowerCase(), 'the recommended one first')
    expect(
      text(
        form.row(nine)!.querySelector('souk-arbiter-record')?.shadowRoot?.querySelector('[data-testid=recommended]'),
      ),
    ).to.equal('Recommended by this marketplace')
    await waitFor('the recommended arbiter chosen', () => form.box(nine).checked)
    expect(form.rows().filter((r) => r.querySelector<HTMLInputElement>('input')!.checked)).to.have.length(1)
    // the fee starts at the chosen arbiter's minimum (1 %), in the range its terms allow
    expect(form.field('fee').value).to.equal('1')
    expect(text(form.picker().querySelector('[data-testid=fee-range]'))).to.equal(
      'Your fee to the arbiter: from 1 % to 10 % of the price.',
    )
    // choosing a second arbiter asking 2 % moves the fee to the new minimum
    form.box(eight).click()
    await waitFor('the fee at the new minimum', () => form.field('fee').value === '2')
    // every window in words, with the contract's limits
    expect(text(form.terms().querySelector('#confirm-words'))).to.equal(
      'Buyers have 7 days to confirm or dispute after you ship; if they do neither, you can claim the payment.',
    )
    expect(text(form.terms().querySelector('#dispute-words'))).to.contain(
      'the arbiter they choose has 7 days to decide',
    )
    expect(text(form.terms().querySelector('#reveal-words'))).to.contain('bidders have 1 day to reveal their bids')
    const reveals = [...form.field<HTMLSelectElement>('reveal').options].map((o) => Number(o.value))
    expect(Math.min(...reveals)).to.equal(HOUR, 'nothing under the contract’s hour')
    const disputes = [...form.field<HTMLSelectElement>('dispute').options]
    expect(disputes.filter((o) => !o.disabled).map((o) => Number(o.value))[0]).to.equal(
      2 * DAY,
      'the arbiters ask 2 days',
    )
    // and in Chinese
    await useLocale('zh-Hans')
    await view.updateComplete
    await waitFor('the Chinese words', () =>
      text(form.terms().querySelector('#confirm-words')).startsWith('你发货后，买家有 7 天的时间确认收货或发起争议'),
    )
    expect(text(form.picker().querySelector('[data-testid=fee-range]'))).to.contain('2% 到 10%')
    view.closest('souk-app')!.remove()

    // a dev arbiter selling: itself is not even offered
    const own = await mount(undefined, `${store}-arbiters-8`, { account: 8 })
    const ownForm = parts(own.root)
    await waitFor('the other dev arbiters in the picker', () => ownForm.row(nine) && ownForm.row(seven), {
      timeout: 30_000,
    })
    expect(ownForm.row(eight)).to.equal(undefined)
    own.view.closest('souk-app')!.remove()
    await deleteDB(`${store}-arbiters`)
    await deleteDB(`${store}-arbiters-8`)
  })

  it('checks every field before any work: each problem at its field, the focus on the first; then hands the draft over and shows each step', async () => {
    const { nine, eight } = await devArbiters()
    const calls: ListingDraft[] = []
    let advance: (p: PublishProgress) => void = () => undefined
    let finish: () => void = () => undefined
    // a stand-in that records what the form hands over and lets the test step the progress (the real service
    // is used below and in test/browser/engine/catalog.test.ts and test/e2e/shop-auction.test.ts)
    const publish: PublishService = {
      update: () => Promise.reject(new Error('not edited here')),
      publish: (draft, { onProgress }) => {
        calls.push(draft)
        advance = (p) => onProgress?.(p)
        return new Promise((resolve) => (finish = () => resolve({ listingId: '42', txHash: `0x${'1'.repeat(64)}` })))
      },
    }
    const { view, root } = await mount(publish)
    const form = parts(root)
    const submit = root.querySelector<HTMLButtonElement>('[data-action=publish]')!
    await waitFor('the publish button to be enabled', () => !submit.disabled)
    await waitFor('the recommended arbiter chosen', () => form.row(nine) && form.box(nine).checked, { timeout: 30_000 })

    // the seller types a fee under the arbiters' minimum, and picks a 1-day dispute window while no arbiter is
    // chosen (the contract's minimum), then chooses two arbiters that both ask for 2 days
    type(form.field('title'), '')
    type(form.field('fee'), '1.5')
    form.box(nine).click()
    await waitFor('no arbiter chosen', () => !form.box(nine).checked)
    choose(form.field<HTMLSelectElement>('dispute'), String(DAY))
    form.box(nine).click()
    form.box(eight).click()
    await waitFor('both chosen', () => form.box(nine).checked && form.box(eight).checked)
    await view.updateComplete
    expect(form.field('fee').value).to.equal('1.5', 'a typed fee is kept')
    expect(form.field<HTMLSelectElement>('dispute').value).to.equal(String(DAY))

    submit.click()
    await waitFor('the problems said', () => root.querySelector('[data-testid=problems]'))
    expect(calls).to.have.length(0, 'nothing published, nothing pinned')
    expect(text(root.querySelector('[data-testid=problems]'))).to.equal('Check the 4 fields marked above.')
    expect(form.error('title')).to.equal('Give your item a title.')
    expect(form.error('from')).to.equal('Say where the item ships from.')
    expect(form.error('fee')).to.equal('At least 2 %: the highest minimum fee of the arbiters you chose.')
    expect(form.error('dispute')).to.equal('At least 2 days: the most time one of your arbiters asks for.')
    expect(form.field('fee').getAttribute('aria-invalid')).to.equal('true')
    expect(form.field('fee').getAttribute('aria-describedby')).to.contain('fee-error')
    expect(form.field('dispute').getAttribute('aria-invalid')).to.equal('true')
    expect(root.activeElement?.localName).to.equal('souk-sell-item')
    expect(form.item().activeElement?.id).to.equal('title', 'the first field with a problem has the focus')

    // fixed one by one: each error goes as its field is fixed
    type(form.field('title'), 'Brass lantern')
    type(form.field('from'), 'Lisbon')
    type(form.field('fee'), '2.5')
    await view.updateComplete
    expect(form.error('fee')).to.equal('')
    choose(form.field<HTMLSelectElement>('dispute'), String(3 * DAY))
    type(form.field('reserve'), '0.25')
    choose(form.field<HTMLSelectElement>('category'), 'home')
    await view.updateComplete
    expect(root.querySelector('[data-testid=problems]')).to.equal(null)
    submit.click()
    await waitFor('the publish call', () => calls.length === 1)
    const draft = calls[0]!
    expect(draft.title).to.equal('Brass lantern')
    expect(draft.photos).to.have.length(2)
    expect(draft.reserve).to.equal(250_000_000_000_000_000n)
    expect(draft.currency).to.equal('ETH')
    expect(draft.category).to.equal('home')
    expect(draft.arbiters.map((a) => a.toLowerCase())).to.deep.equal([nine, eight].map((a) => a.toLowerCase()))
    expect(draft.arbiterFeeBps).to.equal(250)
    expect(draft.disputeWindow).to.equal(3 * DAY)
    expect(draft.confirmWindow).to.equal(7 * DAY)
    expect(draft.revealSeconds).to.equal(DAY)

    advance({ stage: 'pinning', done: 1, total: 2 })
    await waitFor('the pinning step active with photos done', () =>
      root.querySelector('ol.progress li[data-state=active]')?.textContent?.includes('Storing on relays (1/2)'),
    )
    expect(root.querySelectorAll('ol.progress li[data-state=done]').length).to.equal(1)
    finish()
    await waitFor('the listing page', () => location.hash === '#/listing/42')
    history.replaceState(null, '', '#/')
    view.closest('souk-app')!.remove()
  })

  it('publishes for real (engine, relays, anvil): the ListingCreated log names both chosen arbiters, the fee and the windows', async function () {
    this.timeout(200_000)
    const { config } = await chainStack()
    const { nine, seven } = await devArbiters()
    const name = `souk-test-sell-${crypto.randomUUID()}`
    const engine = await startEngine(config, { dedicated: true, storageName: name })
    engines.push(engine)
    await within('the engine’s catalog to be ready', engine.catalog.ready, 60_000)
    const { wagmi } = await person(config, 5)
    const publisher = new EnginePublishService(wagmi, engine.catalog, { minRelays: 2, storeName: `${name}-publish` })
    const trustDocs = createTrustDocsService(engine.catalog, { relays: config.relays.length })
    const { view, root } = await mount(publisher, `${name}-drafts`, { trustDocs })
    const form = parts(root)
    await waitFor('the recommended arbiter chosen', () => form.row(nine) && form.box(nine).checked, { timeout: 30_000 })
    pick(form.field('photos'), [await photo('teal')])
    await waitFor('the photo preview', () => form.item().querySelectorAll('.photos img').length === 1)
    const title = `Teal teapot ${crypto.randomUUID().slice(0, 8)}`
    type(form.field('title'), title)
    type(form.field('from'), 'Tunis')
    form.box(seven).click()
    await waitFor('two arbiters chosen', () => form.box(seven).checked)
    choose(form.field<HTMLSelectElement>('length'), String(HOUR))
    choose(form.field<HTMLSelectElement>('reveal'), String(HOUR))
    choose(form.field<HTMLSelectElement>('confirm'), String(2 * DAY))
    await view.updateComplete
    root.querySelector<HTMLButtonElement>('[data-action=publish]')!.click()
    await waitFor('the listing page', () => /^#\/listing\/\d+$/.test(location.hash), { timeout: 120_000 }).catch(
      (err: Error) => {
        const shown = [...root.querySelectorAll('[role=alert], ol.progress li')].map((e) => text(e))
        throw new Error(`${err.message}: ${shown.join(' | ')}`)
      },
    )
    const listingId = BigInt(location.hash.split('/')[2]!)
    history.replaceState(null, '', '#/')
    const [created] = await getMarketEvents(wagmi, 'ListingCreated', { listingId })
    const terms = created!.args.terms!
    expect(terms.arbiters.map((a) => a.toLowerCase())).to.deep.equal([nine, seven].map((a) => a.toLowerCase()))
    // arbiter 7 asks 1 % and 3 days, as the recommended one asks 1 % and 2 days: the fee at the minimum, 1 %,
    // and the dispute window at the form's default week
    expect(terms.arbiterFeeBps).to.equal(100)
    expect(terms.disputeWindow).to.equal(7 * DAY)
    expect(terms.confirmWindow).to.equal(2 * DAY)
    expect(terms.revealEnd - terms.biddingEnd).to.equal(HOUR)
    expect((await engine.catalog.get(listingId.toString()))?.doc.title).to.equal(title)
    view.closest('souk-app')!.remove()
    publisher.close()
    // the engine's databases go in `after`, once it stopped (deleting an open one waits for it to close)
    databases.push(...['-blocks', '-data', '-catalog-chain', '-publish', '-drafts'].map((x) => name + x))
  })

  it('offline: says the draft is kept, queues Publish across closing the page, and publishes once back online', async () => {
    const offlineStore = `${store}-offline`
    const calls: ListingDraft[] = []
    let finish: () => void = () => undefined
    const publish: PublishService = {
      update: () => Promise.reject(new Error('not edited here')),
      publish: (draft) => {
        calls.push(draft)
        return new Promise((resolve) => (finish = () => resolve({ listingId: '43', txHash: `0x${'2'.repeat(64)}` })))
      },
    }
    const first = await mount(publish, offlineStore)
    await waitFor(
      'the publish button to be enabled',
      () => !first.root.querySelector<HTMLButtonElement>('[data-action=publish]')!.disabled,
    )
    const form = parts(first.root)
    pick(form.field('photos'), [await photo('green')])
    await waitFor('the photo preview', () => form.item().querySelectorAll('.photos img').length === 1)
    type(form.field('title'), 'Copper kettle')
    type(form.field('from'), 'Porto')
    // the recommended arbiter is chosen by itself
    const { nine } = await devArbiters()
    await waitFor('the recommended arbiter chosen', () => form.row(nine) && form.box(nine).checked)
    first.view.dataset.offlineTest = ''
    first.view.addEventListener(
      'souk-draft-saved',
      () => (first.view.dataset.saves = String(Number(first.view.dataset.saves ?? 0) + 1)),
    )

    // the page really goes offline (DevTools emulation); in the page: read the notice, press Publish, wait until
    // the queued draft is saved, then close the view (as closing the tab would) before the network is back
    const seen = await executeServerCommand<{ before: string; after: string; label: string }, { probe: string }>(
      'souk:while-offline',
      {
        probe: `(() => {
          const view = document.querySelector('souk-sell-view[data-offline-test]')
          const root = view && view.shadowRoot
          if (!root || navigator.onLine) return false
          const notice = () => root.querySelector('[data-testid=sell-offline]')?.textContent.trim() ?? ''
          const button = root.querySelector('[data-action=publish]')
          if (view.dataset.pressed === undefined) {
            if (!notice().includes('saved on this device')) return false
            view.dataset.before = notice()
            view.dataset.label = button.textContent.trim()
            view.dataset.savesBefore = view.dataset.saves ?? '0'
            view.dataset.pressed = ''
            button.click()
            return false
          }
          if (view.dataset.saves === view.dataset.savesBefore || !notice().includes('back online')) return false
          const seen = { before: view.dataset.before, after: notice(), label: view.dataset.label }
          view.closest('souk-app').remove()
          return seen
        })()`,
      },
    )
    expect(seen.before).to.contain('Your draft is saved on this device')
    expect(seen.label).to.equal('Publish when back online')
    expect(seen.after).to.contain('Your listing will be published when you are back online')
    expect(calls).to.have.length(0)

    // reopened online: the queued draft is published by itself, once, with everything that was typed offline
    const second = await mount(publish, offlineStore)
    await waitFor('the queued publication to start', () => calls.length === 1, { timeout: 20_000 })
    expect(calls[0]!.title).to.equal('Copper kettle')
    expect(calls[0]!.shippingFrom).to.equal('Porto')
    expect(calls[0]!.photos).to.have.length(1)
    expect(calls[0]!.arbiters).to.deep.equal([nine])
    expect(second.root.querySelector('[data-testid=sell-offline]')!.textContent).to.contain('Back online')
    finish()
    await waitFor('the listing page', () => location.hash === '#/listing/43')
    history.replaceState(null, '', '#/')
    expect(calls).to.have.length(1)
    second.view.closest('souk-app')!.remove()
    await deleteDB(offlineStore)
  })
})
