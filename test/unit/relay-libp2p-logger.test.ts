/** The relay's libp2p logger (src/relay/libp2p-logger.ts): silent unless `DEBUG` asks for libp2p's output. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { libp2pLogger } from '../../src/relay/libp2p-logger.ts'

test('without DEBUG libp2p gets loggers that do nothing, scopes included', () => {
  const logger = libp2pLogger({})
  assert.ok(logger)
  const log = logger.forComponent('libp2p:yamux').newScope('stream')
  assert.equal(log.enabled, false)
  log('a %s', 'message')
  log.error('an %e', new Error('error'))
  log.trace('a trace')
})

test("with DEBUG set libp2p keeps its own logger (the operator's namespaces apply)", () => {
  assert.equal(libp2pLogger({ DEBUG: 'libp2p:*' }), undefined)
})
