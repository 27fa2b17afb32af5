import { expect, fixture, html } from '@open-wc/testing'
import { parseEther } from 'viem'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-listing-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { SoukListingView } from '../../../src/components/views/souk-listing-view.ts'
import { encodeListing } from '../../../src/core/listing.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { waitFor } from '../../helpers/wait.ts'
import { advanceTime, chainNow, chainStack, contentHash, freshVault, person } from '../chain/helpers.ts'
import { LocalCatalog, sampleDoc, shadow, type } from './helpers.ts'

// accounts: 1 seller, 2 and 3 bidders, 9 arbiter (registered by deploy) (files run one at a time; every test uses its own listing)
describe('<souk-listing-view> on a real chain', function () {
  this.timeout(180_000)
  const services: WagmiChainService[] = []
  afterEach(() => {
    for (const s of services.splice(0)) s.stop()
  })

  async function buyer(index: number, label: string): Promise<WagmiChainService> {
    const { config } = await chainStack()
    const { wagmi } = await person(config, index)
    const svc = await WagmiChainService.start(config, { wagmi, vault: await freshVault(label) })
    services.push(svc)
    return svc
  }

  async function page(chain: WagmiChainService, catalog: LocalCatalog, listingId: bigint): Promise<ShadowRoot> {
    const app = await fixture<SoukApp>(html`
      <souk-app no-routes .chain=${chain} .catalog=${catalog}>
        <souk-listing-view .listingId=${listingId.toString()}></souk-listing-view>
      </souk-app>
    `)
    const view = app.querySelector<SoukListingView>('souk-listing-view')!
    await view.updateComplete
    return shadow(view, 'listing view')
  }

  const phase = (root: ShadowRoot) => root.querySelector<HTMLElement>('[data-phase]')?.dataset.phase
  const status = (root: ShadowRoot) => root.querySelector('[data-testid=action-status]')?.textContent ?? ''
  const alert = (root: ShadowRoot) => root.querySelector('[role=alert]')?.textContent ?? ''

  async function bid(root: ShadowRoot, amount: string, deposit: string): Promise<void> {
    const form = await waitFor('the bid form', () => root.querySelector('souk-bid-form'))
    const f = shadow(form, 'bid form')
    type(f.querySelector<HTMLInputElement>('#amount')!, amount)
    type(f.querySelector<HTMLInputElement>('#deposit')!, deposit)
    await form.updateComplete
    f.querySelector<HTMLButtonElement>('[data-action=bid]')!.click()
    await waitFor(
      `the bid of ${amount} to be confirmed`,
      () =>
        f.querySelector('[role=status]')?.textContent?.includes('sealed bid is on chain') ||
        f.querySelector('[role=alert]')?.textContent,
      { timeout: 30_000 },
    )
    expect(f.querySelector('[role=alert]')).to.equal(null)
  }

  async function press(root: ShadowRoot, action: string, done: string): Promise<string> {
    const button = await waitFor(
      `the ${action} button`,
      () => root.querySelector<HTMLButtonElement>(`[data-action=${action}]:not([disabled])`),
      {
        timeout: 30_000,
      },
    )
    button.click()
    await waitFor(`"${done}" after ${action}`, () => status(root).includes(done) || alert(root), { timeout: 30_000 })
    expect(alert(root)).to.equal('')
    return status(root)
  }

  it('runs an auction from the page: two bid, both reveal, anyone finalizes, the loser withdraws, the winner sees the escrow at the second price', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 1)
    const arbiter = await person(stack.config, 9) // registered by the deploy script
    const start = await chainNow(seller.wagmi)
    const doc = sampleDoc({
      title: 'Brass ship lantern',
      category: 'home',
      description: 'Works.\n<img src=x onerror="window.hacked=1"> stays text',
      seller: seller.address,
    })
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: (await encodeListing(doc)).contentHash,
      categoryId: 3,
      biddingEnd: start + 600,
      revealEnd: start + 4_200, // the shortest reveal window is an hour (contracts v3)
      price: parseEther('0.1'),
      arbiters: [arbiter.address],
    })
    const catalog = new LocalCatalog()
    catalog.upsert(listingId.toString(), doc, {
      price: parseEther('0.1'),
      currency: 'ETH',
      status: 'open',
      biddingEnd: start + 600,
      bids: 0,
    })

    const alice = await buyer(2, 'ui-alice')
    const bob = await buyer(3, 'ui-bob')
    const a = await page(alice, catalog, listingId)
    const b = await page(bob, catalog, listingId)

    // the page: title, description as text (never HTML), terms, timeline
    await waitFor('the bidding phase', () => phase(a) === 'bidding', { timeout: 20_000 })
    expect(a.querySelector('h2')!.textContent).to.equal('Brass ship lantern')
    const description = a.querySelector('.description')!
    expect(description.querySelector('img')).to.equal(null)
    expect(description.textContent).to.contain('<img src=x')
    expect((window as { hacked?: number }).hacked).to.equal(undefined)
    expect(a.querySelector('dl.terms')!.textContent).to.contain('0.1 ETH')
    expect(a.querySelector('ol.timeline li[aria-current=step]')!.getAttribute('data-step')).to.equal('bidding')
    expect(shadow(a.querySelector('souk-bid-form'), 'bid form').querySelector('#deposit-why')!.textContent).to.contain(
      'keeps your amount secret',
    )

    await bid(a, '2', '3')
    await bid(b, '1.5', '1.5')

    await advanceTime(stack.rpcUrl, 601)
    await waitFor('the reveal window on both pages', () => phase(a) === 'revealing' && phase(b) === 'revealing', {
      timeout: 20_000,
    })
    await press(a, 'reveal', 'Bid revealed')
    await press(b, 'reveal', 'Bid revealed')

    await advanceTime(stack.rpcUrl, 3_600)
    await waitFor('the finalize step', () => phase(b) === 'finalizable', { timeout: 20_000 })
    const closed = await press(b, 'finalize', 'Auction closed')
    expect(closed).to.contain('pays 1.5 ETH')

    await waitFor('the escrow on the winner page', () => a.querySelector('[data-testid=escrow]'), { timeout: 20_000 })
    const escrow = a.querySelector('[data-testid=escrow]')!.textContent!
    expect(escrow).to.contain('1.5 ETH')
    expect(escrow).to.contain('You won this auction')
    expect(escrow).to.contain('Escrow open')
    // the winning bid reads as won (its deposit was settled at finalize), and the reveal's "done" is gone
    await waitFor('the winner bid marked won', () => a.querySelector('.bid')?.textContent?.includes('won'), {
      timeout: 20_000,
    })
    expect(a.querySelector('.bid')!.textContent).not.to.contain('withdrawn')
    expect(a.textContent).not.to.contain('Bid revealed')

    // the loser is told, and offered the deposit back
    await waitFor('the loser told', () => b.querySelector('.bid')?.textContent?.includes('you did not win'), {
      timeout: 20_000,
    })
    const refund = await press(b, 'withdraw', 'returned to your wallet')
    expect(refund).to.contain('1.5 ETH')
    await waitFor(
      'the loser bid marked returned',
      () => b.querySelector('.bid')?.textContent?.includes('your deposit was returned'),
      { timeout: 20_000 },
    )
  })

  it('says so in a sentence when the wallet cannot bid (the seller) and when the listing does not exist', async () => {
    const stack = await chainStack()
    const seller = await buyer(1, 'ui-seller')
    const arbiter = await person(stack.config, 9) // registered by the deploy script
    const start = await chainNow(seller.wagmi)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: contentHash(`ui own ${start}`),
      biddingEnd: start + 600,
      revealEnd: start + 4_200, // the shortest reveal window is an hour (contracts v3)
      price: 1n,
      arbiters: [arbiter.address],
    })
    const own = await page(seller, new LocalCatalog(), listingId)
    // the seller's own tools (souk-listing-seller) say it, in their shadow root
    const sellerTools = (): string => own.querySelector('souk-listing-seller')?.shadowRoot?.textContent ?? ''
    await waitFor('"this is your listing"', () => sellerTools().includes('This is your listing'), {
      timeout: 20_000,
    })
    expect(own.querySelector('souk-bid-form')).to.equal(null)
    expect(own.querySelector('.notice')!.textContent).to.contain('not in the catalog')

    const missing = await page(seller, new LocalCatalog(), 999_999n)
    await waitFor('the unknown-listing sentence', () => alert(missing).includes('This listing does not exist'), {
      timeout: 20_000,
    })
  })
})
