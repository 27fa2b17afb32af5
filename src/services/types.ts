/**
 * The services the views use, as small interfaces. Views get them through @lit/context
 * (`src/components/context.ts`) and never import libp2p, Helia, OrbitDB or viem themselves, so that:
 * - the first route's JavaScript carries none of them (they load after first paint);
 * - the engine can move into a Worker behind the same interfaces;
 * - a view can be tested with a real service on a test network.
 *
 * Amounts are bigints in the currency's smallest unit; listing ids are decimal strings (uint256 on chain).
 * Every long call takes an `AbortSignal`.
 */
import type { Category, Condition, ListingDocument, ListingImage } from '../core/listing.ts'
import type { SearchQuery, SearchResult, StoredListing } from '../core/search.ts'
import type { ShippingAddress } from '../core/messaging.ts'
import type { PhotoRef } from '../core/message-photos.ts'
import type { OrderEvent } from '../chain/reads/getOrderEvents.ts'
import type { Conversation } from '../p2p/messaging/client.ts'
import type { ChatMessage } from '../p2p/messaging/storage.ts'
import type { ArbiterTrust, Rating, Score, TrustSummary } from './trust-types.ts'

// ------------------------------------------------------------------------------------------------- catalog

/** A catalog entry: the verified listing document (its hash matched the seller's on-chain content hash). */
export interface CatalogListing {
  id: string
  doc: ListingDocument
  /** Search row with the latest known auction state (price, status, end, bids). */
  summary: StoredListing
}

/**
 * The local, replicated catalog and its search index (issue #11 builds the OrbitDB one). Fires `change`
 * when entries arrive or auction state moves, so lists can refresh.
 */
export interface CatalogService extends EventTarget {
  /** Full text + facets + sort over the local index (see `CatalogSearch.search`). */
  search(query: SearchQuery, options?: { signal?: AbortSignal }): Promise<SearchResult>
  /** One listing by id, or undefined when the catalog does not have it (yet). */
  get(id: string, options?: { signal?: AbortSignal }): Promise<CatalogListing | undefined>
  /** True once the cached copy is loaded; `ready` resolves then. */
  readonly ready: Promise<void>
  /** How far this device's copy is, when the catalog tells (the engine's does; `change` fires when it moves). */
  readonly state?: CatalogSync | undefined
}

export interface CatalogSync {
  status: 'closed' | 'opening' | 'bootstrapping' | 'ready' | 'failed'
  /** Listings checked against the chain and searchable here. */
  verified: number
  /** The log is open and exchanging new entries with peers. */
  replicating: boolean
  /** Started from this device's saved copy. */
  fromCache: boolean
}

// ------------------------------------------------------------------------------------------------- publish

/** What the sell form collects (kept as a draft in IndexedDB until published). */
export interface ListingDraft {
  title: string
  description: string
  category: Category
  condition: Condition
  /** Photos as picked or captured (resized by the publish service). */
  photos: Blob[]
  /** Photos already on IPFS (a relisted or edited listing's), shown before `photos`; not uploaded again. */
  images?: ListingImage[]
  /** A fixed-price offer (`reserve` is the price, `biddingSeconds` how long it is on sale) instead of an auction. */
  buyNow?: boolean
  /** Reserve price in the currency's smallest unit. */
  reserve: bigint
  /** 'ETH' or the configured token's address. */
  currency: 'ETH' | `0x${string}`
  /** Seconds of bidding, then seconds of the reveal window. */
  biddingSeconds: number
  revealSeconds: number
  /** 1–3 registered arbiters the buyer may choose from if it disputes. */
  arbiters: `0x${string}`[]
  /** The arbiter's fee (≥ each arbiter's minimum); the highest minimum of the set when omitted. */
  arbiterFeeBps?: number
  /** Seconds the buyer has to confirm or dispute after shipping (the contract's default when omitted). */
  confirmWindow?: number
  /** Seconds the chosen arbiter has to decide a dispute (≥ each arbiter's minimum; a default when omitted). */
  disputeWindow?: number
  shippingFrom: string
  /** BCP 47 tag of title and description. */
  language: string
}

