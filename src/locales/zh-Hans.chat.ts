/**
 * Simplified Chinese for conversations per listing, delivery while offline, the shipping address form and card,
 * and order updates (#14), merged into ./zh-Hans.ts.
 */
import { str } from '@lit/localize'

export const chatTemplates: Record<string, string | ReturnType<typeof str>> = {
  'msg.listing': str`商品 #${0}`,
  'msg.state.offline': '离线——恢复联网后将自动发送',
  'msg.composer.offline': '离线——你写的内容会保留，恢复联网后自动发送。',
  'ship.name': '姓名',
  'ship.street': '街道和门牌号',
  'ship.city': '城市',
  'ship.postcode': '邮政编码',
  'ship.country': '国家/地区',
  'ship.phone': '电话（选填）',
  'ship.required': '必填。',
  'ship.tooLong': str`最多 ${0} 个字符。`,
  'ship.phone.invalid': '只能包含数字、空格和 + ( ) -，至少 6 位。',
  'ship.postcode.invalid': '只能包含字母、数字、空格和短横线。',
  'ship.privacy': '只有卖家能读到：地址端到端加密，本设备上也只以加密形式保存。',
  'ship.send': '把地址发给卖家',
  'ship.cancel': '取消',
  'ship.offer': '发送我的收货地址',
  'listing.sendAddress': '把收货地址发给卖家',
  'ship.card.title': '收货地址',
  'ship.card.sealed': '此设备无法打开的收货地址。',
  'ship.card.notBuyer': '注意：发送者不是链上记录的该商品买家。请先核实，不要直接发货。',
  'ship.card.copy': '复制地址',
  'ship.card.copied': '已复制',
  'order.won': str`${0} 赢得拍卖；货款由托管保管`,
  'order.bought': str`${0} 已购买；货款由托管保管`,
  'order.shipped': '卖家已标记发货',
  'order.disputed': str`${0} 发起了争议；由仲裁人裁决`,
  'order.released': '买家已确认收货：货款已放给卖家',
  'order.refunded': '已退款给买家',
  'order.split': '仲裁人已按比例分配货款',
}
