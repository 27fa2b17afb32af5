/**
 * The sender's steps for a message's photos (docs/messaging.md "Photos"): each is downscaled and encrypted in
 * the engine (a fresh key each), then relays pin the ciphertexts, and only then is the message sent, so a
 * message never names a photo no relay holds. A message that waits for its recipient's key has its photos
 * pinned now too (they stay as long as relays keep messages).
 */
import { msg, str } from '@lit/localize'
import type { MessagingService, PhotoRef } from '../../services/types.ts'

export type PhotoProgress = { step: 'encrypt'; done: number; total: number } | { step: 'pin'; total: number }

export async function uploadPhotos(
  source: Pick<MessagingService, 'addPhoto' | 'pinPhotos'>,
  files: readonly Blob[],
  onProgress: (p: PhotoProgress) => void,
  signal?: AbortSignal,
): Promise<PhotoRef[]> {
  const refs: PhotoRef[] = []
  for (const file of files) {
    onProgress({ step: 'encrypt', done: refs.length, total: files.length })
    refs.push(await source.addPhoto(file, signal ? { signal } : {}))
  }
  onProgress({ step: 'pin', total: files.length })
  if (refs.length > 0)
    await source.pinPhotos(
      refs.map((r) => r.cid),
      signal ? { signal } : {},
    )
  return refs
}

export function progressLabel(p: PhotoProgress): string {
  if (p.step === 'encrypt') {
    const n = p.done + 1
    const total = p.total
    return msg(str`Encrypting photo ${n} of ${total}…`, { id: 'msg.photo.encrypting' })
  }
  return p.total === 1
    ? msg('Storing the photo on relays…', { id: 'msg.photo.pinningOne' })
    : msg('Storing the photos on relays…', { id: 'msg.photo.pinning' })
}
