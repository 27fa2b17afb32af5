/**
 * The dispute and rating dialogs in real Chromium: native modal <dialog>s, what happens said in words, the
 * fields checked before the event, the buyer never selectable as the arbiter, both languages.
 */
import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/trust/souk-dispute-dialog.ts'
import '../../../src/components/trust/souk-rate-dialog.ts'
import type { DisputeConfirm, SoukDisputeDialog } from '../../../src/components/trust/souk-dispute-dialog.ts'
import type { RateConfirm, SoukRateDialog } from '../../../src/components/trust/souk-rate-dialog.ts'
import { useLocale } from '../../../src/i18n.ts'
import { shadow, type } from '../components/helpers.ts'
import { ARBITER_A, ARBITER_B, ARBITER_D, DAY, ETH, NOW, arbiter, arbiters } from './fixtures.ts'

const text = (root: ParentNode, selector: string): string =>
  (root.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim()

describe('trust dialogs', function () {
  this.timeout(30_000)
  afterEach(async () => {
    await useLocale('en')
  })

  async function disputeDialog(set = arbiters().slice(1, 3), buyer: `0x${string}` = ARBITER_D) {
    const confirmed: DisputeConfirm[] = []
    const el = await fixture<SoukDisputeDialog>(
      html`<souk-dispute-dialog
        .arbiters=${set}
        .buyer=${buyer}
        .price=${2n * 10n ** 17n}
        .currency=${ETH}
        fee-bps="500"
        dispute-window=${3 * DAY}
        .now=${NOW}
        listing-id="7"
        @dispute-confirm=${(e: CustomEvent<DisputeConfirm>) => confirmed.push(e.detail)}
      ></souk-dispute-dialog>`,
    )
    await el.show()
    return { el, root: shadow(el, 'dispute dialog'), confirmed }
  }

  it('<souk-dispute-dialog>: says what happens, needs a reason and an arbiter, fires dispute-confirm', async () => {
    const { el, root, confirmed } = await disputeDialog()
    const dialog = root.querySelector('dialog')!
    expect(dialog.open).to.equal(true)
    expect(dialog.matches(':modal')).to.equal(true)
    expect(text(root, '[data-testid=what-happens]')).to.equal(
      'The price, 0.2 ETH, stays held in the escrow. The arbiter you choose has 3 days to decide: to pay the seller, refund you, or split it. It takes its fee of 5 % only if it decides.',
    )
    expect(root.textContent).to.include('If it has not decided within 3 days, you can take the whole price back.')
    // each arbiter with its record
    expect(root.querySelectorAll('souk-arbiter-record')).to.have.length(2)

    // nothing chosen, nothing written: both errors, the focus on the first (the arbiter)
    root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    await el.updateComplete
    expect(confirmed).to.deep.equal([])
    expect(text(root, '#arbiter-error')).to.equal('Choose the arbiter who will decide.')
    expect(text(root, '#reason-error')).to.equal('Say what went wrong.')
    expect(el.shadowRoot!.activeElement).to.equal(root.querySelector(`li[data-address="${ARBITER_A}"] input`))
    expect(root.querySelector('#reason')!.getAttribute('aria-describedby')).to.equal('reason-hint reason-error')

    root.querySelector<HTMLInputElement>(`li[data-address="${ARBITER_B}"] input`)!.click()
    await el.updateComplete
    root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    await el.updateComplete
    expect(el.shadowRoot!.activeElement).to.equal(root.querySelector('#reason'))
    type(root.querySelector<HTMLTextAreaElement>('#reason')!, '  The parcel arrived empty.  ')
    await el.updateComplete
    root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    expect(confirmed).to.deep.equal([{ arbiter: ARBITER_B, reason: 'The parcel arrived empty.' }])

    // while sending: the buttons wait; a refusal is shown and the dialog stays
    el.busy = true
    await el.updateComplete
    expect(root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.disabled).to.equal(true)
    el.busy = false
    el.error = 'You rejected the request in your wallet. Nothing was sent.'
    await el.updateComplete
    expect(text(root, '[role=alert]')).to.equal('You rejected the request in your wallet. Nothing was sent.')
    expect(dialog.open).to.equal(true)
    await expect(el).to.be.accessible()

    let closed = 0
    el.addEventListener('dispute-close', () => closed++)
    root.querySelector<HTMLButtonElement>('[data-action=cancel]')!.click()
    await new Promise((r) => dialog.addEventListener('close', r, { once: true }))
    expect(dialog.open).to.equal(false)
    expect(closed).to.equal(1)
  })

  it('<souk-dispute-dialog>: the buyer’s own address is never selectable; in Chinese', async () => {
    // the buyer is also in the listing's set (the contract refuses ArbiterIsBuyer): shown, never choosable
    const set = [arbiter(), arbiter({ address: ARBITER_D, profile: undefined, recommended: false })]
    const { el, root, confirmed } = await disputeDialog(set, ARBITER_D)
    const mine = root.querySelector<HTMLInputElement>(`li[data-address="${ARBITER_D}"] input`)!
    expect(mine.disabled).to.equal(true)
    expect(text(root, '#self-note')).to.equal('This is you: you cannot decide your own dispute.')
    mine.click()
    await el.updateComplete
    expect(mine.checked).to.equal(false)
    // the only other arbiter is chosen from the start
    expect(root.querySelector<HTMLInputElement>(`li[data-address="${ARBITER_A}"] input`)!.checked).to.equal(true)
    // even a checked-by-script box of the buyer's is refused at submit
    ;(el as unknown as { arbiter: string }).arbiter = ARBITER_D
    type(root.querySelector<HTMLTextAreaElement>('#reason')!, 'x')
    await el.updateComplete
    root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    await el.updateComplete
    expect(confirmed).to.deep.equal([])
    expect(text(root, '#arbiter-error')).to.equal('Choose the arbiter who will decide.')

    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, '[data-testid=what-happens]')).to.equal(
      '价格 0.2 ETH 继续保管在托管中。你选择的仲裁人有 3 天来裁决：付给卖家、退款给你，或分配。只有作出裁决时，它才收取 5% 的费用。',
    )
    expect(text(root, '#self-note')).to.equal('这是你自己：你不能裁决自己的争议。')
    expect(text(root, '#arbiter-error')).to.equal('请选择由哪位仲裁人裁决。')
  })

  it('<souk-rate-dialog>: public and permanent, the weight in words, a score needed, a counted review', async () => {
    const rated: RateConfirm[] = []
    const el = await fixture<SoukRateDialog>(
      html`<souk-rate-dialog
        .subject=${ARBITER_A}
        subject-name="Lin Mediation"
        subject-role="arbiter"
        .weight=${11n * 10n ** 15n}
        .currency=${ETH}
        @rate-confirm=${(e: CustomEvent<RateConfirm>) => rated.push(e.detail)}
      ></souk-rate-dialog>`,
    )
    await el.show()
    const root = shadow(el, 'rate dialog')
    expect(root.querySelector('dialog')!.matches(':modal')).to.equal(true)
    expect(text(root, 'h3')).to.equal('Rate the arbiter, Lin Mediation')
    expect(text(root, '[data-testid=permanent]')).to.equal(
      'Your rating is public and permanent: it is recorded on the blockchain with your address, and nobody can change or remove it. It weighs what this trade paid in fees, 0.011 ETH: ratings from trades that paid more count more.',
    )
    root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    await el.updateComplete
    expect(rated).to.deep.equal([])
    expect(text(root, '#score-error')).to.equal('Choose a rating.')
    expect(el.shadowRoot!.activeElement).to.equal(root.querySelector('input[name=score]'))

    const review = root.querySelector<HTMLTextAreaElement>('#review')!
    expect(review.maxLength).to.equal(2_000)
    type(review, 'Fair and quick.')
    await el.updateComplete
    expect(text(root, '[data-testid=counter]')).to.equal('15 of 2,000 characters')
    root.querySelector<HTMLInputElement>('input[value=neutral]')!.click()
    await el.updateComplete
    root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    expect(rated).to.deep.equal([{ ofArbiter: true, score: 'neutral', text: 'Fair and quick.' }])
    await expect(el).to.be.accessible()

    // the other party, a trade that paid no fee, in Chinese; no review is an empty text
    el.subjectRole = 'seller'
    el.subjectName = undefined
    el.weight = 0n
    await useLocale('zh-Hans')
    await el.show()
    expect(text(root, 'h3')).to.equal(`评价卖家 ${ARBITER_A.slice(0, 6)}…${ARBITER_A.slice(-4)}`)
    expect(text(root, '[data-testid=permanent]')).to.include('这笔交易没有支付手续费')
    expect(text(root, '[data-testid=counter]')).to.equal('0 / 2,000 字')
    root.querySelector<HTMLInputElement>('input[value=positive]')!.click()
    await el.updateComplete
    root.querySelector<HTMLButtonElement>('[data-action=confirm]')!.click()
    expect(rated.at(-1)).to.deep.equal({ ofArbiter: false, score: 'positive', text: '' })
    el.close()
  })
})
