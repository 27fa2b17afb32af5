import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { localized, msg, str } from '@lit/localize'
import { shortAddress } from '../../services/address.ts'
import type { ArbiterTrust } from '../../services/trust-types.ts'
import { decidedCases } from '../../services/trust-warnings.ts'
import { href } from '../routes.ts'
import { shared } from '../styles.ts'
import {
  amounts,
  duration,
  feePercent,
  formatDate,
  languageName,
  listOf,
  ratingsLine,
  trustCard,
} from './trust-format.ts'

/**
 * One arbiter as a buyer or seller checks it: its registered terms (minimum fee, the least time it gives
 * itself to decide), its record (cases, outcomes, value decided, age since registration, cases it let time
 * out), its profile (name, languages, rules, a link to message it in Souk) and whether this deployment
 * recommends it. Used on the listing page, in the sell form's picker and in the dispute dialog.
 *
 * `compact` leaves out the value decided, the listings that named it and its rules (a picker row).
 */
@customElement('souk-arbiter-record')
@localized()
export class SoukArbiterRecord extends LitElement {
  static override styles = [
    shared,
    trustCard,
    css`
      .head {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.25rem 0.5rem;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      dl.terms {
        margin-top: 0.4rem;
        font-size: 0.95rem;
      }
      .rules {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0.35rem 0 0;
      }
      summary {
        cursor: pointer;
        padding: 0.6rem 0;
      }
      .message {
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
      }
    `,
  ]

  @property({ attribute: false }) arbiter: ArbiterTrust | undefined
  /** The chain's clock (unix seconds), for the arbiter's age. */
  @property({ type: Number }) now = Math.floor(Date.now() / 1000)
  /** The listing the conversation is about, added to the message link. */
  @property({ attribute: 'listing-id' }) listingId: string | undefined
  @property({ type: Boolean, reflect: true }) compact = false

  #age(a: ArbiterTrust): string {
    if (a.registeredAt === 0) return msg('Never registered', { id: 'arbiterRec.neverRegistered' })
    const age = Math.max(0, this.now - a.registeredAt)
    if (age < 86_400) return msg('Today', { id: 'arbiterRec.today' })
    return msg(str`${duration(age, 1)} ago (${formatDate(a.registeredAt)})`, { id: 'arbiterRec.ago' })
  }

  #outcomes(a: ArbiterTrust): string {
    return msg(
      str`${a.decidedForBuyer} for the buyer · ${a.decidedForSeller} for the seller · ${a.decidedSplit} split`,
      { id: 'arbiterRec.outcomes' },
    )
  }

  override render() {
    const a = this.arbiter
    if (!a) return nothing
    const p = a.profile
    const contact = p?.contact ?? a.address
    return html`<article class="card" aria-labelledby="name" data-address=${a.address}>
      <div class="head">
        <span class="name" id="name"
          >${p?.name ?? msg(str`Arbiter ${shortAddress(a.address)}`, { id: 'arbiterRec.unnamed' })}</span
        >
        ${
          a.recommended
            ? html`<span class="badge" data-testid="recommended"
                >${msg('Recommended by this marketplace', { id: 'arbiterRec.recommended' })}</span
              >`
            : nothing
        }
      </div>
      <code>${a.address}</code>
      ${
        a.registered
          ? nothing
          : html`<p class="notice" data-testid="unregistered">
              ${msg('It no longer accepts new listings (it still decides the ones that named it).', { id: 'arbiterRec.unregistered' })}
            </p>`
      }
      <dl class="terms">
        <dt>${msg('Fee', { id: 'arbiterRec.fee' })}</dt>
        <dd data-testid="min-fee">
          ${
            a.minFeeBps === 0
              ? msg('no minimum; paid only if it decides', { id: 'arbiterRec.fee.none' })
              : msg(str`at least ${feePercent(a.minFeeBps)} of the price, only if it decides`, {
                  id: 'arbiterRec.fee.value',
                })
          }
        </dd>
        <dt>${msg('Time to decide', { id: 'arbiterRec.window' })}</dt>
        <dd data-testid="min-window">
          ${msg(str`at least ${duration(a.minDisputeWindow)}`, { id: 'arbiterRec.window.value' })}
        </dd>
        <dt>${msg('Registered', { id: 'arbiterRec.registered' })}</dt>
        <dd data-testid="age">${this.#age(a)}</dd>
        <dt>${msg('Disputes', { id: 'arbiterRec.disputes' })}</dt>
        <dd data-testid="cases">
          ${msg(str`${a.disputes} received, ${decidedCases(a)} decided`, { id: 'arbiterRec.cases' })}
          ${decidedCases(a) > 0 ? html`<br /><span class="muted" data-testid="outcomes">${this.#outcomes(a)}</span>` : nothing}
        </dd>
        <dt>${msg('Not decided in time', { id: 'arbiter.timedOut' })}</dt>
        <dd data-testid="timed-out">${a.timedOut}</dd>
        ${
          this.compact
            ? nothing
            : html`<dt>${msg('Settled by the parties', { id: 'arbiter.settled' })}</dt>
                <dd>${a.settledByParties}</dd>
                <dt>${msg('Value decided', { id: 'arbiterRec.value' })}</dt>
                <dd data-testid="value-decided">${amounts(a.valueDecided)}</dd>
                <dt>${msg('Listings naming it', { id: 'arbiterRec.listings' })}</dt>
                <dd>${a.listings}</dd>
                <dt>${msg('Sellers naming it', { id: 'arbiterRec.sellers' })}</dt>
                <dd>${a.sellers}</dd>`
        }
        <dt>${msg('Ratings', { id: 'arbiterRec.ratings' })}</dt>
        <dd data-testid="arbiter-ratings">${ratingsLine(a.ratings)}</dd>
        ${
          p
            ? html`<dt>${msg('Languages', { id: 'arbiterRec.languages' })}</dt>
                <dd data-testid="languages">${listOf(p.languages.map(languageName))}</dd>`
            : nothing
        }
      </dl>
      ${
        p
          ? this.compact
            ? nothing
            : html`<details data-testid="rules">
                <summary>${msg('How it decides', { id: 'arbiterRec.rules' })}</summary>
                <p class="rules">${p.rules}</p>
              </details>`
          : html`<p class="muted" data-testid="no-profile">
              ${
                a.metadataCid
                  ? msg('Its profile could not be read yet.', { id: 'arbiterRec.profile.unread' })
                  : msg('It has published no profile.', { id: 'arbiterRec.profile.none' })
              }
            </p>`
      }
      <a class="message" data-testid="message" href=${href(`/messages/${contact}`, { listing: this.listingId })}
        >${msg('Message this arbiter', { id: 'arbiterRec.message' })}</a
      >
    </article>`
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'souk-arbiter-record': SoukArbiterRecord
  }
}
