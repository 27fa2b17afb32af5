/**
 * Keeps an element's `wallet` in step with the chain service it consumes: follows the service's `wallet` event,
 * moves to a new service when the context provides one, and lets go when the element leaves the page. Create it
 * before the element's Tasks, so their arguments read the current wallet.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { ChainService, WalletView } from '../services/types.ts'

export interface WalletHost extends ReactiveControllerHost {
  chain?: ChainService | undefined
  wallet: WalletView | undefined
}

export class WalletController implements ReactiveController {
  readonly #host: WalletHost
  #watched: ChainService | undefined
  readonly #onWallet = (): void => {
    this.#host.wallet = this.#watched?.wallet()
  }

  constructor(host: WalletHost) {
    this.#host = host
    host.addController(this)
  }

  hostUpdate(): void {
    const chain = this.#host.chain
    if (chain === this.#watched) return
    this.#watched?.removeEventListener('wallet', this.#onWallet)
    this.#watched = chain
    chain?.addEventListener('wallet', this.#onWallet)
    this.#host.wallet = chain?.wallet()
  }

  hostConnected(): void {
    // back on the page after hostDisconnected let go: subscribe again on the next update
    this.#host.requestUpdate()
  }

  hostDisconnected(): void {
    this.#watched?.removeEventListener('wallet', this.#onWallet)
    this.#watched = undefined
  }
}