export type PublishStage = 'photos' | 'document' | 'pinning' | 'transaction' | 'catalog'

export interface PublishProgress {
  stage: PublishStage
  /** Units done and total within the stage (photos: count; transaction: 0 = waiting for the wallet, 1 = sent). */
  done: number
  total: number
  /** Transaction hash once the wallet returned it. */
  txHash?: `0x${string}`
}

export interface PublishResult {
  listingId: string
  txHash: `0x${string}`
}

/** `publishListing` of issue #11: photos → document → pins → `list()` → catalog entry. */
export interface PublishService {
  publish(
    draft: ListingDraft,
    options: { onProgress?: (p: PublishProgress) => void; signal?: AbortSignal },
  ): Promise<PublishResult>
  /**
   * The seller's edit before the first bid: a new document (the draft's item fields, `images` kept, `photos`
   * added) pinned, `updateContentHash` sent, and the new version put into the catalog. The terms stay.
   */
  update(
    listingId: string,
    draft: Pick<
      ListingDraft,
      'title' | 'description' | 'category' | 'condition' | 'photos' | 'images' | 'shippingFrom' | 'language'
    >,
    options: { onProgress?: (p: PublishProgress) => void; signal?: AbortSignal },
  ): Promise<PublishResult>
}

// ------------------------------------------------------------------------------------------------- media

export interface MediaProgress {
  loaded: number
  total: number | undefined
}

/** Listing photos from IPFS (`MediaStore` of src/p2p/media.ts fits this). */
export interface MediaService {
  objectUrl(
    cid: string,
    type?: string,
    options?: { signal?: AbortSignal; onProgress?: (p: MediaProgress) => void },
  ): Promise<string>
}

// ------------------------------------------------------------------------------------------------- chain

export interface Currency {
  /** 'ETH' or the token address. */
  id: 'ETH' | `0x${string}`
  symbol: string
  decimals: number
}

export interface WalletOption {
  uid: string
  name: string
  icon: string | undefined
  isDevWallet: boolean
}

export interface WalletView {
  status: 'disconnected' | 'connecting' | 'reconnecting' | 'connected'
  address: `0x${string}` | undefined
  chainId: number | undefined
  /** Connected and on the deployment's chain. */
  onConfiguredChain: boolean
  walletName: string | undefined
  isDevWallet: boolean
  /** Dev wallet: the active account (0..9). */
  devAccount?: number
  /**
   * The wallet this browser used last did not come back (removed, disabled, locked): named here so the view
   * says so; nothing else was connected in its place.
   */
  missing?: { name: string; address: `0x${string}` | undefined }
}

export type Phase = 'bidding' | 'revealing' | 'finalizable' | 'ended' | 'cancelled' | 'on-sale' | 'sold' | 'expired'

export type EscrowStatus = 'none' | 'funded' | 'shipped' | 'disputed' | 'released' | 'refunded' | 'split'

/** A listing's on-chain state, as the listing page shows it. */
export interface AuctionView {
  listingId: string
  seller: `0x${string}`
  /** The listing's 1–3 arbiters (the buyer chooses one of them if it disputes). */
  arbiters: `0x${string}`[]
  /** The arbiter the buyer chose when disputing; undefined before any dispute. */
  arbiter: `0x${string}` | undefined
  arbiterFeeBps: number
  /** Seconds the buyer has to confirm or dispute after shipping, and the chosen arbiter has to decide. */
  confirmWindow: number
  disputeWindow: number
  buyNow: boolean
  /** Reserve (auction) or price (fixed), smallest unit. */
  price: bigint
  currency: Currency
  phase: Phase
  /** Chain time of the read, and the deadlines (unix seconds). */
  now: number
  biddingEnd: number
  revealEnd: number
  /** Any bid placed (the contract does not count them). */
  hasBids: boolean
  escrow: { status: EscrowStatus; buyer: `0x${string}`; amount: bigint } | undefined
}

