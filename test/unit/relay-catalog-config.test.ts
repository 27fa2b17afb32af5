import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BaseError } from 'viem'
import { parseRelayConfig, RelayCatalogConfigError } from '../../src/relay/config.ts'

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

test('the catalog role is set by --rpc-url, --market and --deploy-block, flags over env', () => {
  const none = parseRelayConfig([], {})
  assert.ok(none !== 'help')
  assert.equal(none.catalog, undefined, 'no chain named: no catalog role')

  const flags = parseRelayConfig(['--rpc-url', 'http://127.0.0.1:8545', '--market', MARKET, '--deploy-block', '7'], {
    SOUK_RELAY_RPC_URL: 'http://elsewhere:8545',
  })
  assert.ok(flags !== 'help')
  assert.deepEqual(flags.catalog, { rpcUrl: 'http://127.0.0.1:8545', market: MARKET, deployBlock: 7n })

  const env = parseRelayConfig([], { SOUK_RELAY_RPC_URL: 'http://127.0.0.1:8545', SOUK_RELAY_MARKET: MARKET })
  assert.ok(env !== 'help')
  assert.deepEqual(env.catalog, { rpcUrl: 'http://127.0.0.1:8545', market: MARKET, deployBlock: 0n })
})

test('a half-configured or malformed catalog role is a clear BaseError', () => {
  const bad: [string[], RegExp][] = [
    [['--rpc-url', 'http://127.0.0.1:8545'], /go together/],
    [['--market', MARKET], /go together/],
    [['--rpc-url', 'http://x', '--market', '0x1234'], /not an address/],
    [['--rpc-url', 'http://x', '--market', MARKET, '--deploy-block', 'soon'], /block number/],
  ]
  for (const [argv, message] of bad) {
    const err = (() => {
      try {
        parseRelayConfig(argv, {})
      } catch (e) {
        return e
      }
      return undefined
    })()
    assert.ok(err instanceof RelayCatalogConfigError, `${argv.join(' ')} was accepted`)
    assert.ok(err instanceof BaseError)
    assert.match(err.message, message)
  }
})
