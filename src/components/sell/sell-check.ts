/**
 * The sell form's check, apart from its elements (souk-sell-view.ts, souk-sell-terms.ts): every field is checked
 * before anything is pinned or sent — photos, title, reserve, ships from, the arbiter set, the fee within the
 * chosen arbiters' terms, and the windows within the contract's limits (src/services/windows.ts). Each problem
 * is worded when shown (a language switch rewords it) and belongs to one field.
 */
import { msg, str } from '@lit/localize'
import type { Category, Condition } from '../../core/listing.ts'
import type { SellDraft } from '../../services/drafts.ts'
import { currencyOf, parseAmount } from '../../services/format.ts'
import type { ArbiterTrust } from '../../services/trust-types.ts'
import type { Currency, ListingDraft } from '../../services/types.ts'
import { DAY, MAX_WINDOW, MIN_DISPUTE_WINDOW, checkWindows, type WindowProblem } from '../../services/windows.ts'
import { MAX_ARBITERS, arbiterTerms } from '../trust/souk-arbiter-picker.ts'
import { duration, feePercent } from '../trust/trust-format.ts'

export type SellField =
  'photos' | 'title' | 'reserve' | 'from' | 'length' | 'reveal' | 'arbiters' | 'fee' | 'confirm' | 'dispute'

/** Form order: the first field with a problem takes the focus. */
export const SELL_FIELDS: readonly SellField[] = [
  'photos',
  'title',
  'reserve',
  'from',
  'length',
  'reveal',
  'arbiters',
  'fee',
  'confirm',
  'dispute',
]

export type SellErrors = Partial<Record<SellField, () => string>>

/** The form's default confirm and dispute windows: a week each (a dispute window at least the arbiters' minimum). */
export const DEFAULT_CONFIRM = 7 * DAY
export const DEFAULT_DISPUTE = 7 * DAY

const lower = (a: string): string => a.toLowerCase()

/** A new, empty draft: bidding and reveals of a day, the rest at the form's defaults. */
export function emptyDraft(): SellDraft {
  return {
    title: '',
    description: '',
    category: 'other',
    condition: 'good',
    currency: 'ETH',
    reserve: '',
    biddingSeconds: DAY,
    revealSeconds: DAY,
    shippingFrom: '',
    photos: [],
    updatedAt: 0,
  }
}

/**
 * Whether a saved draft holds something the seller wrote (words, a price, photos): only then is it worth
 * saying "Your draft was restored". Choices the form makes by itself (currency, arbiters, windows) are not.
 */
export function hasContent(d: SellDraft): boolean {
  return (
    d.title.trim() !== '' ||
    d.description.trim() !== '' ||
    d.reserve.trim() !== '' ||
    d.photos.length > 0 ||
    (d.images?.length ?? 0) > 0
  )
}

/** A draft saved before contracts v3 named one arbiter by address: it becomes the set's first choice. */
export function migrate(d: SellDraft): SellDraft {
  const { arbiter, ...rest } = d
  if (rest.arbiters || !arbiter || !/^0x[0-9a-fA-F]{40}$/.test(arbiter)) return rest
  return { ...rest, arbiters: [arbiter as `0x${string}`] }
}

/** The registered arbiters among `chosen` (in the draft's order). */
export function chosenArbiters(chosen: readonly string[], arbiters: readonly ArbiterTrust[]): ArbiterTrust[] {
  return chosen.flatMap((c) => arbiters.filter((a) => lower(a.address) === lower(c)))
}

/** What the draft's terms come to: the fee range and the shortest dispute window of its arbiters, and its windows. */
export function draftTerms(draft: SellDraft, arbiters: readonly ArbiterTrust[]) {
  const terms = arbiterTerms(chosenArbiters(draft.arbiters ?? [], arbiters))
  return {
    ...terms,
    /** The fee as shown: what was typed, or the chosen arbiters' minimum. */
    feeText: draft.feePercent ?? (terms.minFeeBps / 100).toString(),
    confirm: draft.confirmSeconds ?? DEFAULT_CONFIRM,
    dispute: draft.disputeSeconds ?? Math.min(MAX_WINDOW, Math.max(DEFAULT_DISPUTE, terms.minDisputeWindow)),
  }
}

function windowError(p: WindowProblem, arbitersAsk: boolean): () => string {
  if (p.reason === 'too-long') return () => msg(str`At most ${duration(p.max)}.`, { id: 'sell.err.windowLong' })
  if (p.kind === 'dispute' && arbitersAsk)
    return () =>
      msg(str`At least ${duration(p.min)}: the most time one of your arbiters asks for.`, {
        id: 'sell.err.disputeArbiters',
      })
  return () => msg(str`At least ${duration(p.min)}.`, { id: 'sell.err.windowShort' })
}