/** One of this person's bids, joined from the chain and the vault. */
export interface MyBid {
  listingId: string
  commitment: `0x${string}`
  amount: bigint | undefined
  deposit: bigint
  currency: Currency | undefined
  /** Vault status, or 'placed' for a bid known on chain but not in this browser's vault. */
  status: 'pending' | 'sent' | 'confirmed' | 'failed' | 'revealed' | 'withdrawn' | 'placed'
  placedOnChain: boolean
  revealedOnChain: boolean
  withdrawn: boolean
  error: string | undefined
  auction: AuctionView | undefined
  /**
   * After finalize: `won` (this bid was settled by finalize: the price went into escrow, `change` was credited
   * to the bidder's balance to withdraw), `lost` (someone else won; withdraw the deposit) or `no-sale` (no bid
   * reached the reserve; withdraw the deposit). Undefined before.
   */
  outcome: 'won' | 'lost' | 'no-sale' | undefined
  /** A won bid: what was left of its deposit after the price, credited to the bidder (see `withdrawable`). */
  change: bigint | undefined
}

export interface MySale {
  listingId: string
  auction: AuctionView
}

export interface ArbiterOption {
  address: `0x${string}`
  /** How many listings on this market already named this arbiter in their set. */
  listings: number
  /** Recommended by this deployment (config.json `recommendedArbiters`). */
  recommended: boolean
  /** Its registered terms: a listing naming it pays at least this fee and gives at least this window. */
  minFeeBps: number
  minDisputeWindow: number
}

export interface Reminder {
  kind: 'reveal-open' | 'reveal-closing' | 'reveal-closed'
  listingId: string
  /** Seconds until the reveal window closes (<= 0 once closed). */
  secondsLeft: number
}

/**
 * One market event as views see it (the chain Worker's event feed): which listing it is about and every
 * address it names (bidder, buyer, seller, arbiter, account), so a view can tell whether it shows any of them.
 */
export interface ChainEvent {
  name: string
  listingId: string | undefined
  accounts: `0x${string}`[]
}

/** Bids and outcome of a listing from its events (cards and the listing page). */
export interface ListingStats {
  listingId: string
  /** Sealed bids placed (BidPlaced events). */
  bids: number
  /** Finalized or bought: the price paid (the second price of an auction); undefined while open. */
  soldFor: bigint | undefined
  /** The auction was finalized without a sale (no bid reached the reserve). */
  noSale: boolean
}

/**
 * The chain for views: wallet, auction state and actions. Over src/chain (wagmi + viem) in
 * `src/services/chain-service.ts`. Fires `wallet` when the wallet changes, `bids` when the vault changes,
 * `reminder` (a CustomEvent<Reminder>) when a reveal window opens or is about to close, and `market` (a
 * CustomEvent<ChainEvent[]>) with the market's events as they are mined: views re-read what they show from it.
 */
export interface ChainService extends EventTarget, EscrowService {
  readonly chainId: number
  readonly chainName: string
  /** ETH first, then the configured token if there is one. */
  currencies(): Promise<Currency[]>
  wallet(): WalletView
  wallets(): WalletOption[]
  connect(uid: string): Promise<WalletView>
  disconnect(): Promise<void>
  switchChain(): Promise<WalletView>
  /** Dev wallet only: the anvil account to act as (0..9). */
  selectDevAccount(index: number): Promise<void>
  /** EIP-191 signature of `text` by the connected account (the messaging device binding). */
  signMessage(text: string): Promise<`0x${string}`>

