import { expect, fixture, html } from '@open-wc/testing'
import { parseEther } from 'viem'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-bids-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { waitFor } from '../../helpers/wait.ts'
import { advanceTime, chainNow, chainStack, contentHash, freshVault, person } from '../chain/helpers.ts'
import { shadow } from './helpers.ts'

// accounts: 8 seller, 9 arbiter (registered by deploy), 6 the bidder with a phone (one vault) and a laptop (another vault)
describe('<souk-bids-view>', function () {
  this.timeout(120_000)
  const services: WagmiChainService[] = []
  afterEach(() => {
    for (const s of services.splice(0)) s.stop()
  })

  async function device(label: string): Promise<WagmiChainService> {
    const { config } = await chainStack()
    const { wagmi } = await person(config, 6)
    const svc = await WagmiChainService.start(config, { wagmi, vault: await freshVault(label) })
    services.push(svc)
    return svc
  }

  async function view(chain: WagmiChainService): Promise<ShadowRoot> {
    const app = await fixture<SoukApp>(
      html`<souk-app no-routes .chain=${chain}><souk-bids-view></souk-bids-view></souk-app>`,
    )
    return shadow(app.querySelector('souk-bids-view'), 'bids view')
  }

  it('lists a bid, reminds to reveal, and reveals on another device after exporting and importing the vault', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const arbiter = await person(stack.config, 9) // registered by the deploy script
    const start = await chainNow(seller.wagmi)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: contentHash(`ui bids ${start}`),
      biddingEnd: start + 600,
      revealEnd: start + 4_200, // the shortest reveal window is an hour (contracts v3)
      price: 1n,
      arbiters: [arbiter.address],
    })
    const phone = await device('ui-phone')
    await phone.placeBid({
      listingId: listingId.toString(),
      amount: parseEther('0.3'),
      deposit: parseEther('0.5'),
      contentHash: contentHash(`ui bids ${start}`),
    })
    const phoneView = await view(phone)
    const row = await waitFor(
      'the bid in the list',
      () => phoneView.querySelector(`li[data-commitment] a[href="#/listing/${listingId}"]`)?.closest('li'),
      { timeout: 20_000 },
    )
    expect(row.textContent).to.contain('0.3 ETH')
    expect(row.textContent).to.contain('0.5 ETH')
    expect(row.textContent).to.contain('sealed')

    // the laptop knows the bid from the chain but not its secret
    const laptop = await device('ui-laptop')
    const laptopView = await view(laptop)
    const unknown = await waitFor(
      'the bid without its secret on the laptop',
      () =>
        [...laptopView.querySelectorAll('li[data-commitment]')].find((li) =>
          li.textContent!.includes('not in this browser'),
        ),
      { timeout: 20_000 },
    )
    expect(unknown.textContent).to.not.contain('0.3 ETH')

    // export on the phone, import on the laptop through the file input
    const { blob, fileName } = await phone.exportBids()
    const tools = shadow(laptopView.querySelector('souk-vault-tools'), 'vault tools')
    const input = tools.querySelector<HTMLInputElement>('#import')!
    const dt = new DataTransfer()
    dt.items.add(new File([blob], fileName, { type: 'application/json' }))
    input.files = dt.files
    input.dispatchEvent(new Event('change'))
    await waitFor('the import message', () =>
      tools.querySelector('[role=status].ok')?.textContent?.includes('Imported: 1 new bids'),
    )

    await advanceTime(stack.rpcUrl, 601)
    await waitFor(
      'the reveal reminder',
      () => laptopView.querySelector('.notice[role=status]')?.textContent?.includes('waiting to be revealed'),
      {
        timeout: 20_000,
      },
    )
    // the app frame shows the reminder on every page
    const banner = await waitFor(
      'the reveal reminder banner',
      () => laptopView.host.closest('souk-app')?.shadowRoot?.querySelector('[data-testid=reminder]'),
      { timeout: 20_000 },
    )
    expect(banner.textContent).to.contain(`Bidding on listing ${listingId} has ended: reveal your bid now.`)
    const reveal = await waitFor(
      'the reveal button on the laptop',
      () => laptopView.querySelector<HTMLButtonElement>(`li.needs-reveal [data-action=reveal]`),
      { timeout: 20_000 },
    )
    reveal.click()
    await waitFor(
      'the reveal to go through',
      () => laptopView.querySelector('[role=status].ok')?.textContent?.includes('Bid revealed'),
      {
        timeout: 30_000,
      },
    )
    await waitFor(
      'the bid marked revealed',
      () => [...laptopView.querySelectorAll('li[data-commitment]')].some((li) => li.textContent!.includes('revealed')),
      { timeout: 20_000 },
    )
  })
})
