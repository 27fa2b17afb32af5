import { expect, fixture, html } from '@open-wc/testing'
import { ContextProvider } from '@lit/context'
import { parseEther } from 'viem'
import '../../../src/components/souk-bid-form.ts'
import '../../../src/components/souk-countdown.ts'
import type { SoukBidForm } from '../../../src/components/souk-bid-form.ts'
import type { SoukCountdown } from '../../../src/components/souk-countdown.ts'
import { chainStatusContext } from '../../../src/components/context.ts'
import { bidCountLabel } from '../../../src/components/labels.ts'
import type { ChainSnapshot, StatusSource } from '../../../src/core/status.ts'
import { setLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'

const ETH = { id: 'ETH' as const, symbol: 'ETH', decimals: 18 }

/** Types into the form's fields and submits it; the form's field errors afterwards. */
async function submit(form: SoukBidForm, amount: string, deposit = ''): Promise<{ amount: string; deposit: string }> {
  const root = form.shadowRoot!
  for (const [id, value] of [
    ['amount', amount],
    ['deposit', deposit],
  ] as const) {
    const input = root.querySelector<HTMLInputElement>(`#${id}`)!
    input.value = value
    input.dispatchEvent(new Event('input'))
  }
  await form.updateComplete
  root.querySelector('form')!.requestSubmit()
  await form.updateComplete
  await form.updateComplete
  return {
    amount: root.querySelector('#amount-error')!.textContent!.trim(),
    deposit: root.querySelector('#deposit-error')!.textContent!.trim(),
  }
}

describe('bids tell the truth (issue #26)', () => {
  afterEach(async () => await setLocale('en'))

  it('refuses a bid below the public reserve at the field, before anything is sent, and focuses it', async () => {
    const form = await fixture<SoukBidForm>(
      html`<souk-bid-form listingId="1" .currency=${ETH} .reserve=${parseEther('0.5')}></souk-bid-form>`,
    )
    const errors = await submit(form, '0.3', '0.6')
    expect(errors.amount).to.contain('Below the reserve price of 0.5 ETH')
    expect(form.shadowRoot!.querySelector('#amount')!.getAttribute('aria-invalid')).to.equal('true')
    expect(form.shadowRoot!.activeElement?.id).to.equal('amount')
    // a deposit below the reserve with a bid at it: refused at the deposit
    expect((await submit(form, '0.5', '')).amount).to.equal('')
    expect(form.check()).to.deep.equal({ amount: parseEther('0.5'), deposit: parseEther('0.5') })
  })

  it('takes a decimal comma and a point alike, and refuses marks that could mean two amounts', async () => {
    const form = await fixture<SoukBidForm>(
      html`<souk-bid-form listingId="1" .currency=${ETH} .reserve=${parseEther('0.1')}></souk-bid-form>`,
    )
    expect(await submit(form, '0,3', '0,5')).to.deep.equal({ amount: '', deposit: '' })
    expect(form.check()).to.deep.equal({ amount: parseEther('0.3'), deposit: parseEther('0.5') })
    expect(await submit(form, '0.3', '')).to.deep.equal({ amount: '', deposit: '' })
    expect((await submit(form, '1,000.5')).amount).to.contain('one decimal mark')
    expect((await submit(form, '0.3', '1.000,5')).deposit).to.contain('one decimal mark')
    expect((await submit(form, '0,4', '0,3')).deposit).to.contain('at least the bid amount')
  })

  it('counts sealed bids with the plural rules of each language', async () => {
    expect(bidCountLabel(0)).to.equal('0 sealed bids')
    expect(bidCountLabel(1)).to.equal('1 sealed bid')
    expect(bidCountLabel(2)).to.equal('2 sealed bids')
    await setLocale('zh-Hans')
    expect(bidCountLabel(1)).to.equal('1 个密封出价')
    expect(bidCountLabel(5)).to.equal('5 个密封出价')
  })

  it('counts down on the chain clock: the chain’s time plus the time elapsed since it was read, not the device’s', async () => {
    // the chain is a day ahead of this device (an anvil moved with evm_increaseTime, or a device clock that is off)
    const chainTime = Math.floor(Date.now() / 1000) + 86_400
    const source = Object.assign(new EventTarget(), {
      snapshot: { status: 'ok', blockNumber: 1n, time: chainTime, timeAt: Date.now() } as ChainSnapshot,
    }) as StatusSource<ChainSnapshot> & { snapshot: ChainSnapshot }
    const host = await fixture<HTMLDivElement>(html`<div></div>`)
    new ContextProvider(host, { context: chainStatusContext, initialValue: source })
    const countdown = document.createElement('souk-countdown') as SoukCountdown
    countdown.deadline = chainTime + 3_600
    // a stale offset (the device clock) is not what counts once the chain's time is known
    countdown.offset = 0
    host.append(countdown)
    await countdown.updateComplete
    const text = (): string => countdown.shadowRoot!.textContent!.trim()
    expect(text()).to.match(/^(01:00:00|59:5\d)$/)
    // the next second on an idle chain (no new block): it still ticks
    const before = text()
    await waitFor('the countdown moving between blocks', () => text() !== before, { timeout: 3_000 })
  })
})
