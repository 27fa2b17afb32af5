import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BaseError } from 'viem'
import { ROOT } from '../../scripts/lib/processes.ts'
import { ConfigError, isUndeployed, parseConfig } from '../../src/core/config.ts'

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

  for (const [chain, message] of [
    [{ rpcUrls: ['wss://node.example'] }, /chain\.rpcUrls\[0\] must be an http\(s\) URL/],
    [{ rpcUrls: ['https://a.example', 'https://a.example'] }, /without duplicates/],
    [{ multicall3: '0xca11' }, /chain\.multicall3 must be an address/],
    [{ explorer: 'etherscan' }, /chain\.explorer must be an http\(s\) URL/],
    [{ nativeCurrency: { name: 'Ether' } }, /chain\.nativeCurrency must be/],
  ] as const) {
    it(`rejects chain ${Object.keys(chain)[0]} ${JSON.stringify(Object.values(chain)[0])}`, () => {
      assert.throws(() => parseConfig({ ...structuredClone(good), chain: { ...good.chain, ...chain } }), message)
    })
  }

  it('reads several RPCs, Multicall3, the native currency and the accepted tokens', () => {
    const usdc = { address: '0x036CbD53842c5426634e7929541eC2318f3dCF7e', symbol: 'USDC', decimals: 6 }
    const config = parseConfig({
      ...structuredClone(good),
      chain: {
        ...good.chain,
        rpcUrls: ['https://a.example', 'https://b.example/v1'],
        multicall3: '0xcA11bde05977b3631167028862bE2a173976CA11',
        nativeCurrency: { name: 'Sepolia Ether', symbol: 'ETH', decimals: 18 },
      },
      contracts: { ...good.contracts, tokens: [usdc] },
    })
    assert.deepEqual(config.chain.rpcUrls, ['https://a.example', 'https://b.example/v1'])
    assert.equal(config.chain.multicall3, '0xcA11bde05977b3631167028862bE2a173976CA11')
    assert.deepEqual(config.contracts.tokens, [usdc])
    assert.throws(
      () =>
        parseConfig({
          ...structuredClone(good),
          contracts: { ...good.contracts, tokens: [{ ...usdc, decimals: 99 }] },
        }),
      /contracts\.tokens\[0\]\.decimals must be an integer from 0 to 36/,
    )
  })

  it('throws a viem BaseError whose short message names the field', () => {
    try {
      parseConfig({ ...structuredClone(good), relays: 'x' })
      assert.fail('no error')
    } catch (err) {
      assert.ok(err instanceof ConfigError && err instanceof BaseError)
      assert.match(err.shortMessage, /^config\.json: relays must be/)
    }
  })

  it('ships valid example configs for the public testnets, undeployed until `npm run deploy`', () => {
    const examples = readdirSync(join(ROOT, 'public')).filter((f) => /^config\..+\.json$/.test(f))
    const ids = new Map<number, string>()
    for (const file of examples) {
      const config = parseConfig(JSON.parse(readFileSync(join(ROOT, 'public', file), 'utf8')))
      ids.set(config.chain.id, file)
      if (config.chain.id !== 31337) {
        assert.equal(config.devWallet, false, file)
        assert.ok(config.chain.rpcUrls.length >= 2, `${file}: more than one RPC, for the fallback`)
        assert.ok(
          config.chain.rpcUrls.every((u) => u.startsWith('https://')),
          `${file}: https RPCs`,
        )
        assert.ok(config.chain.explorer, `${file}: an explorer`)
      }
      assert.equal(config.chain.multicall3, '0xcA11bde05977b3631167028862bE2a173976CA11', file)
    }
    for (const id of [11155111, 84532, 11155420, 31337]) assert.ok(ids.has(id), `an example config for chain ${id}`)
    assert.ok(isUndeployed(parseConfig(JSON.parse(readFileSync(join(ROOT, 'public', ids.get(84532)!), 'utf8')))))
  })

  it('rejects a document that is not an object', () => {
    assert.throws(() => parseConfig('hello'), /must be a JSON object/)
  })
})
