/**
 * What the sell form remembers for a seller's next listing (issue #26): where it ships from, the currency and
 * the arbiters, per account in localStorage (they are not secret, and a device may be shared by two sellers).
 * Written when a listing is published; read into a new, empty form.
 */
import { getAddress, isAddress } from 'viem'

export interface SellPrefs {
  shippingFrom: string
  currency: string
  arbiters: `0x${string}`[]
}

const key = (account: `0x${string}`): string => `souk.sell.prefs.${getAddress(account)}`

export function loadSellPrefs(account: `0x${string}`): SellPrefs | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(key(account))
    const v = raw ? (JSON.parse(raw) as Partial<SellPrefs>) : undefined
    if (!v || typeof v.shippingFrom !== 'string' || typeof v.currency !== 'string' || !Array.isArray(v.arbiters))
      return undefined
    // something else wrote the key: keep what reads as an address, drop the rest
    const arbiters = v.arbiters.filter((a): a is `0x${string}` => typeof a === 'string' && isAddress(a))
    return { shippingFrom: v.shippingFrom.slice(0, 200), currency: v.currency.slice(0, 64), arbiters }
  } catch {
    return undefined
  }
}

export function saveSellPrefs(account: `0x${string}`, prefs: SellPrefs): void {
  try {
    globalThis.localStorage?.setItem(key(account), JSON.stringify(prefs))
  } catch {
    /* private mode or full storage: the form simply starts empty next time */
  }
}
