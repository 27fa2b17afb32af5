/**
 * Who you are survives a reload (issue #26): the dev wallet comes back on the account picked before — also when
 * its node cannot be reached (a reload offline), and it still signs nothing until the node proved to be a dev
 * chain — and an EIP-6963 wallet that is gone after the reload is named as missing instead of another
 * authorized wallet (here the dev wallet) silently taking its place; when it announces itself late it
 * reconnects. A "reload" is a new wagmi config and chain service over the same storage, as the page builds them.
 */
import { expect, fixture, html } from '@open-wc/testing'
import { createStorage } from '@wagmi/core'
import '../../../src/components/souk-app.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import { createSoukWagmiConfig } from '../../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../../src/chain/dev-wallet.ts'
import type { SoukConfig } from '../../../src/core/config.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { useLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'
import { announceFakeWallet, chainStack, freshVault, person } from '../chain/helpers.ts'
import { shadow } from './helpers.ts'

describe('the wallet and account survive a reload', function () {
  this.timeout(120_000)
  const running: WagmiChainService[] = []
  afterEach(async () => {
    for (const s of running.splice(0)) s.stop()
    await useLocale('en')
  })

  /** One "page load": a wagmi config over `storage` (this browser's localStorage under its own key). */
  async function load(config: SoukConfig, key: string, label: string): Promise<WagmiChainService> {
    const storage = createStorage({ key, storage: localStorage })
    const wagmi = createSoukWagmiConfig(config, { storage, rankRpcs: false })
    const service = await WagmiChainService.start(config, { wagmi, vault: await freshVault(label), reconnect: true })
    running.push(service)
    return service
  }

  it('the dev wallet comes back on the chosen account, online and with its node unreachable', async () => {
    const { config } = await chainStack()
    const key = `souk-test-memory-${crypto.randomUUID()}`
    const five = (await person(config, 5)).address
    const first = await load(config, key, 'memory-1')
    expect(first.wallet().status).to.equal('disconnected')
    await first.connect(DEV_WALLET_ID)
    await first.selectDevAccount(5)
    await waitFor('account 5 to be active', () => first.wallet().address === five)
    first.stop()

    // reload: the header shows account 5 again, and the dev account picker says so
    const second = await load(config, key, 'memory-2')
    expect(second.wallet()).to.include({ status: 'connected', address: five, devAccount: 5 })
    const app = await fixture<SoukApp>(html`<souk-app no-routes .chain=${second}></souk-app>`)
    const button = shadow(app.shadowRoot!.querySelector('souk-wallet-button'), 'wallet button')
    expect(button.querySelector('summary')!.textContent!.trim()).to.equal(`${five.slice(0, 6)}…${five.slice(-4)}`)
    button.querySelector('summary')!.click()
    const picker = await waitFor('the dev account picker', () => button.querySelector<HTMLSelectElement>('#account'))
    expect(picker.value).to.equal('5')
    second.stop()

    // reload with the node unreachable (offline): still account 5, and nothing is signed by an unproven node
    const offline = { ...config, chain: { ...config.chain, rpcUrls: ['http://127.0.0.1:9/'] } }
    const third = await load(offline, key, 'memory-3')
    expect(third.wallet()).to.include({ status: 'connected', address: five })
    let refused: unknown
    await third.signMessage('hello').catch((err: unknown) => (refused = err))
    expect((refused as { name?: string })?.name, 'signing went through with no node to check').to.equal(
      'RpcUnreachableError',
    )
  })

  it('a remembered wallet extension that is gone is named, not replaced by another account; back, it reconnects', async () => {
    const { config, rpcUrl } = await chainStack()
    const key = `souk-test-missing-${crypto.randomUUID()}`
    const me = (await person(config, 7)).address
    // the dev wallet was used here once (still authorized), then the extension
    const first = await load(config, key, 'missing-1')
    await first.connect(DEV_WALLET_ID)
    const fake = announceFakeWallet({ rpcUrl, account: me, chainId: 31337 })
    const extension = await waitFor('the extension in the list', () =>
      first.wallets().find((w) => w.name === 'Test Wallet'),
    )
    await first.connect(extension.uid)
    await waitFor(
      'the extension connected',
      () => first.wallet().address === me && first.wallet().walletName === 'Test Wallet',
    )
    first.stop()

    // reload without the extension: nobody is connected, and the view says which wallet is missing
    fake.remove()
    const second = await load(config, key, 'missing-2')
    expect(second.wallet().status).to.equal('disconnected')
    expect(second.wallet().address).to.equal(undefined)
    expect(second.wallet().missing).to.deep.equal({ name: 'Test Wallet', address: me })
    const app = await fixture<SoukApp>(html`<souk-app no-routes .chain=${second}></souk-app>`)
    const button = shadow(app.shadowRoot!.querySelector('souk-wallet-button'), 'wallet button')
    expect(button.querySelector('summary')!.textContent!.trim()).to.equal('Wallet not found')
    button.querySelector('summary')!.click()
    const said = await waitFor('the missing-wallet sentence', () =>
      button.querySelector('[data-testid=wallet-missing]')?.textContent?.replace(/\s+/g, ' ').trim(),
    )
    expect(said).to.equal(
      `Test Wallet (${me.slice(0, 6)}…${me.slice(-4)}), the wallet used here last time, is not available now. Souk does not switch to another account by itself: open or unlock Test Wallet, or choose a wallet below.`,
    )
    await useLocale('zh-Hans')
    await waitFor('the sentence in Chinese', () =>
      button.querySelector('[data-testid=wallet-missing]')?.textContent?.includes('现在不可用'),
    )
    await useLocale('en')

    // the extension finishes loading and announces itself: the same account is back
    const late = announceFakeWallet({ rpcUrl, account: me, chainId: 31337 })
    try {
      await waitFor('the late extension to reconnect', () => second.wallet().status === 'connected', {
        timeout: 10_000,
      })
      expect(second.wallet()).to.include({ address: me, walletName: 'Test Wallet' })
      expect(second.wallet().missing).to.equal(undefined)
    } finally {
      late.remove()
    }
  })
})
