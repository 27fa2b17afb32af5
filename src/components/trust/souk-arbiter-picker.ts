import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { shortAddress } from '../../services/address.ts'
import type { ArbiterTrust } from '../../services/trust-types.ts'
import { decidedCases } from '../../services/trust-warnings.ts'
import { MIN_DISPUTE_WINDOW } from '../../services/windows.ts'
import { shared } from '../styles.ts'
import { MAX_ARBITER_FEE_BPS, duration, feePercent } from './trust-format.ts'
import './souk-arbiter-record.ts'

/** The most arbiters a listing may name (the contract's MAX_ARBITERS). */
export const MAX_ARBITERS = 3

export interface ArbitersChange {
  /** The chosen arbiters, in the order shown (recommended first). */
  arbiters: `0x${string}`[]
  /** The smallest fee the listing may pay: the largest `minFeeBps` of the chosen arbiters. */
  minFeeBps: number
  /** The largest fee any listing may pay (10 %). */
  maxFeeBps: number
  /** The shortest dispute window the listing may give: the contract's minimum or the chosen arbiters' largest. */
  minDisputeWindow: number
}

/** The terms a listing naming `chosen` must meet (every chosen arbiter's, and the contract's). */
export function arbiterTerms(chosen: readonly Pick<ArbiterTrust, 'minFeeBps' | 'minDisputeWindow'>[]) {
  return {
    minFeeBps: Math.max(0, ...chosen.map((a) => a.minFeeBps)),
    maxFeeBps: MAX_ARBITER_FEE_BPS,
    minDisputeWindow: Math.max(MIN_DISPUTE_WINDOW, ...chosen.map((a) => a.minDisputeWindow)),
  }
}

/** The picker's order: recommended first, then more decided cases, then registered earlier. */
export function pickerOrder(arbiters: readonly ArbiterTrust[]): ArbiterTrust[] {
  return [...arbiters].sort(
    (a, b) =>
      Number(b.recommended) - Number(a.recommended) ||
      decidedCases(b) - decidedCases(a) ||
      a.registeredAt - b.registeredAt,
  )
}

const lower = (a: string): string => a.toLowerCase()

/**
 * The sell form's arbiters: every registered arbiter (not the seller), recommended ones first and chosen
 * from the start, 1 to 3 to choose, each with its terms and record; below, the fee range and the shortest
 * dispute window the chosen ones allow.
 *
 * @fires arbiters-change - detail `ArbitersChange`, after every change, including the first preselection
 */
@customElement('souk-arbiter-picker')
@localized()
export class SoukArbiterPicker extends LitElement {
  static override styles = [
    shared,
    css`
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        padding: 0;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.6rem;
      }
      .pick {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        min-height: 2.75rem;
        margin: 0;
        font-weight: 600;
        cursor: pointer;
      }
      .pick input {
        width: 1.4rem;
        height: 1.4rem;
        margin: 0;
        flex: none;
      }
      li[data-chosen] {
        outline: 2px solid var(--souk-accent, #0f5c4d);
        outline-offset: 2px;
        border-radius: 0.5rem;
      }
      .summary {
        border-inline-start-color: var(--souk-accent, #0f5c4d);
      }
    `,
  ]

  /** Every arbiter the chain knows (unregistered ones and the seller are not offered). */
  @property({ attribute: false }) arbiters: readonly ArbiterTrust[] = []
  /** The seller (the contract refuses a seller as its own arbiter). */
  @property({ attribute: false }) seller: `0x${string}` | undefined
  /** The chain's clock (unix seconds). */
  @property({ type: Number }) now = Math.floor(Date.now() / 1000)
  /** The choice to start from (a restored draft); when unset, the recommended arbiters are chosen. */
  @property({ attribute: false }) selected: readonly `0x${string}`[] | undefined

  @state() private chosen: string[] = []
  #initialized = false

