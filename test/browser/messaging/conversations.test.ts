/**
 * `<souk-conversations>` on real messaging: two engine Workers (each its own node and IndexedDB) on the test
 * stack's two relays, each behind the app's `EngineMessagingService` with a dev-wallet `WagmiChainService`
 * (the binding signature is real). Shows a message's delivery states as they happen (sent / stored on N relays,
 * delivered, read), an incoming shipping address as a card in the listing's conversation, and, with both relays
 * killed, "offline — will be sent" on the message and in the composer until the relays are back.
 */
import { expect, fixture, html } from '@open-wc/testing'
import { deleteDB } from 'idb'
import '../../../src/components/souk-conversations.ts'
import type { SoukConversations } from '../../../src/components/souk-conversations.ts'
import type { SoukConfig } from '../../../src/core/config.ts'
import { startEngine, type Engine } from '../../../src/engine/client.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import { EngineMessagingService } from '../../../src/services/messaging-service.ts'
import { waitFor, within } from '../../helpers/wait.ts'
import { freshVault, person } from '../chain/helpers.ts'
import { getStack, killRelay, restartRelay } from '../stack.ts'
import { shadow, type } from '../components/helpers.ts'

describe('<souk-conversations> on real messaging', function () {
  this.timeout(240_000)
  const names = [`souk-test-conv-a-${crypto.randomUUID()}`, `souk-test-conv-b-${crypto.randomUUID()}`]
  const engines: Engine[] = []
  const stops: (() => void)[] = []
  const databases: string[] = []
  let config: SoukConfig

  async function messagingPerson(
    name: string,
    account: number,
  ): Promise<{ service: EngineMessagingService; address: `0x${string}` }> {
    const engine = await startEngine(config, { dedicated: true, storageName: name })
    engines.push(engine)
    const { wagmi, address } = await person(config, account)
    databases.push(
      `${name}-messaging-${address.toLowerCase()}`,
      ...['-blocks', '-data', '-catalog-chain'].map((x) => name + x),
    )
    const chain = await WagmiChainService.start(config, { wagmi, vault: await freshVault(name) })
    const service = new EngineMessagingService(engine.messaging, chain)
    stops.push(
      () => service.stop(),
      () => chain.stop(),
    )
    await waitFor('the wallet to be seen', () => service.status === 'needs-setup', { timeout: 30_000 })
    await within('messaging set up', service.enable(), 60_000)
    return { service, address }
  }

  before(async () => {
    config = (await getStack()).config
  })
  after(async () => {
    for (const s of stops.splice(0)) s()
    for (const e of engines.splice(0)) await e.stop().catch(() => {})
    for (const n of databases) await deleteDB(n).catch(() => {})
  })

  it('shows delivery states, an address card in the listing conversation, and offline sending', async () => {
    const alice = await messagingPerson(names[0]!, 5)
    const bob = await messagingPerson(names[1]!, 6)
    const view = await fixture<SoukConversations>(
      html`<souk-conversations .source=${alice.service} .peer=${bob.address} .listing=${'42'}></souk-conversations>`,
    )
    const root = shadow(view, 'conversations')
    const state = (text: string): HTMLElement | undefined =>
      [...root.querySelectorAll<HTMLElement>('.bubble.out')]
        .find((b) => b.textContent!.includes(text))
        ?.querySelector<HTMLElement>('.state') ?? undefined
    const send = (text: string): void => {
      type(root.querySelector('textarea')!, text)
      root.querySelector<HTMLButtonElement>('form button[type=submit]')!.click()
    }

    // Bob's device key reaches the relay Alice asks over the relay mesh a moment after his set-up: until then a
    // message waits on Alice's device (state "waiting") and goes out by itself once the key is found
    const hello = await alice.service.send(bob.address, 'Hello!', { listing: '42' })
    await waitFor(
      'Alice to find Bob’s messaging key on the relays (the first message waits until then)',
      async () => (await alice.service.thread(hello.conv)).some((m) => m.text === 'Hello!' && m.state !== 'waiting'),
      { timeout: 30_000, interval: 500 },
    )

    // sent → stored on relays → delivered (Bob's engine receipts) → read (Bob opens it)
    send('Does the lamp come with a bulb?')
    const stored = await waitFor(
      'the relays to acknowledge',
      () => {
        const s = state('Does the lamp come with a bulb?')
        return s && s.dataset.state !== 'queued' && s.dataset.state !== 'waiting' ? s : undefined
      },
      { timeout: 30_000 },
    ).catch((err: unknown) => {
      // say what the view shows: no bubble at all means the send was refused
      throw new Error(`${(err as Error).message}; the view says: ${root.textContent?.replace(/\s+/g, ' ')}`)
    })
    expect(Number(stored.dataset.relays)).to.be.at.least(1)
    expect(stored.textContent!.trim()).to.match(/^(Sent|Stored on \d relays|Delivered)$/)
    await waitFor('"Delivered"', () => state('Does the lamp come with a bulb?')?.textContent!.trim() === 'Delivered', {
      timeout: 30_000,
    })
    const conv = await waitFor(
      'the conversation at Bob',
      () => bob.service.conversations.find((c) => c.listing === '42'),
      {
        timeout: 30_000,
      },
    )
    await bob.service.markRead(conv.conv)
    await waitFor('"Read"', () => state('Does the lamp come with a bulb?')?.textContent!.trim() === 'Read', {
      timeout: 30_000,
    })

    // an address from Bob in the same listing's conversation: a card, no verdict without the chain
    await bob.service.sendAddress(alice.address, '42', {
      name: 'Bob Martin',
      street: '3 Quai des Chartrons',
      city: 'Bordeaux',
      postcode: '33000',
      country: 'France',
    })
    const card = await waitFor(
      'the address card',
      () => root.querySelector('.bubble.in[data-kind=address] souk-address-card')?.shadowRoot,
      { timeout: 30_000 },
    )
    await waitFor('the address lines', () => card.querySelector('[data-testid=address-lines]'))
    expect(card.querySelector('[data-testid=address-lines]')!.textContent).to.equal(
      'Bob Martin\n3 Quai des Chartrons\n33000 Bordeaux\nFrance',
    )
    expect(card.querySelector('[data-testid=address-warning]')).to.equal(null)
    const item = root.querySelector<HTMLElement>(`.conv[data-listing="42"]`)
    expect(item, 'the list item of the listing conversation').to.not.equal(null)
    expect(item!.textContent).to.include('Shipping address')

    // no relay: the message waits, and the view says so
    await killRelay(0)
    await killRelay(1)
    try {
      await waitFor('Alice to lose both relays', () => alice.service.relaysConnected === 0, { timeout: 30_000 })
      await waitFor('the composer to say it is offline', () => root.querySelector('[data-testid=composer-offline]'))
      send('Written with no relay')
      await waitFor(
        'the offline label',
        () => state('Written with no relay')?.textContent!.trim() === 'Offline — will be sent when you are back online',
        { timeout: 15_000 },
      )
    } finally {
      await restartRelay(0)
      await restartRelay(1)
    }
    await waitFor(
      'the outbox to send it once the relays are back',
      () => ['sent', 'delivered', 'read'].includes(state('Written with no relay')?.dataset.state ?? ''),
      { timeout: 90_000 },
    )
    expect(root.querySelector('[data-testid=composer-offline]')).to.equal(null)
  })
})
