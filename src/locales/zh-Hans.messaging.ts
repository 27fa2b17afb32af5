/** Simplified Chinese for the messages view, conversations and header badge (#13), merged into ./zh-Hans.ts. */
import { str } from '@lit/localize'

export const messagingTemplates: Record<string, string | ReturnType<typeof str>> = {
  'msg.no-wallet': '连接钱包后即可收发消息。',
  'msg.list': '会话',
  'msg.thread': '消息记录',
  'msg.new': '新会话',
  'msg.empty': '还没有会话。',
  'msg.to': '收件人地址',
  'msg.text': '消息',
  'msg.send': '发送',
  'msg.error': '消息发送失败。',
  'msg.state.queued': '等待网络…',
  'msg.state.sent': '已发送',
  'msg.state.stored': str`已存于 ${0} 个中继`,
  'msg.state.delivered': '已送达',
  'msg.state.read': '已读',
  'msg.notify.enable': '有新消息时通知我',
  'msg.notify.title': 'Souk 新消息',
  'msg.unavailable': '消息功能需要钱包服务和点对点网络，其中之一未在运行。',
  'msg.starting': '正在打开你的消息…',
  'msg.failed': '消息功能无法启动：',
  'msg.setup.body':
    '要在此设备上收发消息，Souk 会为它生成一对密钥，并请你的钱包签名一次，以便他人确认该密钥属于你。这不收取任何费用，也不会发送交易。消息端到端加密；中继只负责转交。',
  'msg.setup': '在此设备上启用消息',
  'msg.setup.error': '钱包未签名。',
  'listing.messageSeller': '联系卖家',
}
