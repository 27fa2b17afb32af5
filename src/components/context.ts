import { createContext } from '@lit/context'
import type { TrustDocsService } from '../services/trust-docs-service.ts'
import type { SoukConfig } from '../core/config.ts'
import type { ChainSnapshot, NetworkSnapshot, StatusSource } from '../core/status.ts'
import type { CatalogService, ChainService, MediaService, MessagingService, PublishService } from '../services/types.ts'

/** The validated runtime config (`config.json`). */
export const configContext = createContext<SoukConfig | undefined>(Symbol('souk-config'))
/** Live peer-to-peer network status (relays, peers, storage). */
export const networkContext = createContext<StatusSource<NetworkSnapshot> | undefined>(Symbol('souk-network'))
/** Live chain status (RPC reachable, chain id, latest block). */
export const chainStatusContext = createContext<StatusSource<ChainSnapshot> | undefined>(Symbol('souk-chain-status'))

// The services of src/services/types.ts. Each is undefined until it exists (or, for the catalog and publish
// services, until the catalog of issue #11 is plugged in); views show a clear state for that.
/** Catalog search and entries. */
export const catalogContext = createContext<CatalogService | undefined>(Symbol('souk-catalog'))
/** Publishing a listing (photos, document, pins, transaction, catalog). */
export const publishContext = createContext<PublishService | undefined>(Symbol('souk-publish'))
/** Wallet, auction state and actions, the bid vault. */
export const chainContext = createContext<ChainService | undefined>(Symbol('souk-chain'))
/** Listing photos from IPFS. */
export const mediaContext = createContext<MediaService | undefined>(Symbol('souk-media'))
/** Messages of the connected wallet (presence, end-to-end encrypted, store-and-forward). */
export const messagingContext = createContext<MessagingService | undefined>(Symbol('souk-messaging'))
/** True while the app is still starting its services: views say "loading", not "not available". */
export const startingContext = createContext<boolean>(Symbol('souk-starting'))

/** Trust documents (arbiter profiles, reviews) on IPFS; undefined without the engine. */
export const trustDocsContext = createContext<TrustDocsService | undefined>(Symbol('souk-trust-docs'))
