/**
 * `ChainService` over src/chain (wagmi + viem): the one place the views' chain calls meet the action and read
 * files, so a change of an action's signature (issue #10) is adapted here and nowhere else.
 * Loaded after first paint (dynamic import from src/services.ts).
 */
import { readContract, signMessage } from '@wagmi/core'
import { getAddress, isAddress, isAddressEqual, type Address, type Hex } from 'viem'
import { testUsdAbi } from '../chain/abi/testUsd.ts'
import { buyListing } from '../chain/actions/buyListing.ts'
import { cancelListing } from '../chain/actions/cancelListing.ts'
import { claimTimeout } from '../chain/actions/claimTimeout.ts'
import { confirmReceipt } from '../chain/actions/confirmReceipt.ts'
import { dispute } from '../chain/actions/dispute.ts'
import { finalizeAuction } from '../chain/actions/finalizeAuction.ts'
import { markShipped } from '../chain/actions/markShipped.ts'
import { refund } from '../chain/actions/refund.ts'
import { registerArbiter } from '../chain/actions/registerArbiter.ts'
import { resolveDispute } from '../chain/actions/resolveDispute.ts'
import { placeBid } from '../chain/actions/placeBid.ts'
import { rate } from '../chain/actions/rate.ts'
import { getListingContent } from '../chain/reads/getListingContent.ts'
import { revealBid } from '../chain/actions/revealBid.ts'
import { withdraw } from '../chain/actions/withdraw.ts'
import { withdrawBid } from '../chain/actions/withdrawBid.ts'
import { configuredChain, createSoukWagmiConfig, type SoukWagmiConfig } from '../chain/config.ts'
import { toSoukChainError } from '../chain/errors.ts'
import { getMarketEvents, marketOf, readMarket, tokenOf, ZERO_ADDRESS, type MarketRead } from '../chain/market.ts'
import { getAuction, type GetAuctionReturnType } from '../chain/reads/getAuction.ts'
import { getArbiter } from '../chain/reads/getArbiter.ts'
import { getArbiterCases, getSettlements, type Settlement } from '../chain/reads/getEscrowHistory.ts'
import { getUserBids } from '../chain/reads/getUserBids.ts'
import { getUserEscrows } from '../chain/reads/getUserEscrows.ts'
import { getOrderEvents, type OrderEvent } from '../chain/reads/getOrderEvents.ts'
import { getUserSales } from '../chain/reads/getUserSales.ts'
import { trackRevealReminders } from '../chain/reads/trackRevealReminders.ts'
import { watchAuction, watchMarket } from '../chain/reads/watchMarket.ts'
import { RevealReminders, type ReminderEvent } from '../chain/reminders.ts'
import { ChainTrust } from '../chain/trust/chain-trust.ts'
import type { LogCache } from '../chain/reads/logCache.ts'
import type { TrustLog } from '../chain/trust/trust-log.ts'
import { BidVault } from '../chain/vault.ts'
import {
  connectWallet,
  disconnectWallet,
  getWalletState,
  listWallets,
  reconnectWallet,
  rememberedWallet,
  rememberWallet,
  selectDevAccount,
  switchToConfiguredChain,
  watchWallet,
  watchWallets,
  type RememberedWallet,
  type WalletState,
} from '../chain/wallet.ts'
import type { SoukConfig } from '../core/config.ts'
import type {
  ArbiterOption,
  ArbiterRecord,
  AuctionView,
  ChainEvent,
  ChainService,
  Currency,
  ListingStats,
  MyBid,
  MySale,
  Order,
  EscrowRole,
  Reminder,
  WalletOption,
  WalletView,
} from './types.ts'
import type { ArbiterProfile, ArbiterTrust, Rating, Score, TrustSummary } from './trust-types.ts'

const ETH: Currency = { id: 'ETH', symbol: 'ETH', decimals: 18 }

export interface WagmiChainServiceOptions {
  /** An existing wagmi config (tests: one per simulated person). */
  wagmi?: SoukWagmiConfig
  /** An opened vault (tests: a fresh profile). */
  vault?: BidVault
  /** Where the trust index keeps its logs (default: IndexedDB where there is one, else memory). */
  trustCache?: LogCache<TrustLog>
  /** Loads an arbiter's profile document for `arbiterTrust` (the integrator's IPFS loader); none by default. */
  loadProfile?: (cid: string, options: { signal?: AbortSignal }) => Promise<ArbiterProfile | undefined>
  /** Reconnect the remembered wallet also with a wagmi config of the caller's (tests of a reload). */
  reconnect?: boolean
  /**
   * Follow the market's events and fire `market` with them (the chain Worker does, once for every tab; the
   * page's wallet side does not, so nothing polls twice).
   */
  events?: boolean
}

