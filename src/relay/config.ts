/**
 * Relay configuration from flags and `SOUK_RELAY_*` environment variables (flags win).
 * Every limit has a default sized for a small community server serving browsers.
 */
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { BaseError, isAddress, type Address } from 'viem'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
import type { MessagingConfig } from './messages.ts'
import { GATEWAY_DEFAULTS as GW, type GatewayConfig } from './gateway-limits.ts'
import { MAX_ENVELOPE_BYTES } from '../core/messaging.ts'

export interface RelayConfig {
  host: string
  /** WebSocket listen port (0 = any free port). */
  port: number
  httpPort: number
  /** Address of the HTTP server (health, metrics, gateway); 127.0.0.1 keeps metrics off the internet. */
  httpHost: string
  dataDir: string
  /** Public multiaddrs to announce instead of the listen addresses (e.g. /dns4/relay.example/tcp/443/wss). */
  announce: string[]
  /** Other relays to connect to at start; more are learnt from them. */
  bootstrap: string[]
  /** Circuit relay v2 reservations held at once (libp2p's default of 15 is far too low for browsers). */
  maxReservations: number
  maxConnections: number
  /** Inbound connections accepted per second from one IP address. */
  inboundRate: number
  /** Largest media file pinned, bytes (whole DAG). */
  maxFileBytes: number
  /** Bytes pinned per requesting peer (a seller's browser identity). */
  peerQuotaBytes: number
  /** Pin requests per peer per minute. */
  pinRatePerMinute: number
  /** Data and time limits of one relayed (limited) connection: WebRTC signalling needs a few KiB. */
  relayedDataLimit: number
  relayedDurationMs: number
  /** Reservations held by peers from one IP address, and from one /24 (IPv4) or /48 (IPv6). */
  reservationsPerIp: number
  reservationsPerSubnet: number
  /** Bytes pinned for requests from one IP address (peer ids are free, addresses are not). */
  ipQuotaBytes: number
  /** Bytes pinned in total; at the cap new pins are refused, the relay's disk is not the attacker's. */
  totalQuotaBytes: number
  /** Pins fetched at once, relay-wide; more wait their turn (up to the request's timeout). */
  pinConcurrency: number
  /** Longest wait for one block of a pin before the pin fails. */
  blockTimeoutMs: number
  /** /health reports not ok when the data directory's disk has less free space than this. */
  minFreeDiskBytes: number
  /** HTTP gateway limits: responses per client address and in all, stall and total deadlines. */
  gateway: GatewayConfig
  /**
   * Development only: dial and trust relays on private, loopback and link-local addresses (tests and
   * `npm start` run every relay on 127.0.0.1). A public relay leaves this off.
   */
  allowPrivateAddrs: boolean
  logLevel: LogLevel
  /** Store-and-forward, presence and anti-entropy limits (docs/messaging.md). */
  messaging: MessagingConfig
  /** The chain the catalog role checks listings against (src/relay/catalog.ts); undefined: no catalog role. */
  catalog?: RelayCatalogConfig | undefined
  /** The PWA build (UnixFS directory CID) to pin and serve at the HTTP root, and the CAR to import it from. */
  app?: string
  appCar?: string
  // ---- limits under attack (issue #24): fair pin slots, relays per network, the app DAG's size ----
  /** Pins of one IP address fetching at once, and waiting for a slot (beyond: refused, "queue full"). */
  pinsPerIp: number
  pinQueuePerIp: number
  /** Longest wait for a pin's root block from the asking peer before the pin fails ("not provided"). */
  pinProbeMs: number
  /** Verified relays kept from one IP address and from one /24 (IPv4) or /48 (IPv6). */
  relaysPerIp: number
  relaysPerSubnet: number
  /** Caps on the DAG fetched for `--app`: blocks, bytes, and links from the root. */
  appMaxBlocks: number
  appMaxBytes: number
  appMaxDepth: number
}

export interface RelayCatalogConfig {
  rpcUrl: string
  market: Address
  deployBlock: bigint
  /** Entries per second one peer may gossip on the catalog topic (bursts of 10×); undefined: the default (100). */
  gossipRate?: number
}

