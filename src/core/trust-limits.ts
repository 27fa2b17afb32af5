/** Limits of the trust documents (trust-docs.ts), apart so the forms can show them without loading the codecs. */
export const TRUST_LIMITS = {
  name: 80,
  languages: 12,
  languageTag: 35,
  rules: 4_000,
  review: 2_000,
  /** The contract's limit on `metadataCid` (bytes of its text form). */
  cidText: 128,
  /** Largest encoded document, in bytes; anything larger is dropped unread (4,000 CJK characters are 12 KB). */
  profileBytes: 16 * 1024,
  reviewBytes: 8 * 1024,
} as const
