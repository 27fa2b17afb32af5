import { expect, fixture, html } from '@open-wc/testing'
import { executeServerCommand } from '@web/test-runner-commands'
import '../../../src/components/souk-app.ts'
import '../../../src/components/souk-update-prompt.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { SoukOfflineBanner } from '../../../src/components/souk-offline-banner.ts'
import type { SoukUpdatePrompt } from '../../../src/components/souk-update-prompt.ts'
import type { NetworkSnapshot, StatusSource } from '../../../src/core/status.ts'
import { useLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'

/** Takes the page offline until `probe` (an expression evaluated in the page) is truthy; its value. */
async function whileOffline<T>(probe: string): Promise<T> {
  return await executeServerCommand<T, { probe: string }>('souk:while-offline', { probe })
}

function bannerOf(app: SoukApp): SoukOfflineBanner {
  const el = app.shadowRoot!.querySelector('souk-offline-banner')
  if (!el) throw new Error('souk-app rendered no <souk-offline-banner>')
  return el
}

/** A network status a test moves by hand (the engine's own is covered by the P2P suites). */
class Status extends EventTarget implements StatusSource<NetworkSnapshot> {
  snapshot: NetworkSnapshot = {
    peerId: '12D3KooWtest',
    status: 'starting',
    relays: [],
    directPeers: 0,
    peersSeen: 0,
    bytesStored: 0,
  }
  set(status: NetworkSnapshot['status'], relays: NetworkSnapshot['relays'] = this.snapshot.relays): void {
    this.snapshot = { ...this.snapshot, status, relays }
    this.dispatchEvent(new Event('change'))
  }
}

describe('<souk-update-prompt>', () => {
  afterEach(async () => {
    await useLocale('en')
  })

  it('shows only while a new version waits, applies it on Reload and hides on Later until the next one', async () => {
    const prompt = await fixture<SoukUpdatePrompt>(html`<souk-update-prompt></souk-update-prompt>`)
    expect(prompt.shadowRoot!.querySelector('[data-testid=update-prompt]')).to.equal(null)

    let applied = 0
    prompt.apply = () => void applied++
    await prompt.updateComplete
    const box = prompt.shadowRoot!.querySelector('[data-testid=update-prompt]')
    expect(box?.getAttribute('role')).to.equal('status')
    expect(box?.textContent).to.contain('A new version of Souk is ready.')
    const [reload, later] = [...prompt.shadowRoot!.querySelectorAll('button')]
    reload!.click()
    await prompt.updateComplete
    expect(applied).to.equal(1)
    expect(reload!.disabled).to.equal(true)
    expect(reload!.textContent?.trim()).to.equal('Updating…')

    let dismissed = false
    prompt.addEventListener('souk-update-dismissed', () => (dismissed = true))
    later!.click()
    await prompt.updateComplete
    expect(dismissed).to.equal(true)
    expect(prompt.shadowRoot!.querySelector('[data-testid=update-prompt]')).to.equal(null)

    // a later version is offered again, ready to be accepted
    prompt.apply = () => void applied++
    await prompt.updateComplete
    expect(prompt.shadowRoot!.querySelector('[data-testid=update-prompt]')).to.not.equal(null)
    const again = prompt.shadowRoot!.querySelector('button')!
    expect(again.disabled).to.equal(false)
    expect(again.textContent?.trim()).to.equal('Reload to update')
  })

  it('speaks Simplified Chinese', async () => {
    const prompt = await fixture<SoukUpdatePrompt>(
      html`<souk-update-prompt .apply=${() => undefined}></souk-update-prompt>`,
    )
    await useLocale('zh-Hans')
    await waitFor('the update prompt in Chinese', async () => {
      await prompt.updateComplete
      return prompt.shadowRoot!.textContent?.includes('Souk 有新版本可用。') ?? false
    })
    const buttons = [...prompt.shadowRoot!.querySelectorAll('button')]
    expect(buttons.map((b) => b.textContent?.trim())).to.deep.equal(['重新加载以更新', '稍后'])
    buttons[0]!.click()
    await prompt.updateComplete
    expect(buttons[0]!.textContent?.trim()).to.equal('正在更新…')
  })
})

describe('<souk-offline-banner> in <souk-app>', () => {
  afterEach(async () => {
    await useLocale('en')
  })

  it('says what is offline and what will happen when the browser goes offline, and leaves when it is back', async () => {
    const app = await fixture<SoukApp>(html`<souk-app no-routes></souk-app>`)
    const banner = bannerOf(app)
    await banner.updateComplete
    expect(banner.dataset.state).to.equal('online')
    expect(banner.shadowRoot!.querySelector('[data-testid=offline-banner]')).to.equal(null)

    const text = await whileOffline<string>(
      `(() => {
        const b = document.querySelector('souk-app')?.shadowRoot?.querySelector('souk-offline-banner')
        return b?.dataset.state === 'offline' && b.shadowRoot.querySelector('[role=status]')?.textContent
      })()`,
    )
    expect(text).to.contain('You are offline.')
    expect(text).to.contain('cannot be sent until you are back online')

    // back online (the command restored the network)
    await waitFor('the banner to leave once the device is back online', () => banner.dataset.state === 'online', {
      timeout: 10_000,
    })
    expect(banner.shadowRoot!.querySelector('[data-testid=offline-banner]')).to.equal(null)
  })

  it('says no relay is reachable when the network status is offline while the device is online, in Chinese too', async () => {
    const status = new Status()
    const app = await fixture<SoukApp>(html`<souk-app no-routes .network=${status}></souk-app>`)
    const banner = bannerOf(app)
    await banner.updateComplete
    expect(banner.dataset.state).to.equal('online')
    // the first connections are being made: no warning yet
    const relay = { peerId: '12D3KooWrelay', addr: '/ip4/127.0.0.1/tcp/1/ws', connected: false, reservation: false }
    status.set('offline', [relay])
    await banner.updateComplete
    expect(banner.dataset.state).to.equal('online')
    // every relay's dial failed: say so
    status.set('offline', [{ ...relay, retryAt: Date.now() + 1_000 }])
    await waitFor('the no-relay banner after the dials failed', async () => {
      await banner.updateComplete
      return banner.dataset.state === 'no-relay'
    })
    status.set('online', [{ ...relay, connected: true, reservation: true }])
    await waitFor('the banner to leave when a relay answers', async () => {
      await banner.updateComplete
      return banner.dataset.state === 'online'
    })
    // reached, then lost: say so at once
    status.set('offline', [relay])
    await waitFor('the no-relay banner', async () => {
      await banner.updateComplete
      return banner.dataset.state === 'no-relay'
    })
    expect(banner.shadowRoot!.textContent).to.contain('No relay reachable.')
    await useLocale('zh-Hans')
    await waitFor('the no-relay banner in Chinese', async () => {
      await banner.updateComplete
      return banner.shadowRoot!.textContent?.includes('无法连接任何中继。') ?? false
    })
    status.set('online')
    await waitFor('the banner to leave when a relay answers', async () => {
      await banner.updateComplete
      return banner.dataset.state === 'online'
    })
  })
})
