/** Simplified Chinese for what the views say about bids and outcomes (issue #26: 3, 6, 7), merged into ./zh-Hans.ts. */
import { str } from '@lit/localize'

export const truthTemplates: Record<string, string | ReturnType<typeof str>> = {
  'bids.count.one': str`${0} 个密封出价`,
  'bids.count.other': str`${0} 个密封出价`,
  'bids.wonChange': str`你已中标——成交价已进入托管；押金余下的 ${0} 已记入你的余额，可以取回`,
  'bids.won': '你已中标——成交价已进入托管',
  'bids.lost': '你未中标——请取回押金',
  'bids.lostReturned': '你未中标——押金已退回',
  'bids.noSale': '未成交：没有出价达到底价——请取回押金',
  'bids.noSaleReturned': '未成交：没有出价达到底价——押金已退回',
  'bids.withdrawnPlain': '押金已退回你的钱包。',
  'bids.reminder.one': '有 1 个出价等待揭示。未按时揭示的出价无法中标。',
  'sales.counts.one': str`1 件商品 · ${0} 件在售 · ${1} 件已售 · ${2} 件已结款`,
  'sales.soldFor': str`成交价 ${0}`,
  'sales.reserve': str`底价 ${0}`,
  'arbiterDesk.decided': '已结案',
  'arbiter.noDecided': '还没有已结案的案件。',
  'card.soldFor': str`成交价 ${0}`,
  'card.noSale': '未成交',
  'bid.mixedMarks': '请只用一种小数点，不要用千位分隔符，例如 1000.5 或 1000,5。',
  'bid.tooPrecise': str`最多 ${0} 位小数。`,
  'bid.belowReserve': str`低于底价 ${0}：这样的出价无法中标，取回押金时还要扣罚金。`,
  'bid.depositBelowReserve': str`押金不能低于底价 ${0}。`,
}
