/**
 * After the sale, in the views, on the real anvil of the test stack: the buyer's orders, the seller's escrows
 * and withdraw-everything, the arbiter's desk and record, and the attacks first — a stranger or the wrong
 * party pressing each button gets a clear refusal, a double click sends one transaction, a rejected wallet
 * request leaves the view usable. The only mock is the wallet extension (test/browser/chain/helpers.ts).
 */
import { expect, fixture, html } from '@open-wc/testing'
import { parseEther, type Address } from 'viem'
import '../../../src/components/souk-app.ts'
import '../../../src/components/souk-order.ts'
import '../../../src/components/views/souk-orders-view.ts'
import '../../../src/components/views/souk-sales-view.ts'
import '../../../src/components/views/souk-arbiter-view.ts'
import type { SoukApp } from '../../../src/components/souk-app.ts'
import { orderActions } from '../../../src/components/souk-order.ts'
import { buyListing } from '../../../src/chain/actions/buyListing.ts'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../../src/chain/config.ts'
import { listWallets, connectWallet } from '../../../src/chain/wallet.ts'
import { WagmiChainService } from '../../../src/services/chain-service.ts'
import type { Order } from '../../../src/services/types.ts'
import { waitFor } from '../../helpers/wait.ts'
import {
  advanceTime,
  announceFakeWallet,
  chainNow,
  chainStack,
  contentHash,
  freshVault,
  person,
  rpc,
} from '../chain/helpers.ts'
import { shadow, type } from './helpers.ts'

// accounts: 8 seller, 4 buyer, 3 stranger, 9 the deploy script's registered arbiter (registering a new arbiter:
// arbiter-view.test.ts)
const HOUR = 3_600
const DAY = 24 * HOUR
const ARBITER = 9

/** Presses the confirm sheet's confirm button in `root` once the sheet is open (money moves after a second look). */
async function agree(root: ParentNode): Promise<void> {
  const button = await waitFor(
    'the confirm sheet',
    () =>
      root
        .querySelector('souk-confirm-sheet')
        ?.shadowRoot?.querySelector<HTMLButtonElement>('dialog[open] [data-action=sheet-confirm]'),
    { timeout: 20_000 },
  )
  button.click()
}

