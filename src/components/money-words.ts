/**
 * What a money-moving action will do, in words and with the contract's own figures (docs/contracts.md,
 * "Protocol fee" and "Arbiter fee"): who receives how much, which fees are taken and when. The confirm sheet
 * (`<souk-confirm-sheet>`) shows these before the wallet is asked; the wording is worded at call time, so a
 * language switch rewords it.
 */
import { msg, str } from '@lit/localize'
import { getLocale } from '../i18n.ts'
import { formatAmount, shortAddress } from '../services/format.ts'
import type { Currency } from '../services/types.ts'

/** The contract's fee on `amount` in basis points, rounded down as the contract does. */
export function bpsOf(amount: bigint, bps: number): bigint {
  return (amount * BigInt(bps)) / 10_000n
}

const pct = (bps: number): string => `${(bps / 100).toLocaleString(getLocale() === 'zh-Hans' ? 'zh-CN' : 'en')} %`

export interface MoneyWords {
  title: string
  /** One sentence each: what happens to the money, in order. */
  lines: string[]
  /** The confirm button's label. */
  confirm: string
}

type Amounts = { price: bigint; currency: Currency; protocolFeeBps: number }

/** A buy-now purchase: the price leaves the buyer's wallet into the escrow now. */
export function buyWords(p: Amounts & { arbiterFeeBps: number }): MoneyWords {
  const f = (a: bigint): string => formatAmount(a, p.currency, getLocale())
  const marketFee = bpsOf(p.price, p.protocolFeeBps)
  return {
    title: msg('Buy this item?', { id: 'money.buy.title' }),
    lines: [
      msg(str`You pay ${f(p.price)} now, from your wallet into the escrow.`, { id: 'money.buy.pay' }),
      msg(
        str`When you confirm receipt the seller receives ${f(p.price - marketFee)}: the price less the market fee of ${f(marketFee)} (${pct(p.protocolFeeBps)}).`,
        { id: 'money.buy.release' },
      ),
      msg(
        str`If something goes wrong you can open a dispute; the arbiter you choose takes ${pct(p.arbiterFeeBps)} of the price (${f(bpsOf(p.price, p.arbiterFeeBps))}) only if it decides.`,
        { id: 'money.buy.dispute' },
      ),
    ],
    confirm: msg(str`Pay ${f(p.price)}`, { id: 'money.buy.confirm' }),
  }
}

/** The buyer confirms receipt: the escrow releases the price to the seller, less the market fee. */
export function confirmWords(p: Amounts & { seller: `0x${string}` }): MoneyWords {
  const f = (a: bigint): string => formatAmount(a, p.currency, getLocale())
  const marketFee = bpsOf(p.price, p.protocolFeeBps)
  return {
    title: msg('Confirm that you received the item?', { id: 'money.confirm.title' }),
    lines: [
      msg(
        str`The seller (${shortAddress(p.seller)}) receives ${f(p.price - marketFee)} of the ${f(p.price)} held in the escrow; the market fee is ${f(marketFee)} (${pct(p.protocolFeeBps)}). No arbiter fee.`,
        { id: 'money.confirm.release' },
      ),
      msg('This is final: you can no longer open a dispute.', { id: 'money.confirm.final' }),
    ],
    confirm: msg(str`Release ${f(p.price)} to the seller`, { id: 'money.confirm.confirm' }),
  }
}

/** The arbiter's decision: its fee first, the market fee on the rest, `toBuyer` to the buyer, the rest to the seller. */
export function resolveWords(p: Amounts & { arbiterFeeBps: number; toBuyer: bigint }): MoneyWords {
  const f = (a: bigint): string => formatAmount(a, p.currency, getLocale())
  const fee = bpsOf(p.price, p.arbiterFeeBps)
  const marketFee = bpsOf(p.price - fee, p.protocolFeeBps)
  const toSeller = p.price - fee - marketFee - p.toBuyer
  return {
    title: msg('Record this decision?', { id: 'money.resolve.title' }),
    lines: [
      msg(str`The buyer receives ${f(p.toBuyer)}.`, { id: 'money.resolve.buyer' }),
      msg(str`The seller receives ${f(toSeller)}.`, { id: 'money.resolve.seller' }),
      msg(
        str`You receive your fee of ${f(fee)} (${pct(p.arbiterFeeBps)}); the market fee is ${f(marketFee)} (${pct(p.protocolFeeBps)} of the price after your fee).`,
        { id: 'money.resolve.fees' },
      ),
      msg('This is final: the escrow closes.', { id: 'money.resolve.final' }),
    ],
    confirm: msg('Record the decision', { id: 'money.resolve.confirm' }),
  }
}

/** Withdrawing what the market holds for the account, every currency. */
export function withdrawWords(p: {
  owed: readonly { amount: bigint; currency: Currency }[]
  to: `0x${string}`
}): MoneyWords {
  const total = p.owed.map((o) => formatAmount(o.amount, o.currency, getLocale())).join(' + ')
  const n = p.owed.length
  return {
    title: msg('Withdraw everything?', { id: 'money.withdraw.title' }),
    lines: [
      msg(str`${total} goes from the market to your wallet ${shortAddress(p.to)}. No fee is taken.`, {
        id: 'money.withdraw.to',
      }),
      n === 1
        ? msg('Your wallet asks you to approve one transaction.', { id: 'money.withdraw.one' })
        : msg(str`Your wallet asks you to approve ${n} transactions, one for each currency.`, {
            id: 'money.withdraw.many',
          }),
    ],
    confirm: msg(str`Withdraw ${total}`, { id: 'money.withdraw.confirm' }),
  }
}

/** The seller withdraws a listing that has no bid. */
export function cancelWords(): MoneyWords {
  return {
    title: msg('Cancel this listing?', { id: 'money.cancel.title' }),
    lines: [
      msg('Nobody will be able to bid on it or buy it, and it leaves the catalog. No money moves.', {
        id: 'money.cancel.what',
      }),
      msg('This cannot be undone; you can relist the item afterwards.', { id: 'money.cancel.final' }),
    ],
    confirm: msg('Cancel the listing', { id: 'money.cancel.confirm' }),
  }
}

/** The seller refunds the buyer: the whole price back, no fee of any kind. */
export function refundWords(p: { price: bigint; currency: Currency; buyer: `0x${string}` }): MoneyWords {
  const f = (a: bigint): string => formatAmount(a, p.currency, getLocale())
  return {
    title: msg('Refund the buyer?', { id: 'money.refund.title' }),
    lines: [
      msg(str`The buyer (${shortAddress(p.buyer)}) receives the whole price, ${f(p.price)}, back. No fees are taken.`, {
        id: 'money.refund.what',
      }),
      msg('This is final: you are not paid for this sale.', { id: 'money.refund.final' }),
    ],
    confirm: msg(str`Refund ${f(p.price)}`, { id: 'money.refund.confirm' }),
  }
}
