/**
 * When a message was written, as a person reads a chat: the time alone today, "yesterday" and the time, the
 * date and time before that (the year only when it is not this year). Intl in the page's locale, so the words
 * and order are the language's own ("昨天 14:05").
 */
const formats = new Map<string, Intl.DateTimeFormat>()
function format(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}:${JSON.stringify(options)}`
  let f = formats.get(key)
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale, options)))
  return f
}

const dayStart = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()

export function messageTime(ts: number, locale: string, now = Date.now()): string {
  const when = new Date(ts)
  const today = new Date(now)
  const time = format(locale, { hour: 'numeric', minute: '2-digit' }).format(when)
  const days = Math.round((dayStart(today) - dayStart(when)) / 86_400_000)
  if (days === 0) return time
  if (days === 1) {
    const yesterday = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-1, 'day')
    const word = yesterday.charAt(0).toLocaleUpperCase(locale) + yesterday.slice(1)
    return `${word} ${time}`
  }
  return format(locale, {
    month: 'short',
    day: 'numeric',
    ...(when.getFullYear() === today.getFullYear() ? {} : { year: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
  }).format(when)
}
