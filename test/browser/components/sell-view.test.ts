import { expect, fixture, html } from '@open-wc/testing'
import { executeServerCommand } from '@web/test-runner-commands'
import { deleteDB } from 'idb'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-sell-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { SoukSellView } from '../../../src/components/views/souk-sell-view.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import type { ListingDraft, PublishProgress, PublishService } from '../../../src/services/types.ts'
import { waitFor } from '../../helpers/wait.ts'
import { chainStack, freshVault, person } from '../chain/helpers.ts'
import { choose, shadow, type } from './helpers.ts'

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

describe('<souk-sell-view>', function () {
  this.timeout(60_000)
  const store = `souk-test-drafts-${crypto.randomUUID()}`
  const chains: WagmiChainService[] = []
  after(async () => {
    for (const c of chains) c.stop()
    await deleteDB(store)
  })

  async function mount(
    publish?: PublishService,
    drafts = store,
    recommendedArbiters?: `0x${string}`[],
  ): Promise<{ view: SoukSellView; root: ShadowRoot }> {
    const stack = await chainStack()
    const config = recommendedArbiters ? { ...stack.config, recommendedArbiters } : stack.config
    const { wagmi } = await person(config, 5)
    const chain = await WagmiChainService.start(config, { wagmi, vault: await freshVault('ui-sell') })
    chains.push(chain)
    const app = await fixture<SoukApp>(html`
      <souk-app no-routes .chain=${chain} .publish=${publish}>
        <souk-sell-view draft-store=${drafts}></souk-sell-view>
      </souk-app>
    `)
    const view = app.querySelector('souk-sell-view')!
    await waitFor('the draft to be loaded', () => view.dataset.draftLoaded !== undefined)
    return { view, root: shadow(view, 'sell view') }
  }

  it('offers the camera, keeps the draft (photos too) across closing the page, and says publishing is not available yet', async () => {
    const first = await mount()
    const input = first.root.querySelector<HTMLInputElement>('#photos')!
    expect(input.accept).to.equal('image/*')
    expect(input.getAttribute('capture')).to.equal('environment')
    expect(input.multiple).to.equal(true)
    expect(first.root.querySelector('[data-testid=publish-unavailable]')).to.not.equal(null)
    expect(first.root.querySelector<HTMLButtonElement>('[data-action=publish]')!.disabled).to.equal(true)

    pick(input, [await photo('red'), await photo('blue')])
    await waitFor('two photo previews', () => first.root.querySelectorAll('.photos img').length === 2)
    const saved = new Promise((resolve) => first.view.addEventListener('souk-draft-saved', resolve, { once: true }))
    type(first.root.querySelector<HTMLInputElement>('#title')!, 'Brass lantern')
    await saved
    first.view.closest('souk-app')!.remove()

    const second = await mount()
    await waitFor(
      'the restored title',
      () => second.root.querySelector<HTMLInputElement>('#title')?.value === 'Brass lantern',
    )
    expect(second.root.querySelectorAll('.photos img').length).to.equal(2)
    expect(second.root.textContent).to.contain('Your draft was restored')
  })

  it('offers the marketplace’s recommended arbiters that are registered, and only those', async () => {
    const { config } = await chainStack()
    const registered = config.recommendedArbiters![0]! // registered by the deploy script
    const stranger = '0x000000000000000000000000000000000000dEaD' // never registered: the contract would refuse it
    const { root } = await mount(undefined, `${store}-arbiters`, [stranger, registered])
    const offered = await waitFor('the recommended arbiters in the list', () => {
      const opts = [...root.querySelectorAll<HTMLOptionElement>('#arbiter option')].filter((o) => o.value)
      return opts.length > 0 ? opts : undefined
    })
    const values = offered.map((o) => o.value.toLowerCase())
    expect(values).to.include(registered.toLowerCase())
    expect(values).to.not.include(stranger.toLowerCase())
    const mine = offered.find((o) => o.value.toLowerCase() === registered.toLowerCase())!
    expect(mine.textContent).to.contain('recommended by this marketplace')
    expect(values[0]).to.equal(registered.toLowerCase(), 'a recommended arbiter comes first')
  })

  it('checks the form, hands the draft to the publish service and shows each step', async () => {
    const calls: ListingDraft[] = []
    let advance: (p: PublishProgress) => void = () => undefined
    let finish: () => void = () => undefined
    // a stand-in that records what the form hands over and lets the test step the progress (the real service
    // is tested in test/browser/engine/catalog.test.ts and test/e2e/shop-auction.test.ts)
    const publish: PublishService = {
      publish: (draft, { onProgress }) => {
        calls.push(draft)
        advance = (p) => onProgress?.(p)
        return new Promise((resolve) => (finish = () => resolve({ listingId: '42', txHash: `0x${'1'.repeat(64)}` })))
      },
    }
    const { view, root } = await mount(publish)
    const submit = root.querySelector<HTMLButtonElement>('[data-action=publish]')!
    await waitFor('the publish button to be enabled', () => !submit.disabled)
    type(root.querySelector<HTMLInputElement>('#arbiter-address')!, 'not an address')
    type(root.querySelector<HTMLInputElement>('#from')!, '')
    submit.click()
    await waitFor('a sentence about the missing field', () => root.querySelector('[role=alert]')?.textContent)
    expect(calls).to.have.length(0)

    type(root.querySelector<HTMLInputElement>('#from')!, 'Lisbon')
    type(root.querySelector<HTMLInputElement>('#arbiter-address')!, '0x90F79bf6EB2c4f870365E785982E1f101E93b906')
    type(root.querySelector<HTMLInputElement>('#reserve')!, '0.25')
    choose(root.querySelector<HTMLSelectElement>('#category')!, 'home')
    await view.updateComplete
    submit.click()
    await waitFor('the publish call', () => calls.length === 1)
    const draft = calls[0]!
    expect(draft.title).to.equal('Brass lantern')
    expect(draft.photos).to.have.length(2)
    expect(draft.reserve).to.equal(250_000_000_000_000_000n)
    expect(draft.currency).to.equal('ETH')
    expect(draft.category).to.equal('home')
    expect(draft.arbiters[0]).to.equal('0x90F79bf6EB2c4f870365E785982E1f101E93b906')

    advance({ stage: 'pinning', done: 1, total: 2 })
    await waitFor('the pinning step active with photos done', () =>
      root.querySelector('ol.progress li[data-state=active]')?.textContent?.includes('Storing on relays (1/2)'),
    )
    expect(root.querySelectorAll('ol.progress li[data-state=done]').length).to.equal(1)
    finish()
    await waitFor('the listing page', () => location.hash === '#/listing/42')
    history.replaceState(null, '', '#/')
  })

  it('offline: says the draft is kept, queues Publish across closing the page, and publishes once back online', async () => {
    const offlineStore = `${store}-offline`
    const calls: ListingDraft[] = []
    let finish: () => void = () => undefined
    const publish: PublishService = {
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
    pick(first.root.querySelector<HTMLInputElement>('#photos')!, [await photo('green')])
    await waitFor('the photo preview', () => first.root.querySelectorAll('.photos img').length === 1)
    type(first.root.querySelector<HTMLInputElement>('#title')!, 'Copper kettle')
    type(first.root.querySelector<HTMLInputElement>('#from')!, 'Porto')
    type(first.root.querySelector<HTMLInputElement>('#arbiter-address')!, '0x90F79bf6EB2c4f870365E785982E1f101E93b906')
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
    expect(second.root.querySelector('[data-testid=sell-offline]')!.textContent).to.contain('Back online')
    finish()
    await waitFor('the listing page', () => location.hash === '#/listing/43')
    history.replaceState(null, '', '#/')
    expect(calls).to.have.length(1)
    second.view.closest('souk-app')!.remove()
    await deleteDB(offlineStore)
  })
})
