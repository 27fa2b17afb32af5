import { msg, str } from '@lit/localize'
import type { NetworkSnapshot } from '../core/status.ts'

/** What the header tells a shopper about the network: three states, no protocol words. */
export type ShopperNetState = 'connecting' | 'online' | 'offline'

/**
 * The shopper's state from the engine's status and the device's own connection (`navigator.onLine`): offline
 * when the device is, or when no relay is connected after one was (or every dial failed); connecting while the
 * first relay is being reached.
 */
export function shopperState(net: NetworkSnapshot | undefined, deviceOnline: boolean): ShopperNetState {
  if (!deviceOnline) return 'offline'
  if (net?.status === 'online') return 'online'
  if (net?.status === 'offline') return 'offline'
  return 'connecting'
}

export function connectedRelays(net: NetworkSnapshot | undefined): number {
  return net?.relays.filter((r) => r.connected).length ?? 0
}

/** The header's one word (with its dot). */
export function stateLabel(state: ShopperNetState): string {
  switch (state) {
    case 'online':
      return msg('Online', { id: 'net.status.online' })
    case 'offline':
      return msg('Offline', { id: 'net.status.offline' })
    default:
      return msg('Connecting…', { id: 'net.status.connecting' })
  }
}

/** The sentence behind the word: what works, and what waits. */
export function stateSentence(state: ShopperNetState, relays: number, deviceOnline: boolean): string {
  if (state === 'online')
    return relays === 1
      ? msg('Online — connected to 1 relay', { id: 'net.say.online.one' })
      : msg(str`Online — connected to ${relays} relays`, { id: 'net.say.online' })
  if (state === 'offline')
    return deviceOnline
      ? msg('Offline — no relay answers. Souk keeps trying; your changes will be sent when one does.', {
          id: 'net.say.noRelay',
        })
      : msg('Offline — your changes will be sent when you’re back.', { id: 'net.say.offline' })
  return msg('Connecting…', { id: 'net.status.connecting' })
}
