/**
 * The typed message interface between the page and the chain Worker (Comlink): the chain status and the
 * chain reads the views need (auction state, revealed bids, currencies, sales, arbiters) run there, so viem's
 * polling and decoding stay off the main thread. The wallet and transactions stay on the page (they need the
 * wallet's EIP-1193 provider) and load only when the person acts.
 */
import type { SoukConfig } from '../core/config.ts'
import type { ChainSnapshot } from '../core/status.ts'
import type {
  ArbiterOption,
  ArbiterRecord,
  AuctionView,
  ChainEvent,
  Currency,
  ListingStats,
  EscrowRole,
  MySale,
  Order,
  OrderEvent,
  Reminder,
} from '../services/types.ts'
import type { ArbiterTrust, Rating, TrustSummary } from '../services/trust-types.ts'

export interface ChainWorkerApi {
  /** Starts following the chain and the reveal reminders once (later calls, e.g. from another tab, reuse it). */
  start(config: SoukConfig): Promise<ChainSnapshot>
  /**
   * Calls `onChange` with every chain status, `onReminder` with reveal reminders and `onMarket` with the
   * market's events as they are mined (the views' one source of "something changed"); returns an id for
   * `unsubscribe`.
   */
  subscribe(
    onChange: (snapshot: ChainSnapshot) => void,
    onReminder: (r: Reminder) => void,
    onMarket: (events: ChainEvent[]) => void,
  ): Promise<number>
  unsubscribe(id: number): Promise<void>
  currencies(): Promise<Currency[]>
  auction(listingId: string): Promise<AuctionView>
  /** Calls back on every event of the listing and when a deadline passes; returns an id for `unwatch`. */
  watchAuction(listingId: string, onChange: (a: AuctionView) => void, onError: (e: Error) => void): Promise<number>
  unwatch(id: number): Promise<void>
  revealedBids(listingId: string): Promise<{ bidder: `0x${string}`; amount: bigint }[]>
  /** At most 100 listings. */
  listingStats(listingIds: string[]): Promise<ListingStats[]>
  sales(seller: `0x${string}`): Promise<MySale[]>
  recommendedArbiters(): Promise<ArbiterOption[]>
  /** Escrows `account` is part of (see `EscrowService.orders`). */
  orders(account: `0x${string}`, role?: EscrowRole): Promise<Order[]>
  arbiter(address: `0x${string}`): Promise<ArbiterRecord>
  orderEvents(listingId: string): Promise<OrderEvent[]>
  /** Trust reads (issue #25), from the worker's trust index over the market's logs (cached in IndexedDB). */
  trustSummary(address: `0x${string}`): Promise<TrustSummary>
  /** Several summaries over one refresh of the index, in the order asked (at most 100 addresses). */
  trustSummaries(addresses: `0x${string}`[]): Promise<TrustSummary[]>
  arbiterTrust(address: `0x${string}`): Promise<ArbiterTrust>
  ratingsOf(
    address: `0x${string}`,
    page: { offset?: number; limit?: number; as?: 'party' | 'arbiter' },
  ): Promise<Rating[]>
  registeredArbiters(): Promise<ArbiterTrust[]>
  /** The page changed the bid vault (a new bid): look again for bids to remind about. */
  bidsChanged(): Promise<void>
  stop(): Promise<void>
}