/** What became of a bid once its auction was finalized (see `MyBid.outcome`). */
function outcomeOf(b: { won: unknown; placed: boolean }, auction: AuctionView | undefined): MyBid['outcome'] {
  if (!b.placed || auction?.phase !== 'ended') return undefined
  if (b.won) return 'won'
  return auction.escrow ? 'lost' : 'no-sale'
}

/** Every address an event names (its indexed and plain address arguments). */
function accountsOf(args: Record<string, unknown>): `0x${string}`[] {
  return Object.values(args).filter((v): v is `0x${string}` => typeof v === 'string' && isAddress(v, { strict: false }))
}

/** EscrowView.ratings bits (ISoukMarket RATED_SELLER, RATED_BUYER, BUYER_RATED_ARBITER, SELLER_RATED_ARBITER). */
const RATED = { seller: 4, buyer: 8, arbiterByBuyer: 16, arbiterBySeller: 32 } as const

function walletView(s: WalletState, missing: RememberedWallet | undefined): WalletView {
  return {
    status: s.status,
    address: s.address,
    chainId: s.chainId,
    onConfiguredChain: s.onConfiguredChain,
    walletName: s.connector?.name,
    isDevWallet: s.connector?.isDevWallet ?? false,
    ...(s.devAccount === undefined ? {} : { devAccount: s.devAccount }),
    ...(missing && s.status !== 'connected' ? { missing: { name: missing.name, address: missing.address } } : {}),
  }
}

export class WagmiChainService extends EventTarget implements ChainService {
  readonly wagmi: SoukWagmiConfig
  readonly vault: BidVault
  readonly chainId: number
  readonly chainName: string
  readonly #reminders = new RevealReminders()
  #currencies: Promise<Currency[]> | undefined
  /** The deployment's recommended arbiters (config.json), offered first when listing. */
  readonly #recommended: readonly Address[]
  readonly #stops: (() => void)[] = []
  #stopped = false
  readonly #trustOptions: Pick<WagmiChainServiceOptions, 'trustCache' | 'loadProfile'>
  #trustIndex: ChainTrust | undefined
  #protocolFeeBps: Promise<number> | undefined
  /** The remembered wallet did not come back at start-up (until it does, or the person picks one). */
  #missing: RememberedWallet | undefined

  private constructor(
    wagmi: SoukWagmiConfig,
    vault: BidVault,
    recommended: readonly Address[],
    trustOptions: Pick<WagmiChainServiceOptions, 'trustCache' | 'loadProfile'> = {},
  ) {
    super()
    this.wagmi = wagmi
    this.vault = vault
    this.#recommended = recommended
    this.#trustOptions = trustOptions
    const chain = configuredChain(wagmi)
    this.chainId = chain.id
    this.chainName = chain.name
  }

  /** Builds the wagmi config, opens the vault, reconnects the last wallet and starts the reveal reminders. */
  static async start(config: SoukConfig, options: WagmiChainServiceOptions = {}): Promise<WagmiChainService> {
    const wagmi = options.wagmi ?? createSoukWagmiConfig(config)
    const vault = options.vault ?? (await BidVault.open())
    const service = new WagmiChainService(wagmi, vault, config.recommendedArbiters ?? [], {
      ...(options.trustCache ? { trustCache: options.trustCache } : {}),
      ...(options.loadProfile ? { loadProfile: options.loadProfile } : {}),
    })
    service.#start()
    if (options.events) service.#followEvents()
    if (!options.wagmi || options.reconnect) await service.#reconnect()
    return service
  }

  /** The remembered wallet and account, that one only; `missing` says so when it does not come back. */
  async #reconnect(): Promise<void> {
    const state = await reconnectWallet(this.wagmi)
    this.#missing = state.missing
    if (this.#missing) this.dispatchEvent(new Event('wallet'))
  }

