import { expect, fixture, html } from '@open-wc/testing'
import { deleteDB } from 'idb'
import '../../../src/components/souk-app.ts'
import '../../../src/components/views/souk-settings-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import type { SoukSettingsView } from '../../../src/components/views/souk-settings-view.ts'
import type { SoukConfig } from '../../../src/core/config.ts'
import { startEngine, type Engine } from '../../../src/engine/client.ts'
import { BidVault } from '../../../src/chain/vault.ts'
import { DraftStore } from '../../../src/services/drafts.ts'
import { loadSettings, withSettings } from '../../../src/services/settings.ts'
import type { StorageNames } from '../../../src/services/device-storage.ts'
import { waitFor } from '../../helpers/wait.ts'
import { getStack } from '../stack.ts'
import { shadow, type } from './helpers.ts'

const PEER = '12D3KooWAZMPUWxJABgo2dxZQYUdEgrm7DtUhhkVBhZn2G14SXC2'

async function databases(): Promise<string[]> {
  return (await indexedDB.databases()).flatMap((d) => (d.name ? [d.name] : []))
}

describe('<souk-settings-view>', function () {
  this.timeout(60_000)
  const run = crypto.randomUUID().slice(0, 8)
  const key = `souk.settings.test-${run}`
  const names: StorageNames = {
    prefix: `souk-test-${run}`,
    vault: `souk-test-${run}-vault`,
    drafts: [`souk-test-${run}-drafts`],
    media: `souk-test-${run}-media`,
  }
  let engine: Engine | undefined
  after(async () => {
    localStorage.removeItem(key)
    await engine?.stop()
    for (const n of [names.vault!, ...names.drafts!, `souk-test-${run}-blocks`, `souk-test-${run}-data`])
      await deleteDB(n)
    await caches.delete(names.media!)
  })

  async function mount(
    config: SoukConfig,
    network?: Engine['status'],
  ): Promise<{ view: SoukSettingsView; root: ShadowRoot }> {
    const app = await fixture<SoukApp>(html`
      <souk-app no-routes .config=${config} .network=${network}>
        <souk-settings-view settings-key=${key} .storageNames=${names}></souk-settings-view>
      </souk-app>
    `)
    const view = app.querySelector('souk-settings-view')!
    await waitFor('the storage figures', () => view.dataset.storageLoaded !== undefined)
    return { view, root: shadow(view, 'settings view') }
  }

  function relayRows(root: ShadowRoot): string[] {
    return [...root.querySelectorAll<HTMLElement>('[data-testid=relays] li')].map((li) => li.dataset.addr!)
  }

  async function addRelay(root: ShadowRoot, text: string): Promise<string> {
    type(root.querySelector<HTMLInputElement>('#relay')!, text)
    root.querySelector<HTMLButtonElement>('[data-action=add-relay]')!.click()
    await (root.host as SoukSettingsView).updateComplete
    return root.querySelector('#relay-error')!.textContent!.trim()
  }

  it('shows the relays with their live status, refuses bad addresses, adds, removes and resets', async () => {
    const { config } = await getStack()
    engine = await startEngine(config, { dedicated: true, storageName: `souk-test-${run}` })
    const { view, root } = await mount(config, engine.status)
    expect(relayRows(root)).to.deep.equal(config.relays)
    // the engine's real connection to a relay of the stack shows on that relay's row
    await waitFor(
      'a relay row to show the live connection',
      () =>
        root.querySelector(
          '[data-testid=relays] li[data-state=reserved], [data-testid=relays] li[data-state=connected]',
        ),
      { timeout: 30_000 },
    )
    await waitFor('the peer id under "about this device"', () =>
      root.querySelector('[data-testid=peer-id]')?.textContent?.startsWith('12D3Koo'),
    )

    expect(await addRelay(root, 'relay.example.com:443')).to.contain('not a multiaddr')
    expect(await addRelay(root, '/dns4/relay.example.com/tcp/443/wss')).to.contain('must end in /p2p/')
    expect(await addRelay(root, '/dns4/relay.example.com/tcp/443/wss/p2p/notapeerid')).to.contain('must end in /p2p/')
    expect(await addRelay(root, `/ip4/203.0.113.7/tcp/4001/p2p/${PEER}`)).to.contain('WebSockets')
    expect(await addRelay(root, config.relays[0]!)).to.contain('already in the list')
    expect(relayRows(root)).to.deep.equal(config.relays)
    expect(localStorage.getItem(key)).to.equal(null)

    const added = `/dns4/relay.example.com/tcp/443/wss/p2p/${PEER}`
    expect(await addRelay(root, `  ${added} `)).to.equal('')
    expect(relayRows(root)).to.deep.equal([...config.relays, added])
    expect(root.querySelector(`li[data-addr="${added}"]`)!.getAttribute('data-state')).to.equal('unknown')
    expect(loadSettings(key).relays).to.deep.equal([...config.relays, added])
    expect(root.querySelector('[data-testid=restart]')).to.not.equal(null)
    // what the engine starts with next time
    expect(withSettings(config, loadSettings(key)).relays).to.deep.equal([...config.relays, added])

    root.querySelector<HTMLButtonElement>(`li[data-addr="${config.relays[0]}"] button`)!.click()
    await view.updateComplete
    expect(relayRows(root)).to.deep.equal([...config.relays.slice(1), added])

    root.querySelector<HTMLButtonElement>('[data-action=reset-relays]')!.click()
    await view.updateComplete
    expect(relayRows(root)).to.deep.equal(config.relays)
    expect(loadSettings(key).relays).to.equal(undefined)
    await engine.stop()
    engine = undefined
  })

  it('clears a store only after a confirmation, and the bid vault only after its own, with an export offered', async () => {
    const { config } = await getStack()
    const drafts = await DraftStore.open(names.drafts![0])
    await drafts.save({
      title: 'Lamp',
      description: '',
      category: 'other',
      condition: 'good',
      currency: 'ETH',
      reserve: '',
      biddingSeconds: 3600,
      revealSeconds: 3600,
      arbiter: '',
      shippingFrom: '',
      photos: [],
      updatedAt: Date.now(),
    })
    drafts.close()
    ;(await BidVault.open({ name: names.vault! })).close()
    const media = await caches.open(names.media!)
    await media.put(new URL('ipfs/bafkreitest', location.href).href, new Response(new Uint8Array(2048)))
    const { view, root } = await mount(config)
    const row = (s: string) => root.querySelector<HTMLElement>(`[data-testid=stores] li[data-store=${s}]`)!
    expect(row('media').textContent).to.contain('1 files')
    expect(row('media').textContent).to.contain('2.0 KB')
    expect(row('drafts').textContent).to.contain('1 databases')
    expect(row('vault').textContent).to.contain('1 databases')
    const dialog = root.querySelector<HTMLDialogElement>('dialog#confirm')!

    // cancel leaves the drafts alone
    row('drafts').querySelector('button')!.click()
    await waitFor('the confirm dialog', () => dialog.open)
    expect(dialog.textContent).to.contain('Clear Drafts?')
    root.querySelector<HTMLButtonElement>('[data-action=cancel-clear]')!.click()
    await view.updateComplete
    expect(dialog.open).to.equal(false)
    expect(await databases()).to.include(names.drafts![0])

    row('drafts').querySelector('button')!.click()
    await waitFor('the confirm dialog', () => dialog.open)
    root.querySelector<HTMLButtonElement>('[data-action=confirm-clear]')!.click()
    await waitFor('the drafts to be cleared', () => root.textContent!.includes('Drafts: cleared.'))
    expect(await databases()).to.not.include(names.drafts![0])

    row('media').querySelector('button')!.click()
    await waitFor('the confirm dialog', () => dialog.open)
    root.querySelector<HTMLButtonElement>('[data-action=confirm-clear]')!.click()
    await waitFor('the photo cache to be empty', () => row('media')?.textContent?.includes('0 files'))
    expect(await caches.has(names.media!)).to.equal(false)

    // the vault: export offered in the dialog, and Clear stays disabled until its own box is ticked
    row('vault').querySelector('button')!.click()
    await waitFor('the vault dialog', () => dialog.open)
    expect(dialog.querySelector('souk-vault-tools')).to.not.equal(null)
    expect(dialog.textContent).to.contain('Export your bids first')
    const confirm = root.querySelector<HTMLButtonElement>('[data-action=confirm-clear]')!
    expect(confirm.disabled).to.equal(true)
    confirm.click()
    await view.updateComplete
    expect(await databases()).to.include(names.vault!)
    const box = root.querySelector<HTMLInputElement>('[data-testid=vault-confirm]')!
    box.click()
    await view.updateComplete
    expect(confirm.disabled).to.equal(false)
    confirm.click()
    await waitFor('the vault to be cleared', () => root.textContent!.includes('Bid secrets: cleared.'))
    expect(await databases()).to.not.include(names.vault!)
  })

  it('saves an RPC URL only when the real chain behind it has the deployment’s chain id', async () => {
    const { config } = await getStack()
    const anvil = config.chain.rpcUrls[0]!
    const submit = async (root: ShadowRoot, view: SoukSettingsView, text: string): Promise<string> => {
      type(root.querySelector<HTMLInputElement>('#rpc')!, text)
      root.querySelector<HTMLButtonElement>('[data-action=save-rpc]')!.click()
      await view.updateComplete
      await waitFor(
        'the RPC check to finish',
        () => !root.querySelector<HTMLButtonElement>('[data-action=save-rpc]')!.disabled,
        {
          timeout: 20_000,
        },
      )
      return root.querySelector('#rpc-error')!.textContent!.trim()
    }

    // a deployment on another chain: anvil (31337) is refused and nothing is saved
    const other = await mount({ ...config, chain: { ...config.chain, id: 8453 } })
    expect(await submit(other.root, other.view, 'ftp://example.com')).to.contain('must start with https://')
    expect(await submit(other.root, other.view, anvil)).to.contain('serves chain 31337')
    expect(loadSettings(key).rpcUrl).to.equal(undefined)
    other.view.closest('souk-app')!.remove()

    const { view, root } = await mount(config)
    // nothing listens on port 9 of this machine
    expect(await submit(root, view, 'http://127.0.0.1:9/')).to.contain('did not answer')
    const alias = anvil.replace('127.0.0.1', 'localhost')
    expect(await submit(root, view, alias)).to.equal('')
    expect(loadSettings(key).rpcUrl).to.equal(alias)
    expect(root.querySelector('[data-testid=rpc-current]')!.textContent).to.equal(alias)
    expect(withSettings(config, loadSettings(key)).chain.rpcUrls[0]).to.equal(alias)
    root.querySelector<HTMLButtonElement>('[data-action=reset-rpc]')!.click()
    await view.updateComplete
    expect(loadSettings(key).rpcUrl).to.equal(undefined)
    expect(root.querySelector('[data-testid=rpc-current]')!.textContent).to.equal(anvil)
  })
})
