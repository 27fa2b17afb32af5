/**
 * How the engine Worker's catalog reads the chain: every RPC URL of config.json through the chain client's
 * transport (`soukTransport`: viem's `fallback`, each endpoint batching and retrying 429/5xx itself), so a dead
 * or rate-limited first endpoint does not stop verification.
 *
 * The page's client ranks its endpoints with viem's ranking, which pings every 30 s for the life of the page
 * and cannot be stopped. The Worker's catalog is opened again after a failure and stopped with the engine, and
 * its `stop()` must leave no timers, so it ranks once instead: `rankRpcUrls` asks every endpoint for the block
 * number at open (in parallel, each bounded) and orders them by answer and latency; the fallback then starts
 * at the best one and moves down the list on an error, and the next open ranks again.
 */
import { fallback, http, type HttpTransportConfig } from 'viem'
import { soukTransport } from '../chain/config.ts'

/** Largest eth_getLogs answer accepted (viem's default is 10 MiB): a dense range of listings is bigger. */
export const LOG_RESPONSE_BYTES = 64 * 1024 * 1024
/** How long one endpoint may take to answer the ranking's eth_blockNumber. */
export const RANK_TIMEOUT_MS = 2_000

const HTTP: HttpTransportConfig = { retryCount: 1, maxResponseBodySize: LOG_RESPONSE_BYTES }

/**
 * The endpoints ordered by health: those that answered `eth_blockNumber` first, fastest first; those that did
 * not keep their configured order at the end (they are still tried when everything before them fails).
 */
export async function rankRpcUrls(
  rpcUrls: readonly string[],
  { signal, timeoutMs = RANK_TIMEOUT_MS }: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string[]> {
  if (rpcUrls.length < 2) return [...rpcUrls]
  const probes = await Promise.all(
    rpcUrls.map(async (url, order) => {
      const transport = http(url, { retryCount: 0, timeout: timeoutMs })({})
      const start = performance.now()
      try {
        await transport.request({ method: 'eth_blockNumber' }, { signal })
        return { url, order, ok: true, ms: performance.now() - start }
      } catch {
        return { url, order, ok: false, ms: Infinity }
      }
    }),
  )
  signal?.throwIfAborted()
  probes.sort((a, b) => (a.ok === b.ok ? (a.ok ? a.ms - b.ms : a.order - b.order) : a.ok ? -1 : 1))
  return probes.map((p) => p.url)
}

/** The catalog's transport over endpoints already ranked (`rankRpcUrls`): tried in that order. */
export function catalogTransport(rankedUrls: readonly string[]): ReturnType<typeof fallback> {
  return soukTransport(rankedUrls, { rank: false, http: HTTP })
}