export interface SellContext {
  currencies: readonly Currency[]
  /** Every registered arbiter the chain knows; undefined while not read yet. */
  arbiters: readonly ArbiterTrust[] | undefined
  /** The connected account (the seller); undefined without a wallet. */
  seller: `0x${string}` | undefined
  /** The BCP 47 tag of the page's language (the listing's `language`). */
  language: string
}

/** Every field's problem, and the listing to publish when there is none. */
export function checkSell(draft: SellDraft, ctx: SellContext): { errors: SellErrors; value?: ListingDraft } {
  const errors: SellErrors = {}
  if (draft.photos.length + (draft.images?.length ?? 0) === 0)
    errors.photos = () => msg('Add at least one photo.', { id: 'sell.needPhoto' })
  if (!draft.title.trim()) errors.title = () => msg('Give your item a title.', { id: 'sell.needTitle' })
  const currency = currencyOf(draft.currency, ctx.currencies) ?? ctx.currencies[0]
  const reserve =
    draft.reserve.trim() === '' ? 0n : currency ? parseAmount(draft.reserve, currency.decimals) : undefined
  if (reserve === undefined || !currency)
    errors.reserve = draft.buyNow
      ? () => msg('Enter the price as a number, e.g. 0.5.', { id: 'sell.badPrice' })
      : () => msg('Enter the reserve as a number, e.g. 0.5.', { id: 'sell.badReserve' })
  else if (draft.buyNow && reserve === 0n)
    errors.reserve = () => msg('Enter the price buyers pay.', { id: 'sell.needPrice' })
  if (!draft.shippingFrom.trim()) errors.from = () => msg('Say where the item ships from.', { id: 'sell.needShipping' })
  if (!Number.isSafeInteger(draft.biddingSeconds) || draft.biddingSeconds < 60 || draft.biddingSeconds > MAX_WINDOW)
    errors.length = () => msg('Choose how long bidding lasts.', { id: 'sell.err.length' })

  const known = ctx.arbiters ?? []
  const picked = draft.arbiters ?? []
  const chosen = chosenArbiters(picked, known)
  const seller = ctx.seller && lower(ctx.seller)
  if (!ctx.arbiters)
    errors.arbiters = () =>
      msg('The registered arbiters could not be read yet; try again in a moment.', { id: 'sell.err.arbitersUnread' })
  else if (seller && picked.some((a) => lower(a) === seller))
    errors.arbiters = () => msg('You cannot be an arbiter of your own listing.', { id: 'sell.err.arbiterSelf' })
  else if (chosen.length !== picked.length || chosen.some((a) => !a.registered))
    errors.arbiters = () =>
      msg('An arbiter you chose is no longer registered; choose another.', { id: 'sell.err.arbiterGone' })
  else if (chosen.length === 0 || chosen.length > MAX_ARBITERS)
    errors.arbiters = () => msg('Choose 1 to 3 arbiters.', { id: 'sell.err.arbiterCount' })

  const terms = draftTerms(draft, chosen)
  const feeBps = parseAmount(terms.feeText, 2)
  if (feeBps === undefined || feeBps < BigInt(terms.minFeeBps) || feeBps > BigInt(terms.maxFeeBps)) {
    const [min, max] = [feePercent(terms.minFeeBps), feePercent(terms.maxFeeBps)]
    errors.fee =
      terms.minFeeBps > 0 && feeBps !== undefined && feeBps < BigInt(terms.minFeeBps)
        ? () =>
            msg(str`At least ${min}: the highest minimum fee of the arbiters you chose.`, {
              id: 'sell.err.feeBelow',
            })
        : () => msg(str`Enter a fee from ${min} to ${max}, e.g. 1.5.`, { id: 'sell.err.fee' })
  }

  const arbitersAsk = terms.minDisputeWindow > MIN_DISPUTE_WINDOW
  for (const p of checkWindows(
    { reveal: draft.revealSeconds, confirm: terms.confirm, dispute: terms.dispute },
    { arbiterMinDispute: terms.minDisputeWindow },
  ))
    errors[p.kind] = windowError(p, arbitersAsk)

  if (Object.keys(errors).length > 0 || reserve === undefined || !currency || feeBps === undefined) return { errors }
  return {
    errors,
    value: {
      title: draft.title.trim(),
      description: draft.description.trim(),
      category: draft.category as Category,
      condition: draft.condition as Condition,
      photos: draft.photos,
      ...(draft.images?.length ? { images: draft.images } : {}),
      ...(draft.buyNow ? { buyNow: true } : {}),
      reserve,
      currency: currency.id,
      biddingSeconds: draft.biddingSeconds,
      revealSeconds: draft.revealSeconds,
      arbiters: chosen.map((a) => a.address),
      arbiterFeeBps: Number(feeBps),
      confirmWindow: terms.confirm,
      disputeWindow: terms.dispute,
      shippingFrom: draft.shippingFrom.trim(),
      language: ctx.language,
    },
  }
}
