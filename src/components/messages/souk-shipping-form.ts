import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import {
  SHIPPING_LIMITS,
  shippingAddressErrors,
  type ShippingAddress,
  type ShippingField,
  type ShippingProblem,
} from '../../core/shipping.ts'
import { shared } from '../styles.ts'

const FIELDS: ShippingField[] = ['name', 'street', 'city', 'postcode', 'country', 'phone']

function label(field: ShippingField): string {
  switch (field) {
    case 'name':
      return msg('Full name', { id: 'ship.name' })
    case 'street':
      return msg('Street and number', { id: 'ship.street' })
    case 'city':
      return msg('City', { id: 'ship.city' })
    case 'postcode':
      return msg('Postcode', { id: 'ship.postcode' })
    case 'country':
      return msg('Country', { id: 'ship.country' })
    case 'phone':
      return msg('Phone (optional)', { id: 'ship.phone' })
  }
}

function problem(field: ShippingField, p: ShippingProblem): string {
  switch (p) {
    case 'required':
      return msg('Required.', { id: 'ship.required' })
    case 'too-long':
      return msg(str`At most ${SHIPPING_LIMITS[field]} characters.`, { id: 'ship.tooLong' })
    case 'invalid':
      return field === 'phone'
        ? msg('Digits, spaces and + ( ) - only, at least 6.', { id: 'ship.phone.invalid' })
        : msg('Letters, digits, spaces and dashes only.', { id: 'ship.postcode.invalid' })
  }
}

/**
 * The shipping address form the winner of a listing sends the seller: name, street, city, postcode, country,
 * phone (optional), checked by the same rules the receiving side applies (`shippingAddressErrors`); problems
 * are shown next to their field once the person leaves it or submits. The address is not kept by the form.
 *
 * @fires souk-address-submit - `detail: ShippingAddress` (trimmed) when a valid address is submitted
 * @fires souk-address-cancel - the person closed the form
 */
@localized()
@customElement('souk-shipping-form')
export class SoukShippingForm extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        display: grid;
        gap: 0.5rem;
        max-width: 28rem;
      }
      label {
        display: grid;
        gap: 0.25rem;
      }
      input {
        min-height: 2.75rem;
      }
      .problem {
        color: var(--souk-bad, #a3261b);
        font-size: 0.85rem;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
      button {
        min-height: 2.75rem;
      }
    `,
  ]

  /** Disables the submit button (the parent is sending). */
  @property({ type: Boolean }) busy = false

  @state() private errors: Partial<Record<ShippingField, ShippingProblem>> = {}
  @state() private touched = new Set<ShippingField>()

  private values(): Partial<Record<ShippingField, string>> {
    const data = new FormData(this.renderRoot.querySelector('form')!)
    const out: Partial<Record<ShippingField, string>> = {}
    for (const f of FIELDS) {
      const v = String(data.get(f) ?? '')
      if (v !== '') out[f] = v
    }
    return out
  }

  private check(): void {
    this.errors = shippingAddressErrors(this.values())
  }

  private onBlur(field: ShippingField): void {
    this.touched = new Set([...this.touched, field])
    this.check()
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault()
    const values = this.values()
    this.errors = shippingAddressErrors(values)
    this.touched = new Set(FIELDS)
    if (Object.keys(this.errors).length > 0) {
      const first = FIELDS.find((f) => this.errors[f])
      this.renderRoot.querySelector<HTMLInputElement>(`[name=${first}]`)?.focus()
      return
    }
    const address: ShippingAddress = {
      name: values.name!.trim(),
      street: values.street!.trim(),
      city: values.city!.trim(),
      postcode: values.postcode!.trim(),
      country: values.country!.trim(),
      ...(values.phone ? { phone: values.phone.trim() } : {}),
    }
    this.dispatchEvent(new CustomEvent('souk-address-submit', { detail: address, bubbles: true, composed: true }))
  }

  override render() {
    return html`<form novalidate @submit=${this.submit} data-testid="shipping-form">
      <p class="muted">
        ${msg('Only the seller can read this: it is end-to-end encrypted, and this device keeps it encrypted too.', {
          id: 'ship.privacy',
        })}
      </p>
      ${FIELDS.map((f) => {
        const p = this.touched.has(f) ? this.errors[f] : undefined
        return html`<label>
          <span>${label(f)}</span>
          <input
            name=${f}
            maxlength=${SHIPPING_LIMITS[f]}
            autocomplete=${f === 'name' ? 'name' : f === 'street' ? 'street-address' : f === 'city' ? 'address-level2' : f === 'postcode' ? 'postal-code' : f === 'country' ? 'country-name' : 'tel'}
            type=${f === 'phone' ? 'tel' : 'text'}
            ?required=${f !== 'phone'}
            aria-invalid=${p ? 'true' : 'false'}
            aria-describedby=${p ? `${f}-problem` : nothing}
            @blur=${() => this.onBlur(f)}
            @input=${() => this.touched.has(f) && this.check()}
          />
          ${p ? html`<span class="problem" id="${f}-problem" data-problem=${p}>${problem(f, p)}</span>` : nothing}
        </label>`
      })}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>
          ${msg('Send the address to the seller', { id: 'ship.send' })}
        </button>
        <button
          type="button"
          @click=${() => this.dispatchEvent(new CustomEvent('souk-address-cancel', { bubbles: true, composed: true }))}
        >
          ${msg('Cancel', { id: 'ship.cancel' })}
        </button>
      </div>
    </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-shipping-form': SoukShippingForm
  }
}
