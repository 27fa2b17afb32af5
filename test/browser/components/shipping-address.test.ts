import { expect, fixture, html, oneEvent } from '@open-wc/testing'
import '../../../src/components/messages/souk-shipping-form.ts'
import '../../../src/components/messages/souk-address-card.ts'
import type { SoukShippingForm } from '../../../src/components/messages/souk-shipping-form.ts'
import type { SoukAddressCard } from '../../../src/components/messages/souk-address-card.ts'
import type { ShippingAddress } from '../../../src/services/types.ts'
import { useLocale } from '../../../src/i18n.ts'
import { waitFor } from '../../helpers/wait.ts'
import { shadow, type } from './helpers.ts'

const input = (root: ShadowRoot, name: string): HTMLInputElement =>
  root.querySelector<HTMLInputElement>(`input[name=${name}]`)!
const problems = (root: ShadowRoot): Record<string, string> =>
  Object.fromEntries(
    [...root.querySelectorAll<HTMLElement>('[data-problem]')].map((p) => [
      p.id.replace(/-problem$/, ''),
      p.dataset.problem!,
    ]),
  )
const submit = (root: ShadowRoot): void => root.querySelector<HTMLButtonElement>('button[type=submit]')!.click()

describe('<souk-shipping-form> and <souk-address-card>', () => {
  afterEach(async () => {
    await useLocale('en')
  })

  it('shows what is wrong next to each field and submits nothing until the address is valid', async () => {
    const form = await fixture<SoukShippingForm>(html`<souk-shipping-form></souk-shipping-form>`)
    const root = shadow(form, 'shipping form')
    let submitted = 0
    form.addEventListener('souk-address-submit', () => submitted++)
    submit(root)
    await form.updateComplete
    expect(problems(root)).to.deep.equal({
      name: 'required',
      street: 'required',
      city: 'required',
      postcode: 'required',
      country: 'required',
    })
    expect(input(root, 'name').getAttribute('aria-invalid')).to.equal('true')
    expect(root.activeElement).to.equal(input(root, 'name'), 'the first wrong field takes the focus')
    expect(submitted).to.equal(0)

    type(input(root, 'name'), 'Li Wei')
    type(input(root, 'street'), '88 Nanjing Road')
    type(input(root, 'city'), 'Shanghai')
    type(input(root, 'postcode'), '2000;01')
    type(input(root, 'country'), 'China')
    type(input(root, 'phone'), 'not a phone')
    await form.updateComplete
    expect(problems(root)).to.deep.equal({ postcode: 'invalid', phone: 'invalid' }, 'fixed fields clear as typed')
    submit(root)
    expect(submitted).to.equal(0)

    type(input(root, 'postcode'), ' 200001 ')
    type(input(root, 'phone'), '')
    await form.updateComplete
    const event = oneEvent(form, 'souk-address-submit')
    submit(root)
    const { detail } = (await event) as CustomEvent<ShippingAddress>
    expect(detail).to.deep.equal({
      name: 'Li Wei',
      street: '88 Nanjing Road',
      city: 'Shanghai',
      postcode: '200001',
      country: 'China',
    })
    expect(problems(root)).to.deep.equal({})
  })

  it('speaks Chinese', async () => {
    await useLocale('zh-Hans')
    const form = await fixture<SoukShippingForm>(html`<souk-shipping-form></souk-shipping-form>`)
    const root = shadow(form, 'shipping form')
    await waitFor('the form in Chinese', () => root.textContent!.includes('邮政编码'))
    submit(root)
    await form.updateComplete
    expect(root.querySelector('#name-problem')!.textContent!.trim()).to.equal('必填。')
    expect(root.querySelector('button[type=submit]')!.textContent!.trim()).to.equal('把地址发给卖家')
  })

  it('the card shows the label lines, copies them, and warns when the sender is not the buyer', async () => {
    const address: ShippingAddress = {
      name: 'Amina Haddad',
      street: '12 Derb Sidi Bouloukat',
      city: 'Marrakesh',
      postcode: '40000',
      country: 'Morocco',
      phone: '+212 524 38 00 00',
    }
    const card = await fixture<SoukAddressCard>(
      html`<souk-address-card .address=${address} verdict="buyer"></souk-address-card>`,
    )
    const root = shadow(card, 'address card')
    expect(root.querySelector('[data-testid=address-lines]')!.textContent).to.equal(
      'Amina Haddad\n12 Derb Sidi Bouloukat\n40000 Marrakesh\nMorocco\n+212 524 38 00 00',
    )
    expect(root.querySelector('[data-testid=address-warning]')).to.equal(null)
    let copied = ''
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (t: string) => void (copied = t) },
    })
    root.querySelector<HTMLButtonElement>('[data-testid=copy-address]')!.click()
    await waitFor('the copy to finish', () =>
      root.querySelector('[data-testid=copy-address]')!.textContent!.includes('Copied'),
    )
    expect(copied).to.equal(root.querySelector('[data-testid=address-lines]')!.textContent)

    card.verdict = 'not-buyer'
    await card.updateComplete
    expect(root.querySelector('[data-testid=address-warning]')!.textContent).to.include(
      'not sent by the listing’s buyer',
    )
  })
})