export class RelayCatalogConfigError extends BaseError {
  override name = 'RelayCatalogConfigError'
}

/** The catalog role's chain from `--rpc-url`, `--market`, `--deploy-block` (or their env); both or neither. */
export function parseCatalogConfig(
  rpcUrl: string | undefined,
  market: string | undefined,
  deployBlock: string | undefined,
  gossipRate?: string,
): RelayCatalogConfig | undefined {
  if (!rpcUrl && !market) return undefined
  if (!rpcUrl || !market)
    throw new RelayCatalogConfigError('--rpc-url and --market (SOUK_RELAY_RPC_URL, SOUK_RELAY_MARKET) go together')
  if (!isAddress(market)) throw new RelayCatalogConfigError(`--market is not an address: ${market}`)
  const deploy = deployBlock || '0'
  if (!/^\d+$/.test(deploy)) throw new RelayCatalogConfigError(`--deploy-block must be a block number, got "${deploy}"`)
  const rate = gossipRate ? Number(gossipRate) : undefined
  if (rate !== undefined && !(Number.isSafeInteger(rate) && rate >= 1))
    throw new RelayCatalogConfigError(`--catalog-gossip-rate must be an integer >= 1, got "${gossipRate}"`)
  return { rpcUrl, market, deployBlock: BigInt(deploy), ...(rate !== undefined ? { gossipRate: rate } : {}) }
}