  auction(listingId: string, options?: { signal?: AbortSignal }): Promise<AuctionView>
  /** Calls back with fresh state on every event of the listing and when a deadline passes. */
  watchAuction(listingId: string, onChange: (a: AuctionView) => void, onError: (e: Error) => void): () => void
  /** Revealed bids of a listing, highest first (for the "winner pays" line). */
  revealedBids(listingId: string): Promise<{ bidder: `0x${string}`; amount: bigint }[]>
  /** Bid counts and outcomes of listings (at most 100), in the order asked. */
  listingStats(listingIds: readonly string[], options?: { signal?: AbortSignal }): Promise<ListingStats[]>

  /**
   * `contentHash` is the listing document the person was shown; the bid fails if the seller changed it since.
   * Without one (no document on this device yet) the bid names the listing's current version on chain.
   */
  placeBid(p: {
    listingId: string
    amount: bigint
    deposit: bigint
    contentHash?: `0x${string}`
  }): Promise<{ txHash: `0x${string}` }>
  revealBid(commitment: `0x${string}`): Promise<{ txHash: `0x${string}` }>
  finalize(listingId: string): Promise<{ buyer: `0x${string}` | undefined; price: bigint }>
  withdrawBid(listingId: string, commitment: `0x${string}`): Promise<{ refund: bigint; penalty: bigint }>
  /**
   * Buys a buy-now listing at its price (approving the token first if needed). `contentHash` is the document
   * shown; the purchase fails if the seller changed it since.
   */
  buy(p: { listingId: string; contentHash?: `0x${string}` }): Promise<{ txHash: `0x${string}`; price: bigint }>
  /** The seller withdraws a listing that has no bid (or sale) yet. */
  cancelListing(listingId: string): Promise<{ txHash: `0x${string}` }>
  /** The market's protocol fee in basis points (to the treasury, on a completed sale or a decision). */
  protocolFeeBps(): Promise<number>
  /** What the market owes the connected account, per currency (sale proceeds, refunds). */
  withdrawable(): Promise<{ currency: Currency; amount: bigint }[]>
  withdraw(currency: Currency['id']): Promise<{ amount: bigint }>

  myBids(options?: { listingId?: string; signal?: AbortSignal }): Promise<MyBid[]>
  mySales(options?: { seller?: `0x${string}`; signal?: AbortSignal }): Promise<MySale[]>
  recommendedArbiters(options?: { signal?: AbortSignal }): Promise<ArbiterOption[]>

  exportBids(): Promise<{ blob: Blob; fileName: string }>
  /** A listing's order history (sale, shipped, disputed, settled) from the chain, oldest first. */
  orderEvents(listingId: string, options?: { signal?: AbortSignal }): Promise<OrderEvent[]>
  importBids(file: Blob): Promise<{ added: number; updated: number; unchanged: number }>
}

// ------------------------------------------------------------------------------------------------- escrow

export type EscrowRole = 'buyer' | 'seller' | 'arbiter'

/** One sale's escrow as the orders, sales and arbiter views show it (contracts v3 rules in docs/contracts.md). */
export interface Order {
  listingId: string
  /** The connected (or asked-about) account's part in it. */
  role: EscrowRole
  buyer: `0x${string}`
  seller: `0x${string}`
  /** The listing's 1–3 arbiters: the buyer chooses one of them when disputing. */
  arbiters: `0x${string}`[]
  /** The arbiter the buyer chose (only the buyer disputes); undefined if there was no dispute. */
  arbiter: `0x${string}` | undefined
  status: EscrowStatus
  price: bigint
  currency: Currency
  arbiterFeeBps: number
  /** The market's protocol fee (to the treasury) on a completed sale or an arbiter's decision, in basis points. */
  protocolFeeBps: number
  /** Seconds the buyer has after shipping, and the arbiter has after a dispute. */
  confirmWindow: number
  disputeWindow: number
  /** Shipped: end of the buyer's confirm window; disputed: end of the arbiter's window; else 0 (unix seconds). */
  deadline: number
  /** The chosen arbiter decided the dispute (`resolve`). */
  resolved: boolean
  /**
   * What `role` may still rate on this escrow: the other party once it closed (buyer or seller), the arbiter
   * once it decided. Always false for the arbiter's own role.
   */
  mayRate: { party: boolean; arbiter: boolean }
  /** The chain's time of the read. */
  now: number
  /** Closed escrows: what went where (EscrowSettled); `protocolFee` went to the treasury. */
  settlement: { toBuyer: bigint; toSeller: bigint; arbiterFee: bigint; protocolFee: bigint } | undefined
}

