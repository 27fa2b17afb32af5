/** Simplified Chinese for the sell form's terms and the arbiter's desk (contracts v3, issue #25), merged into ./zh-Hans.ts. */
import { str } from '@lit/localize'

export const sellTemplates: Record<string, string | ReturnType<typeof str>> = {
  'sell.cover': '封面',
  'sell.makeCover': '设为封面',
  'sell.terms': '交易条款',
  'sell.reveal.words': str`竞价结束后，出价人有 ${0}的时间揭示出价；未按时揭示的出价将扣除押金的 1%。`,
  'sell.arbiters.loading': '正在读取已注册的仲裁人…',
  'sell.fee': '仲裁人费用（价格的百分比）',
  'sell.fee.paid': '须在上方的范围内。只有裁决争议的仲裁人才能收取，从货款中支付；没有争议则不收取。',
  'sell.confirm': '买家确认期限',
  'sell.confirm.words': str`你发货后，买家有 ${0}的时间确认收货或发起争议；如果两者都没有，你可以领取货款。`,
  'sell.dispute': '仲裁人裁决期限',
  'sell.dispute.words': str`如果买家发起争议，其选择的仲裁人有 ${0}的时间裁决；未按时裁决则退款给买家。`,
  'sell.problems.one': '请检查上面标出的字段。',
  'sell.problems': str`请检查上面标出的 ${0} 个字段。`,
  'sell.err.windowLong': str`最长 ${0}。`,
  'sell.err.windowShort': str`至少 ${0}。`,
  'sell.err.disputeArbiters': str`至少 ${0}：你所选仲裁人中要求最长的时间。`,
  'sell.err.length': '请选择竞价时长。',
  'sell.err.arbitersUnread': '尚未读取到已注册的仲裁人，请稍后再试。',
  'sell.err.arbiterSelf': '你不能担任自己商品的仲裁人。',
  'sell.err.arbiterGone': '你选择的某位仲裁人已不再注册，请另选一位。',
  'sell.err.arbiterCount': '请选择 1 到 3 位仲裁人。',
  'sell.err.feeBelow': str`至少 ${0}：你所选仲裁人中最高的最低费用。`,
  'sell.err.fee': str`请输入 ${0} 到 ${1} 之间的费用，例如 1.5。`,

  'arbiterDesk.intro':
    '仲裁人裁决买卖双方的争议，仅在作出裁决时获得商品指定的费用。你的公开资料告诉买家和卖家你是谁、如何裁决；它保存在中继节点上，其 CID 与你的条款一起登记在链上。',
  'arbiterDesk.noDocs': '保存公开资料需要点对点网络，目前尚不可用。你可以登记一个你自己保存的资料 CID。',
  'arbiterDesk.registered': '你的条款已上链：卖家现在可以指定你为仲裁人。',
  'arbiterDesk.pinFailed': '没有足够的中继节点保存你的公开资料。请检查网络连接后重试。',
  'arbiterDesk.step.pin': '将你的公开资料保存到中继节点',
  'arbiterDesk.step.register': '在链上登记（请在钱包中确认）',
  'arbiterDesk.cases': '案件',
  'profile.submit.change': '保存我的新条款',
  // a trust document the relays did not store (chain-error.ts)
  'err.pin.document': '没有足够的中继保存该文档。请检查网络连接后重试。',
}
