/**
 * What a sender sees of a message kept for someone who has not set up messaging (docs/messaging.md, "A message
 * to someone who never set up"): who it waits for — the listing's seller, buyer or arbiter when the chain says
 * so, else the address — and, when too many already wait, why this one was not kept.
 */
import { msg, str } from '@lit/localize'
import { BaseError } from 'viem'
import { shortAddress } from '../../services/format.ts'
import type { AuctionView, ChatMessage } from '../../services/types.ts'

export type Party = 'seller' | 'buyer' | 'arbiter'

const same = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()

/** The part `peer` plays in the listing, as the chain says (undefined until it answered, or for anyone else). */
export function partyOf(peer: string | undefined, auction: AuctionView | undefined): Party | undefined {
  if (!auction || !peer) return undefined
  if (same(peer, auction.seller)) return 'seller'
  if (same(peer, auction.escrow?.buyer)) return 'buyer'
  if (same(peer, auction.arbiter)) return 'arbiter'
  return undefined
}

/** The state line of a waiting message. */
export function waitingLabel(m: ChatMessage, party: Party | undefined, offline: boolean): string {
  if (m.refused?.code === 'expired')
    return msg('Not sent: they did not set up messaging in time.', { id: 'msg.state.expired' })
  if (offline) return msg('Offline — will be sent when you are back online', { id: 'msg.state.offline' })
  switch (party) {
    case 'seller':
      return msg('Waiting for the seller to set up messaging — sent as soon as they do', {
        id: 'msg.state.waiting.seller',
      })
    case 'buyer':
      return msg('Waiting for the buyer to set up messaging — sent as soon as they do', {
        id: 'msg.state.waiting.buyer',
      })
    case 'arbiter':
      return msg('Waiting for the arbiter to set up messaging — sent as soon as they do', {
        id: 'msg.state.waiting.arbiter',
      })
    default: {
      const who = shortAddress(m.peer)
      return msg(str`Waiting for ${who} to set up messaging — sent as soon as they do`, { id: 'msg.state.waiting' })
    }
  }
}

/** A failed send as a sentence: the waiting limits in the person's language, anything else as it came. */
export function sendError(err: unknown): string {
  const name = (err as { engineName?: string; name?: string }).engineName ?? (err as { name?: string }).name
  if (name === 'WaitingFullError')
    return msg('Too many messages already wait for this person to set up messaging, so this one was not kept.', {
      id: 'msg.waitingFull',
    })
  if (name === 'WaitingTotalFullError')
    return msg(
      'Too many messages on this device already wait for people who have not set up messaging, so this one was not kept.',
      { id: 'msg.waitingFullTotal' },
    )
  if (name === 'MediaPinError')
    return msg('No relay stored the photos, so nothing was sent. Try again once you are online.', {
      id: 'msg.photo.pinFailed',
    })
  if (name === 'PhotoError')
    return msg('A photo could not be opened on this device; remove it or choose another.', { id: 'msg.photo.bad' })
  return err instanceof BaseError ? err.shortMessage : msg('Could not send the message.', { id: 'msg.error' })
}
