/** Simplified Chinese for photos in messages, message times and counts (#26), merged into ./zh-Hans.ts. */
import { str } from '@lit/localize'

export const msgPhotosTemplates: Record<string, string | ReturnType<typeof str>> = {
  'msg.photo.add': '添加照片',
  'msg.photo.chosen': '待发送的照片',
  'msg.photo.n': str`照片 ${0}`,
  'msg.photo.remove': str`移除照片 ${0}`,
  'msg.photo.notImage': '只能添加照片。',
  'msg.photo.tooMany': str`每条消息最多 ${0} 张照片。`,
  'msg.photo.encrypting': str`正在加密第 ${0} 张照片（共 ${1} 张）…`,
  'msg.photo.pinningOne': '正在把照片存到中继…',
  'msg.photo.pinning': '正在把照片存到中继…',
  'msg.photo.one': '照片',
  'msg.photos.other': str`${0} 张照片`,
  'msg.photo.nOfM': str`第 ${0} 张照片（共 ${1} 张）`,
  'msg.photo.open': str`${0}：查看原图`,
  'msg.photo.loading': '正在加载照片…',
  'msg.photo.failed': '照片无法显示：无法获取或解密。',
  'msg.photo.retry': '重试',
  'msg.photo.close': '关闭',
  'msg.photo.pinFailed': '没有中继保存这些照片，因此消息未发送。请在联网后重试。',
  'msg.photo.bad': '此设备无法打开其中一张照片，请移除或换一张。',
  'msg.unread.one': str`${0} 条未读消息`,
  'msg.unread.other': str`${0} 条未读消息`,
}
