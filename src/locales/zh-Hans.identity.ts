/**
 * Simplified Chinese for who you are across reloads (the remembered wallet and account) and for reaching people
 * who have not set up messaging yet (messages that wait, the offer to set up), issue #26; merged into ./zh-Hans.ts.
 */
import { str } from '@lit/localize'

export const identityTemplates: Record<string, string | ReturnType<typeof str>> = {
  'msg.state.waiting.seller': '等待卖家启用消息功能 — 对方启用后自动发送',
  'msg.state.waiting.buyer': '等待买家启用消息功能 — 对方启用后自动发送',
  'msg.state.waiting.arbiter': '等待仲裁人启用消息功能 — 对方启用后自动发送',
  'msg.state.waiting': str`等待 ${0} 启用消息功能 — 对方启用后自动发送`,
  'msg.state.expired': '未发送：对方未在期限内启用消息功能。',
  'msg.waitingFull': '已有太多消息在等待此人启用消息功能，这条未被保留。',
  'wallet.missing':
    str`上次在此使用的钱包 ${0}（${1}）现在不可用。Souk 不会自行换用其他账户：请打开或解锁 ${2}，或在下方选择一个钱包。`,
  'wallet.missing.short': '未找到钱包',
  'wallet.reconnecting': str`正在重新连接 ${0}…`,
  'msg.waitingFullTotal': '此设备上已有太多消息在等待尚未启用消息功能的人，这条未被保留。',
}