/** An arbiter's terms and record, as anyone sees it: the contract's counters and the cases from chain events. */
export interface ArbiterRecord {
  address: `0x${string}`
  registered: boolean
  /** Its terms: the smallest fee (bps) and shortest dispute window (seconds) a listing naming it must give. */
  minFeeBps: number
  minDisputeWindow: number
  /** Unix seconds of its first registration (0: never). */
  registeredAt: number
  metadataCid: string
  disputes: number
  decidedForBuyer: number
  decidedForSeller: number
  decidedSplit: number
  timedOut: number
  settledByParties: number
  /** Every dispute whose buyer chose this arbiter, newest first. */
  cases: {
    listingId: string
    status: EscrowStatus
    currency: Currency
    price: bigint
    settlement: Order['settlement']
  }[]
}

/**
 * After the auction: escrows, disputes, arbiters and pulling what one is owed. Reads take any account; the
 * actions are sent by the connected wallet and fail with a chain error (`errorSentence` makes it a sentence).
 */
export interface EscrowService {
  /** Escrows `account` (default: the connected one) is part of, newest first; `role` filters. */
  orders(options?: { account?: `0x${string}`; role?: EscrowRole; signal?: AbortSignal }): Promise<Order[]>
  arbiter(address: `0x${string}`, options?: { signal?: AbortSignal }): Promise<ArbiterRecord>
  markShipped(listingId: string): Promise<{ txHash: `0x${string}` }>
  confirmReceipt(listingId: string): Promise<{ txHash: `0x${string}` }>
  /** The buyer disputes and chooses `arbiter` from the listing's set. */
  dispute(listingId: string, arbiter: `0x${string}`): Promise<{ txHash: `0x${string}` }>
  claimTimeout(listingId: string): Promise<{ txHash: `0x${string}` }>
  refund(listingId: string): Promise<{ txHash: `0x${string}` }>
  /** The arbiter's decision: `toBuyer` of the price after the fee to the buyer, the rest to the seller. */
  resolveDispute(listingId: string, toBuyer: bigint): Promise<{ txHash: `0x${string}` }>
  /** Opt in as an arbiter, or change one's terms (`metadataCid`: the profile document's CID). */
  registerArbiter(p: {
    minFeeBps: number
    minDisputeWindow: number
    metadataCid: string
  }): Promise<{ txHash: `0x${string}` }>
  /**
   * After the escrow closed: rate the other party, or (`ofArbiter`) the arbiter that decided the dispute. The
   * review is a dag-cbor document already pinned; its CID's digest goes on chain.
   */
  rate(
    listingId: string,
    rating: { ofArbiter: boolean; score: Score; reviewCid?: string | undefined },
  ): Promise<{ txHash: `0x${string}` }>

  // trust (issue #25): computed in the chain Worker from the market's logs, cached in IndexedDB

