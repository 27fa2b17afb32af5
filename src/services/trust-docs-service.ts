/**
 * Trust documents on IPFS, from the page: an arbiter's profile (made in the arbiter view, its CID registered on
 * chain) and a rating's review (its CID's digest in the `Rated` event). Publishing encodes and validates the
 * document (src/core/trust-docs.ts), adds it to the engine's blockstore and has relays pin it (two when two are
 * configured) before the transaction names it, so it outlives the writer's tab. Loading fetches it by CID and
 * checks it against the CID and the schema; an unreadable, oversized or invalid document reads as undefined
 * (the views say "could not be read"), never as an error that hides the rest of the page.
 */
import { BaseError } from 'viem'
import type { DocumentBackend } from '../engine/catalog-client.ts'
import {
  decodeArbiterProfile,
  decodeReview,
  encodeArbiterProfile,
  encodeReview,
  TRUST_LIMITS,
  type EncodedDocument,
} from '../core/trust-docs.ts'
import type { ArbiterProfile, ArbiterTrust, ReviewDocument } from './trust-types.ts'
import { abortable } from '../core/abortable.ts'

/** Fewer relays than asked stored a trust document (the transaction that would name it is not sent). */
export class DocumentPinError extends BaseError {
  override name = 'DocumentPinError'
  constructor(cid: string, cause: unknown) {
    super(`the relays did not store document ${cid}`, { cause: cause instanceof Error ? cause : undefined })
  }
}

export interface TrustDocsService {
  /** Validates, adds and pins a profile; resolves with its CID (what `registerArbiter` records). */
  publishProfile(profile: ArbiterProfile, options?: { signal?: AbortSignal }): Promise<EncodedDocument>
  /** Validates, adds and pins a review; resolves with its CID and digest (what `rate` records). */
  publishReview(review: ReviewDocument, options?: { signal?: AbortSignal }): Promise<EncodedDocument>
  loadProfile(cid: string, options?: { signal?: AbortSignal }): Promise<ArbiterProfile | undefined>
  loadReview(cid: string, options?: { signal?: AbortSignal }): Promise<ReviewDocument | undefined>
  /** The arbiters with their profiles filled in where they could be read. */
  withProfiles(arbiters: ArbiterTrust[], options?: { signal?: AbortSignal }): Promise<ArbiterTrust[]>
}

/** Loaded documents kept per page (profiles are shown on every listing naming the arbiter). */
const MAX_CACHED = 256

export function createTrustDocsService(
  backend: DocumentBackend,
  { minRelays = 2, relays }: { minRelays?: number; relays: number },
): TrustDocsService {
  const cache = new Map<string, Promise<unknown>>()
  const pins = Math.max(1, Math.min(minRelays, relays))

  const publish = async (doc: EncodedDocument, signal?: AbortSignal): Promise<EncodedDocument> => {
    const cid = doc.cid.toString()
    await backend.addDocument(cid, doc.bytes, signal ? { signal } : {})
    try {
      await backend.pin([cid], { minRelays: pins, ...(signal ? { signal } : {}) })
    } catch (err) {
      if (signal?.aborted) throw err
      throw new DocumentPinError(cid, err)
    }
    return doc
  }

  const load = <T>(
    cid: string,
    maxBytes: number,
    decode: (bytes: Uint8Array, cid: string) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T | undefined> => {
    const key = `${maxBytes}:${cid}`
    let pending = cache.get(key) as Promise<T | undefined> | undefined
    if (!pending) {
      pending = backend
        .getDocument(cid, { maxBytes })
        .then((bytes) => decode(bytes, cid))
        .catch(() => undefined)
      cache.set(key, pending)
      // a document nobody served now may be served later: forget the miss once settled
      void pending.then((v) => v === undefined && cache.delete(key))
      if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string)
    }
    return abortable(pending, signal)
  }

  const service: TrustDocsService = {
    publishProfile: async (profile, { signal } = {}) => await publish(await encodeArbiterProfile(profile), signal),
    publishReview: async (review, { signal } = {}) => await publish(await encodeReview(review), signal),
    loadProfile: (cid, { signal } = {}) => load(cid, TRUST_LIMITS.profileBytes, decodeArbiterProfile, signal),
    loadReview: (cid, { signal } = {}) => load(cid, TRUST_LIMITS.reviewBytes, decodeReview, signal),
    async withProfiles(arbiters, { signal } = {}) {
      return await Promise.all(
        arbiters.map(async (a) =>
          a.profile || !a.metadataCid
            ? a
            : { ...a, profile: await service.loadProfile(a.metadataCid, signal ? { signal } : {}) },
        ),
      )
    },
  }
  return service
}
