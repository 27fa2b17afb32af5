/**
 * The chain, off the main thread: the chain status (RPC reachable, chain id, latest block), the reads the
 * views need and the reveal reminders, over viem/wagmi in a SharedWorker (one for every tab of the origin)
 * or a dedicated Worker. No wallet here: wallets live in the page (EIP-1193 providers are page objects).
 */
import * as Comlink from 'comlink'
import { ChainStatus } from '../chain/chain-status.ts'
import { createSoukWagmiConfig } from '../chain/config.ts'
import type { ChainSnapshot } from '../core/status.ts'
import { WagmiChainService } from '../services/chain-service.ts'
import type { AuctionView, ChainEvent, Reminder } from '../services/types.ts'
import type { ChainWorkerApi } from './chain-api.ts'
import { installErrorTransfer } from './wire-errors.ts'

installErrorTransfer()

interface Running {
  status: ChainStatus
  reads: WagmiChainService
}

/** The most addresses one `trustSummaries` call answers (a page of cards names at most 20 sellers). */
const MAX_SUMMARIES = 100

let running: Promise<Running> | undefined
interface Listener {
  onChange: (s: ChainSnapshot) => void
  onReminder: (r: Reminder) => void
  onMarket: (events: ChainEvent[]) => void
}
const listeners = new Map<number, Listener>()
const watches = new Map<number, () => void>()
let nextId = 1

function each(call: (l: Listener) => unknown): void {
  for (const [id, l] of listeners)
    // a listener whose tab is gone throws or never answers; drop it on a throw
    Promise.resolve()
      .then(() => call(l))
      .catch(() => listeners.delete(id))
}

async function reads(): Promise<WagmiChainService> {
  if (!running) throw new Error('the chain worker is not started')
  return (await running).reads
}

const api: ChainWorkerApi = {
  async start(config) {
    running ??= (async () => {
      const status = new ChainStatus(config)
      status.addEventListener('change', () => each((l) => l.onChange(status.snapshot)))
      void status.start()
      // no storage, no wallet discovery: reads only
      const wagmi = createSoukWagmiConfig(config, { storage: null, multiInjectedProviderDiscovery: false })
      const service = await WagmiChainService.start(config, { wagmi, events: true })
      service.addEventListener('reminder', (e) => each((l) => l.onReminder((e as CustomEvent<Reminder>).detail)))
      service.addEventListener('market', (e) => each((l) => l.onMarket((e as CustomEvent<ChainEvent[]>).detail)))
      return { status, reads: service }
    })()
    running.catch(() => (running = undefined))
    return (await running).status.snapshot
  },
  async subscribe(onChange, onReminder, onMarket) {
    const id = nextId++
    listeners.set(id, { onChange, onReminder, onMarket })
    if (running) onChange((await running).status.snapshot)
    return id
  },
  async unsubscribe(id) {
    const l = listeners.get(id)
    listeners.delete(id)
    if (l)
      for (const fn of [l.onChange, l.onReminder, l.onMarket])
        (fn as Partial<Comlink.ProxyMethods>)[Comlink.releaseProxy]?.()
  },
  async currencies() {
    return await (await reads()).currencies()
  },
  async auction(listingId) {
    return await (await reads()).auction(listingId)
  },
  async watchAuction(listingId, onChange, onError) {
    const id = nextId++
    const stop = (await reads()).watchAuction(
      listingId,
      (a: AuctionView) => void Promise.resolve(onChange(a)).catch(() => watches.get(id)?.()),
      (e: Error) => void Promise.resolve(onError(e)).catch(() => watches.get(id)?.()),
    )
    watches.set(id, () => {
      watches.delete(id)
      stop()
      for (const fn of [onChange, onError]) (fn as Partial<Comlink.ProxyMethods>)[Comlink.releaseProxy]?.()
    })
    return id
  },
  async unwatch(id) {
    watches.get(id)?.()
  },
  async revealedBids(listingId) {
    return await (await reads()).revealedBids(listingId)
  },
  async listingStats(listingIds) {
    if (!Array.isArray(listingIds) || listingIds.length > MAX_SUMMARIES)
      throw new RangeError(`listingStats takes at most ${MAX_SUMMARIES} listings`)
    return await (await reads()).listingStats(listingIds)
  },
  async sales(seller) {
    return await (await reads()).mySales({ seller })
  },
  async recommendedArbiters() {
    return await (await reads()).recommendedArbiters()
  },
  async orders(account, role) {
    return await (await reads()).orders({ account, ...(role ? { role } : {}) })
  },
  async arbiter(address) {
    return await (await reads()).arbiter(address)
  },
  async orderEvents(listingId) {
    return await (await reads()).orderEvents(listingId)
  },
  async trustSummary(address) {
    return await (await reads()).trustSummary(address)
  },
  async trustSummaries(addresses) {
    if (!Array.isArray(addresses) || addresses.length > MAX_SUMMARIES)
      throw new RangeError(`trustSummaries takes at most ${MAX_SUMMARIES} addresses`)
    return await (await reads()).trustSummaries(addresses)
  },
  async arbiterTrust(address) {
    return await (await reads()).arbiterTrust(address)
  },
  async ratingsOf(address, page) {
    return await (await reads()).ratingsOf(address, page)
  },
  async registeredArbiters() {
    return await (await reads()).registeredArbiters()
  },
  async bidsChanged() {
    // the page's vault wrote; this worker's vault instance did not see it
    if (running) (await running).reads.vault.dispatchEvent(new Event('change'))
  },
  async stop() {
    const r = running
    running = undefined
    for (const stop of [...watches.values()]) stop()
    listeners.clear()
    if (r) {
      const { status, reads } = await r
      status.stop()
      reads.stop()
    }
  },
}

if ('SharedWorkerGlobalScope' in globalThis)
  Object.assign(globalThis, { onconnect: (e: MessageEvent) => Comlink.expose(api, e.ports[0]) })
else Comlink.expose(api)
