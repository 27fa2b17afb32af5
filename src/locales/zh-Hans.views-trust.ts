/** Simplified Chinese for trust in the views (issue #25): the listing page's trust section, the cards' seller line, the seller page. */
import { str } from '@lit/localize'

export const viewsTrustTemplates: Record<string, string | ReturnType<typeof str>> = {
  'trust.sales.none': '暂无成交',
  'warn.inherent.buyer': '你选择的仲裁人独自裁决。',
  'warn.inherent.buyer.risk':
    '在三方托管中，如果你发起争议，你从卖家名单中选出的仲裁人独自裁决：与卖家串通的仲裁人可能把你的钱放给卖家，即使你从未收到物品。任何记录都无法排除这种可能；发起争议时，请选择你信任其记录的仲裁人。名单上只有一位仲裁人时，等于卖家替你做了选择。',

  'ltrust.heading': '你将信任的人',
  'ltrust.intro': '以下内容来自市场在链上的记录：卖家和仲裁人做过什么，以及每一步给你多少时间。',
  'ltrust.windows': '行动时限',
  'ltrust.saleEnd': '在售截止',
  'ltrust.biddingEnd': '出价截止',
  'ltrust.in': str`还有 ${0}`,
  'ltrust.ended': '已结束',
  'ltrust.reveal': '出价截止后，每位出价人需回来公开自己的密封出价；未按时公开的出价将被扣除押金的 1%。',
  'ltrust.confirmLabel': '确认时限',
  'ltrust.confirm': '卖家标记发货后，买家须在此期限内确认收货或发起争议；期限过后卖家即可领取货款。',
  'ltrust.disputeLabel': '争议时限',
  'ltrust.dispute': '买家选定的仲裁人须在此期限内裁决争议；逾期未裁决，买家取回货款。',
  'ltrust.error': '无法从链上读取记录。',
  'ltrust.retry': '重试',
  'ltrust.loading': '正在从链上读取卖家和仲裁人的记录…',
  'ltrust.warnings': '出价之前',
  'ltrust.sellerPage': '卖家主页：评价与在售商品',
  'ltrust.arbiter.one': '仲裁人：买家发起争议时由其裁决',
  'ltrust.arbiters': str`${0} 位仲裁人：买家发起争议时从中选择一位`,
  'ltrust.chosen': '买家为本次争议选定的仲裁人',

  'seller.title': str`${0} 的交易记录`,
  'seller.you': '这是你自己。',
  'seller.message': '发送消息',
  'seller.summaryError': '无法从链上读取交易记录。',
  'seller.ratings': '评分与评价',
  'seller.ratingsHint': '只有已结束托管的另一方可以评分，且只能评一次；评分的权重是该笔交易支付的手续费。',
  'seller.ratingsError': '无法从链上读取评分。',
  'seller.ratingsLoading': '正在读取评分…',
  'seller.onSale': '正在出售',
  'seller.noneOnSale': '目前没有在售商品。',
  'seller.catalogError': '无法搜索商品目录。',
  'seller.history': '链上的全部商品及其状态',
}
