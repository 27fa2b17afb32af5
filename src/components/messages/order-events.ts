import { msg, str } from '@lit/localize'
import { shortAddress } from '../../services/format.ts'
import type { OrderEvent } from '../../services/types.ts'

/** One order update as the conversation shows it (en / zh via `msg`). */
export function orderEventLabel(e: OrderEvent): string {
  switch (e.kind) {
    case 'won':
      return msg(str`Auction won by ${shortAddress(e.account ?? '')}; payment held in escrow`, { id: 'order.won' })
    case 'bought':
      return msg(str`Bought by ${shortAddress(e.account ?? '')}; payment held in escrow`, { id: 'order.bought' })
    case 'shipped':
      return msg('The seller marked the order shipped', { id: 'order.shipped' })
    case 'disputed':
      return msg(str`Disputed by ${shortAddress(e.account ?? '')}; the arbiter decides`, { id: 'order.disputed' })
    case 'released':
      return msg('Receipt confirmed: payment released to the seller', { id: 'order.released' })
    case 'refunded':
      return msg('Refunded to the buyer', { id: 'order.refunded' })
    case 'split':
      return msg('The arbiter split the payment', { id: 'order.split' })
  }
}
