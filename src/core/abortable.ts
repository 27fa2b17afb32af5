/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts (at once if it already has). The
 * work itself goes on (a Worker's read still fills its shared cache); only the caller stops waiting for it.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
