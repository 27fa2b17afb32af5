import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { shortAddress } from '../../services/address.ts'
import type { ArbiterTrust, TrustWarning } from '../../services/trust-types.ts'
import type { ListingWindows } from '../../services/windows.ts'
import { shared } from '../styles.ts'
import { duration } from './trust-format.ts'

/**
 * The warnings of `trustWarnings()` (src/services/trust-warnings.ts) in words: what the pattern is, and in one
 * sentence what the risk is. For a seller (`audience="seller"`, the sell form) it also explains the risk no
 * record removes: in a 2-of-3 escrow an arbiter could side with a buyer who pays it more than its fee.
 * Renders nothing for a buyer when there is no warning (unless `inherent` asks for the buyer's inherent risk).
 */
@customElement('souk-trust-warnings')
@localized()
export class SoukTrustWarnings extends LitElement {
  static override styles = [
    shared,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
      li {
        margin: 0;
      }
      li p {
        margin: 0.25rem 0 0;
      }
      /* the windows are joined phrases ("bidders have 1 hour…; after shipping…"): a sentence starts upper case */
      p[data-testid='windows']::first-letter {
        text-transform: uppercase;
      }
      .notice {
        margin: 0;
      }
      h3 {
        margin-top: 0;
      }
    `,
  ]

  @property({ attribute: false }) warnings: readonly TrustWarning[] = []
  /** The listing's arbiters, to call each by its profile's name. */
  @property({ attribute: false }) arbiters: readonly ArbiterTrust[] = []
  /** The listing's windows, to say them in words under `minimum-windows`. */
  @property({ attribute: false }) windows: ListingWindows | undefined
  /** `buyer` (listing page, dispute dialog) or `seller` (sell form: adds the risk inherent to 2-of-3 escrow). */
  @property() audience: 'buyer' | 'seller' = 'buyer'
  /** The heading; empty for none. */
  @property() heading: string | undefined
  /**
   * Also explain the risk no record removes, for a buyer (the listing page): the arbiter it picks decides
   * alone. The seller's version is always shown.
   */
  @property({ type: Boolean }) inherent = false

  #name(address: string | undefined): string {
    if (!address) return ''
    const a = this.arbiters.find((x) => x.address.toLowerCase() === address.toLowerCase())
    return a?.profile?.name ?? shortAddress(address)
  }

  #arbiterAge(address: string | undefined): ArbiterTrust | undefined {
    return this.arbiters.find((x) => x.address.toLowerCase() === address?.toLowerCase())
  }

  #windowsLine(w: TrustWarning): string {
    const win = this.windows
    if (!win) return ''
    const parts: string[] = []
    for (const kind of w.windows ?? []) {
      if (kind === 'reveal' && win.reveal !== undefined)
        parts.push(msg(str`bidders have ${duration(win.reveal)} to reveal their bids`, { id: 'warn.window.reveal' }))
      if (kind === 'confirm')
        parts.push(
          msg(str`after shipping, the buyer has ${duration(win.confirm)} to confirm or dispute`, {
            id: 'warn.window.confirm',
          }),
        )
      if (kind === 'dispute')
        parts.push(msg(str`the chosen arbiter has ${duration(win.dispute)} to decide`, { id: 'warn.window.dispute' }))
    }
    return parts.join(msg('; ', { id: 'warn.window.sep' }))
  }

  #item(w: TrustWarning) {
    const name = this.#name(w.about)
    let title: string
    let risk: string
    switch (w.kind) {
      case 'no-sales':
        title = msg('The seller has no completed sale yet.', { id: 'warn.noSales' })
        risk = msg(
          'There is no record to go by: a new address may be an honest newcomer or one made for a single sale.',
          { id: 'warn.noSales.risk' },
        )
        break
      case 'new-arbiter':
        title =
          this.#arbiterAge(w.about)?.registeredAt === 0
            ? msg(str`Arbiter ${name} was never registered and has decided no dispute.`, {
                id: 'warn.newArbiter.never',
              })
            : msg(str`Arbiter ${name} registered less than 30 days ago and has decided no dispute yet.`, {
                id: 'warn.newArbiter',
              })
        risk = msg(
          'Nobody knows yet how it decides: an arbiter made just before a sale may belong to one of the parties.',
          { id: 'warn.newArbiter.risk' },
        )
        break
      case 'dust-record':
        title = msg(str`Arbiter ${name}’s decided cases are tiny.`, { id: 'warn.dust' })
        risk = msg(
          'They average under about ten dollars each; cases that small cost almost nothing to stage between one’s own addresses, so its count proves little.',
          { id: 'warn.dust.risk' },
        )
        break
      case 'closed-circle':
        title = msg(str`Only this seller has ever named arbiter ${name}.`, { id: 'warn.circle' })
        risk = msg(
          'A seller and an arbiter that deal only with each other may be one person, who would decide a dispute for the seller; if you dispute, choose another arbiter of the set if there is one.',
          { id: 'warn.circle.risk' },
        )
        break
      default:
        title = msg('Some windows are as short as the contract allows.', { id: 'warn.windows' })
        risk = msg(
          'Miss one and you lose what it protects: a bid not revealed in time pays the penalty, and a shipped sale not disputed in time is paid to the seller.',
          { id: 'warn.windows.risk' },
        )
    }
    const detail = w.kind === 'minimum-windows' ? this.#windowsLine(w) : ''
    return html`<li class="notice" data-kind=${w.kind} data-about=${w.about ?? nothing}>
      <strong>${title}</strong>
      ${detail ? html`<p data-testid="windows">${detail}</p>` : nothing}
      <p>${risk}</p>
    </li>`
  }

  #buyerInherent() {
    return html`<li class="notice" data-kind="inherent">
      <strong>${msg('The arbiter you choose decides alone.', { id: 'warn.inherent.buyer' })}</strong>
      <p>
        ${msg(
          'In a 2-of-3 escrow, if you dispute, the arbiter you pick from the seller’s list decides alone: one that colludes with the seller could release your money for an item you never got. No record rules this out; if you dispute, pick the arbiter whose record you trust. With a single arbiter on the list, the seller made that choice for you.',
          { id: 'warn.inherent.buyer.risk' },
        )}
      </p>
    </li>`
  }

  override render() {
    const seller = this.audience === 'seller'
    if (!seller && !this.inherent && this.warnings.length === 0) return nothing
    const heading = this.heading ?? msg('Before you trust this listing', { id: 'warn.heading' })
    return html`<section aria-label=${heading || nothing}>
      ${heading ? html`<h3>${heading}</h3>` : nothing}
      <ul>
        ${this.warnings.map((w) => this.#item(w))}
        ${
          seller
            ? html`<li class="notice" data-kind="inherent">
                <strong>${msg('An arbiter could side with the buyer.', { id: 'warn.inherent' })}</strong>
                <p>
                  ${msg(
                    'In a 2-of-3 escrow the arbiter the buyer picks decides alone: one that colludes with the buyer, or takes more from them than its fee, can refund a sale you shipped. No record rules this out; name only arbiters whose record you trust.',
                    { id: 'warn.inherent.risk' },
                  )}
                </p>
              </li>`
            : this.inherent
              ? this.#buyerInherent()
              : nothing
        }
      </ul>
    </section>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-trust-warnings': SoukTrustWarnings
  }
}
