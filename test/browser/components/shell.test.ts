/**
 * The app shell on a phone and a desktop (issue #26, items 5 and 9), with real keyboard and mouse input
 * (@web/test-runner-commands): the bottom bar and its More sheet at 360 px, the top navigation that fits at
 * 1280 px in both languages, Escape / outside tap / a choice closing every popup with the focus back on its
 * opener, the search filters behind a button at 360 px, and the header's network wording for each state.
 */
import { expect, fixture, html } from '@open-wc/testing'
import { resetMouse, sendKeys, sendMouse, setViewport } from '@web/test-runner-commands'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-search-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { NetworkSnapshot } from '../../../src/core/status.ts'
import { shopperState, stateSentence } from '../../../src/components/network-words.ts'
import { useLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'
import { shadow } from './helpers.ts'

/** A network status source the test moves by hand, as the engine's mirror does (`change` on every snapshot). */
class FakeNetwork extends EventTarget {
  snapshot: NetworkSnapshot
  constructor(snapshot: Partial<NetworkSnapshot> = {}) {
    super()
    this.snapshot = {
      peerId: '12D3KooWtest',
      status: 'starting',
      relays: [],
      directPeers: 0,
      peersSeen: 0,
      bytesStored: 0,
      ...snapshot,
    }
  }
  set(patch: Partial<NetworkSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch }
    this.dispatchEvent(new Event('change'))
  }
}

const relay = (connected: boolean, i = 0) => ({
  peerId: `12D3KooWrelay${i}`,
  addr: `/ip4/127.0.0.1/tcp/${9000 + i}/ws/p2p/12D3KooWrelay${i}`,
  connected,
  reservation: false,
})

/** The deepest focused element, through shadow roots. */
function focused(): Element | null {
  let el = document.activeElement
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
  return el
}

async function tap(el: Element): Promise<void> {
  const r = el.getBoundingClientRect()
  await sendMouse({ type: 'click', position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] })
}

