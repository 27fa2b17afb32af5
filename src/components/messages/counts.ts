/**
 * Counts in the messaging views with the language's plural rules (Intl.PluralRules in the page's locale): "1
 * unread message", "2 unread messages"; Chinese has one form, so both ids carry the same text there.
 */
import { msg, str } from '@lit/localize'
import { getLocale } from '../../i18n.ts'

const rules = new Map<string, Intl.PluralRules>()
function isOne(n: number): boolean {
  const locale = getLocale()
  let r = rules.get(locale)
  if (!r) rules.set(locale, (r = new Intl.PluralRules(locale)))
  return r.select(n) === 'one'
}

export function unreadLabel(n: number): string {
  return isOne(n)
    ? msg(str`${n} unread message`, { id: 'msg.unread.one' })
    : msg(str`${n} unread messages`, { id: 'msg.unread.other' })
}

/** The list's preview of a message that carries photos and no words. */
export function photosLabel(n: number): string {
  return isOne(n) ? msg('Photo', { id: 'msg.photo.one' }) : msg(str`${n} photos`, { id: 'msg.photos.other' })
}
