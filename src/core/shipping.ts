/**
 * The shipping address a listing's winner sends the seller (`{ t: 'address', v: 1 }` messages): its fields and
 * the rules both ends apply. Pure and dependency-free, so the form's chunk carries no crypto.
 */
/**
 * A shipping address, sent by an auction's winner to the seller (`{ t: 'address', v: 1 }`). Validated on both
 * ends by `shippingAddressErrors`; kept at rest only sealed with the device's local key (`sealLocal`).
 */
export interface ShippingAddress {
  name: string
  street: string
  city: string
  postcode: string
  /** Country name or ISO code, as the person wrote it. */
  country: string
  phone?: string
}

export type ShippingField = keyof ShippingAddress
export type ShippingProblem = 'required' | 'too-long' | 'invalid'

/** Longest value of each field (characters). */
export const SHIPPING_LIMITS: Record<ShippingField, number> = {
  name: 100,
  street: 200,
  city: 100,
  postcode: 12,
  country: 56,
  phone: 24,
}

const SHIPPING_PATTERNS: Partial<Record<ShippingField, RegExp>> = {
  // letters, digits, spaces and dashes: covers UK "SW1A 1AA", NL "1012 AB", US "94103-1234", CN "100000"
  postcode: /^[\p{L}\p{N}][\p{L}\p{N} -]*$/u,
  phone: /^\+?[0-9 ()./-]{6,}$/,
}

/**
 * What is wrong with each field of an address (empty object: valid). The form shows these next to the fields;
 * `parsePayload` refuses an incoming address with any problem.
 */
export function shippingAddressErrors(value: unknown): Partial<Record<ShippingField, ShippingProblem>> {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const errors: Partial<Record<ShippingField, ShippingProblem>> = {}
  for (const field of Object.keys(SHIPPING_LIMITS) as ShippingField[]) {
    const raw = v[field]
    const optional = field === 'phone'
    if (raw === undefined || raw === '') {
      if (!optional) errors[field] = 'required'
      continue
    }
    if (typeof raw !== 'string') errors[field] = 'invalid'
    else if (raw.trim() === '') errors[field] = optional ? 'invalid' : 'required'
    else if (raw.length > SHIPPING_LIMITS[field]) errors[field] = 'too-long'
    else if (SHIPPING_PATTERNS[field] && !SHIPPING_PATTERNS[field].test(raw.trim())) errors[field] = 'invalid'
  }
  return errors
}
