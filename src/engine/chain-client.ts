/**
 * The page's side of the chain Worker: a `StatusSource` of the chain and a `ChainService` whose reads (auction
 * state, revealed bids, currencies, a seller's sales, arbiters) and reveal reminders run in the worker, while
 * the wallet and the transactions — viem and @wagmi/core on the page — load only when the person acts
 * (opens the wallet menu, connects, bids) or, for someone who connected before, when the page is idle, so
 * their wallet reconnects without weighing on the first seconds.
 */
import * as Comlink from 'comlink'
import type { SoukConfig } from '../core/config.ts'
import type { ChainSnapshot, StatusSource } from '../core/status.ts'
import type { SoukWagmiConfig } from '../chain/config.ts'
import type { WagmiChainService } from '../services/chain-service.ts'
import type {
  ArbiterOption,
  ArbiterRecord,
  AuctionView,
  ChainEvent,
  ChainService,
  Currency,
  MyBid,
  MySale,
  Order,
  EscrowRole,
  Reminder,
  WalletOption,
  WalletView,
} from '../services/types.ts'
import type { ArbiterTrust, Rating, Score, TrustSummary } from '../services/trust-types.ts'
import type { ChainWorkerApi } from './chain-api.ts'
import { installErrorTransfer } from './wire-errors.ts'
import { abortable } from '../core/abortable.ts'

class ChainStatusMirror extends EventTarget implements StatusSource<ChainSnapshot> {
  snapshot: ChainSnapshot = { status: 'connecting' }
  set(next: ChainSnapshot): void {
    this.snapshot = next
    this.dispatchEvent(new Event('change'))
  }
}

const DISCONNECTED: WalletView = {
  status: 'disconnected',
  address: undefined,
  chainId: undefined,
  onConfiguredChain: false,
  walletName: undefined,
  isDevWallet: false,
}

/** True when this browser connected a wallet before (wagmi keeps the last connector in localStorage). */
function connectedBefore(config: SoukConfig): boolean {
  try {
    const recent = globalThis.localStorage?.getItem(`souk.wagmi.${config.chain.id}.recentConnectorId`)
    return (recent !== null && recent !== undefined && recent !== 'null') || remembered(config) !== undefined
  } catch {
    return false
  }
}

/**
 * The wallet and account this browser used last (`rememberWallet` in src/chain/wallet.ts writes it through the
 * wagmi storage), read without loading wagmi: the header shows who you are at once, also offline.
 */
function remembered(config: SoukConfig): { id: string; name: string; address: `0x${string}` } | undefined {
  try {
    const raw = globalThis.localStorage?.getItem(`souk.wagmi.${config.chain.id}.souk.wallet`)
    const v = raw ? (JSON.parse(raw) as { id?: unknown; name?: unknown; address?: unknown }) : undefined
    if (typeof v?.id !== 'string' || typeof v.name !== 'string' || typeof v.address !== 'string') return undefined
    return /^0x[0-9a-fA-F]{40}$/.test(v.address)
      ? { id: v.id, name: v.name, address: v.address as `0x${string}` }
      : undefined
  } catch {
    return undefined
  }
}

/** Runs `fn` when the page is idle (a task of its own, after the page's own work), else soon. */
function whenIdle(fn: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 10_000 })
  else setTimeout(fn, 0)
}

export class WorkerChainService extends EventTarget implements ChainService {
  readonly chainId: number
  readonly chainName: string
  readonly #config: SoukConfig
  readonly #remote: Comlink.Remote<ChainWorkerApi>
  #wallet: Promise<WagmiChainService> | undefined
  #loaded: WagmiChainService | undefined
  #stopped = false
  /** The wallet side failed to load: the remembered wallet is not coming back by itself. */
  #failed = false
  readonly #seen = new Set<string>()

