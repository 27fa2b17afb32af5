/** Simplified Chinese translations, keyed by message id. */
import { messagingTemplates } from './zh-Hans.messaging.ts'

export const templates: Record<string, string> = {
  ...messagingTemplates,
  'app.tagline': '没有中间商的拍卖市场',
  'app.language': '语言',
  'app.nav.browse': '浏览',
  'app.nav.sell': '出售',
  'app.nav.messages': '消息',
  'app.welcome.title': '欢迎来到 Souk',
  'app.welcome.body':
    '在这里,每个浏览器都是一个节点:商品目录在你的设备上同步与搜索,出价以密封方式提交到链上,付款由三方托管合约保管。',
  'app.config.error': '无法加载配置',
  'net.title': '网络状态',
  'net.relays': '中继',
  'net.relays.connected': '已连接',
  'net.relays.none': '未连接任何中继',
  'net.relays.reserving': '正在获取中继预留…',
  'net.dial': '直连',
  'net.dial.retrying': '正在重试',
  'net.dial.connecting': '正在连接…',
  'net.peers': '已发现节点',
  'net.direct': '直连节点',
  'net.stored': '本地存储',
  'net.chain': '链',
  'net.block': '区块',
  'net.status.starting': '正在启动…',
  'net.status.online': '在线',
  'net.status.degraded': '部分连接',
  'net.status.offline': '离线',
  'net.chain.unreachable': '无法连接 RPC',
  'net.retry': '重试',
}
