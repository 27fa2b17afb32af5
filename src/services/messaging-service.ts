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
import type { ChainService, ChatMessage, Conversation, MessagingService, MessagingStatus } from './types.ts'

/** A messaging call failed in the engine (the message crossed the worker boundary as text). */
export class MessagingServiceError extends BaseError {
  override name = 'MessagingServiceError'
}

/** Errors come back from the Worker as plain `Error`s; keep their first line, which is the short message. */
function fromEngine(err: unknown): Error {
  if (err instanceof BaseError) return err
  if (err instanceof Error && err.name === 'AbortError') return err
  const text = err instanceof Error ? err.message : String(err)
  return new MessagingServiceError(text.split('\n')[0] || 'Messaging failed.', {
    ...(err instanceof Error ? { cause: err } : {}),
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

export class EngineMessagingService extends EventTarget implements MessagingService {
  status: MessagingStatus = 'no-wallet'
  address: Address | undefined
  error: string | undefined
  conversations: readonly Conversation[] = []
  unread = 0
  relaysConnected = 0
  readonly #remote: Remote
  readonly #chain: Pick<ChainService, 'wallet' | 'signMessage' | 'addEventListener' | 'removeEventListener'>
  #watch: number | undefined
  /** Bumped on every wallet switch, so answers about the previous wallet are ignored. */
  #generation = 0

  constructor(
    remote: Remote,
    chain: Pick<ChainService, 'wallet' | 'signMessage' | 'addEventListener' | 'removeEventListener'>,
  ) {
    super()
    this.#remote = remote
    this.#chain = chain
    chain.addEventListener('wallet', this.#onWallet)
    this.#onWallet()
  }

  stop(): void {
    this.#chain.removeEventListener('wallet', this.#onWallet)
    this.#generation++
    this.#unwatch()
  }

  readonly #onWallet = (): void => {
    const { address, status } = this.#chain.wallet()
    const next = status === 'connected' ? address : undefined
    if (next !== this.address) void this.#switch(next)
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
    this.relaysConnected = s.relaysConnected
    this.dispatchEvent(new Event('change'))
  }

  async #switch(address: Address | undefined): Promise<void> {
    const generation = ++this.#generation
    this.#unwatch()
    this.address = address
    this.conversations = []
    this.unread = 0
    if (!address) return this.#set('no-wallet')
    this.#set('starting')
    try {
      if (!(await this.#remote.hasKeys(address))) {
        if (generation === this.#generation) this.#set('needs-setup')
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
    { signal, listing }: { signal?: AbortSignal; listing?: string } = {},
  ): Promise<ChatMessage> {
    return await guarded(this.#remote.send(this.#need(), to, text, listing), signal)
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
