import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { TRUST_LIMITS } from '../../core/trust-limits.ts'
import { LANGUAGES, ORDER, checkProfileForm, type Field, type ProfileSubmit } from './profile-form-check.ts'

export type { ProfileSubmit }
import { getLocale } from '../../i18n.ts'
import { formatCount } from '../../services/format.ts'
import { DAY } from '../../services/windows.ts'
import { shared } from '../styles.ts'

/**
 * An arbiter's registration: its profile (name, languages, rules, the address to message it at, by default
 * the connected one) or the CID of a profile it already pinned, and its terms (minimum fee in %, minimum
 * dispute window in days). Everything is checked before any work; each error shows at its field and the
 * first one takes the focus. The integrator pins the profile and calls `registerArbiter`.
 *
 * @fires profile-submit - detail `ProfileSubmit`, when every field is valid
 */
@customElement('souk-arbiter-profile-form')
@localized()
export class SoukArbiterProfileForm extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        max-width: 36rem;
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0.75rem 0 0;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        padding: 0;
      }
      .choices {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1rem;
      }
      .check {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 2.75rem;
        margin: 0;
        font-weight: normal;
      }
      .check input {
        width: 1.25rem;
        height: 1.25rem;
        margin: 0;
        flex: none;
      }
      .row {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
        gap: 0 0.75rem;
      }
      /* over the shared input styles' :not() chain */
      input[aria-invalid='true']:not([type='checkbox']):not([type='radio']):not([type='file']),
      textarea[aria-invalid='true'] {
        border-color: var(--souk-bad, #a3261b);
        box-shadow: 0 0 0 1px var(--souk-bad, #a3261b);
      }
      .error {
        margin: 0.25rem 0 0;
      }
      .submit {
        margin-top: 1rem;
        width: 100%;
      }
    `,
  ]

  /** The connected account: the contact address unless the arbiter changes it. */
  @property({ attribute: false }) account: `0x${string}` | undefined
  /** The current registration, when changing terms (then the button saves new terms). */
  @property({ attribute: false }) initial: Partial<Omit<ProfileSubmit, 'minDisputeWindow' | 'minFeeBps'>> & {
    minFeeBps?: number
    minDisputeWindow?: number
  } = {}
  /** The integrator is pinning and registering: the button is disabled. */
  @property({ type: Boolean }) busy = false
  @property() error: string | undefined

  @state() private mode: 'write' | 'cid' = 'write'
  @state() private name = ''
  @state() private languages: string[] = []
  @state() private other = ''
  @state() private rules = ''
  @state() private contact = ''
  @state() private cid = ''
  @state() private fee = '1'
  @state() private days = '2'
  /** Each wrong field's sentence, worded at render time (a language switch rewords it). */
  @state() private errors: Partial<Record<Field, () => string>> = {}

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('initial')) {
      const { profile, cid, minFeeBps, minDisputeWindow } = this.initial
      if (profile) {
        this.name = profile.name
        const known = LANGUAGES.map(([tag]) => tag as string)
        this.languages = profile.languages.filter((l) => known.includes(l))
        this.other = profile.languages.filter((l) => !known.includes(l)).join(', ')
        this.rules = profile.rules
        this.contact = profile.contact
      }
      if (cid && !profile) [this.mode, this.cid] = ['cid', cid]
      if (minFeeBps !== undefined) this.fee = (minFeeBps / 100).toString()
      if (minDisputeWindow !== undefined) this.days = (minDisputeWindow / DAY).toString()
    }
    if (changed.has('account') && this.account && !this.contact) this.contact = this.account
  }

  #set(key: 'name' | 'other' | 'rules' | 'contact' | 'cid' | 'fee' | 'days', field: Field) {
    return (e: Event) => {
      ;(this as unknown as Record<typeof key, string>)[key] = (e.target as HTMLInputElement).value
      if (this.errors[field]) this.errors = { ...this.errors, [field]: undefined }
    }
  }

  #submit(e: Event): void {
    e.preventDefault()
    if (this.busy) return
    const { mode, name, languages, other, rules, contact, cid, fee, days } = this
    const { errors, value } = checkProfileForm({ mode, name, languages, other, rules, contact, cid, fee, days })
    this.errors = errors
    if (!value) {
      const first = ORDER.find((f) => errors[f])
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-field=${first}]`)?.focus())
      return
    }
    this.dispatchEvent(
      new CustomEvent<ProfileSubmit>('profile-submit', { detail: value, bubbles: true, composed: true }),
    )
  }

  /** The attributes tying a control to its hint and error. */
  #error(field: Field) {
    const text = this.errors[field]
    return text ? html`<p class="error" id="${field}-error">${text()}</p>` : nothing
  }

  #described(field: Field, hint?: string): string | typeof nothing {
    const ids = [hint, this.errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ')
    return ids || nothing
  }

  #write() {
    const locale = getLocale()
    return html`<label for="name">${msg('Name', { id: 'profile.name' })}</label>
      <input
        id="name"
        data-field="name"
        maxlength=${TRUST_LIMITS.name}
        autocomplete="nickname"
        aria-invalid=${this.errors.name ? 'true' : 'false'}
        aria-describedby=${this.#described('name')}
        .value=${this.name}
        @input=${this.#set('name', 'name')}
      />
      ${this.#error('name')}
      <fieldset aria-describedby=${this.#described('languages')}>
        <legend>${msg('Languages you decide in', { id: 'profile.languages' })}</legend>
        <div class="choices">
          ${LANGUAGES.map(
            ([tag, label], i) =>
              html`<label class="check" lang=${tag}
                ><input
                  type="checkbox"
                  data-field=${i === 0 ? 'languages' : nothing}
                  .value=${tag}
                  .checked=${this.languages.includes(tag)}
                  aria-invalid=${this.errors.languages ? 'true' : 'false'}
                  @change=${(e: Event) => {
                    const on = (e.target as HTMLInputElement).checked
                    this.languages = on ? [...this.languages, tag] : this.languages.filter((l) => l !== tag)
                    this.errors = { ...this.errors, languages: undefined }
                  }}
                />${label}</label
              >`,
          )}
        </div>
        <label for="other">${msg('Other languages (tags such as vi, th)', { id: 'profile.other' })}</label>
        <input
          id="other"
          autocomplete="off"
          spellcheck="false"
          .value=${this.other}
          @input=${this.#set('other', 'languages')}
        />
        ${this.#error('languages')}
      </fieldset>
      <label for="rules">${msg('How you decide', { id: 'profile.rules' })}</label>
      <textarea
        id="rules"
        data-field="rules"
        maxlength=${TRUST_LIMITS.rules}
        aria-invalid=${this.errors.rules ? 'true' : 'false'}
        aria-describedby=${this.#described('rules', 'rules-hint')}
        .value=${this.rules}
        @input=${this.#set('rules', 'rules')}
      ></textarea>
      <p class="hint" id="rules-hint">
        ${msg('What evidence you ask for, when you refund, when you answer.', { id: 'profile.rules.hint' })}
        ${msg(str`${formatCount(this.rules.length, locale)} of ${formatCount(TRUST_LIMITS.rules, locale)} characters`, { id: 'rate.counter' })}
      </p>
      ${this.#error('rules')}
      <label for="contact">${msg('Address to message you at in Souk', { id: 'profile.contact' })}</label>
      <input
        id="contact"
        data-field="contact"
        autocomplete="off"
        spellcheck="false"
        placeholder="0x…"
        aria-invalid=${this.errors.contact ? 'true' : 'false'}
        aria-describedby=${this.#described('contact')}
        .value=${this.contact}
        @input=${this.#set('contact', 'contact')}
      />
      ${this.#error('contact')}`
  }

  override render() {
    const radio = (mode: 'write' | 'cid', label: string) =>
      html`<label class="check"
        ><input
          type="radio"
          name="mode"
          .value=${mode}
          .checked=${this.mode === mode}
          @change=${() => ((this.mode = mode), (this.errors = {}))}
        />${label}</label
      >`
    return html`<form @submit=${this.#submit} novalidate>
      <fieldset>
        <legend>${msg('Your profile', { id: 'profile.legend' })}</legend>
        ${radio('write', msg('Write my profile here', { id: 'profile.mode.write' }))}
        ${radio('cid', msg('I already have a profile CID', { id: 'profile.mode.cid' }))}
      </fieldset>
      ${
        this.mode === 'cid'
          ? html`<label for="cid">${msg('Profile CID', { id: 'profile.cid' })}</label>
              <input
                id="cid"
                data-field="cid"
                autocomplete="off"
                spellcheck="false"
                placeholder="bafyrei…"
                aria-invalid=${this.errors.cid ? 'true' : 'false'}
                aria-describedby=${this.#described('cid')}
                .value=${this.cid}
                @input=${this.#set('cid', 'cid')}
              />
              ${this.#error('cid')}`
          : this.#write()
      }
      <div class="row">
        <div>
          <label for="fee">${msg('Your minimum fee (% of the price)', { id: 'profile.fee' })}</label>
          <input
            id="fee"
            data-field="fee"
            inputmode="decimal"
            autocomplete="off"
            aria-invalid=${this.errors.fee ? 'true' : 'false'}
            aria-describedby=${this.#described('fee', 'fee-hint')}
            .value=${this.fee}
            @input=${this.#set('fee', 'fee')}
          />
          <p class="hint" id="fee-hint">
            ${msg('Listings naming you pay at least this, only when you decide. At most 10 %.', { id: 'profile.fee.hint' })}
          </p>
          ${this.#error('fee')}
        </div>
        <div>
          <label for="window">${msg('Your minimum time to decide (days)', { id: 'profile.window' })}</label>
          <input
            id="window"
            data-field="window"
            inputmode="decimal"
            autocomplete="off"
            aria-invalid=${this.errors.window ? 'true' : 'false'}
            aria-describedby=${this.#described('window', 'window-hint')}
            .value=${this.days}
            @input=${this.#set('days', 'window')}
          />
          <p class="hint" id="window-hint">
            ${msg('From 1 to 365 days. Not deciding in time refunds the buyer and is on your record.', { id: 'profile.window.hint' })}
          </p>
          ${this.#error('window')}
        </div>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <button
        class="primary submit"
        type="submit"
        data-action="register"
        ?disabled=${this.busy}
        aria-busy=${this.busy ? 'true' : 'false'}
      >
        ${
          this.busy
            ? msg('Confirm in your wallet…', { id: 'tx.confirm' })
            : this.initial.minFeeBps !== undefined
              ? msg('Save my new terms', { id: 'profile.submit.change' })
              : msg('Register as an arbiter', { id: 'profile.submit' })
        }
      </button>
    </form>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-arbiter-profile-form': SoukArbiterProfileForm
  }
}
