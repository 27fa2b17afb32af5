/**
 * `MessagingService` for the views, over the engine Worker's messaging (src/engine/messaging-host.ts): follows
 * the connected wallet, opens its messaging in the engine when this device already has keys (no prompt), or
 * waits for `enable()` to ask the wallet for the one binding signature. Keeps a copy of the conversation list
 * the worker pushes, so the header's unread count and the list render without a round trip.
 */
import * as Comlink from 'comlink'
import { BaseError, type Address } from 'viem'
import type { MessagingEngineApi, MessagingEvent, MessagingSnapshot } from '../engine/messaging-api.ts'
import type { ShippingAddress } from '../core/messaging.ts'
import type { PhotoRef } from '../core/message-photos.ts'
import type { ChainService, ChatMessage, Conversation, MessagingService, MessagingStatus } from './types.ts'
import { DirectDelivery } from './messaging-direct.ts'

/** A messaging call failed in the engine (the message crossed the worker boundary as text). */
export class MessagingServiceError extends BaseError {
  override name = 'MessagingServiceError'
  /** The name of the error in the engine (e.g. `WaitingFullError`), for a view to say it in the person's language. */
  readonly engineName: string | undefined
  constructor(shortMessage: string, options: { cause?: Error; engineName?: string } = {}) {
    super(shortMessage, options.cause ? { cause: options.cause } : {})
    this.engineName = options.engineName
  }
}

/** Errors come back from the Worker as plain `Error`s; keep their first line, which is the short message. */
function fromEngine(err: unknown): Error {
  if (err instanceof BaseError) return err
  if (err instanceof Error && err.name === 'AbortError') return err
  const text = err instanceof Error ? err.message : String(err)
  return new MessagingServiceError(text.split('\n')[0] || 'Messaging failed.', {
    ...(err instanceof Error ? { cause: err, engineName: err.name } : {}),
  })
}

async function guarded<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  signal?.throwIfAborted()
  try {
    if (!signal) return await work
    return await Promise.race([
      work,
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      ),
    ])
  } catch (err) {
    throw fromEngine(err)
  }
}

type Remote = Comlink.Remote<MessagingEngineApi>

/** The wallet whose messages this device showed last (localStorage), for a page loaded before its wallet is back. */
const LAST_ADDRESS_KEY = 'souk.messaging.address'

function lastAddress(): Address | undefined {
  try {
    const v = globalThis.localStorage?.getItem(LAST_ADDRESS_KEY)
    return v && /^0x[0-9a-fA-F]{40}$/.test(v) ? (v as Address) : undefined
  } catch {
    return undefined
  }
}

function rememberAddress(address: Address | undefined): void {
  try {
    if (address) globalThis.localStorage?.setItem(LAST_ADDRESS_KEY, address)
    else globalThis.localStorage?.removeItem(LAST_ADDRESS_KEY)
  } catch {
    /* storage refused (private mode): nothing to remember */
  }
}

export class EngineMessagingService extends EventTarget implements MessagingService {
  status: MessagingStatus = 'no-wallet'
  address: Address | undefined
  error: string | undefined
  conversations: readonly Conversation[] = []
  unread = 0
  deviceKey: string | undefined
  relaysConnected = 0
  readonly #remote: Remote
  readonly #chain: Pick<ChainService, 'wallet' | 'signMessage' | 'addEventListener' | 'removeEventListener'>
  #watch: number | undefined
  readonly direct: DirectDelivery
  /** Bumped on every wallet switch, so answers about the previous wallet are ignored. */
  #generation = 0
  /** A wallet was connected in this page's life (a later disconnect is the person's choice). */
  #sessionConnected = false
  /** The address shown is the remembered one, not (yet) a connected wallet's. */
  #fromMemory = false

  constructor(
    remote: Remote,
    chain: Pick<ChainService, 'wallet' | 'signMessage' | 'addEventListener' | 'removeEventListener'>,
  ) {
    super()
    this.#remote = remote
    this.#chain = chain
    // direct WebRTC delivery while a conversation is open (messaging-direct.ts)
    this.direct = new DirectDelivery(remote, { ready: () => (this.status === 'ready' ? this.address : undefined) })
    this.addEventListener('change', this.direct.update)
    chain.addEventListener('wallet', this.#onWallet)
    this.#onWallet()
  }

  stop(): void {
    this.#chain.removeEventListener('wallet', this.#onWallet)
    this.direct.close()
    this.#generation++
    this.#unwatch()
  }

  /**
   * Follows the connected wallet. Until a wallet connects in this page's life (e.g. reloaded offline, where a
   * wallet that asks its RPC cannot reconnect), messaging opens for the wallet this device used last, when the
   * device holds its keys: messages are read, written and queued with the device keys, no wallet needed. A
   * disconnect after a connection forgets it.
   */
  readonly #onWallet = (): void => {
    const { address, status } = this.#chain.wallet()
    let next = status === 'connected' ? address : undefined
    if (next) {
      this.#sessionConnected = true
      rememberAddress(next)
    } else if (this.#sessionConnected) {
      if (status === 'disconnected') rememberAddress(undefined)
    } else next = lastAddress()
    const fromMemory = next !== undefined && status !== 'connected'
    if (next !== this.address || fromMemory !== this.#fromMemory) void this.#switch(next, fromMemory)
  }

  readonly #onEvent = (e: MessagingEvent): void => {
    if (e.t === 'change') {
      if (e.snapshot.address === this.address) this.#apply(e.snapshot)
    } else if (e.message.to === this.address) this.dispatchEvent(new CustomEvent('message', { detail: e.message }))
  }

