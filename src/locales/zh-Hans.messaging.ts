/** Simplified Chinese for the conversations view (#13), merged into ./zh-Hans.ts. */
export const messagingTemplates: Record<string, string> = {
  'msg.no-wallet': '连接钱包后即可收发消息。',
  'msg.list': '会话',
  'msg.thread': '消息记录',
  'msg.new': '新会话',
  'msg.to': '收件人地址',
  'msg.text': '消息',
  'msg.send': '发送',
  'msg.error': '消息发送失败。',
  'msg.unread': '条未读',
  'msg.state.queued': '等待网络…',
  'msg.state.sent': '已发送',
  'msg.state.delivered': '已送达',
  'msg.state.read': '已读',
  'msg.notify.enable': '有新消息时通知我',
  'msg.notify.title': 'Souk 新消息',
}
