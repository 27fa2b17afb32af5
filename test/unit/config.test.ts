import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError, parseConfig } from '../../src/core/config.ts'

const good = {
  chain: { id: 31337, name: 'Anvil', rpcUrls: ['http://127.0.0.1:8545'] },
  contracts: { market: '0x5FbDB2315678afecb367f032d93F642f64180aa3', deployBlock: 1 },
  relays: ['/ip4/127.0.0.1/tcp/9090/ws/p2p/12D3KooWHdiAxVd8uMQR1hGWXccx4hUjFEVcH4G5mL9pSYU4Pz7h'],
  devWallet: true,
}

describe('parseConfig', () => {
  it('accepts a valid config and keeps the dev wallet on anvil', () => {
    const config = parseConfig(structuredClone(good))
    assert.equal(config.chain.id, 31337)
    assert.equal(config.devWallet, true)
    assert.equal(config.contracts.deployBlock, 1)
  })

  it('reads recommendedArbiters, and keeps older configs without it valid', () => {
    assert.deepEqual(parseConfig(structuredClone(good)).recommendedArbiters, [])
    const arbiter = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720'
    assert.deepEqual(parseConfig({ ...structuredClone(good), recommendedArbiters: [arbiter] }).recommendedArbiters, [
      arbiter,
    ])
  })

  it('never enables the dev wallet on another chain', () => {
    const config = parseConfig({ ...structuredClone(good), chain: { ...good.chain, id: 8453 } })
    assert.equal(config.devWallet, false)
  })

  for (const [field, value, message] of [
    ['chain', null, 'chain must be an object'],
    ['contracts', { market: '0x1234' }, 'contracts.market must be an address'],
    ['relays', ['/ip4/1.2.3.4/tcp/1/ws'], 'relays must be a list of multiaddrs'],
    ['devWallet', 'yes', 'devWallet must be true or false'],
    ['recommendedArbiters', ['0x12'], 'recommendedArbiters must be a list of addresses'],
    ['recommendedArbiters', '0x5FbDB2315678afecb367f032d93F642f64180aa3', 'recommendedArbiters must be a list'],
  ] as const) {
    it(`rejects a bad ${field} with a message naming it`, () => {
      assert.throws(
        () => parseConfig({ ...structuredClone(good), [field]: value }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError)
          assert.match(err.message, new RegExp(message.replace(/\./g, '\\.')))
          return true
        },
      )
    })
  }

  it('rejects a chain id that is not a positive integer', () => {
    assert.throws(
      () => parseConfig({ ...structuredClone(good), chain: { ...good.chain, id: -1 } }),
      /chain\.id must be a positive integer/,
    )
  })

  it('rejects a document that is not an object', () => {
    assert.throws(() => parseConfig('hello'), /must be a JSON object/)
  })
})
