/**
 * Media pins tied to listings on chain: a relay pins photos when a seller asks (before the listing's
 * transaction, so they cannot be tied to it yet), and drops every pin that no verified listing in the catalog
 * references once it is older than a grace period. Besides the per-peer quota, a global cap bounds all pins.
 *
 * Encrypted message photos (`keep: 'message'`) are named by no listing: they stay for the message retention.
 *
 * `SOUK_RELAY_PIN_GRACE_MS` (default 24 h), `SOUK_RELAY_PIN_GC_MS` (default 10 min),
 * `SOUK_RELAY_MAX_PINNED_BYTES` (default 20 GiB).
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import type { Catalog } from '../p2p/catalog.ts'
import { RETENTION_MS } from '../core/messaging.ts'
import type { Metrics } from './metrics.ts'
import type { PinService } from './pinning.ts'

export interface PinGcOptions {
  graceMs: number
  intervalMs: number
  /**
   * How long an encrypted message photo (`keep: 'message'`, referenced by no listing) stays: the relay's
   * message retention, so a photo outlives no message that names it less (default 14 days).
   */
  messageKeepMs: number
}

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number, got "${raw}"`)
  return n
}

/** The global pin cap, for `PinService`'s limits. */
export function pinLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): { maxTotalBytes: number } {
  return { maxTotalBytes: envInt(env, 'SOUK_RELAY_MAX_PINNED_BYTES', 20 * 1024 ** 3) }
}

export function pinGcFromEnv(env: NodeJS.ProcessEnv = process.env, messageKeepMs = RETENTION_MS): PinGcOptions {
  return {
    graceMs: envInt(env, 'SOUK_RELAY_PIN_GRACE_MS', 24 * 3_600_000),
    intervalMs: envInt(env, 'SOUK_RELAY_PIN_GC_MS', 10 * 60_000),
    messageKeepMs,
  }
}

/** CIDs (normalized to v1 strings) of every photo a verified listing references. */
function referenced(catalog: Catalog): Set<string> {
  const out = new Set<string>()
  for (const { doc } of catalog.verified.values())
    for (const img of doc.images) {
      out.add(CID.parse(img.full).toV1().toString())
      out.add(CID.parse(img.thumb).toV1().toString())
    }
  return out
}

/** One pass: unpins what no listing references and is past the grace period. Returns how many went. */
export async function collectUnreferencedPins(
  pins: PinService,
  catalog: Catalog,
  graceMs: number,
  messageKeepMs = RETENTION_MS,
): Promise<number> {
  const keep = referenced(catalog)
  const now = Date.now()
  const drop: CID[] = []
  for await (const rec of pins.records()) {
    if (rec.at > now - (rec.keep === 'message' ? Math.max(graceMs, messageKeepMs) : graceMs)) continue
    let cid: CID
    try {
      cid = CID.parse(rec.cid)
    } catch {
      continue
    }
    // a trust document (profile, review: one dag-cbor block, at most 16 KiB, counted in its peer's quota) is
    // named by chain events, not by listings: it stays
    if (cid.code === dagCbor.code) continue
    if (!keep.has(cid.toV1().toString())) drop.push(cid)
  }
  for (const cid of drop) await pins.unpin(cid)
  return drop.length
}

/** Runs `collectUnreferencedPins` every `intervalMs`; returns the stop function (no timer left behind). */
export function startPinGc(pins: PinService, catalog: Catalog, metrics: Metrics, o: PinGcOptions): () => void {
  const dropped = metrics.counter(
    'souk_relay_pins_unreferenced_total',
    'Media pins dropped: no listing references them',
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const run = (): void => {
    timer = setTimeout(() => {
      collectUnreferencedPins(pins, catalog, o.graceMs, o.messageKeepMs).then(
        (n) => {
          if (n > 0) dropped({}, n)
          if (!stopped) run()
        },
        () => {
          if (!stopped) run()
        },
      )
    }, o.intervalMs)
  }
  run()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
