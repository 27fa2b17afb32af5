/**
 * What keeps the trustless gateway (src/relay/gateway.ts) from costing the relay more than a few bounded
 * streams (issue #24, finding 1): response slots per client address and in all, a gate that bounds the
 * gateway's blockstore reads (so they never fill libuv's thread pool ahead of /health's canary read), and a
 * writer that cuts a response whose reader stops taking bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import { networkOf } from '../p2p/relay-list.ts'

export interface GatewayConfig {
  /** Responses in flight for one client address (an IPv4 address, an IPv6 /64). */
  perIp: number
  /** Responses in flight in all. */
  max: number
  /**
   * A response whose connection takes no more bytes for this long is cut: its kernel send buffer stayed full
   * (the reader stopped, or takes less than about a third of that buffer in this time).
   */
  stallMs: number
  /** Longest one response may take, start to end. */
  timeoutMs: number
}

export const GATEWAY_DEFAULTS: GatewayConfig = { perIp: 8, max: 64, stallMs: 10_000, timeoutMs: 120_000 }

/** Blockstore reads the gateway runs at once: below libuv's 4 threads, so other reads always find one. */
export const GATEWAY_READS = 2
/** Writes are sliced so that at most one slice waits in the relay's own buffer, beyond the kernel's. */
const SLICE = 64 * 1024

export type CutReason = 'stalled' | 'deadline' | 'closed'
export const CUT_REASONS: CutReason[] = ['stalled', 'deadline', 'closed']

/** A response ended before it was complete; `reason` is a fixed metric label. */
export class GatewayCut extends Error {
  readonly reason: CutReason
  constructor(reason: CutReason, message: string) {
    super(message)
    this.name = 'GatewayCut'
    this.reason = reason
  }
}

/** The operator's own reverse proxy (Caddy, nginx, a container bridge) reaches the relay from these. */
const PROXIES = new BlockList()
PROXIES.addSubnet('127.0.0.0', 8, 'ipv4')
PROXIES.addSubnet('10.0.0.0', 8, 'ipv4')
PROXIES.addSubnet('172.16.0.0', 12, 'ipv4')
PROXIES.addSubnet('192.168.0.0', 16, 'ipv4')
PROXIES.addSubnet('169.254.0.0', 16, 'ipv4')
PROXIES.addAddress('::1', 'ipv6')
PROXIES.addSubnet('fc00::', 7, 'ipv6')
PROXIES.addSubnet('fe80::', 10, 'ipv6')

/**
 * The address a request is counted against: the TCP peer, or, when the peer is loopback or private (a
 * reverse proxy of the operator's; the internet cannot connect from there), the last `X-Forwarded-For` entry
 * (the one that proxy added). IPv6 clients are counted by /64, the block one subscriber gets.
 */
export function clientAddress(req: IncomingMessage): string {
  let ip = unmap(req.socket.remoteAddress ?? '')
  if (isProxy(ip)) {
    const header = req.headers['x-forwarded-for']
    const last = unmap((Array.isArray(header) ? header.at(-1) : header)?.split(',').at(-1)?.trim() ?? '')
    if (isIPv4(last) || isIPv6(last)) ip = last
  }
  return isIPv6(ip) ? networkOf(ip) : ip || 'unknown'
}

function unmap(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return v4 ? v4[1]! : ip.replace(/%.*$/, '')
}

function isProxy(ip: string): boolean {
  if (isIPv4(ip)) return PROXIES.check(ip, 'ipv4')
  return isIPv6(ip) && PROXIES.check(ip, 'ipv6')
}

/** Responses in flight, per client address and in all. */
export class GatewaySlots {
  readonly #config: Pick<GatewayConfig, 'perIp' | 'max'>
  readonly #byAddress = new Map<string, number>()
  #active = 0

  constructor(config: Pick<GatewayConfig, 'perIp' | 'max'>) {
    this.#config = config
  }

  get active(): number {
    return this.#active
  }

  /** A release function (call it once the response is over), or why the request must be refused. */
  take(address: string): (() => void) | 'per_ip' | 'total' {
    const mine = this.#byAddress.get(address) ?? 0
    if (mine >= this.#config.perIp) return 'per_ip'
    if (this.#active >= this.#config.max) return 'total'
    this.#byAddress.set(address, mine + 1)
    this.#active++
    let released = false
    return () => {
      if (released) return
      released = true
      this.#active--
      const left = (this.#byAddress.get(address) ?? 1) - 1
      if (left > 0) this.#byAddress.set(address, left)
      else this.#byAddress.delete(address)
    }
  }
}

/** At most `limit` tasks at once; the rest wait in arrival order (bounded by the slots above). */
export class Gate {
  readonly #limit: number
  #running = 0
  readonly #waiting: (() => void)[] = []

  constructor(limit: number) {
    this.#limit = limit
  }

  async run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (this.#running >= this.#limit) {
      await new Promise<void>((resolve, reject) => {
        const turn = (): void => {
          signal.removeEventListener('abort', abort)
          resolve()
        }
        const abort = (): void => {
          this.#waiting.splice(this.#waiting.indexOf(turn), 1)
          reject(signal.reason as Error)
        }
        signal.throwIfAborted()
        this.#waiting.push(turn)
        signal.addEventListener('abort', abort, { once: true })
      })
    } else {
      this.#running++
    }
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }
}

/** `work`, or the signal's reason as soon as it aborts (`work` is then left to settle unobserved). */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {})
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', abort, { once: true })
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}

/**
 * Writes `bytes` to `res` in slices of at most 64 KiB; after each slice the socket cannot take, waits for it
 * to drain. Rejects with a `GatewayCut` when the reader takes nothing for `stallMs` or the connection
 * closes, and with the signal's reason when it aborts. Nothing is left listening after it settles.
 */
export async function send(
  res: ServerResponse,
  bytes: Uint8Array,
  stallMs: number,
  signal: AbortSignal,
): Promise<void> {
  for (let at = 0; at < bytes.byteLength; at += SLICE) {
    if (res.destroyed) throw new GatewayCut('closed', 'the client closed the connection')
    signal.throwIfAborted()
    if (!res.write(bytes.subarray(at, at + SLICE))) await settle(res, 'drain', stallMs, signal)
  }
}

/** Ends `res` and waits (as `send` does) until the last bytes have been handed to the kernel. */
export async function end(res: ServerResponse, stallMs: number, signal: AbortSignal): Promise<void> {
  if (res.destroyed) throw new GatewayCut('closed', 'the client closed the connection')
  const finished = settle(res, 'finish', stallMs, signal)
  res.end()
  await finished
}

async function settle(res: ServerResponse, event: 'drain' | 'finish', stallMs: number, signal: AbortSignal) {
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      clearTimeout(timer)
      res.off('socket', arm)
      res.off(event, ok)
      res.off('close', closed)
      signal.removeEventListener('abort', aborted)
      if (err) reject(err)
      else resolve()
    }
    const ok = (): void => done()
    const closed = (): void => done(new GatewayCut('closed', 'the client closed the connection'))
    const aborted = (): void => done(signal.reason as Error)
    let timer: ReturnType<typeof setTimeout> | undefined
    const arm = (): void => {
      timer = setTimeout(
        () => done(new GatewayCut('stalled', `the connection took no bytes for ${stallMs} ms`)),
        stallMs,
      )
    }
    // a response queued behind another on a pipelined connection has no socket yet: not its reader's fault
    if (res.socket) arm()
    else res.once('socket', arm)
    res.once(event, ok)
    res.once('close', closed)
    signal.addEventListener('abort', aborted, { once: true })
    if (signal.aborted) aborted()
  })
}
