import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-listing-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { createSoukWagmiConfig } from '../../../src/chain/config.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { useLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'
import { announceFakeWallet, chainNow, chainStack, contentHash, freshVault, person } from '../chain/helpers.ts'
import { LocalCatalog, shadow, type } from './helpers.ts'

// accounts: 8 seller, 9 arbiter (registered by deploy), 7 the person with the (fake) wallet extension
describe('<souk-wallet-button> and chain errors on the page', function () {
  this.timeout(120_000)
  afterEach(async () => {
    await useLocale('en')
  })

  it('connects an EIP-6963 wallet, says "wrong network", switches, and shows a rejected bid as a sentence in both languages', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const arbiter = await person(stack.config, 9)
    const me = await person(stack.config, 7)
    const start = await chainNow(seller.wagmi)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: contentHash(`ui wallet ${start}`),
      biddingEnd: start + 600,
      revealEnd: start + 4_200, // the shortest reveal window is an hour (contracts v3)
      price: 1n,
      arbiters: [arbiter.address],
    })
    const fake = announceFakeWallet({ rpcUrl: stack.rpcUrl, account: me.address, chainId: 1 })
    const wagmi = createSoukWagmiConfig(stack.config, { storage: null })
    const chain = await WagmiChainService.start(stack.config, { wagmi, vault: await freshVault('ui-wallet') })
    try {
      const app = await fixture<SoukApp>(html`
        <souk-app no-routes .chain=${chain} .catalog=${new LocalCatalog()}>
          <souk-listing-view .listingId=${listingId.toString()}></souk-listing-view>
        </souk-app>
      `)
      const button = shadow(app.shadowRoot!.querySelector('souk-wallet-button'), 'wallet button')
      const summary = () => button.querySelector('summary')!.textContent!.trim()
      expect(summary()).to.equal('Connect wallet')
      button.querySelector('summary')!.click()
      const choice = await waitFor('the test wallet in the list', () =>
        [...button.querySelectorAll<HTMLButtonElement>('.panel button')].find((b) =>
          b.textContent!.includes('Test Wallet'),
        ),
      )
      choice.click()
      await waitFor('"Wrong network" in the header', () => summary() === 'Wrong network')
      const view = shadow(app.querySelector('souk-listing-view'), 'listing view')
      await waitFor(
        'the wrong-network notice on the listing',
        () => view.textContent?.includes('Your wallet is on another network'),
        {
          timeout: 20_000,
        },
      )

      const switchButton = await waitFor('the switch button', () =>
        [...button.querySelectorAll<HTMLButtonElement>('.panel button')].find((b) =>
          b.textContent!.includes('Switch to'),
        ),
      )
      switchButton.click()
      await waitFor(
        'the address in the header after switching',
        () => summary() === `${me.address.slice(0, 6)}…${me.address.slice(-4)}`,
      )
      expect(fake.calls).to.include('wallet_switchEthereumChain')
      // a choice made (the network switched) closes the menu and gives the focus back to its button
      const details = button.querySelector('details')!
      const summaryEl = button.querySelector('summary')!
      await waitFor('the menu to close after the switch', () => !details.open)
      await waitFor('the focus back on the wallet button', () => button.activeElement === summaryEl)
      // Escape closes it too
      summaryEl.click()
      await waitFor('the menu to open again', () => details.open && button.querySelector('.panel') !== null)
      app
        .shadowRoot!.querySelector('souk-wallet-button')!
        .dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))
      expect(details.open).to.equal(false)
      await waitFor('the focus back on the wallet button after Escape', () => button.activeElement === summaryEl)

      const form = shadow(await waitFor('the bid form', () => view.querySelector('souk-bid-form')), 'bid form')
      const tryBid = async (before?: string): Promise<string> => {
        type(form.querySelector<HTMLInputElement>('#amount')!, '0.01')
        await view.querySelector('souk-bid-form')!.updateComplete
        form.querySelector<HTMLButtonElement>('[data-action=bid]')!.click()
        return await waitFor(
          'a new rejection sentence',
          () => {
            const text = form.querySelector('[role=alert]')?.textContent
            return text !== before ? text : undefined
          },
          { timeout: 20_000 },
        )
      }
      fake.rejectNext = true
      const english = await tryBid()
      expect(english).to.equal('You rejected the request in your wallet. Nothing was sent.')
      await useLocale('zh-Hans')
      fake.rejectNext = true
      expect(await tryBid(english)).to.equal('你在钱包中拒绝了请求，未发送任何内容。')
    } finally {
      chain.stop()
      fake.remove()
    }
  })
})
