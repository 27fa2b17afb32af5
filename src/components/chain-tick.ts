import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { ChainSnapshot, StatusSource } from '../core/status.ts'
import { chainStatusContext } from './context.ts'

/**
 * Calls `onTick` when the chain moves (a new block in the app's chain status), at most once per `every` ms:
 * a block arriving sooner is not dropped but answered when the interval is up (anvil mines only on
 * transactions, so the block after someone else's action may be the last one for a while). One timer at most,
 * cleared when the host leaves the DOM.
 */
export class ChainTickController implements ReactiveController {
  readonly #onTick: () => void
  readonly #every: number
  #source: StatusSource<ChainSnapshot> | undefined
  #block: bigint | undefined
  #last = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #connected = false

  constructor(host: ReactiveControllerHost & HTMLElement, onTick: () => void, every = 12_000) {
    this.#onTick = onTick
    this.#every = every
    host.addController(this)
    new ContextConsumer(host, {
      context: chainStatusContext,
      subscribe: true,
      callback: (source) => this.#attach(source),
    })
  }

  readonly #onChange = (): void => {
    const block = this.#source?.snapshot.blockNumber
    if (block === undefined || block === this.#block) return
    const first = this.#block === undefined
    this.#block = block
    if (first) return // the block the host loaded at
    const wait = this.#last + this.#every - Date.now()
    if (wait <= 0) this.#tick()
    else this.#timer ??= setTimeout(() => this.#tick(), wait)
  }

  #tick(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#last = Date.now()
    this.#onTick()
  }

  #attach(source: StatusSource<ChainSnapshot> | undefined): void {
    if (source === this.#source) return
    this.#source?.removeEventListener('change', this.#onChange)
    this.#source = source
    this.#block = source?.snapshot.blockNumber
    if (this.#connected) this.#source?.addEventListener('change', this.#onChange)
  }

  hostConnected(): void {
    this.#connected = true
    this.#source?.addEventListener('change', this.#onChange)
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#source?.removeEventListener('change', this.#onChange)
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
