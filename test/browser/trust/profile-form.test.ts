/**
 * The arbiter's registration form in real Chromium: every field checked before any work, each error at its
 * field with the focus on the first, the contact defaulting to the connected account, the "I already have a
 * profile CID" mode refusing what is not a CID, and the event the integrator pins and registers from.
 */
import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/trust/souk-arbiter-profile-form.ts'
import type { ProfileSubmit, SoukArbiterProfileForm } from '../../../src/components/trust/souk-arbiter-profile-form.ts'
import { encodeArbiterProfile } from '../../../src/core/trust-docs.ts'
import { useLocale } from '../../../src/i18n.ts'
import { shadow, type } from '../components/helpers.ts'
import { ARBITER_A, DAY } from './fixtures.ts'

const text = (root: ParentNode, selector: string): string =>
  (root.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim()

describe('<souk-arbiter-profile-form>', function () {
  this.timeout(30_000)
  afterEach(async () => {
    await useLocale('en')
  })

  async function mount() {
    const submitted: ProfileSubmit[] = []
    const el = await fixture<SoukArbiterProfileForm>(
      html`<souk-arbiter-profile-form
        .account=${ARBITER_A}
        @profile-submit=${(e: CustomEvent<ProfileSubmit>) => submitted.push(e.detail)}
      ></souk-arbiter-profile-form>`,
    )
    const root = shadow(el, 'profile form')
    const input = <T extends HTMLInputElement | HTMLTextAreaElement = HTMLInputElement>(id: string) =>
      root.querySelector<T>(`#${id}`)!
    const submit = async () => {
      root.querySelector<HTMLButtonElement>('[data-action=register]')!.click()
      await el.updateComplete
    }
    const errors = () => [...root.querySelectorAll('.error[id]')].map((e) => e.id)
    return { el, root, input, submit, errors, submitted }
  }

  it('shows every error at its field, moves the focus to the first, and fires only when all are valid', async () => {
    const { el, root, input, submit, errors, submitted } = await mount()
    expect(input('contact').value).to.equal(ARBITER_A)
    type(input('fee'), '12')
    type(input('window'), '0.5')
    type(input('contact'), '0x1234')
    await el.updateComplete
    await submit()
    expect(submitted).to.deep.equal([])
    expect(errors()).to.deep.equal([
      'name-error',
      'languages-error',
      'rules-error',
      'contact-error',
      'fee-error',
      'window-error',
    ])
    expect(el.shadowRoot!.activeElement).to.equal(input('name'))
    expect(input('name').getAttribute('aria-invalid')).to.equal('true')
    expect(input('name').getAttribute('aria-describedby')).to.equal('name-error')
    expect(input('fee').getAttribute('aria-describedby')).to.equal('fee-hint fee-error')
    expect(text(root, '#fee-error')).to.equal('Enter a fee from 0 to 10 %, e.g. 1.5.')
    expect(text(root, '#window-error')).to.equal('Enter a number of days from 1 to 365.')

    // a language switch rewords the errors shown
    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, '#name-error')).to.equal('请填写买家和卖家将看到的名称。')
    expect(text(root, '#contact-error')).to.equal('请输入以 0x 开头的地址（42 个字符）。')
    await useLocale('en')

    // fixing fields one by one moves the focus to the next one still wrong
    type(input('name'), 'Lin Mediation')
    await el.updateComplete
    await submit()
    expect(el.shadowRoot!.activeElement).to.equal(root.querySelector('[data-field=languages]'))
    root.querySelector<HTMLInputElement>('input[type=checkbox][value=zh-Hans]')!.click()
    type(input('other'), 'vi, th-TH')
    type(input<HTMLTextAreaElement>('rules'), 'Photos of the parcel, please.')
    await el.updateComplete
    expect(text(root, '#rules-hint')).to.include('29 of 4,000 characters')
    await submit()
    expect(el.shadowRoot!.activeElement).to.equal(input('contact'))
    // a wrong checksum is a typo viem catches
    type(input('contact'), ARBITER_A.replace('F79', 'f79'))
    await el.updateComplete
    await submit()
    expect(errors()).to.deep.equal(['contact-error', 'fee-error', 'window-error'])
    type(input('contact'), ARBITER_A.toLowerCase())
    type(input('fee'), '1.25')
    type(input('window'), '2.5')
    await el.updateComplete
    await submit()
    expect(errors()).to.deep.equal([])
    expect(submitted).to.have.length(1)
    const [s] = submitted
    expect(s).to.deep.equal({
      profile: {
        v: 1,
        name: 'Lin Mediation',
        languages: ['zh-Hans', 'vi', 'th-TH'],
        rules: 'Photos of the parcel, please.',
        contact: ARBITER_A,
      },
      cid: undefined,
      minFeeBps: 125,
      minDisputeWindow: 2.5 * DAY,
    })
    // what the integrator pins is exactly this profile
    expect((await encodeArbiterProfile(s!.profile)).bytes.length).to.be.greaterThan(0)
    await expect(el).to.be.accessible()
  })

  it('a hostile name (a direction override) is refused at its field', async () => {
    const { el, root, input, submit, submitted } = await mount()
    type(input('name'), 'Lin\u202Egnp.exe')
    root.querySelector<HTMLInputElement>('input[type=checkbox][value=en]')!.click()
    type(input<HTMLTextAreaElement>('rules'), 'r')
    await el.updateComplete
    await submit()
    expect(submitted).to.deep.equal([])
    expect(text(root, '#name-error')).to.equal('Remove the control or direction-changing characters.')
    expect(el.shadowRoot!.activeElement).to.equal(input('name'))
  })

  it('"I already have a profile CID" refuses what is not a CID, or not a document, and passes a real one', async () => {
    const { el, root, input, submit, submitted } = await mount()
    root.querySelector<HTMLInputElement>('input[name=mode][value=cid]')!.click()
    await el.updateComplete
    expect(root.querySelector('#name')).to.equal(null)
    type(input('cid'), 'my-profile')
    await el.updateComplete
    await submit()
    expect(text(root, '#cid-error')).to.equal(
      'This is not a CID. A CID looks like bafyrei… (at most 128 letters and digits).',
    )
    expect(el.shadowRoot!.activeElement).to.equal(input('cid'))
    // a real CID, but of a file: not a profile document
    type(input('cid'), 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')
    await el.updateComplete
    await submit()
    expect(text(root, '#cid-error')).to.match(/^This CID is not a profile document/)
    await useLocale('zh-Hans')
    await el.updateComplete
    expect(text(root, '#cid-error')).to.match(/^这个 CID 不是资料文档/)
    await useLocale('en')
    const { cid } = await encodeArbiterProfile({ v: 1, name: 'x', languages: ['en'], rules: 'r', contact: ARBITER_A })
    type(input('cid'), ` ${cid.toString()} `)
    await el.updateComplete
    await submit()
    expect(submitted).to.deep.equal([
      { profile: undefined, cid: cid.toString(), minFeeBps: 100, minDisputeWindow: 2 * DAY },
    ])
  })

  it('changing terms starts from the current registration', async () => {
    const { el, input, root } = await mount()
    el.initial = {
      profile: { v: 1, name: 'Lin', languages: ['en', 'ko'], rules: 'Rules', contact: ARBITER_A },
      minFeeBps: 250,
      minDisputeWindow: 3 * DAY,
    }
    await el.updateComplete
    expect(input('name').value).to.equal('Lin')
    expect(root.querySelector<HTMLInputElement>('input[type=checkbox][value=en]')!.checked).to.equal(true)
    expect(input('other').value).to.equal('ko')
    expect(input('fee').value).to.equal('2.5')
    expect(input('window').value).to.equal('3')
  })
})
