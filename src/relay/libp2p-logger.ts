/**
 * libp2p's debug logging for the relay: libp2p makes a logger for every connection and every stream, and its
 * default one (@libp2p/logger) builds two `debug` instances each time, each asking the OS whether stderr is a
 * terminal (a syscall): ~3 % of the relay's CPU under `bench:relay-attack`, for output nobody asked for. With
 * `DEBUG` unset the relay hands libp2p loggers that do nothing; with `DEBUG` set (e.g. `DEBUG=libp2p:*`) libp2p
 * logs as usual.
 */
import type { ComponentLogger, Logger } from '@libp2p/interface'

const silent: Logger = Object.assign(() => {}, {
  enabled: false,
  error: () => {},
  trace: () => {},
  newScope: (): Logger => silent,
})

const silentLogger: ComponentLogger = { forComponent: () => silent }

/** The `logger` for libp2p's options: undefined (libp2p's default) when `DEBUG` asks for its output. */
export function libp2pLogger(env: NodeJS.ProcessEnv = process.env): ComponentLogger | undefined {
  return env.DEBUG ? undefined : silentLogger
}