  #start(): void {
    this.#stops.push(
      watchWallet(this.wagmi, (state) => {
        if (state.status === 'connected') {
          this.#missing = undefined
          void rememberWallet(this.wagmi, state).catch(() => undefined)
        }
        this.dispatchEvent(new Event('wallet'))
      }),
    )
    this.#stops.push(
      watchWallets(this.wagmi, (wallets) => {
        // the remembered wallet announced itself late (an extension still loading): reconnect it now
        const late = this.#missing
        if (late && wallets.some((w) => w.id === late.id) && this.wallet().status === 'disconnected')
          void rememberedWallet(this.wagmi)
            .then((r) => (r?.id === late.id ? this.#reconnect() : undefined))
            .catch(() => undefined)
        this.dispatchEvent(new Event('wallet'))
      }),
    )
    const onVault = (): void => void this.dispatchEvent(new Event('bids'))
    this.vault.addEventListener('change', onVault)
    this.#stops.push(() => this.vault.removeEventListener('change', onVault))
    const onReminder = (e: Event): void => {
      const { kind, listingId, secondsLeft } = (e as ReminderEvent).detail
      this.dispatchEvent(
        new CustomEvent<Reminder>('reminder', { detail: { kind, listingId: listingId.toString(), secondsLeft } }),
      )
    }
    for (const kind of ['reveal-open', 'reveal-closing', 'reveal-closed'])
      this.#reminders.addEventListener(kind, onReminder)
    // the reminders poll the chain for blocks: started only once this browser holds a bid to reveal
    let tracking: ReturnType<typeof trackRevealReminders> | undefined
    const ensureTracking = async (): Promise<void> => {
      if (tracking || this.#stopped) return
      const open = await this.vault.list({ chainId: this.chainId, status: ['pending', 'sent', 'confirmed'] })
      if (open.length === 0 || tracking || this.#stopped) return
      tracking = trackRevealReminders(this.wagmi, {
        vault: this.vault,
        reminders: this.#reminders,
        onError: (err) => console.warn('souk: reveal reminders', err.shortMessage),
      })
    }
    const onVaultForReminders = (): void => void ensureTracking()
    this.vault.addEventListener('change', onVaultForReminders)
    void ensureTracking()
    this.#stops.push(
      () => this.vault.removeEventListener('change', onVaultForReminders),
      () => tracking?.stop(),
      () => this.#reminders.stop(),
    )
  }

  #followEvents(): void {
    this.#stops.push(
      watchMarket(this.wagmi, {
        onEvents: (events) => {
          const detail: ChainEvent[] = events.map((e) => ({
            name: e.eventName,
            listingId: typeof e.args.listingId === 'bigint' ? e.args.listingId.toString() : undefined,
            accounts: accountsOf(e.args),
          }))
          this.dispatchEvent(new CustomEvent<ChainEvent[]>('market', { detail }))
        },
        onError: (err) => console.warn('souk: market events', err.shortMessage),
      }),
    )
  }

  stop(): void {
    this.#stopped = true
    for (const stop of this.#stops.splice(0)) stop()
  }

  async currencies(): Promise<Currency[]> {
    this.#currencies ??= (async () => {
      const token = tokenOf(this.wagmi)
      if (!token) return [ETH]
      try {
        const [symbol, decimals] = await Promise.all([
          readContract(this.wagmi, { abi: testUsdAbi, address: token, functionName: 'symbol', chainId: this.chainId }),
          readContract(this.wagmi, {
            abi: testUsdAbi,
            address: token,
            functionName: 'decimals',
            chainId: this.chainId,
          }),
        ])
        return [ETH, { id: token, symbol, decimals }]
      } catch (err) {
        this.#currencies = undefined
        throw toSoukChainError(err, { chain: configuredChain(this.wagmi) })
      }
    })()
    return await this.#currencies
  }

  async #currency(token: Address | undefined): Promise<Currency> {
    if (!token || token === ZERO_ADDRESS) return ETH
    const known = (await this.currencies()).find((c) => c.id !== 'ETH' && c.id.toLowerCase() === token.toLowerCase())
    return known ?? { id: getAddress(token), symbol: `${token.slice(0, 6)}…`, decimals: 18 }
  }

  async #view(a: GetAuctionReturnType): Promise<AuctionView> {
    const l = a.listing
    return {
      listingId: a.listingId.toString(),
      seller: l.seller,
      arbiters: [...a.arbiters],
      arbiter: l.arbiter === ZERO_ADDRESS ? undefined : l.arbiter,
      arbiterFeeBps: l.arbiterFeeBps,
      confirmWindow: l.confirmWindow,
      disputeWindow: l.disputeWindow,
      buyNow: l.buyNow,
      price: l.price,
      currency: await this.#currency(a.token),
      phase: a.phase,
      now: a.timeline.now,
      biddingEnd: a.timeline.biddingEnd,
      revealEnd: a.timeline.revealEnd,
      hasBids: l.hasBids,
      escrow: a.escrow && { status: a.escrow.statusName, buyer: a.escrow.buyer, amount: a.escrow.price },
    }
  }

  wallet(): WalletView {
    return walletView(getWalletState(this.wagmi), this.#missing)
  }

  wallets(): WalletOption[] {
    return listWallets(this.wagmi).map((w) => ({
      uid: w.uid,
      name: w.name,
      icon: w.icon,
      isDevWallet: w.isDevWallet,
    }))
  }

  async connect(uid: string): Promise<WalletView> {
    return walletView(await connectWallet(this.wagmi, { wallet: uid }), undefined)
  }

  async disconnect(): Promise<void> {
    this.#missing = undefined
    await disconnectWallet(this.wagmi)
  }

  async switchChain(): Promise<WalletView> {
    return walletView(await switchToConfiguredChain(this.wagmi), undefined)
  }

  async selectDevAccount(index: number): Promise<void> {
    await selectDevAccount(this.wagmi, index)
  }

  async signMessage(text: string): Promise<Hex> {
    try {
      return await signMessage(this.wagmi, { message: text })
    } catch (err) {
      throw toSoukChainError(err, { chain: configuredChain(this.wagmi) })
    }
  }

  async auction(listingId: string, { signal }: { signal?: AbortSignal } = {}): Promise<AuctionView> {
    const a = await getAuction(this.wagmi, { listingId: BigInt(listingId) })
    signal?.throwIfAborted()
    return await this.#view(a)
  }

  watchAuction(listingId: string, onChange: (a: AuctionView) => void, onError: (e: Error) => void): () => void {
    let stopped = false
    const unwatch = watchAuction(this.wagmi, {
      listingId: BigInt(listingId),
      onChange: (a) =>
        void this.#view(a).then((v) => {
          if (!stopped) onChange(v)
        }, onError),
      onError,
    })
    return () => {
      stopped = true
      unwatch()
    }
  }

  async orderEvents(listingId: string, { signal }: { signal?: AbortSignal } = {}): Promise<OrderEvent[]> {
    return await getOrderEvents(this.wagmi, { listingId: BigInt(listingId), ...(signal ? { signal } : {}) })
  }

  async revealedBids(listingId: string): Promise<{ bidder: `0x${string}`; amount: bigint }[]> {
    const logs = await getMarketEvents(this.wagmi, 'BidRevealed', { listingId: BigInt(listingId) })
    return logs
      .flatMap((l) =>
        l.args.bidder && l.args.amount !== undefined ? [{ bidder: l.args.bidder, amount: l.args.amount }] : [],
      )
      .sort((a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1))
  }

  async listingStats(
    listingIds: readonly string[],
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<ListingStats[]> {
    // one incremental scan of each event for the whole market (cached between calls), counted here
    const [placed, finalized, purchased] = await Promise.all([
      getMarketEvents(this.wagmi, 'BidPlaced'),
      getMarketEvents(this.wagmi, 'Finalized'),
      getMarketEvents(this.wagmi, 'Purchased'),
    ])
    signal?.throwIfAborted()
    const stats = new Map<string, ListingStats>(
      listingIds.map((id) => [id, { listingId: id, bids: 0, soldFor: undefined, noSale: false }]),
    )
    for (const l of placed) {
      const s = stats.get(l.args.listingId?.toString() ?? '')
      if (s) s.bids++
    }
    for (const l of [...finalized, ...purchased]) {
      const s = stats.get(l.args.listingId?.toString() ?? '')
      if (!s) continue
      if (l.args.buyer && isAddressEqual(l.args.buyer, ZERO_ADDRESS)) s.noSale = true
      else s.soldFor = l.args.price
    }
    return listingIds.map((id) => stats.get(id)!)
  }

  async placeBid({
    listingId,
    amount,
    deposit,
    contentHash,
  }: {
    listingId: string
    amount: bigint
    deposit: bigint
    contentHash?: Hex
  }) {
    const id = BigInt(listingId)
    const { hash } = await placeBid(this.wagmi, {
      listingId: id,
      amount,
      deposit,
      contentHash: contentHash ?? (await getListingContent(this.wagmi, { listingId: id })).contentHash,
      vault: this.vault,
    })
    return { txHash: hash }
  }

  async revealBid(commitment: Hex) {
    const { hash } = await revealBid(this.wagmi, { commitment, vault: this.vault })
    return { txHash: hash }
  }

  async finalize(listingId: string) {
    const { buyer, price } = await finalizeAuction(this.wagmi, { listingId: BigInt(listingId) })
    return { buyer, price }
  }

  async withdrawBid(listingId: string, commitment: Hex) {
    const { refund, penalty } = await withdrawBid(this.wagmi, {
      listingId: BigInt(listingId),
      commitment,
      vault: this.vault,
    })
    return { refund, penalty }
  }

  async buy({ listingId, contentHash }: { listingId: string; contentHash?: Hex }) {
    const id = BigInt(listingId)
    const { hash, price } = await buyListing(this.wagmi, {
      listingId: id,
      contentHash: contentHash ?? (await getListingContent(this.wagmi, { listingId: id })).contentHash,
    })
    return { txHash: hash, price }
  }

  async cancelListing(listingId: string) {
    return { txHash: (await cancelListing(this.wagmi, { listingId: BigInt(listingId) })).hash }
  }

  async protocolFeeBps(): Promise<number> {
    return await this.#protocolFee()
  }

  async withdrawable(): Promise<{ currency: Currency; amount: bigint }[]> {
    const { address } = this.wallet()
    if (!address) return []
    const currencies = await this.currencies()
    const reads: MarketRead<'withdrawable'>[] = currencies.map((c) => ({
      functionName: 'withdrawable',
      args: [address, c.id === 'ETH' ? ZERO_ADDRESS : c.id],
    }))
    const amounts: readonly unknown[] = await readMarket(this.wagmi, reads)
    return currencies.map((currency, i) => {
      const amount = amounts[i]
      return { currency, amount: typeof amount === 'bigint' ? amount : 0n }
    })
  }

  async withdraw(currency: Currency['id']) {
    const { amount } = await withdraw(this.wagmi, currency === 'ETH' ? {} : { token: currency })
    return { amount }
  }

  async myBids({ listingId, signal }: { listingId?: string; signal?: AbortSignal } = {}): Promise<MyBid[]> {
    const { address } = this.wallet()
    if (!address) return []
    const bids = await getUserBids(this.wagmi, { bidder: address, vault: this.vault })
    signal?.throwIfAborted()
    const out: MyBid[] = []
    for (const b of bids) {
      if (listingId !== undefined && b.listingId.toString() !== listingId) continue
      const auction = b.auction && (await this.#view(b.auction))
      out.push({
        listingId: b.listingId.toString(),
        commitment: b.commitment,
        amount: b.secret?.amount,
        deposit: b.deposit,
        currency: auction?.currency,
        status: b.secret?.status ?? 'placed',
        placedOnChain: b.placed,
        revealedOnChain: b.onChain?.revealed ?? false,
        withdrawn: b.withdrawn,
        error: b.secret?.error,
        auction,
        outcome: outcomeOf(b, auction),
        change: b.won?.change,
      })
    }
    return out.reverse()
  }

  async mySales({ seller, signal }: { seller?: Address; signal?: AbortSignal } = {}): Promise<MySale[]> {
    const who = seller ?? this.wallet().address
    if (!who) return []
    const sales = await getUserSales(this.wagmi, { seller: who })
    signal?.throwIfAborted()
    const out: MySale[] = []
    for (const s of sales) out.push({ listingId: s.listingId.toString(), auction: await this.#view(s.auction) })
    return out.reverse()
  }

  /**
   * Arbiters to offer a seller: the deployment's recommended ones (config.json) first, then those other sellers
   * on this market named, most used first; only those registered now, since the contract refuses a listing
   * that names anyone else, with their terms. The sell form also takes any address.
   */
  async recommendedArbiters(): Promise<ArbiterOption[]> {
    const created = await getMarketEvents(this.wagmi, 'ListingCreated')
    const options = new Map<string, { address: Address; listings: number; recommended: boolean }>()
    for (const address of this.#recommended)
      options.set(address.toLowerCase(), { address, listings: 0, recommended: true })
    for (const l of created)
      for (const a of l.args.terms?.arbiters ?? []) {
        const o = options.get(a.toLowerCase()) ?? { address: a, listings: 0, recommended: false }
        options.set(a.toLowerCase(), { ...o, listings: o.listings + 1 })
      }
    const ranked = [...options.values()]
      .sort((a, b) => Number(b.recommended) - Number(a.recommended) || b.listings - a.listings)
      .slice(0, 10)
    const views = await Promise.all(ranked.map((o) => getArbiter(this.wagmi, { arbiter: o.address })))
    return ranked.flatMap((o, i) => {
      const v = views[i]!
      return v.registered ? [{ ...o, minFeeBps: v.minFeeBps, minDisputeWindow: v.minDisputeWindow }] : []
    })
  }

  async exportBids(): Promise<{ blob: Blob; fileName: string }> {
    return { blob: await this.vault.exportVault(), fileName: BidVault.exportFileName() }
  }

  async importBids(file: Blob) {
    return await this.vault.importVault(file)
  }

  // ----------------------------------------------------------------------------------------------- escrow

  async #order(role: EscrowRole, a: GetAuctionReturnType, settlement: Settlement | undefined): Promise<Order> {
    const e = a.escrow
    if (!e) throw new Error(`listing ${a.listingId} has no escrow`)
    const closed = e.status >= 4
    const rated = (bit: number): boolean => (e.ratings & bit) !== 0
    return {
      listingId: a.listingId.toString(),
      role,
      buyer: e.buyer,
      seller: a.listing.seller,
      arbiters: [...a.arbiters],
      arbiter: e.arbiter === ZERO_ADDRESS ? undefined : e.arbiter,
      status: e.statusName,
      price: e.price,
      currency: await this.#currency(a.token),
      arbiterFeeBps: a.listing.arbiterFeeBps,
      protocolFeeBps: await this.#protocolFee(),
      confirmWindow: a.listing.confirmWindow,
      disputeWindow: a.listing.disputeWindow,
      deadline: e.status === 2 || e.status === 3 ? e.deadline : 0,
      resolved: e.resolved,
      mayRate:
        role === 'buyer'
          ? { party: closed && !rated(RATED.seller), arbiter: closed && e.resolved && !rated(RATED.arbiterByBuyer) }
          : role === 'seller'
            ? { party: closed && !rated(RATED.buyer), arbiter: closed && e.resolved && !rated(RATED.arbiterBySeller) }
            : { party: false, arbiter: false },
      now: a.timeline.now,
      settlement: settlement && {
        toBuyer: settlement.toBuyer,
        toSeller: settlement.toSeller,
        arbiterFee: settlement.arbiterFee,
        protocolFee: settlement.protocolFee,
      },
    }
  }

  /** The market's PROTOCOL_FEE_BPS (immutable: read once). */
  async #protocolFee(): Promise<number> {
    this.#protocolFeeBps ??= readMarket(this.wagmi, [{ functionName: 'PROTOCOL_FEE_BPS', args: [] }]).then(([bps]) =>
      Number(bps),
    )
    this.#protocolFeeBps.catch(() => (this.#protocolFeeBps = undefined))
    return await this.#protocolFeeBps
  }

  async orders({ account, role, signal }: { account?: Address; role?: EscrowRole; signal?: AbortSignal } = {}): Promise<
    Order[]
  > {
    const who = account ?? this.wallet().address
    if (!who) return []
    const escrows = (await getUserEscrows(this.wagmi, { account: who })).filter((e) => !role || e.role === role)
    signal?.throwIfAborted()
    const settled = await getSettlements(this.wagmi, {
      listingIds: escrows.filter((e) => e.auction.escrow.status > 3).map((e) => e.listingId),
    })
    signal?.throwIfAborted()
    const out: Order[] = []
    for (const e of escrows) out.push(await this.#order(e.role, e.auction, settled.get(e.listingId)))
    return out.reverse()
  }

  async arbiter(address: Address, { signal }: { signal?: AbortSignal } = {}): Promise<ArbiterRecord> {
    const [view, cases] = await Promise.all([
      getArbiter(this.wagmi, { arbiter: address }),
      getArbiterCases(this.wagmi, { arbiter: address }),
    ])
    signal?.throwIfAborted()
    const out: ArbiterRecord['cases'] = []
    for (const c of cases) {
      const o = await this.#order('arbiter', c.auction, c.settlement)
      out.push({
        listingId: o.listingId,
        status: o.status,
        currency: o.currency,
        price: o.price,
        settlement: o.settlement,
      })
    }
    return {
      address: getAddress(address),
      registered: view.registered,
      minFeeBps: view.minFeeBps,
      minDisputeWindow: view.minDisputeWindow,
      registeredAt: view.registeredAt,
      metadataCid: view.metadataCid,
      disputes: view.disputes,
      decidedForBuyer: view.decidedForBuyer,
      decidedForSeller: view.decidedForSeller,
      decidedSplit: view.decidedSplit,
      timedOut: view.timedOut,
      settledByParties: view.settledByParties,
      cases: out.reverse(),
    }
  }

  async markShipped(listingId: string) {
    return { txHash: (await markShipped(this.wagmi, { listingId: BigInt(listingId) })).hash }
  }

  async confirmReceipt(listingId: string) {
    return { txHash: (await confirmReceipt(this.wagmi, { listingId: BigInt(listingId) })).hash }
  }

  async dispute(listingId: string, arbiter: Address) {
    return { txHash: (await dispute(this.wagmi, { listingId: BigInt(listingId), arbiter })).hash }
  }

  async rate(listingId: string, r: { ofArbiter: boolean; score: Score; reviewCid?: string | undefined }) {
    const { hash } = await rate(this.wagmi, {
      listingId: BigInt(listingId),
      ofArbiter: r.ofArbiter,
      score: r.score,
      reviewCid: r.reviewCid,
    })
    return { txHash: hash }
  }

  async claimTimeout(listingId: string) {
    return { txHash: (await claimTimeout(this.wagmi, { listingId: BigInt(listingId) })).hash }
  }

  async refund(listingId: string) {
    return { txHash: (await refund(this.wagmi, { listingId: BigInt(listingId) })).hash }
  }

  async resolveDispute(listingId: string, toBuyer: bigint) {
    return { txHash: (await resolveDispute(this.wagmi, { listingId: BigInt(listingId), toBuyer })).hash }
  }

  async registerArbiter(p: { minFeeBps: number; minDisputeWindow: number; metadataCid: string }) {
    return { txHash: (await registerArbiter(this.wagmi, p)).hash }
  }

  // ----------------------------------------------------------------------------------------------- trust

  /** The trust index of this deployment (src/chain/trust/), made on first use. */
  get trust(): ChainTrust {
    this.#trustIndex ??= new ChainTrust(this.wagmi, {
      currencyOf: (token) => this.#currency(token),
      recommended: this.#recommended,
      cache: this.#trustOptions.trustCache,
      loadProfile: this.#trustOptions.loadProfile,
    })
    return this.#trustIndex
  }

  async trustSummary(address: Address, { signal }: { signal?: AbortSignal } = {}): Promise<TrustSummary> {
    return await this.trust.trustSummary(address, { signal })
  }

  async trustSummaries(
    addresses: readonly Address[],
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<TrustSummary[]> {
    return await this.trust.trustSummaries(addresses, { signal })
  }

  async arbiterTrust(address: Address, { signal }: { signal?: AbortSignal } = {}): Promise<ArbiterTrust> {
    return await this.trust.arbiterTrust(address, { signal })
  }

  async ratingsOf(
    address: Address,
    options: { offset?: number; limit?: number; as?: 'party' | 'arbiter'; signal?: AbortSignal } = {},
  ): Promise<Rating[]> {
    return await this.trust.ratingsOf(address, options)
  }

  async registeredArbiters({ signal }: { signal?: AbortSignal } = {}): Promise<ArbiterTrust[]> {
    return await this.trust.registeredArbiters({ signal })
  }

  /** One withdrawal per currency with something owed, in order; stops at the first failure (the rest stay owed). */
  async withdrawAll(): Promise<{ currency: Currency; amount: bigint }[]> {
    const owed = (await this.withdrawable()).filter((o) => o.amount > 0n)
    const out: { currency: Currency; amount: bigint }[] = []
    for (const o of owed) out.push({ currency: o.currency, amount: (await this.withdraw(o.currency.id)).amount })
    return out
  }

  /** The market contract address (for display). */
  get market(): Address {
    return marketOf(this.wagmi).address
  }
}
