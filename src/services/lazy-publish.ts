import type { PublishService } from './types.ts'

/** What LazyPublishService loads: a publish service that can be closed. */
export interface ClosablePublishService extends PublishService {
  close(): void
}

/**
 * Publishing's code (wagmi's actions, the market's ABI, the draft records) loads when a person first publishes:
 * evaluating it on every page start cost the main thread time that Lighthouse counted on pages that never
 * publish. A failed load (offline) is tried again on the next publish.
 */
export class LazyPublishService implements PublishService {
  readonly #load: () => Promise<ClosablePublishService>
  #service: Promise<ClosablePublishService> | undefined

  constructor(load: () => Promise<ClosablePublishService>) {
    this.#load = load
  }

  #loaded(): Promise<ClosablePublishService> {
    this.#service ??= this.#load().catch((err: unknown) => {
      this.#service = undefined
      throw err
    })
    return this.#service
  }

  publish(...args: Parameters<PublishService['publish']>): ReturnType<PublishService['publish']> {
    return this.#loaded().then((service) => service.publish(...args))
  }

  update(...args: Parameters<PublishService['update']>): ReturnType<PublishService['update']> {
    return this.#loaded().then((service) => service.update(...args))
  }

  close(): void {
    void this.#service?.then((service) => service.close()).catch(() => undefined)
  }
}
