/**
 * Addresses as people read them. Kept apart from format.ts (which needs viem for amounts) so that the app
 * frame, on the first route, does not download viem to show who is connected.
 */

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address
}
