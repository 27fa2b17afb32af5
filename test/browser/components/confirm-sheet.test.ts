/**
 * The confirm sheet (issue #26 item 8): what each money-moving action will do, in words and amounts with the
 * contract's fees, in English and Chinese; confirm answers true, Cancel and Escape false.
 */
import { expect, fixture, html } from '@open-wc/testing'
import { parseEther } from 'viem'
import '../../../src/components/souk-confirm-sheet.ts'
import type { SoukConfirmSheet } from '../../../src/components/souk-confirm-sheet.ts'
import {
  buyWords,
  cancelWords,
  confirmWords,
  refundWords,
  resolveWords,
  withdrawWords,
} from '../../../src/components/money-words.ts'
import { useLocale } from '../../../src/i18n.ts'
import type { Currency } from '../../../src/services/types.ts'

const ETH: Currency = { id: 'ETH', symbol: 'ETH', decimals: 18 }
const USD: Currency = { id: `0x${'5'.repeat(40)}`, symbol: 'TUSD', decimals: 6 }
const SELLER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const
const BUYER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as const

const text = (sheet: SoukConfirmSheet): string =>
  sheet.shadowRoot?.querySelector('dialog')?.textContent?.replace(/\s+/g, ' ').trim() ?? ''

async function shown(
  words: ReturnType<typeof buyWords>,
): Promise<{ sheet: SoukConfirmSheet; answer: Promise<boolean> }> {
  const sheet = await fixture<SoukConfirmSheet>(html`<souk-confirm-sheet></souk-confirm-sheet>`)
  const answer = sheet.ask(words)
  await sheet.updateComplete
  return { sheet, answer }
}

const click = (sheet: SoukConfirmSheet, action: string): void =>
  sheet.shadowRoot!.querySelector<HTMLButtonElement>(`[data-action=${action}]`)!.click()

describe('souk-confirm-sheet: what happens to how much money', () => {
  afterEach(async () => {
    await useLocale('en')
  })

  it('buy: the price now, the seller’s share on confirmation, the market fee and the arbiter’s fee; confirm answers true', async () => {
    const { sheet, answer } = await shown(
      buyWords({ price: parseEther('0.2'), currency: ETH, protocolFeeBps: 50, arbiterFeeBps: 100 }),
    )
    const t = text(sheet)
    expect(t).to.contain('Buy this item?')
    expect(t).to.contain('You pay 0.2 ETH now, from your wallet into the escrow.')
    expect(t).to.contain('the seller receives 0.199 ETH: the price less the market fee of 0.001 ETH (0.5 %)')
    expect(t).to.contain('takes 1 % of the price (0.002 ETH) only if it decides')
    expect(sheet.open).to.equal(true)
    expect(sheet.shadowRoot!.activeElement?.getAttribute('data-action')).to.equal('sheet-confirm')
    click(sheet, 'sheet-confirm')
    expect(await answer).to.equal(true)
    expect(sheet.open).to.equal(false)
  })

  it('confirm receipt, refund, decision, withdraw and cancel say who receives what; Cancel and Escape answer false', async () => {
    const c = await shown(confirmWords({ price: parseEther('0.3'), currency: ETH, protocolFeeBps: 50, seller: SELLER }))
    expect(text(c.sheet)).to.contain(
      'receives 0.2985 ETH of the 0.3 ETH held in the escrow; the market fee is 0.0015 ETH (0.5 %). No arbiter fee.',
    )
    click(c.sheet, 'sheet-cancel')
    expect(await c.answer).to.equal(false)

    // 1 ETH, 5% to the arbiter, 0.5% of the rest to the market, 0.4 to the buyer: the contract's resolve
    const r = await shown(
      resolveWords({
        price: parseEther('1'),
        currency: ETH,
        protocolFeeBps: 50,
        arbiterFeeBps: 500,
        toBuyer: parseEther('0.4'),
      }),
    )
    const rt = text(r.sheet)
    expect(rt).to.contain('The buyer receives 0.4 ETH.')
    expect(rt).to.contain('The seller receives 0.54525 ETH.')
    expect(rt).to.contain('You receive your fee of 0.05 ETH (5 %); the market fee is 0.00475 ETH')
    r.sheet.shadowRoot!.querySelector('dialog')!.dispatchEvent(new Event('cancel'))
    r.sheet.shadowRoot!.querySelector('dialog')!.close()
    expect(await r.answer).to.equal(false)

    const f = await shown(refundWords({ price: 2_500_000n, currency: USD, buyer: BUYER }))
    expect(text(f.sheet)).to.contain('receives the whole price, 2.5 TUSD, back. No fees are taken.')
    click(f.sheet, 'sheet-cancel')
    await f.answer

    const one = await shown(withdrawWords({ owed: [{ amount: parseEther('0.2985'), currency: ETH }], to: SELLER }))
    expect(text(one.sheet)).to.contain('0.2985 ETH goes from the market to your wallet')
    expect(text(one.sheet)).to.contain('approve one transaction')
    click(one.sheet, 'sheet-cancel')
    await one.answer
    const two = await shown(
      withdrawWords({
        owed: [
          { amount: parseEther('1'), currency: ETH },
          { amount: 3_000_000n, currency: USD },
        ],
        to: SELLER,
      }),
    )
    expect(text(two.sheet)).to.contain('1 ETH + 3 TUSD goes from the market')
    expect(text(two.sheet)).to.contain('approve 2 transactions, one for each currency')
    click(two.sheet, 'sheet-cancel')
    await two.answer

    const x = await shown(cancelWords())
    expect(text(x.sheet)).to.contain('No money moves.')
    click(x.sheet, 'sheet-cancel')
    await x.answer
  })

  it('in Chinese: the same amounts, full-width punctuation', async () => {
    await useLocale('zh-Hans')
    const b = await shown(buyWords({ price: parseEther('0.2'), currency: ETH, protocolFeeBps: 50, arbiterFeeBps: 100 }))
    const t = text(b.sheet)
    expect(t).to.contain('购买此商品？')
    expect(t).to.contain('你现在支付 0.2 ETH，从你的钱包转入托管。')
    expect(t).to.contain('卖家收到 0.199 ETH：即价格减去 0.001 ETH（0.5 %）的市场费。')
    expect(t).to.contain('返回')
    click(b.sheet, 'sheet-cancel')
    await b.answer
    const r = await shown(
      resolveWords({
        price: parseEther('1'),
        currency: ETH,
        protocolFeeBps: 50,
        arbiterFeeBps: 500,
        toBuyer: parseEther('0.4'),
      }),
    )
    expect(text(r.sheet)).to.contain('买家收到 0.4 ETH。')
    expect(text(r.sheet)).to.contain('卖家收到 0.54525 ETH。')
    click(r.sheet, 'sheet-cancel')
    await r.answer
    const c = await shown(confirmWords({ price: parseEther('0.3'), currency: ETH, protocolFeeBps: 50, seller: SELLER }))
    expect(text(c.sheet)).to.contain(
      '托管中的 0.3 ETH 里，卖家（0x7099…79C8）收到 0.2985 ETH；市场费为 0.0015 ETH（0.5 %）。',
    )
    click(c.sheet, 'sheet-cancel')
    await c.answer
  })
})