describe('the app shell', function () {
  this.timeout(30_000)
  afterEach(async () => {
    await resetMouse()
    await useLocale('en')
    location.hash = ''
  })

  describe('at 360 px', () => {
    beforeEach(async () => {
      await setViewport({ width: 360, height: 740 })
    })

    it('has a bottom bar with the four main places and More, and no sideways-scrolling tabs', async () => {
      const app = await fixture<SoukApp>(html`<souk-app no-routes></souk-app>`)
      const nav = shadow(app.shadowRoot!.querySelector('souk-nav'), 'navigation')
      await waitFor('the bottom bar', () => nav.querySelector('nav.bar'))
      expect(nav.querySelector('nav.top')).to.equal(null)
      const labels = [...nav.querySelectorAll('nav.bar li')].map((li) => li.textContent!.trim())
      expect(labels).to.deep.equal(['Home', 'Search', 'Sell', 'Messages', 'More'])
      const bar = nav.querySelector('nav.bar')!.getBoundingClientRect()
      expect(Math.round(bar.bottom)).to.equal(740)
      expect(document.documentElement.scrollWidth).to.be.at.most(360)
      // the frame keeps its content clear of the fixed bar
      expect(parseFloat(getComputedStyle(app).paddingBottom)).to.be.at.least(bar.height - 1)
    })

    it('opens More, closes it on Escape and on an outside tap with the focus back on More, and after a choice', async () => {
      const app = await fixture<SoukApp>(html`<souk-app no-routes><p id="content">Content</p></souk-app>`)
      const nav = shadow(app.shadowRoot!.querySelector('souk-nav'), 'navigation')
      const more = await waitFor('the More button', () => nav.querySelector<HTMLButtonElement>('[data-action=more]'))
      expect(more.getAttribute('aria-expanded')).to.equal('false')

      await tap(more)
      const sheet = await waitFor('the More sheet', () => nav.querySelector('#more-sheet'))
      expect(more.getAttribute('aria-expanded')).to.equal('true')
      const links = [...sheet.querySelectorAll('a')].map((a) => a.textContent!.trim())
      expect(links).to.deep.equal(['My bids', 'My orders', 'My listings', 'Arbiter’s desk', 'Network & settings'])
      await waitFor('the focus on the first place in the sheet', () => focused() === sheet.querySelector('a'))

      await sendKeys({ press: 'Escape' })
      await waitFor('the sheet to close on Escape', () => nav.querySelector('#more-sheet') === null)
      expect(more.getAttribute('aria-expanded')).to.equal('false')
      await waitFor('the focus back on More after Escape', () => focused() === more)

      await tap(more)
      await waitFor('the sheet again', () => nav.querySelector('#more-sheet'))
      await sendMouse({ type: 'click', position: [180, 20] }) // the header, above the sheet
      await waitFor('the sheet to close on a tap outside', () => nav.querySelector('#more-sheet') === null)
      await waitFor('the focus back on More after the outside tap', () => focused() === more)

      await tap(more)
      const bids = await waitFor('the My bids link', () =>
        nav.querySelector<HTMLAnchorElement>('#more-sheet a[href="#/bids"]'),
      )
      await tap(bids)
      await waitFor('the sheet to close after a place was chosen', () => nav.querySelector('#more-sheet') === null)
      await waitFor('the route to be My bids', () => location.hash === '#/bids')
      await waitFor('More to show it holds the current place', () => more.hasAttribute('data-current'))
    })

    it('closes the network popover on a tap elsewhere', async () => {
      const app = await fixture<SoukApp>(html`<souk-app no-routes></souk-app>`)
      const status = shadow(app.shadowRoot!.querySelector('souk-network-status'), 'network status')
      const opener = status.querySelector('button')!
      await tap(opener)
      await waitFor('the network popover', () => status.querySelector('#net-details'))
      expect(opener.getAttribute('aria-expanded')).to.equal('true')
      await sendMouse({ type: 'click', position: [180, 400] })
      await waitFor(
        'the network popover to close on a tap outside',
        () => status.querySelector('#net-details') === null,
      )
      expect(opener.getAttribute('aria-expanded')).to.equal('false')
    })

    it('puts the search filters behind a button that counts them, in a sheet that closes on Escape', async () => {
      const el = await fixture(
        html`<souk-search-view .query=${'q=lamp&category=home&ending=1&sort=newest'}></souk-search-view>`,
      )
      const root = shadow(el, 'search view')
      const button = await waitFor('the Filters button', () =>
        root.querySelector<HTMLButtonElement>('[data-action=filters]'),
      )
      expect(root.querySelector('#category'), 'the filters are hidden behind the button').to.equal(null)
      expect(button.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Filters: 2 active')
      expect(button.getAttribute('aria-expanded')).to.equal('false')
      // the search form (words and the button) ends well within the first screen, where the results start
      expect(root.querySelector('form')!.getBoundingClientRect().bottom).to.be.below(300)

      await tap(button)
      await waitFor('the filter sheet', () => root.querySelector('#filter-sheet #category'))
      expect(button.getAttribute('aria-expanded')).to.equal('true')
      await waitFor('the focus in the sheet', () => focused() === root.querySelector('#category'))
      await sendKeys({ press: 'Escape' })
      await waitFor('the sheet to close on Escape', () => root.querySelector('#filter-sheet') === null)
      await waitFor('the focus back on Filters', () => focused() === button)

      await tap(button)
      await tap(await waitFor('Show results', () => root.querySelector<HTMLElement>('[data-action=show-results]')))
      await waitFor(
        'the sheet to close once the results were asked for',
        () => root.querySelector('#filter-sheet') === null,
      )
    })
  })

  describe('at 1280 px', () => {
    beforeEach(async () => {
      await setViewport({ width: 1280, height: 900 })
    })

    for (const locale of ['en', 'zh-Hans'] as const)
      it(`has one row of navigation that fits without sideways scrolling (${locale})`, async () => {
        await useLocale(locale)
        const app = await fixture<SoukApp>(html`<souk-app no-routes></souk-app>`)
        const nav = shadow(app.shadowRoot!.querySelector('souk-nav'), 'navigation')
        const ul = await waitFor('the top navigation', () => nav.querySelector('nav.top ul'))
        expect(nav.querySelector('nav.bar')).to.equal(null)
        expect(ul.querySelectorAll('li').length).to.equal(9)
        expect(ul.scrollWidth).to.be.at.most(ul.clientWidth)
        const tops = new Set([...ul.querySelectorAll('li')].map((li) => Math.round(li.getBoundingClientRect().top)))
        expect(tops.size, 'the links wrapped onto a second row').to.equal(1)
      })

    it('shows the search filters in place, with no Filters button', async () => {
      const el = await fixture(html`<souk-search-view .query=${'category=home'}></souk-search-view>`)
      const root = shadow(el, 'search view')
      await waitFor('the filters', () => root.querySelector('#category'))
      expect(root.querySelector('[data-action=filters]')).to.equal(null)
    })
  })

  describe('the network status in the header', () => {
    it('says each state in a shopper’s words, in English and Chinese', async () => {
      const network = new FakeNetwork()
      const app = await fixture<SoukApp>(html`<souk-app no-routes .network=${network}></souk-app>`)
      const host = app.shadowRoot!.querySelector('souk-network-status')!
      const status = shadow(host, 'network status')
      const label = () => status.querySelector('button')!.textContent!.trim()
      const sentence = async (): Promise<string> => {
        if (!status.querySelector('#net-details')) status.querySelector('button')!.click()
        return await waitFor('the popover sentence', async () => {
          await host.updateComplete
          return status.querySelector('[data-testid=net-sentence]')?.textContent?.trim()
        })
      }
      expect(label()).to.equal('Connecting…')
      expect(host.dataset.state).to.equal('connecting')

      network.set({ status: 'online', relays: [relay(true, 0), relay(true, 1)] })
      await waitFor('Online', () => label() === 'Online')
      expect(await sentence()).to.equal('Online — connected to 2 relays')
      network.set({ relays: [relay(true, 0), relay(false, 1)] })
      await waitFor('one relay', async () => (await sentence()) === 'Online — connected to 1 relay')

      network.set({ status: 'offline', relays: [relay(false, 0)] })
      await waitFor('Offline', () => label() === 'Offline')
      expect(host.dataset.state).to.equal('offline')
      expect(await sentence()).to.equal(
        'Offline — no relay answers. Souk keeps trying; your changes will be sent when one does.',
      )

      await useLocale('zh-Hans')
      network.set({ status: 'online', relays: [relay(true, 0), relay(true, 1)] })
      await waitFor('在线', () => label() === '在线')
      expect(await sentence()).to.equal('在线——已连接 2 个中继')
    })

    it('reports a device that is offline itself as offline, whatever the engine last said', () => {
      const net = new FakeNetwork({ status: 'online', relays: [relay(true)] }).snapshot
      expect(shopperState(net, false)).to.equal('offline')
      expect(stateSentence('offline', 0, false)).to.equal('Offline — your changes will be sent when you’re back.')
      expect(shopperState(undefined, true)).to.equal('connecting')
      expect(shopperState({ ...net, status: 'starting', relays: [relay(false)] }, true)).to.equal('connecting')
    })
  })
})
