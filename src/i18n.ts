/**
 * Localization: English is the source locale, Simplified Chinese the first translation (runtime mode of
 * @lit/localize, locale modules loaded on demand so English users download nothing extra).
 *
 * Messages carry explicit ids (`msg('…', { id: 'area.key' })`) so translations survive wording changes.
 */
import { configureLocalization } from '@lit/localize'

export const sourceLocale = 'en'
export const targetLocales = ['zh-Hans'] as const
export type Locale = typeof sourceLocale | (typeof targetLocales)[number]
export const allLocales: readonly Locale[] = [sourceLocale, ...targetLocales]

/** Each language named in itself, for the language menus. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-Hans': '简体中文' }

const STORAGE_KEY = 'souk.locale'

export const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: async (locale) => {
    if (locale === 'zh-Hans') return await import('./locales/zh-Hans.ts')
    throw new Error(`no translations for ${locale}`)
  },
})

/** The locale to start with: the user's earlier choice, else the browser's language. */
export function preferredLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
  if (saved && (allLocales as readonly string[]).includes(saved)) return saved as Locale
  const languages = globalThis.navigator?.languages ?? []
  return languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-Hans' : 'en'
}

/** Switches the UI language, remembers the choice and updates `<html lang>`. */
export async function useLocale(locale: Locale): Promise<void> {
  await setLocale(locale)
  globalThis.localStorage?.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale === 'zh-Hans' ? 'zh-Hans' : 'en'
}
