/** The arbiter profile form's values and their check, apart from the element (souk-arbiter-profile-form.ts). */
import { msg, str } from '@lit/localize'
import { isAddress } from 'viem'
import { TrustDocError, parseDocumentCid, validateArbiterProfile } from '../../core/trust-docs.ts'
import { parseAmount } from '../../services/format.ts'
import type { ArbiterProfile } from '../../services/trust-types.ts'
import { DAY, MAX_WINDOW, MIN_DISPUTE_WINDOW } from '../../services/windows.ts'
import { MAX_ARBITER_FEE_BPS } from './trust-format.ts'

export interface ProfileSubmit {
  /** The profile to pin (validated, normalized); undefined when the arbiter gave a CID instead. */
  profile: ArbiterProfile | undefined
  /** The CID the arbiter gave ("I already have a profile CID"), normalized; undefined with a profile. */
  cid: string | undefined
  minFeeBps: number
  /** Seconds. */
  minDisputeWindow: number
}

export type Field = 'name' | 'languages' | 'rules' | 'contact' | 'cid' | 'fee' | 'window'
/** Form order: the first field with an error takes the focus. */
export const ORDER: readonly Field[] = ['cid', 'name', 'languages', 'rules', 'contact', 'fee', 'window']
/** Offered as checkboxes, each in its own language; any other tag goes in "other". */
export const LANGUAGES = [
  ['en', 'English'],
  ['zh-Hans', '简体中文'],
  ['zh-Hant', '繁體中文'],
  ['es', 'Español'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['pt', 'Português'],
  ['ru', 'Русский'],
  ['ar', 'العربية'],
  ['ja', '日本語'],
] as const

/** What the form holds, as typed. */
export interface ProfileFormValues {
  mode: 'write' | 'cid'
  name: string
  /** Tags of the ticked checkboxes. */
  languages: readonly string[]
  /** Other tags, typed. */
  other: string
  rules: string
  contact: string
  cid: string
  /** Percent. */
  fee: string
  days: string
}

/** Every field's problem (worded when called, so a language switch rewords it), and the values when there is none. */
export function checkProfileForm(f: ProfileFormValues): {
  errors: Partial<Record<Field, () => string>>
  value?: ProfileSubmit
} {
  const errors: Partial<Record<Field, () => string>> = {}
  let profile: ArbiterProfile | undefined
  let cid: string | undefined
  if (f.mode === 'cid') {
    try {
      cid = parseDocumentCid(f.cid).toString()
    } catch (err) {
      errors.cid =
        err instanceof TrustDocError && err.message.includes('dag-cbor')
          ? () =>
              msg('This CID is not a profile document (dag-cbor); check that you copied the right one.', {
                id: 'profile.err.cidCodec',
              })
          : () =>
              msg('This is not a CID. A CID looks like bafyrei… (at most 128 letters and digits).', {
                id: 'profile.err.cid',
              })
    }
  } else {
    const other = f.other.split(/[\s,，、;]+/).filter(Boolean)
    const languages = [...f.languages, ...other]
    if (!f.name.trim())
      errors.name = () => msg('Give the name buyers and sellers will see.', { id: 'profile.err.name' })
    if (languages.length === 0)
      errors.languages = () => msg('Choose at least one language.', { id: 'profile.err.languages' })
    if (!f.rules.trim())
      errors.rules = () =>
        msg('Say how you decide: what evidence you want, when you refund.', { id: 'profile.err.rules' })
    if (!isAddress(f.contact.trim()))
      errors.contact = () => msg('Enter an address starting with 0x (42 characters).', { id: 'profile.err.contact' })
    if (Object.keys(errors).length === 0) {
      try {
        profile = validateArbiterProfile({
          v: 1,
          name: f.name,
          languages,
          rules: f.rules,
          contact: f.contact.trim(),
        })
      } catch (err) {
        const field = err instanceof TrustDocError ? (err.field.replace(/\[.*$/, '') as Field) : 'name'
        errors[ORDER.includes(field) ? field : 'name'] =
          field === 'languages'
            ? () =>
                msg('Write other languages as tags such as vi or th-TH, separated by commas.', {
                  id: 'profile.err.languageTag',
                })
            : () => msg('Remove the control or direction-changing characters.', { id: 'profile.err.characters' })
      }
    }
  }
  const bps = parseAmount(f.fee.trim(), 2)
  if (bps === undefined || bps > BigInt(MAX_ARBITER_FEE_BPS))
    errors.fee = () =>
      msg(str`Enter a fee from 0 to ${MAX_ARBITER_FEE_BPS / 100} %, e.g. 1.5.`, { id: 'profile.err.fee' })
  const days = Number(f.days.trim())
  const seconds = Math.round(days * DAY)
  if (!/^\d+(\.\d+)?$/.test(f.days.trim()) || seconds < MIN_DISPUTE_WINDOW || seconds > MAX_WINDOW)
    errors.window = () => msg(str`Enter a number of days from 1 to ${MAX_WINDOW / DAY}.`, { id: 'profile.err.window' })
  if (Object.keys(errors).length > 0) return { errors }
  return { errors, value: { profile, cid, minFeeBps: Number(bps), minDisputeWindow: seconds } }
}
