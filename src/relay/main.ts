/**
 * `npm run relay`: a Souk community relay peer. Prints one JSON ready line on stdout (logs go to stderr as
 * pino JSON), shuts down cleanly on SIGTERM/SIGINT (exit 0). An uncaught exception or unhandled rejection is
 * logged and the process exits 1, for its supervisor to restart it in a known state. Flags and
 * `SOUK_RELAY_*` env: see `--help` and docs/p2p.md.
 */
import { parseRelayConfig, RELAY_HELP, RelayConfigError } from './config.ts'
import { startAppHost } from './app-host.ts'
import { startHttp } from './http.ts'
import { createLogger } from './log.ts'
import { startRelayNode } from './relay-node.ts'

async function main(): Promise<void> {
  let config
  try {
    config = parseRelayConfig(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(
      `souk relay: ${err instanceof RelayConfigError ? err.shortMessage : (err as Error).message}\n\n${RELAY_HELP}\n`,
    )
    process.exit(2)
  }
  if (config === 'help') {
    process.stdout.write(`${RELAY_HELP}\n`)
    return
  }
  const log = createLogger(config.logLevel)
  const die = (what: string) => (err: unknown) => {
    log.fatal({ err }, `${what}: exiting`)
    process.exit(1)
  }
  process.on('uncaughtException', die('uncaught exception'))
  process.on('unhandledRejection', die('unhandled rejection'))
  if (config.allowPrivateAddrs) log.warn('--allow-private-addrs: development mode, private addresses are dialled')

  const node = await startRelayNode(config, { log })
  const app = config.app
    ? await startAppHost({
        helia: node.helia,
        store: node.blockstore,
        cid: config.app,
        ...(config.appCar ? { car: config.appCar } : {}),
        limits: { maxBlocks: config.appMaxBlocks, maxBytes: config.appMaxBytes, maxDepth: config.appMaxDepth },
        log,
      })
    : undefined
  const started = Date.now()
  let stopping = false
  const http = await startHttp(config.httpHost, config.httpPort, {
    health: async () => ({
      ...(await node.health()),
      peerId: node.libp2p.peerId.toString(),
      multiaddrs: node.record().addrs,
      uptimeS: Math.round((Date.now() - started) / 1000),
      peers: node.metrics.value('souk_relay_peers'),
      reservations: node.metrics.value('souk_relay_reservations'),
      relays: node.pool.relays.map((r) => ({ peerId: r.peerId, connected: r.connected })),
      pinnedBytes: node.pins.pinnedBytes,
      ...(app ? { app: { cid: app.cid.toString(), ready: app.ready, fetched: app.fetched, error: app.error } } : {}),
    }),
    ready: () => !stopping && node.libp2p.status === 'started',
    metrics: async () => ({ contentType: node.metrics.contentType, body: await node.metrics.render() }),
    gateway: node.gateway,
    ...(app ? { app } : {}),
  })

  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    void Promise.all([http.close(), node.stop()]).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'error while stopping')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))

  const ready = {
    event: 'ready',
    peerId: node.libp2p.peerId.toString(),
    multiaddrs: node.record().addrs,
    http: http.url,
  }
  log.info(ready, 'relay ready')
  process.stdout.write(JSON.stringify(ready) + '\n')
}

main().catch((err: unknown) => {
  process.stderr.write(
    `souk relay: ${err instanceof RelayConfigError ? err.shortMessage : ((err as Error).stack ?? String(err))}\n`,
  )
  process.exit(1)
})
