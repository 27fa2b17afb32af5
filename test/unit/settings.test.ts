/**
 * This device's settings over the deployment's config (src/services/settings.ts): relay addresses are checked
 * before they are kept, and the app's version constant follows package.json.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { addRelay, parseRelayAddr, SettingsError, withSettings } from '../../src/services/settings.ts'
import { parseConfig } from '../../src/core/config.ts'
import { APP_VERSION } from '../../src/version.ts'

const PEER = '12D3KooWAZMPUWxJABgo2dxZQYUdEgrm7DtUhhkVBhZn2G14SXC2'
const config = parseConfig({
  chain: { id: 31337, name: 'Anvil', rpcUrls: ['http://127.0.0.1:8545'] },
  contracts: { market: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
  relays: [`/ip4/127.0.0.1/tcp/9001/ws/p2p/${PEER}`],
})

function reason(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof SettingsError, String(err))
    return err.reason
  }
  return 'accepted'
}

test('relay addresses: WebSockets, ending in a valid peer id, no circuit hop', () => {
  assert.equal(
    parseRelayAddr(` /dns4/relay.example/tcp/443/wss/p2p/${PEER} `),
    `/dns4/relay.example/tcp/443/wss/p2p/${PEER}`,
  )
  assert.equal(
    reason(() => parseRelayAddr('relay.example:443')),
    'relay-syntax',
  )
  assert.equal(
    reason(() => parseRelayAddr('/dns4/relay.example/tcp/443/wss')),
    'relay-peer-id',
  )
  assert.equal(
    reason(() => parseRelayAddr('/dns4/relay.example/tcp/443/wss/p2p/notapeerid')),
    'relay-peer-id',
  )
  assert.equal(
    reason(() => parseRelayAddr(`/dns4/r/tcp/443/wss/p2p/${PEER}/p2p-circuit/p2p/${PEER}`)),
    'relay-peer-id',
  )
  assert.equal(
    reason(() => parseRelayAddr(`/ip4/203.0.113.7/tcp/4001/p2p/${PEER}`)),
    'relay-transport',
  )
  assert.equal(
    reason(() => parseRelayAddr(`/${'a'.repeat(600)}`)),
    'relay-syntax',
  )
  assert.equal(
    reason(() => addRelay(config.relays, config.relays[0]!)),
    'relay-duplicate',
  )
})

test('the settings replace the relays and put the RPC URL first, leaving the rest of the config', () => {
  const relay = `/dns4/relay.example/tcp/443/wss/p2p/${PEER}`
  const next = withSettings(config, { relays: [relay], rpcUrl: 'https://rpc.example' })
  assert.deepEqual(next.relays, [relay])
  assert.deepEqual(next.chain.rpcUrls, ['https://rpc.example', 'http://127.0.0.1:8545'])
  assert.equal(next.contracts.market, config.contracts.market)
  assert.deepEqual(withSettings(config, {}), config)
})

test('APP_VERSION follows package.json', () => {
  assert.equal(APP_VERSION, JSON.parse(readFileSync('package.json', 'utf8')).version)
})