  /** Any address's trading record and the ratings it received as a buyer or seller. */
  trustSummary(address: `0x${string}`, options?: { signal?: AbortSignal }): Promise<TrustSummary>
  /**
   * Several addresses' summaries in one call (one refresh of the index), in the order asked: what a page of
   * listing cards needs for its sellers (`sellerSummaries` in src/services/summary-batcher.ts batches them).
   */
  trustSummaries(addresses: readonly `0x${string}`[], options?: { signal?: AbortSignal }): Promise<TrustSummary[]>
  /** An arbiter's terms, record and the ratings it received for its decisions. */
  arbiterTrust(address: `0x${string}`, options?: { signal?: AbortSignal }): Promise<ArbiterTrust>
  /** Ratings `address` received, newest first (`as` keeps those as a party or those as an arbiter). */
  ratingsOf(
    address: `0x${string}`,
    options?: { offset?: number; limit?: number; as?: 'party' | 'arbiter'; signal?: AbortSignal },
  ): Promise<Rating[]>
  /** Every arbiter registered now: the deployment's recommended ones first. */
  registeredArbiters(options?: { signal?: AbortSignal }): Promise<ArbiterTrust[]>
  /** Withdraws every currency the market owes the connected account, one transaction each; what came out. */
  withdrawAll(): Promise<{ currency: Currency; amount: bigint }[]>
}

// ------------------------------------------------------------------------------------------------- messaging

export type { ChatMessage, Conversation, ShippingAddress, OrderEvent, PhotoRef }

/**
 * - `no-wallet`: no wallet connected, nothing to show;
 * - `needs-setup`: this device has no messaging key for the wallet yet; `enable()` asks the wallet to sign once;
 * - `starting`: keys found or being made, the engine's client is starting;
 * - `ready`: conversations are live;
 * - `unavailable`: the engine could not start messaging (`error` says why).
 */
export type MessagingStatus = 'no-wallet' | 'needs-setup' | 'starting' | 'ready' | 'unavailable'

/**
 * Presence and end-to-end encrypted messages of the connected wallet (issue #13), run by the engine Worker
 * (`src/services/messaging-service.ts`). Fires `change` when the status, a conversation or a delivery state
 * changes and `message` (a CustomEvent<ChatMessage>) for every new incoming message.
 */
export interface MessagingService extends EventTarget {
  readonly status: MessagingStatus
  readonly address: `0x${string}` | undefined
  readonly error: string | undefined
  /** Newest first. */
  readonly conversations: readonly Conversation[]
  /** Unread incoming messages over all conversations (the header's badge). */
  readonly unread: number
  /** This device's messaging public key (hex), once messaging is ready. */
  readonly deviceKey?: string | undefined
  /** Relays the messaging client reaches now (0: what is written waits in the outbox). */
  readonly relaysConnected: number
  /** Sets this device up for messaging: makes its key pair and asks the wallet for one binding signature. */
  enable(options?: { signal?: AbortSignal }): Promise<void>
  /** One conversation's messages in thread order. */
  thread(conv: string, options?: { signal?: AbortSignal }): Promise<ChatMessage[]>
  /** Encrypts and queues `text`; resolves once it is in the outbox (state `queued`). */
  send(
    to: `0x${string}`,
    text: string,
    options?: { signal?: AbortSignal; listing?: string; photos?: PhotoRef[] },
  ): Promise<ChatMessage>
  /** Downscales and encrypts a photo for a message (a fresh key) and adds it on this device. */
  addPhoto(photo: Blob, options?: { signal?: AbortSignal }): Promise<PhotoRef>
  /** Has a relay pin message photos (kept as long as relays keep messages); before `send`. */
  pinPhotos(cids: string[], options?: { signal?: AbortSignal }): Promise<void>
  /** A message's photo, fetched and decrypted. */
  openPhoto(ref: PhotoRef, options?: { signal?: AbortSignal }): Promise<Blob>
  /** Sends the shipping address in the listing's conversation (validated; kept only encrypted). */
  sendAddress(
    to: `0x${string}`,
    listing: string,
    address: ShippingAddress,
    options?: { signal?: AbortSignal },
  ): Promise<ChatMessage>
  /** Marks a conversation read and sends the other person one read receipt. */
  markRead(conv: string, options?: { signal?: AbortSignal }): Promise<void>
}
