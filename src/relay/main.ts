/**
 * `npm run relay`: a Souk community relay peer. Prints one JSON ready line on stdout, shuts down cleanly on
 * SIGTERM/SIGINT (exit 0). Flags and `SOUK_RELAY_*` env: see `--help` and docs/p2p.md.
 */
import { parseRelayConfig, RELAY_HELP, RelayConfigError } from './config.ts'
import { startHttp } from './http.ts'
import { startRelayNode } from './relay-node.ts'

async function main(): Promise<void> {
  let config
  try {
    config = parseRelayConfig(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`souk relay: ${(err as Error).message}\n\n${RELAY_HELP}\n`)
    process.exit(2)
  }
  if (config === 'help') {
    process.stdout.write(`${RELAY_HELP}\n`)
    return
  }
  const node = await startRelayNode(config)
  const started = Date.now()
  const http = await startHttp(config.host, config.httpPort, {
    health: () => ({
      ok: true,
      peerId: node.libp2p.peerId.toString(),
      multiaddrs: node.record().addrs,
      uptimeS: Math.round((Date.now() - started) / 1000),
      peers: node.metrics.value('souk_relay_peers'),
      reservations: node.metrics.value('souk_relay_reservations'),
      relays: node.pool.relays.map((r) => ({ peerId: r.peerId, connected: r.connected })),
      pinnedBytes: node.pins.pinnedBytes,
    }),
    metrics: () => node.metrics.render(),
  })

  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    process.stderr.write(`souk relay: ${signal}, shutting down\n`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    void Promise.all([http.close(), node.stop()]).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`souk relay: error while stopping: ${(err as Error).message}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  // hostile peers must never bring the relay down: log and carry on
  process.on('uncaughtException', (err) => process.stderr.write(`souk relay: uncaught ${err.stack ?? err.message}\n`))
  process.on('unhandledRejection', (err) =>
    process.stderr.write(`souk relay: unhandled rejection ${String((err as Error)?.stack ?? err)}\n`),
  )

  process.stdout.write(
    JSON.stringify({
      event: 'ready',
      peerId: node.libp2p.peerId.toString(),
      multiaddrs: node.record().addrs,
      http: http.url,
    }) + '\n',
  )
}

main().catch((err: unknown) => {
  process.stderr.write(
    `souk relay: ${err instanceof RelayConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`,
  )
  process.exit(1)
})
