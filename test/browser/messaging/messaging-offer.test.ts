/**
 * The offer to set up messaging after an action (issue #26), on real messaging: an engine Worker on the test
 * stack's relays behind the app's `EngineMessagingService`, a dev-wallet `WagmiChainService` (the binding
 * signature is real), and `<souk-app>` hearing `offerMessaging` from a view. "Not now" closes it, changes
 * nothing and is not asked again for that wallet; "Set up messaging" makes messaging ready with one signature.
 * `ensureMessagingReady` on its own: ready at once when it already is, unavailable without a wallet.
 */
import { expect, fixture, html } from '@open-wc/testing'
import { deleteDB } from 'idb'
import '../../../src/components/souk-app.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { SoukConfig } from '../../../src/core/config.ts'
import { startEngine, type Engine } from '../../../src/engine/client.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { EngineMessagingService } from '../../../src/services/messaging-service.ts'
import { ensureMessagingReady, offerMessaging } from '../../../src/services/messaging-ready.ts'
import { useLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'
import { freshVault, person } from '../chain/helpers.ts'
import { getStack } from '../stack.ts'

describe('<souk-messaging-offer> after an action', function () {
  this.timeout(180_000)
  const stops: (() => Promise<void> | void)[] = []
  const databases: string[] = []
  let config: SoukConfig

  async function someone(account: number): Promise<{ chain: WagmiChainService; messaging: EngineMessagingService }> {
    const name = `souk-test-offer-${account}-${crypto.randomUUID()}`
    const engine: Engine = await startEngine(config, { dedicated: true, storageName: name })
    const { wagmi, address } = await person(config, account)
    databases.push(
      `${name}-messaging-${address.toLowerCase()}`,
      ...['-blocks', '-data', '-catalog-chain'].map((x) => name + x),
    )
    const chain = await WagmiChainService.start(config, { wagmi, vault: await freshVault(name) })
    const messaging = new EngineMessagingService(engine.messaging, chain)
    stops.push(
      () => messaging.stop(),
      () => chain.stop(),
      () => engine.stop(),
    )
    await waitFor('the wallet to be seen', () => messaging.status === 'needs-setup', { timeout: 30_000 })
    return { chain, messaging }
  }

  async function appWith(p: { chain: WagmiChainService; messaging: EngineMessagingService }) {
    const app = await fixture<SoukApp>(
      html`<souk-app no-routes .chain=${p.chain} .messaging=${p.messaging}><button id="act">bid</button></souk-app>`,
    )
    const act = app.querySelector<HTMLButtonElement>('#act')!
    act.addEventListener('click', () => offerMessaging(act, 'buyer'))
    const offer = () =>
      app
        .shadowRoot!.querySelector('souk-messaging-offer')
        ?.shadowRoot?.querySelector<HTMLElement>('[data-testid=messaging-offer]') ?? undefined
    // the offer element has drawn what the latest ask and messaging state call for
    const rendered = async (): Promise<void> => {
      await app.updateComplete
      await app.shadowRoot!.querySelector('souk-messaging-offer')?.updateComplete
    }
    return { app, act, offer, rendered }
  }

  before(async () => {
    config = (await getStack()).config
  })
  after(async () => {
    await useLocale('en')
    for (const s of stops.splice(0).reverse()) await Promise.resolve(s()).catch(() => {})
    for (const n of databases) await deleteDB(n).catch(() => {})
  })

  it('"Not now" closes it and nothing else changes; it is not asked again for that wallet', async () => {
    const p = await someone(3)
    expect(await ensureMessagingReady(undefined)).to.equal('unavailable')
    const { act, offer, rendered } = await appWith(p)
    act.click()
    const sheet = await waitFor('the offer after the action', offer)
    expect(sheet.dataset.role).to.equal('buyer')
    expect(sheet.textContent).to.include('The seller will want to reach you')
    await useLocale('zh-Hans')
    await waitFor('the offer in Chinese', () => offer()?.textContent?.includes('在此设备上启用消息功能'))
    await useLocale('en')
    offer()!.querySelector<HTMLButtonElement>('[data-action=later]')!.click()
    await waitFor('the offer to close', () => offer() === undefined)
    expect(p.messaging.status).to.equal('needs-setup')
    act.click()
    await rendered()
    expect(offer(), 'asked again after "Not now"').to.equal(undefined)
  })

  it('"Set up messaging" makes messaging ready with the wallet’s one signature', async () => {
    const p = await someone(4)
    const { act, offer, rendered } = await appWith(p)
    act.click()
    const sheet = await waitFor('the offer after the action', offer)
    sheet.querySelector<HTMLButtonElement>('[data-action=setup]')!.click()
    await waitFor('messaging ready', () => p.messaging.status === 'ready', { timeout: 60_000 })
    await waitFor('the offer to close', () => offer() === undefined)
    expect(p.messaging.deviceKey).to.be.a('string')
    // ready already: nothing is asked
    expect(await ensureMessagingReady(p.messaging)).to.equal('ready')
    act.click()
    await rendered()
    expect(offer(), 'offered although messaging is ready').to.equal(undefined)
  })
})
