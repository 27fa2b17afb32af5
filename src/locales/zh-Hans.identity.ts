/**
 * Simplified Chinese for who you are across reloads (the remembered wallet and account) and for reaching people
 * who have not set up messaging yet (messages that wait, the offer to set up), issue #26; merged into ./zh-Hans.ts.
 */
import { str } from '@lit/localize'

export const identityTemplates: Record<string, string | ReturnType<typeof str>> = {
  'msg.state.waiting.seller': '等待卖家启用消息功能——对方启用后自动发送',
  'msg.state.waiting.buyer': '等待买家启用消息功能——对方启用后自动发送',
  'msg.state.waiting.arbiter': '等待仲裁人启用消息功能——对方启用后自动发送',
  'msg.state.waiting': str`等待 ${0} 启用消息功能——对方启用后自动发送`,
  'msg.state.expired': '未发送：对方未在期限内启用消息功能。',
  'msg.waitingFull': '已有太多消息在等待此人启用消息功能，这条未被保留。',
  'wallet.missing': str`上次在此使用的钱包 ${0}（${1}）现在不可用。Souk 不会自行换用其他账户：请打开或解锁 ${2}，或在下方选择一个钱包。`,
  'wallet.missing.short': '未找到钱包',
  'wallet.reconnecting': str`正在重新连接 ${0}…`,
  'offer.title': '在此设备上启用消息功能？',
  'offer.why.seller': '买家会想就你的商品联系你。',
  'offer.why.buyer': '卖家会想就这件商品联系你，你也可能需要联系卖家。',
  'offer.why.arbiter': '发生争议时，买家和卖家必须能联系到你。',
  'offer.how': '你的钱包签名一次，以证明该密钥属于你。这不收取任何费用，也不会发送交易。',
  'offer.declined': '钱包未签名。你可以稍后在“消息”中启用。',
  'offer.setup': '启用消息功能',
  'offer.later': '以后再说',
  'msg.waitingFullTotal': '此设备上已有太多消息在等待尚未启用消息功能的人，这条未被保留。',
}