describe('after the sale: orders, sales, the arbiter’s desk', function () {
  this.timeout(180_000)
  const services: WagmiChainService[] = []
  afterEach(() => {
    for (const s of services.splice(0)) s.stop()
  })

  async function service(index: number, label: string): Promise<WagmiChainService> {
    const { config } = await chainStack()
    const { wagmi } = await person(config, index)
    const svc = await WagmiChainService.start(config, { wagmi, vault: await freshVault(label) })
    services.push(svc)
    return svc
  }

  /** A fixed-price listing by account 8, bought by `buyer`: an escrow in state funded. */
  async function sold(buyer: { wagmi: SoukWagmiConfig }, price = parseEther('0.2')): Promise<string> {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const start = await chainNow(seller.wagmi)
    const shown = contentHash(`after sale ${start} ${Math.random()}`)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: shown,
      buyNow: true,
      biddingEnd: start + 24 * HOUR,
      price,
      arbiters: [stack.config.recommendedArbiters![0]!],
      arbiterFeeBps: 500,
      // the contract's shortest windows (v3)
      confirmWindow: DAY,
      disputeWindow: 2 * DAY, // the dev arbiter's minimum
    })
    await buyListing(buyer.wagmi, { listingId, contentHash: shown })
    return listingId.toString()
  }

  async function mount<T extends keyof HTMLElementTagNameMap>(chain: WagmiChainService, tag: T, props = {}) {
    const app = await fixture<SoukApp>(html`<souk-app no-routes .chain=${chain}></souk-app>`)
    const el = document.createElement(tag)
    Object.assign(el, props)
    app.appendChild(el)
    return shadow(await waitFor(`<${tag}> rendered`, () => el.shadowRoot && el), tag)
  }

  /** The `<souk-order>` of a listing inside a view (through the list's shadow root). */
  function orderIn(root: ShadowRoot, listingId: string): ShadowRoot | undefined {
    const list = root.querySelector('souk-order-list')?.shadowRoot ?? root
    return list.querySelector(`li[data-listing-id="${listingId}"] souk-order`)?.shadowRoot ?? undefined
  }

  /** The dispute dialog of an order (souk-order → souk-order-trust → souk-dispute-dialog), once it is open. */
  async function disputeDialog(order: ShadowRoot): Promise<ShadowRoot> {
    return await waitFor(
      'the dispute dialog',
      () => {
        const d = order.querySelector('souk-order-trust')?.shadowRoot?.querySelector('souk-dispute-dialog')?.shadowRoot
        return d?.querySelector('dialog[open]') ? d : undefined
      },
      { timeout: 20_000 },
    )
  }

  /** Chooses the first selectable arbiter, writes a reason and confirms the dialog's dispute. */
  async function confirmDispute(order: ShadowRoot): Promise<ShadowRoot> {
    const dialog = await disputeDialog(order)
    const choice = await waitFor('a selectable arbiter', () =>
      dialog.querySelector<HTMLInputElement>('input[name=arbiter]:not(:disabled)'),
    )
    choice.click()
    const reason = dialog.querySelector<HTMLTextAreaElement>('#reason')!
    reason.value = 'It never arrived.'
    reason.dispatchEvent(new Event('input'))
    await new Promise((r) => requestAnimationFrame(r))
    dialog.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    return dialog
  }

  async function sentTransactions(address: Address): Promise<number> {
    const { rpcUrl } = await chainStack()
    return Number(await rpc<string>(rpcUrl, 'eth_getTransactionCount', [address, 'latest']))
  }

  it('the rules: each role and state offers only what the contract allows', () => {
    const at = (role: Order['role'], status: Order['status'], deadline = 0, now = 100) =>
      orderActions({ role, status, deadline }, now)
    expect(at('buyer', 'funded')).to.deep.equal(['confirm', 'dispute'])
    // only the buyer disputes (v3)
    expect(at('seller', 'funded')).to.deep.equal(['ship', 'refund'])
    expect(at('seller', 'shipped', 200)).to.deep.equal(['refund'])
    expect(at('arbiter', 'funded')).to.deep.equal([])
    expect(at('buyer', 'shipped', 200)).to.deep.equal(['confirm', 'dispute'])
    expect(at('buyer', 'shipped', 100)).to.deep.equal([])
    expect(at('seller', 'shipped', 100)).to.deep.equal(['claim'])
    expect(at('arbiter', 'disputed', 101)).to.deep.equal(['resolve'])
    expect(at('arbiter', 'disputed', 100)).to.deep.equal([])
    expect(at('buyer', 'disputed', 100)).to.deep.equal(['claim'])
    expect(at('seller', 'released')).to.deep.equal([])
  })

  it('a stranger or the wrong party pressing each action gets a clear refusal, and nothing changes', async () => {
    const stack = await chainStack()
    const buyer = await person(stack.config, 4)
    const listingId = await sold(buyer)
    const buyerChain = await service(4, 'ui-orders-buyer')
    const [order] = (await buyerChain.orders({ role: 'buyer' })).filter((o) => o.listingId === listingId)
    expect(order?.status).to.equal('funded')

    // the buyer's screen, but the wallet behind it is someone else's (a stale page, or a forged one)
    const cases: { as: number; role: Order['role']; action: string; refusal: string; status?: Order['status'] }[] = [
      { as: 3, role: 'buyer', action: 'confirm', refusal: 'Only the buyer can do this.' },
      { as: 3, role: 'buyer', action: 'dispute', refusal: 'Only the buyer can do this.' },
      { as: 8, role: 'buyer', action: 'dispute', refusal: 'Only the buyer can do this.' },
      { as: 3, role: 'seller', action: 'ship', refusal: 'Only the seller can do this.' },
      { as: 3, role: 'seller', action: 'refund', refusal: 'Only the seller can do this.' },
      { as: 4, role: 'seller', action: 'ship', refusal: 'Only the seller can do this.' },
      { as: 8, role: 'buyer', action: 'confirm', refusal: 'Only the buyer can do this.' },
      { as: ARBITER, role: 'buyer', action: 'confirm', refusal: 'Only the buyer can do this.' },
    ]
    for (const c of cases) {
      const chain = await service(c.as, `ui-orders-wrong-${c.as}`)
      const root = await mount(chain, 'souk-order', { order: { ...order!, role: c.role } })
      const button = await waitFor(`the ${c.action} button`, () =>
        root.querySelector<HTMLButtonElement>(`[data-action=${c.action}]`),
      )
      button.click()
      // money moves after the confirm sheet; a dispute goes through its dialog, which shows the refusal itself
      if (c.action === 'confirm' || c.action === 'refund') await agree(root)
      const where = c.action === 'dispute' ? await confirmDispute(root) : root
      const alert = await waitFor(
        `a refusal for ${c.action} by account ${c.as}`,
        () => where.querySelector('[role=alert]')?.textContent?.trim(),
        { timeout: 20_000 },
      )
      expect(alert, `${c.action} by account ${c.as}`).to.equal(c.refusal)
      expect(button.disabled, 'the button is usable again').to.equal(false)
    }
    // the wrong party to decide: the buyer pretending to be the arbiter of an open dispute
    await buyerChain.dispute(listingId, stack.config.recommendedArbiters![0]!)
    const [disputed] = (await buyerChain.orders({ role: 'buyer' })).filter((o) => o.listingId === listingId)
    const root = await mount(buyerChain, 'souk-order', { order: { ...disputed!, role: 'arbiter' } })
    root.querySelector<HTMLInputElement>('input[value=seller]')!.click()
    root.querySelector<HTMLButtonElement>('[data-action=resolve]')!.click()
    await agree(root)
    expect(
      await waitFor(
        'a refusal for resolve by the buyer',
        () => root.querySelector('[role=alert]')?.textContent?.trim(),
        {
          timeout: 20_000,
        },
      ),
    ).to.equal('Only the arbiter the buyer chose can decide this dispute.')
    // claiming before the arbiter's time is over
    const early = await mount(buyerChain, 'souk-order', {
      order: { ...disputed!, deadline: disputed!.now - 1 },
    })
    early.querySelector<HTMLButtonElement>('[data-action=claim]')!.click()
    expect(
      await waitFor('a refusal for an early claim', () => early.querySelector('[role=alert]')?.textContent?.trim(), {
        timeout: 20_000,
      }),
    ).to.equal('The deadline has not passed yet.')
    const [after] = (await buyerChain.orders({ role: 'buyer' })).filter((o) => o.listingId === listingId)
    expect(after?.status).to.equal('disputed')
  })

  it('my orders: a rejected wallet request leaves the view usable, and a double click confirms once', async () => {
    const stack = await chainStack()
    const buyer = await person(stack.config, 4)
    const seller = await person(stack.config, 8)
    const listingId = await sold(buyer)

    const fake = announceFakeWallet({ rpcUrl: stack.rpcUrl, account: buyer.address, chainId: stack.config.chain.id })
    try {
      const wagmi = createSoukWagmiConfig(stack.config, { storage: null })
      const wallet = await waitFor('the test wallet to be discovered', () =>
        listWallets(wagmi).find((w) => w.rdns === 'org.souk.test-wallet'),
      )
      await connectWallet(wagmi, { wallet: wallet.uid })
      const chain = await WagmiChainService.start(stack.config, { wagmi, vault: await freshVault('ui-orders-fake') })
      services.push(chain)
      const view = await mount(chain, 'souk-orders-view')
      const row = await waitFor('the order in My orders', () => orderIn(view, listingId), { timeout: 30_000 })
      expect(row.querySelector('[data-testid=status]')?.getAttribute('data-status')).to.equal('funded')
      expect(row.querySelector('[data-testid=chat]')?.getAttribute('href')).to.equal(
        `#/messages/${seller.address}?listing=${listingId}`,
      )

      fake.rejectNext = true
      row.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
      await agree(row)
      await waitFor(
        'the rejection sentence',
        () => row.querySelector('[role=alert]')?.textContent?.includes('You rejected the request in your wallet'),
        { timeout: 20_000 },
      )
      const confirm = row.querySelector<HTMLButtonElement>('[data-action=confirm]')!
      expect(confirm.disabled).to.equal(false)

      const before = await sentTransactions(buyer.address)
      const sends = fake.calls.filter((c) => c === 'eth_sendTransaction').length
      // the first press opens the confirm sheet; the others while it is open do nothing
      confirm.click()
      confirm.click()
      confirm.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }))
      await agree(row)
      await waitFor(
        'the confirmation',
        () => orderIn(view, listingId)?.querySelector('[role=status].ok')?.textContent?.includes('Receipt confirmed'),
        { timeout: 30_000 },
      )
      expect(await sentTransactions(buyer.address)).to.equal(before + 1)
      expect(fake.calls.filter((c) => c === 'eth_sendTransaction').length).to.equal(sends + 1)
      await waitFor(
        'the order shown as paid out',
        () =>
          orderIn(view, listingId)?.querySelector('[data-testid=status]')?.getAttribute('data-status') === 'released',
        { timeout: 30_000 },
      )
    } finally {
      fake.remove()
    }
  })

  it('my sales: mark shipped, claim after the confirm window, withdraw everything owed in one press', async () => {
    const stack = await chainStack()
    const buyer = await person(stack.config, 4)
    const listingId = await sold(buyer, parseEther('0.3'))
    const chain = await service(8, 'ui-sales')
    const view = await mount(chain, 'souk-sales-view')
    const row = await waitFor('the sale among my escrows', () => orderIn(view, listingId), { timeout: 30_000 })
    expect(row.querySelector('[data-testid=chat]')?.getAttribute('href')).to.equal(
      `#/messages/${buyer.address}?listing=${listingId}`,
    )
    row.querySelector<HTMLButtonElement>('[data-action=ship]')!.click()
    await waitFor(
      'shipped, with the buyer’s countdown',
      () => orderIn(view, listingId)?.querySelector('[data-testid=deadline] souk-countdown'),
      { timeout: 30_000 },
    )
    expect(orderIn(view, listingId)!.querySelector('[data-action=claim]')).to.equal(null)

    await advanceTime(stack.rpcUrl, DAY + 1)
    view
      .querySelector('souk-order-list')!
      .shadowRoot!.querySelector<HTMLButtonElement>('[data-action=refresh]')!
      .click()
    const claim = await waitFor(
      'the claim button after the window',
      () => orderIn(view, listingId)?.querySelector<HTMLButtonElement>('[data-action=claim]'),
      { timeout: 30_000 },
    )
    claim.click()
    await waitFor(
      'the sale paid out',
      () => orderIn(view, listingId)?.querySelector('[data-testid=status]')?.getAttribute('data-status') === 'released',
      { timeout: 30_000 },
    )
    // the price is owed to the seller now; one press takes everything, every currency
    const owed = (await chain.withdrawable()).find((o) => o.currency.id === 'ETH')!.amount
    expect(owed >= parseEther('0.3')).to.equal(true)
    const button = await waitFor(
      'the withdraw-everything button',
      () =>
        view
          .querySelector('souk-withdraw-all')
          ?.shadowRoot?.querySelector<HTMLButtonElement>('[data-action=withdraw-all]'),
      { timeout: 30_000 },
    )
    const balance = BigInt(
      await rpc<string>(stack.rpcUrl, 'eth_getBalance', [(await person(stack.config, 8)).address, 'latest']),
    )
    button.click()
    await agree(view.querySelector('souk-withdraw-all')!.shadowRoot!)
    await waitFor(
      'the withdrawal message',
      () =>
        view
          .querySelector('souk-withdraw-all')
          ?.shadowRoot?.querySelector('[role=status].ok')
          ?.textContent?.includes('sent to your wallet'),
      { timeout: 30_000 },
    )
    for (const o of await chain.withdrawable()) expect(o.amount, `${o.currency.symbol} still owed`).to.equal(0n)
    const after = BigInt(
      await rpc<string>(stack.rpcUrl, 'eth_getBalance', [(await person(stack.config, 8)).address, 'latest']),
    )
    // paid: the balance grew by what was owed, less gas
    expect(after - balance > owed - parseEther('0.01')).to.equal(true)
    await waitFor(
      'the owed notice gone',
      () => !view.querySelector('souk-withdraw-all')?.shadowRoot?.querySelector('[data-action=withdraw-all]'),
      { timeout: 30_000 },
    )
  })

  it('the arbiter’s desk: a disputed sale split with an amount, the record shows the case; a seller’s page counts', async () => {
    const stack = await chainStack()
    const buyer = await person(stack.config, 4)
    const price = parseEther('1')
    const listingId = await sold(buyer, price)
    const arbiterChain = await service(ARBITER, 'ui-arb-desk')
    const before = await arbiterChain.arbiter(stack.config.recommendedArbiters![0]!)
    const buyerChain = await service(4, 'ui-arb-buyer')
    const orders = await mount(buyerChain, 'souk-orders-view')
    const row = await waitFor('the order', () => orderIn(orders, listingId), { timeout: 30_000 })
    row.querySelector<HTMLButtonElement>('[data-action=dispute]')!.click()
    await confirmDispute(row)
    await waitFor(
      'the dispute with the arbiter’s countdown and a link to the arbiter',
      () => {
        const r = orderIn(orders, listingId)
        return (
          r?.querySelector('[data-testid=status]')?.getAttribute('data-status') === 'disputed' &&
          r.querySelector('[data-testid=deadline] souk-countdown') &&
          [...r.querySelectorAll('[data-testid=chat]')].some((a) =>
            a.getAttribute('href')?.startsWith(`#/messages/${stack.config.recommendedArbiters![0]}`),
          )
        )
      },
      { timeout: 30_000 },
    )

    const desk = await mount(arbiterChain, 'souk-arbiter-view')
    const dispute = await waitFor('the dispute on the desk', () => orderIn(desk, listingId), { timeout: 30_000 })
    const links = [...dispute.querySelectorAll('[data-testid=chat]')].map((a) => a.getAttribute('href'))
    expect(links).to.include(`#/messages/${buyer.address}?listing=${listingId}`)
    expect(links.some((l) => l?.startsWith('#/messages/0x') && l.endsWith(`listing=${listingId}`))).to.equal(true)
    // a share larger than the price after the fee is refused before anything is sent
    dispute.querySelector<HTMLInputElement>('input[value=split]')!.click()
    type(dispute.querySelector<HTMLInputElement>('#share')!, '0.96')
    dispute.querySelector<HTMLButtonElement>('[data-action=resolve]')!.click()
    await waitFor('the share refused', () =>
      dispute.querySelector('[role=alert]')?.textContent?.includes('more than 0 and less than 0.94525 ETH'),
    )
    type(dispute.querySelector<HTMLInputElement>('#share')!, '0.4')
    dispute.querySelector<HTMLButtonElement>('[data-action=resolve]')!.click()
    await agree(dispute)
    await waitFor(
      'the decision recorded',
      () => dispute.querySelector('[role=status].ok')?.textContent?.includes('Decision recorded'),
      { timeout: 30_000 },
    )
    const record = await waitFor(
      'the case in the record, with what went where',
      () => {
        const li = desk.querySelector(`[data-testid=record] li[data-listing-id="${listingId}"]`)
        return li?.textContent?.includes('To the buyer') ? li : undefined
      },
      { timeout: 30_000 },
    )
    expect(record.textContent).to.contain('To the buyer 0.4 ETH')
    // the decision pays the protocol fee (0.5% of the decided 0.95) out of the seller's part
    expect(record.textContent).to.contain('to the seller 0.54525 ETH')
    expect(record.textContent).to.contain("arbiter's fee 0.05 ETH")
    // the record as others see it (the trust index) counts the case
    const card = await waitFor(
      'the record counting the split',
      () => {
        const card = desk.querySelector('[data-testid=record] souk-arbiter-record')?.shadowRoot
        const outcomes = card?.querySelector('[data-testid=outcomes]')?.textContent ?? ''
        return outcomes.includes(`${before.decidedSplit + 1} split`) ? card : undefined
      },
      { timeout: 30_000 },
    )
    expect(card.querySelector('[data-testid=cases]')?.textContent).to.contain(`${before.disputes + 1} received`)
    await waitFor('the dispute off the open list', () => !orderIn(desk, listingId), { timeout: 30_000 })

    // the seller's public page: listings and finished sales with counts
    const seller = await person(stack.config, 8)
    const page = await mount(arbiterChain, 'souk-sales-view', { seller: seller.address })
    const counts = await waitFor('the counts', () => page.querySelector('[data-testid=counts]')?.textContent, {
      timeout: 30_000,
    })
    expect(counts).to.match(/\d+ listings · \d+ open · [1-9]\d* sold · [1-9]\d* paid out/)
  })
})
