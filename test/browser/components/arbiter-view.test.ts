/**
 * The arbiter's desk, registering on the real stack (anvil, two relays, a real engine): a pasted string that is
 * not a CID is refused at its field before anything is sent; a profile written in the form is stored on the
 * relays through the trust documents service, then `registerArbiter` names its CID with the terms; the desk then
 * shows the record others see, and anyone reads the terms from the chain (`arbiterTrust`) and the profile from
 * the relays (a second engine's `loadProfile`). Nothing is mocked: the dev wallet signs on anvil.
 */
import { expect, fixture, html } from '@open-wc/testing'
import { deleteDB } from 'idb'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-arbiter-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import { startEngine, type Engine } from '../../../src/engine/client.ts'
import { useLocale } from '../../../src/i18n.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { createTrustDocsService } from '../../../src/services/trust-docs-service.ts'
import { waitFor, within } from '../../helpers/wait.ts'
import { chainStack, freshVault, person, rpc } from '../chain/helpers.ts'
import { shadow, type } from './helpers.ts'

const DAY = 86_400
const text = (el: Node | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()

// account 3: a person who is not an arbiter yet (the dev arbiters are 9, 8 and 7)
describe('<souk-arbiter-view>: becoming an arbiter', function () {
  this.timeout(180_000)
  const names = [`souk-test-arb-a-${crypto.randomUUID()}`, `souk-test-arb-b-${crypto.randomUUID()}`]
  const engines: Engine[] = []
  const chains: WagmiChainService[] = []
  after(async () => {
    for (const c of chains) c.stop()
    for (const e of engines) await e.stop().catch(() => {})
    for (const n of names) for (const suffix of ['-blocks', '-data', '-catalog-chain']) await deleteDB(n + suffix)
    await useLocale('en')
  })

  it('refuses what is not a CID before any work, stores a written profile on relays and registers its CID and terms; anyone reads both', async () => {
    const stack = await chainStack()
    const { config } = stack
    const engine = await startEngine(config, { dedicated: true, storageName: names[0]! })
    engines.push(engine)
    // the node reaches the relays (the catalog opens once it has)
    await within('the engine’s catalog to be ready', engine.catalog.ready, 60_000)
    const trustDocs = createTrustDocsService(engine.catalog, { relays: config.relays.length })
    const { wagmi, address } = await person(config, 3)
    const chain = await WagmiChainService.start(config, { wagmi, vault: await freshVault('ui-arb-view') })
    chains.push(chain)
    const app = await fixture<SoukApp>(
      html`<souk-app no-routes .chain=${chain} .trustDocs=${trustDocs}
        ><souk-arbiter-view></souk-arbiter-view
      ></souk-app>`,
    )
    const view = app.querySelector('souk-arbiter-view')!
    const desk = await waitFor('the desk', () => view.shadowRoot)
    const formEl = await waitFor('the profile form', () => desk.querySelector('souk-arbiter-profile-form'), {
      timeout: 30_000,
    })
    // already registered by an earlier run of this file on the same stack: the form is behind "Change my terms"
    desk.querySelector<HTMLDetailsElement>('[data-testid=change-terms]')?.setAttribute('open', '')
    const form = shadow(formEl, 'profile form')
    const field = <T extends HTMLInputElement | HTMLTextAreaElement = HTMLInputElement>(id: string) =>
      form.querySelector<T>(`#${id}`)!
    const nonce = async () => Number(await rpc<string>(stack.rpcUrl, 'eth_getTransactionCount', [address, 'latest']))
    const sent = await nonce()

    // "I already have a profile CID": a string that is not a CID is refused at its field, nothing is sent
    form.querySelector<HTMLInputElement>('input[type=radio][value=cid]')!.click()
    await formEl.updateComplete
    type(field('cid'), 'my-profile-please')
    form.querySelector<HTMLButtonElement>('[data-action=register]')!.click()
    await waitFor('the CID refused', () => text(form.querySelector('#cid-error')).startsWith('This is not a CID.'))
    expect(form.activeElement).to.equal(field('cid'))
    expect(await nonce()).to.equal(sent, 'no transaction')

    // the profile written here
    form.querySelector<HTMLInputElement>('input[type=radio][value=write]')!.click()
    await formEl.updateComplete
    const name = `Amira Haddad ${crypto.randomUUID().slice(0, 6)}`
    type(field('name'), name)
    for (const tag of ['en', 'zh-Hans']) {
      const box = form.querySelector<HTMLInputElement>(`input[type=checkbox][value="${tag}"]`)!
      if (!box.checked) box.click()
    }
    type(
      field<HTMLTextAreaElement>('rules'),
      'Photos of the item as it arrived and of the parcel. I answer within a day.',
    )
    expect(field('contact').value.toLowerCase()).to.equal(address.toLowerCase(), 'my own address to message me at')
    type(field('fee'), '2.5')
    type(field('window'), '3')
    await formEl.updateComplete
    form.querySelector<HTMLButtonElement>('[data-action=register]')!.click()
    await waitFor('the storing step shown', () => desk.querySelector('[data-testid=progress]'))
    await waitFor(
      'the registration confirmed',
      () => text(desk.querySelector('[role=status].ok')).includes('Your terms are on chain'),
      { timeout: 60_000 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${text(form.querySelector('[role=alert]'))}`)
    })
    const steps = [...desk.querySelectorAll('[data-testid=progress] li')].map((li) => li.getAttribute('data-state'))
    expect(steps).to.deep.equal(['done', 'done'])
    expect(await nonce()).to.equal(sent + 1, 'one transaction')

    // the desk shows the record as others see it, with the profile
    const record = await waitFor(
      'my record with my profile',
      () => {
        const card = desk.querySelector('[data-testid=record] souk-arbiter-record')?.shadowRoot
        return text(card?.querySelector('#name')) === name ? card : undefined
      },
      { timeout: 30_000 },
    )
    expect(text(record.querySelector('[data-testid=min-fee]'))).to.equal(
      'at least 2.5 % of the price, only if it decides',
    )
    expect(text(record.querySelector('[data-testid=min-window]'))).to.equal('at least 3 days')
    expect(text(record.querySelector('[data-testid=languages]'))).to.contain('English')
    // changing terms starts from what is registered
    expect(desk.querySelector('[data-testid=change-terms]')).to.not.equal(null)

    // anyone: the terms and the CID from the chain, the profile from the relays (another engine, its own store)
    const trust = await chain.arbiterTrust(address)
    expect(trust).to.deep.include({ registered: true, minFeeBps: 250, minDisputeWindow: 3 * DAY })
    expect(trust.metadataCid).to.match(/^bafy/)
    const other = await startEngine(config, { dedicated: true, storageName: names[1]! })
    engines.push(other)
    const theirs = createTrustDocsService(other.catalog, { relays: config.relays.length })
    const profile = await waitFor('the profile from the relays', () => theirs.loadProfile(trust.metadataCid), {
      timeout: 60_000,
      interval: 1_000,
    })
    expect(profile).to.deep.equal({
      v: 1,
      name,
      languages: ['en', 'zh-Hans'],
      rules: 'Photos of the item as it arrived and of the parcel. I answer within a day.',
      contact: address,
    })

    // in Chinese, the desk's words
    await useLocale('zh-Hans')
    await waitFor('the Chinese desk', () => text(desk).includes('我的记录') && text(desk).includes('修改我的条款'))
    await within('the other engine to stop', other.stop(), 30_000)
    engines.splice(engines.indexOf(other), 1)
  })
})