const HELP = `Usage: node src/relay/main.ts [options]   (every option also as env SOUK_RELAY_<NAME>)
  --host H                 listen address (default 0.0.0.0)                 SOUK_RELAY_HOST
  --port N                 WebSocket port, 0 = any free port (default 4003) SOUK_RELAY_PORT
  --http-port N            /health, /ready, /metrics, /ipfs port (default 4080) SOUK_RELAY_HTTP_PORT
  --http-host H            HTTP listen address (default: --host)             SOUK_RELAY_HTTP_HOST
  --data-dir DIR           identity, blocks, pins (default .souk/relay)      SOUK_RELAY_DATA_DIR
  --announce MA            public multiaddr to announce (repeatable)         SOUK_RELAY_ANNOUNCE (comma separated)
  --bootstrap MA           another relay to join (repeatable)                SOUK_RELAY_BOOTSTRAP (comma separated)
  --max-reservations N     circuit relay reservations (default 2048)         SOUK_RELAY_MAX_RESERVATIONS
  --max-connections N      connections (default 4096)                        SOUK_RELAY_MAX_CONNECTIONS
  --inbound-rate N         new connections per second per IP (default 50)    SOUK_RELAY_INBOUND_RATE
  --max-file-bytes N       largest pinned file (default 8388608)             SOUK_RELAY_MAX_FILE_BYTES
  --peer-quota-bytes N     pinned bytes per peer (default 268435456)         SOUK_RELAY_PEER_QUOTA_BYTES
  --pin-rate N             pin requests per peer per minute (default 60)     SOUK_RELAY_PIN_RATE
  --relayed-data-limit N   bytes per relayed connection (default 1048576)    SOUK_RELAY_RELAYED_DATA_LIMIT
  --relayed-duration-ms N  lifetime of a relayed connection (default 300000) SOUK_RELAY_RELAYED_DURATION_MS
  --reservations-per-ip N  reservations from one IP (default 8)              SOUK_RELAY_RESERVATIONS_PER_IP
  --reservations-per-subnet N  from one /24 or /48 (default 32)              SOUK_RELAY_RESERVATIONS_PER_SUBNET
  --ip-quota-bytes N       pinned bytes per IP (default 1073741824)          SOUK_RELAY_IP_QUOTA_BYTES
  --total-quota-bytes N    pinned bytes in all (default 21474836480)         SOUK_RELAY_TOTAL_QUOTA_BYTES
  --pin-concurrency N      pins fetched at once (default 8)                  SOUK_RELAY_PIN_CONCURRENCY
  --block-timeout-ms N     wait for one block of a pin (default 10000)       SOUK_RELAY_BLOCK_TIMEOUT_MS
  --min-free-disk-bytes N  /health fails below this (default 268435456)      SOUK_RELAY_MIN_FREE_DISK_BYTES
  --gateway-per-ip N       /ipfs responses at once per address (default 8)   SOUK_RELAY_GATEWAY_PER_IP
  --gateway-max N          /ipfs responses at once in all (default 64)       SOUK_RELAY_GATEWAY_MAX
  --gateway-stall-ms N     cut a response its reader stops taking (10000)    SOUK_RELAY_GATEWAY_STALL_MS
  --gateway-timeout-ms N   longest /ipfs response (default 120000)           SOUK_RELAY_GATEWAY_TIMEOUT_MS
  --allow-private-addrs    DEVELOPMENT ONLY: dial relays on private/loopback SOUK_RELAY_ALLOW_PRIVATE_ADDRS=1
  --log-level L            fatal|error|warn|info|debug|trace|silent (info)   SOUK_RELAY_LOG_LEVEL
  --message-retention-days N  days messages are kept (default 14)       SOUK_RELAY_MESSAGE_RETENTION_DAYS
  --sender-quota N         messages stored per sender (default 5000)        SOUK_RELAY_SENDER_QUOTA
  --sender-rate N          messages per sender per minute (default 120)     SOUK_RELAY_SENDER_RATE
  --gossip-interval-ms N   anti-entropy round with a relay (default 1000)   SOUK_RELAY_GOSSIP_INTERVAL_MS
  --link-delay-ms N        benchmark only: delay frames from relays (0)     SOUK_RELAY_LINK_DELAY_MS
  --mailbox-messages N     messages waiting per recipient (default 2000)    SOUK_RELAY_MAILBOX_MESSAGES
  --mailbox-bytes N        bytes waiting per recipient (default 33554432)   SOUK_RELAY_MAILBOX_BYTES
  --mailbox-peer-bytes N   message bytes stored per peer (default 16777216) SOUK_RELAY_MAILBOX_PEER_BYTES
  --mailbox-ip-bytes N     message bytes stored per IP or /64 (default 67108864) SOUK_RELAY_MAILBOX_IP_BYTES
  --mailbox-total-bytes N  message bytes stored in all (default 536870912)  SOUK_RELAY_MAILBOX_TOTAL_BYTES
  --rpc-url URL            chain JSON-RPC: turns on the catalog role         SOUK_RELAY_RPC_URL
  --market ADDR            market whose listings the catalog keeps           SOUK_RELAY_MARKET
  --deploy-block N         block the market was deployed at (default 0)      SOUK_RELAY_DEPLOY_BLOCK
  --catalog-gossip-rate N  catalog entries/s one peer may gossip (default 100, bursts 10×) SOUK_RELAY_CATALOG_GOSSIP_RATE
  --app CID                serve this build of the app (npm run publish:app) at the HTTP root   SOUK_RELAY_APP
  --app-car FILE           import --app from this CAR instead of fetching it from peers SOUK_RELAY_APP_CAR
 Limits under attack (docs/operators.md):
  --pins-per-ip N          pins of one IP fetching at once (default 2)       SOUK_RELAY_PINS_PER_IP
  --pin-queue-per-ip N     pins of one IP waiting for a slot (default 8)     SOUK_RELAY_PIN_QUEUE_PER_IP
  --pin-probe-ms N         wait for a pin's root block from its asker (2000) SOUK_RELAY_PIN_PROBE_MS
  --relays-per-ip N        verified relays per IP (default 2; 64 in dev mode) SOUK_RELAY_RELAYS_PER_IP
  --relays-per-subnet N    per /24 or /48 (default 4; 64 in dev mode)        SOUK_RELAY_RELAYS_PER_SUBNET
  --app-max-blocks N       blocks in the --app DAG (default 4096)            SOUK_RELAY_APP_MAX_BLOCKS
  --app-max-bytes N        bytes of the --app DAG (default 67108864)         SOUK_RELAY_APP_MAX_BYTES
  --app-max-depth N        links from the --app root (default 32)            SOUK_RELAY_APP_MAX_DEPTH
  --help`

