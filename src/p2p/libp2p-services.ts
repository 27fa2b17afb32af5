/**
 * Helia's constructors (createHelia, withLibp2p) cannot carry the type of a service map given in their libp2p
 * options through to the node they return. Instead of casting, the node is checked: every named service must
 * be there, or the code that relies on it would fail later and further from the cause.
 */
import type { Libp2p } from '@libp2p/interface'

export function hasServices<H extends { libp2p: { services: object } }, S extends Record<string, unknown>>(
  node: H,
  names: readonly (keyof S & string)[],
): node is H & { libp2p: Libp2p<S> } {
  const services: Record<string, unknown> = { ...node.libp2p.services }
  return names.every((name) => services[name] != null)
}
