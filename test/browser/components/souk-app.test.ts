import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/souk-app.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import { ChainStatus } from '../../../src/chain/chain-status.ts'
import { useLocale } from '../../../src/i18n.ts'
import { getStack } from '../stack.ts'
import { waitFor } from '../../helpers/wait.ts'

function statusOf(app: SoukApp): HTMLElement {
  const el = app.shadowRoot!.querySelector('souk-network-status')
  if (!el) throw new Error('souk-app rendered no <souk-network-status>')
  return el
}

describe('<souk-app>', () => {
  afterEach(async () => {
    await useLocale('en')
  })

  it('renders the frame with a main landmark, a heading and an accessible language switch', async () => {
    const app = await fixture<SoukApp>(html`<souk-app></souk-app>`)
    const root = app.shadowRoot!
    expect(root.querySelector('main#main')).to.not.equal(null)
    expect(root.querySelector('h1')!.textContent).to.equal('Souk')
    const select = root.querySelector('select')!
    expect(select.getAttribute('aria-label')).to.equal('Language')
    expect([...select.options].map((o) => o.value)).to.deep.equal(['en', 'zh-Hans'])
  })

  it('switches to Simplified Chinese and back', async () => {
    const app = await fixture<SoukApp>(html`<souk-app></souk-app>`)
    await useLocale('zh-Hans')
    await waitFor('the tagline in Chinese', async () => {
      await app.updateComplete
      return app.shadowRoot!.querySelector('.tagline')!.textContent === '没有中间商的拍卖市场'
    })
    expect(document.documentElement.lang).to.equal('zh-Hans')
    await useLocale('en')
    await app.updateComplete
    expect(app.shadowRoot!.querySelector('.tagline')!.textContent).to.equal('Auctions with no one in the middle')
  })

  it('shows a readable error when the configuration is bad', async () => {
    const app = await fixture<SoukApp>(
      html`<souk-app .error=${'config.json: chain.id must be a positive integer'}></souk-app>`,
    )
    const alert = app.shadowRoot!.querySelector('[role=alert]')
    expect(alert?.textContent).to.contain('chain.id must be a positive integer')
  })

  it('shows the chain id and the latest block from a real anvil', async () => {
    const { config } = await getStack()
    const chainStatus = new ChainStatus(config, { pollingInterval: 200 })
    try {
      const app = await fixture<SoukApp>(html`<souk-app .config=${config} .chainStatus=${chainStatus}></souk-app>`)
      await chainStatus.start()
      const status = statusOf(app)
      await waitFor('the network status to show chain id 31337', () => status.dataset.chainId === '31337', {
        timeout: 15_000,
      })
    } finally {
      chainStatus.stop()
    }
  })

  it('reports an unreachable RPC instead of hanging', async () => {
    const { config } = await getStack()
    const broken = { ...config, chain: { ...config.chain, rpcUrls: ['http://127.0.0.1:9/'] } }
    const chainStatus = new ChainStatus(broken)
    try {
      const app = await fixture<SoukApp>(html`<souk-app .chainStatus=${chainStatus}></souk-app>`)
      await chainStatus.start()
      expect(chainStatus.snapshot.status).to.equal('error')
      const status = statusOf(app)
      await waitFor('the header status to know the chain is down', () => status.dataset.chainState === 'error')
      status.shadowRoot!.querySelector('button')!.click()
      const chain = await waitFor('the network popover to say the blockchain does not answer', async () => {
        await app.updateComplete
        return status.shadowRoot!.querySelector('[data-testid=chain]')?.textContent ?? undefined
      })
      expect(chain).to.contain('The blockchain does not answer')
    } finally {
      chainStatus.stop()
    }
  })
})
