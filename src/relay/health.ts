/**
 * What `GET /health` reports: libp2p started, the blockstore answers (a canary block read back), the data
 * directory's disk not full.
 *
 * The disk checks run in the background, once a second, and a request is answered from the last result
 * while it is younger than `maxAgeMs`: a request must not queue its own block read and `statfs` behind the
 * gateway's, the pins' and the mailbox's work in libuv's small thread pool (under a flood that made `/health`
 * take seconds). When the last result is older (the checks themselves are stuck), the request waits for a
 * fresh one, so a relay whose disk hangs still answers slowly or not ok, never a stale ok.
 */
import { statfs } from 'node:fs/promises'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import { collectBytes } from '../p2p/bytes.ts'
import type { HealthReport } from './http.ts'

export interface HealthCheckOptions {
  blockstore: Pick<Blockstore, 'get'>
  /** A block written at start, read back by each check. */
  canary: { cid: CID; bytes: Uint8Array }
  dataDir: string
  minFreeDiskBytes: number
  /** Whether libp2p runs (asked at each request: it costs nothing). */
  started(): boolean
  /** How often the disk checks run (default 1 s) and how old a result may be when answered (default 3 s). */
  refreshMs?: number
  maxAgeMs?: number
}

export interface HealthCheck {
  report(): Promise<HealthReport>
  stop(): void
}

const CHECK_TIMEOUT_MS = 2_000

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function startHealthCheck(o: HealthCheckOptions): HealthCheck {
  const refreshMs = o.refreshMs ?? 1_000
  const maxAgeMs = o.maxAgeMs ?? 3_000
  let last: { at: number; checks: Record<string, boolean | string> } | undefined
  let running: Promise<Record<string, boolean | string>> | undefined

  const diskChecks = async (): Promise<Record<string, boolean | string>> => {
    const checks: Record<string, boolean | string> = {}
    try {
      const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS)
      const bytes = await collectBytes(o.blockstore.get(o.canary.cid, { signal }))
      checks.blockstore = bytes.byteLength === o.canary.bytes.byteLength
    } catch (err) {
      checks.blockstore = `unreadable: ${(err as Error).message}`
    }
    try {
      const fs = await withTimeout(statfs(o.dataDir), CHECK_TIMEOUT_MS, 'statfs')
      const free = fs.bavail * fs.bsize
      checks.disk = free >= o.minFreeDiskBytes || `only ${free} bytes free`
    } catch (err) {
      checks.disk = `unknown: ${(err as Error).message}`
    }
    return checks
  }
  const run = (): Promise<Record<string, boolean | string>> => {
    running ??= diskChecks()
      .then((checks) => {
        last = { at: Date.now(), checks }
        return checks
      })
      .finally(() => (running = undefined))
    return running
  }
  void run()
  const timer = setInterval(() => void run(), refreshMs)
  timer.unref()

  return {
    async report() {
      const fresh = last !== undefined && Date.now() - last.at <= maxAgeMs
      const disk = fresh ? last!.checks : await run()
      const checks = { libp2p: o.started(), ...disk }
      return { ok: Object.values(checks).every((v) => v === true), checks, checkedAgoMs: Date.now() - last!.at }
    },
    stop() {
      clearInterval(timer)
    },
  }
}