export class RelayConfigError extends BaseError {
  constructor(message: string) {
    super(message, { name: 'RelayConfigError' })
  }
}

export function parseRelayConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): RelayConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'http-port': { type: 'string' },
      'data-dir': { type: 'string' },
      announce: { type: 'string', multiple: true },
      bootstrap: { type: 'string', multiple: true },
      'max-reservations': { type: 'string' },
      'max-connections': { type: 'string' },
      'inbound-rate': { type: 'string' },
      'max-file-bytes': { type: 'string' },
      'peer-quota-bytes': { type: 'string' },
      'pin-rate': { type: 'string' },
      'relayed-data-limit': { type: 'string' },
      'relayed-duration-ms': { type: 'string' },
      'http-host': { type: 'string' },
      'reservations-per-ip': { type: 'string' },
      'reservations-per-subnet': { type: 'string' },
      'ip-quota-bytes': { type: 'string' },
      'total-quota-bytes': { type: 'string' },
      'pin-concurrency': { type: 'string' },
      'block-timeout-ms': { type: 'string' },
      'min-free-disk-bytes': { type: 'string' },
      'gateway-per-ip': { type: 'string' },
      'gateway-max': { type: 'string' },
      'gateway-stall-ms': { type: 'string' },
      'gateway-timeout-ms': { type: 'string' },
      'allow-private-addrs': { type: 'boolean' },
      'log-level': { type: 'string' },
      'message-retention-days': { type: 'string' },
      'sender-quota': { type: 'string' },
      'sender-rate': { type: 'string' },
      'gossip-interval-ms': { type: 'string' },
      'link-delay-ms': { type: 'string' },
      'mailbox-messages': { type: 'string' },
      'mailbox-bytes': { type: 'string' },
      'mailbox-peer-bytes': { type: 'string' },
      'mailbox-ip-bytes': { type: 'string' },
      'mailbox-total-bytes': { type: 'string' },
      'rpc-url': { type: 'string' },
      market: { type: 'string' },
      'deploy-block': { type: 'string' },
      'catalog-gossip-rate': { type: 'string' },
      app: { type: 'string' },
      'app-car': { type: 'string' },
      'pins-per-ip': { type: 'string' },
      'pin-queue-per-ip': { type: 'string' },
      'pin-probe-ms': { type: 'string' },
      'relays-per-ip': { type: 'string' },
      'relays-per-subnet': { type: 'string' },
      'app-max-blocks': { type: 'string' },
      'app-max-bytes': { type: 'string' },
      'app-max-depth': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  })
  if (values.help) return 'help'
  const str = (flag: keyof typeof values, fallback: string): string => {
    const v = values[flag]
    if (typeof v === 'string') return v
    return env[`SOUK_RELAY_${flag.toUpperCase().replaceAll('-', '_')}`] ?? fallback
  }
  const int = (flag: keyof typeof values, fallback: number, min = 0): number => {
    const raw = str(flag, String(fallback))
    const n = Number(raw)
    if (!Number.isSafeInteger(n) || n < min)
      throw new RelayConfigError(`--${flag} must be an integer >= ${min}, got "${raw}"`)
    return n
  }
  const list = (flag: 'announce' | 'bootstrap'): string[] => {
    const v = values[flag]
    if (v && v.length > 0) return v
    return (env[`SOUK_RELAY_${flag.toUpperCase()}`] ?? '').split(/[\s,]+/).filter(Boolean)
  }
  const logLevel = str('log-level', 'info')
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new RelayConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`)
  const privateEnv = env.SOUK_RELAY_ALLOW_PRIVATE_ADDRS ?? ''
  const allowPrivateAddrs = values['allow-private-addrs'] === true || privateEnv === '1' || privateEnv === 'true'
  const host = str('host', '0.0.0.0')
  const app = str('app', '')
  const appCar = str('app-car', '')
  if (appCar && !app)
    throw new RelayConfigError('--app-car needs --app <cid> (the root printed by npm run publish:app)')
  return {
    ...(app ? { app } : {}),
    ...(appCar ? { appCar: resolve(appCar) } : {}),
    host,
    httpHost: str('http-host', host),
    port: int('port', 4003),
    httpPort: int('http-port', 4080),
    dataDir: resolve(str('data-dir', '.souk/relay')),
    announce: list('announce'),
    bootstrap: list('bootstrap'),
    maxReservations: int('max-reservations', 2048, 1),
    maxConnections: int('max-connections', 4096, 1),
    inboundRate: int('inbound-rate', 50, 1),
    maxFileBytes: int('max-file-bytes', 8 * 1024 * 1024, 1),
    peerQuotaBytes: int('peer-quota-bytes', 256 * 1024 * 1024, 0),
    pinRatePerMinute: int('pin-rate', 60, 1),
    relayedDataLimit: int('relayed-data-limit', 1024 * 1024, 1024),
    relayedDurationMs: int('relayed-duration-ms', 5 * 60_000, 1000),
    reservationsPerIp: int('reservations-per-ip', 8, 1),
    reservationsPerSubnet: int('reservations-per-subnet', 32, 1),
    ipQuotaBytes: int('ip-quota-bytes', 1024 * 1024 * 1024, 0),
    totalQuotaBytes: int('total-quota-bytes', 20 * 1024 * 1024 * 1024, 0),
    pinConcurrency: int('pin-concurrency', 8, 1),
    blockTimeoutMs: int('block-timeout-ms', 10_000, 100),
    minFreeDiskBytes: int('min-free-disk-bytes', 256 * 1024 * 1024, 0),
    gateway: {
      perIp: int('gateway-per-ip', GW.perIp, 1),
      max: int('gateway-max', GW.max, 1),
      stallMs: int('gateway-stall-ms', GW.stallMs, 100),
      timeoutMs: int('gateway-timeout-ms', GW.timeoutMs, 1000),
    },
    allowPrivateAddrs,
    logLevel: logLevel as LogLevel,
    messaging: {
      retentionMs: int('message-retention-days', 14, 1) * 24 * 3600_000,
      senderQuota: int('sender-quota', 5_000, 1),
      senderRatePerMinute: int('sender-rate', 120, 1),
      gossipIntervalMs: int('gossip-interval-ms', 1_000, 20),
      linkDelayMs: int('link-delay-ms', 0, 0),
      // issue #24: a mailbox, a source and the relay hold at most this much (docs/messaging.md "Limits")
      mailbox: {
        recipientMessages: int('mailbox-messages', 2_000, 1),
        recipientBytes: int('mailbox-bytes', 32 * 1024 * 1024, MAX_ENVELOPE_BYTES),
        peerBytes: int('mailbox-peer-bytes', 16 * 1024 * 1024, MAX_ENVELOPE_BYTES),
        ipBytes: int('mailbox-ip-bytes', 64 * 1024 * 1024, MAX_ENVELOPE_BYTES),
        totalBytes: int('mailbox-total-bytes', 512 * 1024 * 1024, MAX_ENVELOPE_BYTES),
        // on a public relay a private or loopback peer is the operator's proxy, i.e. everybody
        limitPrivateIps: allowPrivateAddrs,
      },
    },
    catalog: parseCatalogConfig(
      str('rpc-url', ''),
      str('market', ''),
      str('deploy-block', '0'),
      str('catalog-gossip-rate', ''),
    ),
    pinsPerIp: int('pins-per-ip', 2, 1),
    pinQueuePerIp: int('pin-queue-per-ip', 8, 0),
    pinProbeMs: int('pin-probe-ms', 2_000, 0),
    // the dev stack and tests run every relay on 127.0.0.1: there the caps are lifted unless set
    relaysPerIp: int('relays-per-ip', allowPrivateAddrs ? 64 : 2, 1),
    relaysPerSubnet: int('relays-per-subnet', allowPrivateAddrs ? 64 : 4, 1),
    appMaxBlocks: int('app-max-blocks', 4_096, 1),
    appMaxBytes: int('app-max-bytes', 64 * 1024 * 1024, 1),
    appMaxDepth: int('app-max-depth', 32, 1),
  }
}

export { HELP as RELAY_HELP }
