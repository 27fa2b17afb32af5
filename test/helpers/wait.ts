/**
 * Event-driven waiting for tests: poll a condition or await a promise, with a timeout whose error says what
 * never came. Never a fixed sleep.
 */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
}

const HUNG = Symbol('hung')

export interface WaitOptions {
  /** Milliseconds before giving up. */
  timeout?: number
  /** Poll interval for condition functions. */
  interval?: number
}

/**
 * Resolves with the first truthy value returned by `condition`, re-checking every `interval` ms.
 * Rejects with `what never came` after `timeout`, also when a check itself never answers (a request to a
 * peer that hangs): each check is raced against the time left.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  { timeout = 10_000, interval = 50 }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout
  let lastError: unknown
  for (;;) {
    const check = Promise.resolve().then(condition)
    let timer: ReturnType<typeof setTimeout> | undefined
    const hung = new Promise<typeof HUNG>((resolve) => {
      timer = setTimeout(() => resolve(HUNG), Math.max(0, deadline - Date.now()))
    })
    let value: T | typeof HUNG | undefined
    try {
      value = await Promise.race([check, hung])
    } catch (err) {
      lastError = err
    } finally {
      clearTimeout(timer)
    }
    if (value === HUNG) {
      check.catch(() => {})
      throw new WaitTimeoutError(`timed out after ${timeout} ms waiting for ${what} (the last check never answered)`)
    }
    if (value) return value as NonNullable<T>
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
