/**
 * The sell form's arbiter picker in real Chromium: recommended arbiters first and chosen from the start, at
 * most three, the seller never offered, and the fee range and shortest dispute window the choice allows.
 */
import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/trust/souk-arbiter-picker.ts'
import type { ArbitersChange, SoukArbiterPicker } from '../../../src/components/trust/souk-arbiter-picker.ts'
import { useLocale } from '../../../src/i18n.ts'
import { shadow } from '../components/helpers.ts'
import { ARBITER_A, ARBITER_B, ARBITER_C, ARBITER_D, DAY, NOW, arbiter, arbiters } from './fixtures.ts'

const text = (root: ShadowRoot, selector: string): string =>
  (root.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim()

describe('<souk-arbiter-picker>', function () {
  this.timeout(30_000)
  afterEach(async () => {
    await useLocale('en')
  })

  async function mount(props: Partial<SoukArbiterPicker> = {}) {
    const events: ArbitersChange[] = []
    const el = await fixture<SoukArbiterPicker>(
      html`<souk-arbiter-picker
        .arbiters=${arbiters()}
        .now=${NOW}
        @arbiters-change=${(e: CustomEvent<ArbitersChange>) => events.push(e.detail)}
      ></souk-arbiter-picker>`,
    )
    Object.assign(el, props)
    await el.updateComplete
    const root = shadow(el, 'picker')
    const rows = () => [...root.querySelectorAll<HTMLLIElement>('li[data-address]')]
    const box = (address: string) => root.querySelector<HTMLInputElement>(`li[data-address="${address}"] input`)!
    const toggle = async (address: string) => {
      box(address).click()
      await el.updateComplete
    }
    return { el, root, events, rows, box, toggle }
  }

  it('offers recommended arbiters first and chosen, says the fee range and the dispute window, fires on every change', async () => {
    const { el, root, events, rows, box, toggle } = await mount()
    // recommended first (more decided cases first among them), then the others by decided cases
    expect(rows().map((r) => r.dataset.address)).to.deep.equal([ARBITER_A, ARBITER_B, ARBITER_C, ARBITER_D])
    expect([box(ARBITER_A).checked, box(ARBITER_B).checked, box(ARBITER_C).checked]).to.deep.equal([true, true, false])
    // the preselection is announced once, with the terms it implies
    expect(events[0]).to.deep.equal({
      arbiters: [ARBITER_A, ARBITER_B],
      minFeeBps: 300,
      maxFeeBps: 1_000,
      minDisputeWindow: 3 * DAY + 12 * 3_600,
    })
    expect(text(root, '[data-testid=fee-range]')).to.equal('Your fee to the arbiter: from 3 % to 10 % of the price.')
    expect(text(root, '[data-testid=min-window]')).to.equal('The dispute window: at least 3 days 12 hours.')
    // each one's terms are shown
    const recordB = shadow(root.querySelector(`li[data-address="${ARBITER_B}"] souk-arbiter-record`), 'record')
    expect(text(recordB, '[data-testid=min-fee]')).to.equal('at least 3 % of the price, only if it decides')

    // dropping the demanding one lowers the range to the other's terms
    await toggle(ARBITER_B)
    expect(events.at(-1)).to.deep.equal({
      arbiters: [ARBITER_A],
      minFeeBps: 150,
      maxFeeBps: 1_000,
      minDisputeWindow: 2 * DAY,
    })
    expect(text(root, '[data-testid=fee-range]')).to.equal('Your fee to the arbiter: from 1.5 % to 10 % of the price.')

    // three at most: the fourth box is disabled until one is dropped
    await toggle(ARBITER_C)
    await toggle(ARBITER_D)
    expect(events.at(-1)!.arbiters).to.deep.equal([ARBITER_A, ARBITER_C, ARBITER_D])
    expect(box(ARBITER_B).disabled).to.equal(true)
    expect(text(root, '[data-testid=full]')).to.equal('Three arbiters chosen: the most a listing can name.')

    // none chosen: the picker says so and the event carries the contract's minimums
    for (const a of [ARBITER_A, ARBITER_C, ARBITER_D]) await toggle(a)
    expect(events.at(-1)).to.deep.equal({ arbiters: [], minFeeBps: 0, maxFeeBps: 1_000, minDisputeWindow: DAY })
    expect(text(root, '[data-testid=none-chosen]')).to.equal('Choose at least one arbiter.')

    await toggle(ARBITER_B)
    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, 'legend')).to.equal('仲裁人（选择 1 到 3 位）')
    expect(text(root, '[data-testid=fee-range]')).to.equal('你支付给仲裁人的费用：价格的 3% 到 10%。')
    expect(text(root, '[data-testid=min-window]')).to.equal('争议期限：至少 3 天 12 小时。')
    await useLocale('en')
    await el.updateComplete
    await expect(el).to.be.accessible()
  })

  it('never offers the seller or an unregistered arbiter, and restores a saved choice', async () => {
    const list = [...arbiters(), arbiter({ address: '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955', registered: false })]
    const { el, rows, events, box } = await mount({ arbiters: list, seller: ARBITER_A, selected: [ARBITER_C] })
    expect(rows().map((r) => r.dataset.address)).to.deep.equal([ARBITER_B, ARBITER_C, ARBITER_D])
    expect(box(ARBITER_C).checked).to.equal(true)
    expect(box(ARBITER_B).checked).to.equal(false)
    expect(events.at(-1)).to.deep.equal({
      arbiters: [ARBITER_C],
      minFeeBps: 50,
      maxFeeBps: 1_000,
      minDisputeWindow: DAY,
    })
    expect(el.value.arbiters).to.deep.equal([ARBITER_C])
  })

  it('arrives before its arbiters: chooses the recommended ones once they come', async () => {
    const events: ArbitersChange[] = []
    const el = await fixture<SoukArbiterPicker>(
      html`<souk-arbiter-picker
        @arbiters-change=${(e: CustomEvent<ArbitersChange>) => events.push(e.detail)}
      ></souk-arbiter-picker>`,
    )
    expect(text(shadow(el, 'picker'), '[data-testid=no-arbiters]')).to.equal(
      'No arbiter is registered on this market yet.',
    )
    el.arbiters = arbiters()
    await el.updateComplete
    await el.updateComplete
    expect(events.at(-1)!.arbiters).to.deep.equal([ARBITER_A, ARBITER_B])
  })
})
