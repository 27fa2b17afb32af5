/**
 * Setting messaging up at the moment a person will need it (issue #26): a seller who publishes a listing, a
 * buyer who bids or buys and an arbiter who registers will be written to. Those flows call `offerMessaging`
 * (one line, after their own work succeeded); the app shows a small offer (`<souk-messaging-offer>`) when this
 * device has no messaging key for the wallet yet, and on consent `ensureMessagingReady` asks the wallet for the
 * one binding signature. Declining — "Not now", or rejecting in the wallet — changes nothing else: the flow has
 * already done its work, and a message written to the person meanwhile waits on the sender's device until they
 * set up (src/p2p/messaging/waiting.ts).
 */
import type { MessagingService, MessagingStatus } from './types.ts'

/** Why the person is asked: what they just did. */
export type MessagingRole = 'seller' | 'buyer' | 'arbiter'

export interface MessagingOfferDetail {
  role: MessagingRole
}

/** The event `offerMessaging` dispatches (bubbles, composed: `<souk-app>` hears it from any view). */
export const MESSAGING_OFFER_EVENT = 'souk-messaging-offer'

/** Called by a flow that succeeded and after which others will write to the person. */
export function offerMessaging(from: EventTarget, role: MessagingRole): void {
  from.dispatchEvent(
    new CustomEvent<MessagingOfferDetail>(MESSAGING_OFFER_EVENT, { detail: { role }, bubbles: true, composed: true }),
  )
}

/**
 * `ready`: messaging works for the connected wallet (set up now with one signature, or before); `declined`: the
 * wallet did not sign (nothing else changed; it can be set up later in Messages); `unavailable`: no wallet, or
 * messaging cannot run here. Never throws, except an `AbortError` when `signal` aborts.
 */
export type MessagingReadiness = 'ready' | 'declined' | 'unavailable'

export async function ensureMessagingReady(
  messaging: MessagingService | undefined,
  { signal }: { signal?: AbortSignal } = {},
): Promise<MessagingReadiness> {
  if (!messaging) return 'unavailable'
  while (messaging.status === 'starting') await changed(messaging, signal)
  if (messaging.status === 'ready') return 'ready'
  if (messaging.status !== 'needs-setup') return 'unavailable'
  try {
    await messaging.enable(signal ? { signal } : {})
  } catch {
    signal?.throwIfAborted()
    return 'declined'
  }
  // read again: enable() moved it (TypeScript still holds the narrowed value from above)
  return statusOf(messaging) === 'ready' ? 'ready' : 'unavailable'
}

function statusOf(messaging: MessagingService): MessagingStatus {
  return messaging.status
}

/** The next `change` of the service (its status moved), or the abort. */
function changed(messaging: MessagingService, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted()
    const done = (): void => {
      messaging.removeEventListener('change', done)
      signal?.removeEventListener('abort', aborted)
      resolve()
    }
    const aborted = (): void => {
      messaging.removeEventListener('change', done)
      reject(signal!.reason as Error)
    }
    messaging.addEventListener('change', done)
    signal?.addEventListener('abort', aborted, { once: true })
  })
}
