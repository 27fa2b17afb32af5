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
  'msg.waitingFullTotal': '此设备上已有太多消息在等待尚未启用消息功能的人，这条未被保留。',
}
