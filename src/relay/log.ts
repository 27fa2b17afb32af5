/**
 * The relay's structured log: pino JSON lines on stderr (stdout carries only the ready line), level from
 * `--log-level`. Written synchronously so the last lines before a crash are never lost.
 */
import { pino, type Logger } from 'pino'
import type { LogLevel } from './config.ts'

export type { Logger }

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'souk-relay' } }, pino.destination({ dest: 2, sync: true }))
}