  #unwatch(): void {
    if (this.#watch !== undefined) void this.#remote.unwatch(this.#watch).catch(() => undefined)
    this.#watch = undefined
  }

  #set(status: MessagingStatus, error?: string): void {
    this.status = status
    this.error = error
    this.dispatchEvent(new Event('change'))
  }

  #apply(s: MessagingSnapshot): void {
    this.conversations = s.conversations
    this.unread = s.unread
    this.deviceKey = s.deviceKey
    this.relaysConnected = s.relaysConnected
    this.dispatchEvent(new Event('change'))
  }

  async #switch(address: Address | undefined, fromMemory = false): Promise<void> {
    if (address === this.address && this.status === 'ready') {
      this.#fromMemory = fromMemory // the same wallet came back: nothing to reopen
      return
    }
    const generation = ++this.#generation
    this.#unwatch()
    this.#fromMemory = fromMemory
    this.address = address
    this.deviceKey = undefined
    this.conversations = []
    this.unread = 0
    if (!address) return this.#set('no-wallet')
    this.#set('starting')
    try {
      if (!(await this.#remote.hasKeys(address))) {
        if (generation === this.#generation) this.#set(fromMemory ? 'no-wallet' : 'needs-setup')
        return
      }
      await this.#open(address, generation)
    } catch (err) {
      if (generation === this.#generation) this.#set('unavailable', fromEngine(err).message.split('\n')[0])
    }
  }

  async #open(address: Address, generation: number, sign?: (text: string) => Promise<`0x${string}`>): Promise<void> {
    const id = await this.#remote.watch(address, Comlink.proxy(this.#onEvent))
    if (generation !== this.#generation) {
      void this.#remote.unwatch(id).catch(() => undefined)
      return
    }
    this.#watch = id
    const snapshot = await this.#remote.open(address, sign ? Comlink.proxy(sign) : undefined)
    if (generation !== this.#generation) return
    this.status = 'ready'
    this.error = undefined
    this.#apply(snapshot)
  }

  async enable({ signal }: { signal?: AbortSignal } = {}): Promise<void> {
    const address = this.address
    if (!address) throw new MessagingServiceError('Connect a wallet first.')
    if (this.status === 'ready') return
    const generation = this.#generation
    this.#set('starting')
    try {
      await guarded(
        this.#open(address, generation, (text) => this.#chain.signMessage(text)),
        signal,
      )
    } catch (err) {
      if (generation === this.#generation) {
        this.#unwatch()
        this.#set('needs-setup', fromEngine(err).message.split('\n')[0])
      }
      throw fromEngine(err)
    }
  }

  #need(): Address {
    if (!this.address || this.status !== 'ready') throw new MessagingServiceError('Messaging is not set up yet.')
    return this.address
  }

  async thread(conv: string, { signal }: { signal?: AbortSignal } = {}): Promise<ChatMessage[]> {
    return await guarded(this.#remote.thread(this.#need(), conv), signal)
  }

  async send(
    to: Address,
    text: string,
    { signal, listing, photos }: { signal?: AbortSignal; listing?: string; photos?: PhotoRef[] } = {},
  ): Promise<ChatMessage> {
    return await guarded(this.#remote.send(this.#need(), to, text, listing, photos), signal)
  }

  async addPhoto(photo: Blob, { signal }: { signal?: AbortSignal } = {}): Promise<PhotoRef> {
    return await guarded(this.#remote.addPhoto(photo), signal)
  }

  async pinPhotos(cids: string[], { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    await guarded(this.#remote.pinPhotos(cids), signal)
  }

  async openPhoto(ref: PhotoRef, { signal }: { signal?: AbortSignal } = {}): Promise<Blob> {
    const bytes = await guarded(this.#remote.openPhoto(ref), signal)
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: ref.mime })
  }

  async sendAddress(
    to: Address,
    listing: string,
    address: ShippingAddress,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<ChatMessage> {
    return await guarded(this.#remote.sendAddress(this.#need(), to, listing, address), signal)
  }

  async markRead(conv: string, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    await guarded(this.#remote.markRead(this.#need(), conv), signal)
  }
}