  constructor(config: SoukConfig, remote: Comlink.Remote<ChainWorkerApi>) {
    super()
    this.chainId = config.chain.id
    this.chainName = config.chain.name
    this.#config = config
    this.#remote = remote
    if (connectedBefore(config)) whenIdle(() => void this.#walletService().catch(() => undefined))
  }

  /** The wallet side (viem + wagmi on the page), loaded on first need. */
  #walletService(): Promise<WagmiChainService> {
    if (this.#wallet) return this.#wallet
    this.#wallet = (async () => {
      const { WagmiChainService } = await import('../services/chain-service.ts')
      const service = await WagmiChainService.start(this.#config)
      if (this.#stopped) {
        service.stop()
        throw new Error('the chain service was stopped')
      }
      this.#loaded = service
      service.addEventListener('wallet', () => this.dispatchEvent(new Event('wallet')))
      service.addEventListener('bids', () => {
        this.dispatchEvent(new Event('bids'))
        void this.#remote.bidsChanged().catch(() => undefined)
      })
      service.addEventListener('reminder', (e) => this.reminder((e as CustomEvent<Reminder>).detail))
      this.dispatchEvent(new Event('wallet'))
      return service
    })()
    this.#wallet.catch(() => {
      this.#wallet = undefined
      this.#failed = true
      this.dispatchEvent(new Event('wallet'))
    })
    // a microtask later: wallets() may be called while an element renders
    queueMicrotask(() => this.dispatchEvent(new Event('wallet')))
    return this.#wallet
  }

  /** A reminder from the worker or the page's wallet side, passed on once per listing and kind. */
  reminder(r: Reminder): void {
    const key = `${r.kind}:${r.listingId}`
    if (this.#seen.has(key)) return
    this.#seen.add(key)
    this.dispatchEvent(new CustomEvent<Reminder>('reminder', { detail: r }))
  }

  stop(): void {
    this.#stopped = true
    this.#loaded?.stop()
  }

  wallet(): WalletView {
    if (this.#loaded) return this.#loaded.wallet()
    // the wallet side is still loading: the remembered wallet and account are shown as reconnecting (nothing
    // acts as them until the wallet is back); else 'connecting' tells the wallet menu to say "looking for wallets"
    const last = this.#failed ? undefined : remembered(this.#config)
    if (last)
      return {
        ...DISCONNECTED,
        status: 'reconnecting',
        address: last.address,
        walletName: last.name,
        isDevWallet: last.id === 'souk-dev-wallet',
      }
    return this.#wallet ? { ...DISCONNECTED, status: 'connecting' } : DISCONNECTED
  }

  wallets(): WalletOption[] {
    if (this.#loaded) return this.#loaded.wallets()
    void this.#walletService().catch(() => undefined)
    return []
  }

  async connect(uid: string) {
    return await (await this.#walletService()).connect(uid)
  }
  async disconnect() {
    await (await this.#walletService()).disconnect()
  }
  async switchChain() {
    return await (await this.#walletService()).switchChain()
  }
  async selectDevAccount(index: number) {
    await (await this.#walletService()).selectDevAccount(index)
  }

  async currencies(): Promise<Currency[]> {
    return await this.#remote.currencies()
  }

  async auction(listingId: string, { signal }: { signal?: AbortSignal } = {}): Promise<AuctionView> {
    const a = await this.#remote.auction(listingId)
    signal?.throwIfAborted()
    return a
  }

  watchAuction(listingId: string, onChange: (a: AuctionView) => void, onError: (e: Error) => void): () => void {
    let stopped = false
    const id = this.#remote.watchAuction(
      listingId,
      Comlink.proxy((a: AuctionView) => {
        if (!stopped) onChange(a)
      }),
      Comlink.proxy((e: Error) => {
        if (!stopped) onError(e)
      }),
    )
    id.catch((e: unknown) => onError(e instanceof Error ? e : new Error(String(e))))
    return () => {
      stopped = true
      void id.then((n) => this.#remote.unwatch(n)).catch(() => undefined)
    }
  }

  async revealedBids(listingId: string) {
    return await this.#remote.revealedBids(listingId)
  }

  async listingStats(listingIds: readonly string[], { signal }: { signal?: AbortSignal } = {}) {
    return await abortable(this.#remote.listingStats([...listingIds]), signal)
  }

  /** The market's events from the worker, passed on to the views. */
  market(events: ChainEvent[]): void {
    this.dispatchEvent(new CustomEvent<ChainEvent[]>('market', { detail: events }))
  }

  async orderEvents(listingId: string, { signal }: { signal?: AbortSignal } = {}) {
    const events = await this.#remote.orderEvents(listingId)
    signal?.throwIfAborted()
    return events
  }

  async placeBid(p: { listingId: string; amount: bigint; deposit: bigint; contentHash?: `0x${string}` }) {
    return await (await this.#walletService()).placeBid(p)
  }
  async revealBid(commitment: `0x${string}`) {
    return await (await this.#walletService()).revealBid(commitment)
  }
  async finalize(listingId: string) {
    return await (await this.#walletService()).finalize(listingId)
  }
  async withdrawBid(listingId: string, commitment: `0x${string}`) {
    return await (await this.#walletService()).withdrawBid(listingId, commitment)
  }
  async buy(p: { listingId: string; contentHash?: `0x${string}` }) {
    return await (await this.#walletService()).buy(p)
  }
  async cancelListing(listingId: string) {
    return await (await this.#walletService()).cancelListing(listingId)
  }
  async protocolFeeBps() {
    return await (await this.#walletService()).protocolFeeBps()
  }
  async withdrawable(): Promise<{ currency: Currency; amount: bigint }[]> {
    // nothing is owed to no one: without a connected wallet there is no address to ask about
    return this.#loaded ? await this.#loaded.withdrawable() : []
  }
  async withdraw(currency: Currency['id']) {
    return await (await this.#walletService()).withdraw(currency)
  }

  async myBids(options: { listingId?: string; signal?: AbortSignal } = {}): Promise<MyBid[]> {
    return this.#loaded ? await this.#loaded.myBids(options) : []
  }

  async mySales({ seller, signal }: { seller?: `0x${string}`; signal?: AbortSignal } = {}): Promise<MySale[]> {
    const who = seller ?? this.wallet().address
    if (!who) return []
    const sales = await this.#remote.sales(who)
    signal?.throwIfAborted()
    return sales
  }

  async recommendedArbiters({ signal }: { signal?: AbortSignal } = {}): Promise<ArbiterOption[]> {
    const arbiters = await this.#remote.recommendedArbiters()
    signal?.throwIfAborted()
    return arbiters
  }

  async orders({
    account,
    role,
    signal,
  }: { account?: `0x${string}`; role?: EscrowRole; signal?: AbortSignal } = {}): Promise<Order[]> {
    const who = account ?? this.wallet().address
    if (!who) return []
    const orders = await this.#remote.orders(who, role)
    signal?.throwIfAborted()
    return orders
  }
  async arbiter(address: `0x${string}`, { signal }: { signal?: AbortSignal } = {}): Promise<ArbiterRecord> {
    const record = await this.#remote.arbiter(address)
    signal?.throwIfAborted()
    return record
  }
  async trustSummary(address: `0x${string}`, { signal }: { signal?: AbortSignal } = {}): Promise<TrustSummary> {
    return await abortable(this.#remote.trustSummary(address), signal)
  }
  async trustSummaries(
    addresses: readonly `0x${string}`[],
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<TrustSummary[]> {
    return await abortable(this.#remote.trustSummaries([...addresses]), signal)
  }
  async arbiterTrust(address: `0x${string}`, { signal }: { signal?: AbortSignal } = {}): Promise<ArbiterTrust> {
    return await abortable(this.#remote.arbiterTrust(address), signal)
  }
  async ratingsOf(
    address: `0x${string}`,
    { signal, ...page }: { offset?: number; limit?: number; as?: 'party' | 'arbiter'; signal?: AbortSignal } = {},
  ): Promise<Rating[]> {
    return await abortable(this.#remote.ratingsOf(address, page), signal)
  }
  async registeredArbiters({ signal }: { signal?: AbortSignal } = {}): Promise<ArbiterTrust[]> {
    return await abortable(this.#remote.registeredArbiters(), signal)
  }
  async markShipped(listingId: string) {
    return await (await this.#walletService()).markShipped(listingId)
  }
  async confirmReceipt(listingId: string) {
    return await (await this.#walletService()).confirmReceipt(listingId)
  }
  async dispute(listingId: string, arbiter: `0x${string}`) {
    return await (await this.#walletService()).dispute(listingId, arbiter)
  }
  async rate(listingId: string, rating: { ofArbiter: boolean; score: Score; reviewCid?: string | undefined }) {
    return await (await this.#walletService()).rate(listingId, rating)
  }
  async claimTimeout(listingId: string) {
    return await (await this.#walletService()).claimTimeout(listingId)
  }
  async refund(listingId: string) {
    return await (await this.#walletService()).refund(listingId)
  }
  async resolveDispute(listingId: string, toBuyer: bigint) {
    return await (await this.#walletService()).resolveDispute(listingId, toBuyer)
  }
  async registerArbiter(p: { minFeeBps: number; minDisputeWindow: number; metadataCid: string }) {
    return await (await this.#walletService()).registerArbiter(p)
  }
  async withdrawAll() {
    return await (await this.#walletService()).withdrawAll()
  }

  async exportBids() {
    return await (await this.#walletService()).exportBids()
  }
  async importBids(file: Blob) {
    return await (await this.#walletService()).importBids(file)
  }
  async signMessage(text: string) {
    return await (await this.#walletService()).signMessage(text)
  }
  /** The page's wagmi config (loads the wallet side), for services that send transactions themselves. */
  async wagmiConfig(): Promise<SoukWagmiConfig> {
    return (await this.#walletService()).wagmi
  }
}

export interface ChainClient {
  status: StatusSource<ChainSnapshot>
  service: WorkerChainService
  /** Stops listening; with a SharedWorker the chain worker keeps running for the other tabs. */
  close(): Promise<void>
}

export interface StartChainOptions {
  /** Use a dedicated Worker even where SharedWorker exists (tests). */
  dedicated?: boolean
  /** SharedWorker name: one worker per name and origin. */
  name?: string
}

export async function startChain(config: SoukConfig, options: StartChainOptions = {}): Promise<ChainClient> {
  installErrorTransfer()
  const shared = !options.dedicated && typeof SharedWorker === 'function'
  const name = options.name ?? 'souk-chain'
  let worker: Worker | undefined
  let port: MessagePort | undefined
  // written out in full, so Vite sees the worker entry and bundles it
  if (shared) {
    port = new SharedWorker(new URL('./chain.worker.ts', import.meta.url), { type: 'module', name }).port
    port.start()
  } else worker = new Worker(new URL('./chain.worker.ts', import.meta.url), { type: 'module', name })
  const remote = Comlink.wrap<ChainWorkerApi>((port ?? worker)!)
  const status = new ChainStatusMirror()
  const service = new WorkerChainService(config, remote)
  const subscription = await remote.subscribe(
    Comlink.proxy((s: ChainSnapshot) => status.set(s)),
    Comlink.proxy((r: Reminder) => service.reminder(r)),
    Comlink.proxy((events: ChainEvent[]) => service.market(events)),
  )
  status.set(await remote.start(config))
  return {
    status,
    service,
    async close() {
      service.stop()
      await remote.unsubscribe(subscription).catch(() => undefined)
      remote[Comlink.releaseProxy]()
      port?.close()
      worker?.terminate()
    },
  }
}