  /** The arbiters offered, in order. */
  get offered(): ArbiterTrust[] {
    const seller = this.seller && lower(this.seller)
    return pickerOrder(this.arbiters.filter((a) => a.registered && lower(a.address) !== seller))
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('selected') && this.selected) {
      this.chosen = this.selected.map(lower).slice(0, MAX_ARBITERS)
      this.#initialized = true
    } else if (!this.#initialized && this.arbiters.length > 0) {
      this.chosen = this.offered
        .filter((a) => a.recommended)
        .slice(0, MAX_ARBITERS)
        .map((a) => lower(a.address))
      this.#initialized = true
    }
    // drop a choice that is no longer offered (unregistered, or the seller)
    if (changed.has('arbiters') || changed.has('seller') || changed.has('selected')) {
      const offered = new Set(this.offered.map((a) => lower(a.address)))
      if (this.arbiters.length > 0) this.chosen = this.chosen.filter((c) => offered.has(c))
    }
  }

  override updated(changed: PropertyValues): void {
    if (changed.has('chosen') && this.#initialized) this.#fire()
  }

  /** The current choice and its terms (what `arbiters-change` carries). */
  get value(): ArbitersChange {
    const chosen = this.offered.filter((a) => this.chosen.includes(lower(a.address)))
    return { arbiters: chosen.map((a) => a.address), ...arbiterTerms(chosen) }
  }

  #fire(): void {
    this.dispatchEvent(
      new CustomEvent<ArbitersChange>('arbiters-change', { detail: this.value, bubbles: true, composed: true }),
    )
  }

  #toggle(address: string, on: boolean): void {
    const a = lower(address)
    if (on && !this.chosen.includes(a) && this.chosen.length < MAX_ARBITERS) this.chosen = [...this.chosen, a]
    else if (!on) this.chosen = this.chosen.filter((c) => c !== a)
  }

  #summary() {
    const v = this.value
    if (v.arbiters.length === 0)
      return html`<p class="error" data-testid="none-chosen">
        ${msg('Choose at least one arbiter.', { id: 'picker.none' })}
      </p>`
    return html`<p data-testid="fee-range">
        ${msg(str`Your fee to the arbiter: from ${feePercent(v.minFeeBps)} to ${feePercent(v.maxFeeBps)} of the price.`, { id: 'picker.feeRange' })}
      </p>
      <p data-testid="min-window">
        ${msg(str`The dispute window: at least ${duration(v.minDisputeWindow)}.`, { id: 'picker.minWindow' })}
      </p>`
  }

  override render() {
    const offered = this.offered
    const full = this.chosen.length >= MAX_ARBITERS
    return html`<fieldset aria-describedby="picker-hint">
      <legend>${msg('Arbiters (choose 1 to 3)', { id: 'picker.legend' })}</legend>
      <p class="hint" id="picker-hint">
        ${msg(
          'If the buyer opens a dispute, the buyer chooses one of them to decide. Your listing must pay at least the fee each one asks and give it at least the time it asks.',
          { id: 'picker.hint' },
        )}
      </p>
      ${
        offered.length === 0
          ? html`<p class="notice" data-testid="no-arbiters">
              ${msg('No arbiter is registered on this market yet.', { id: 'picker.empty' })}
            </p>`
          : html`<ul>
              ${offered.map((a) => {
                const on = this.chosen.includes(lower(a.address))
                const name = a.profile?.name ?? shortAddress(a.address)
                return html`<li data-address=${a.address} ?data-chosen=${on}>
                  <label class="pick">
                    <input
                      type="checkbox"
                      .checked=${on}
                      ?disabled=${!on && full}
                      @change=${(e: Event) => this.#toggle(a.address, (e.target as HTMLInputElement).checked)}
                    />
                    ${msg(str`Choose ${name}`, { id: 'dispute.choose' })}
                  </label>
                  <souk-arbiter-record compact .arbiter=${a} .now=${this.now}></souk-arbiter-record>
                </li>`
              })}
            </ul>`
      }
      ${full ? html`<p class="hint" data-testid="full">${msg('Three arbiters chosen: the most a listing can name.', { id: 'picker.full' })}</p>` : nothing}
      <div class="notice summary" role="status">${this.#summary()}</div>
    </fieldset>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-arbiter-picker': SoukArbiterPicker
  }
}
