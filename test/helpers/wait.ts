/**
 * Event-driven waiting for tests: poll a condition or await a promise, with a timeout whose error says what
 * never came. Never a fixed sleep.
 */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
}

export interface WaitOptions {
  /** Milliseconds before giving up. */
  timeout?: number
  /** Poll interval for condition functions. */
  interval?: number
}

/**
 * Resolves with the first truthy value returned by `condition`, re-checking every `interval` ms.
 * Rejects with `what never came` after `timeout`.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  { timeout = 10_000, interval = 50 }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout
  let lastError: unknown
  for (;;) {
    try {
      const value = await condition()
      if (value) return value as NonNullable<T>
    } catch (err) {
      lastError = err
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new WaitTimeoutError(`timed out after ${timeout} ms waiting for ${what}${cause}`)
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}

/** Races a promise against a timeout; the error names what never came. */
export async function within<T>(what: string, promise: Promise<T>, timeout = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeoutError(`timed out after ${timeout} ms waiting for ${what}`)), timeout)
  })
  try {
    return await Promise.race([promise, expired])
  } finally {
    clearTimeout(timer)
  }
}
