import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { buildContracts, repoRoot } from '../../scripts/forge.ts'
import { renderAbiFiles } from '../../scripts/gen-abi.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'

describe('generated ABIs (src/chain/abi)', () => {
  it('match a fresh forge build of contracts/', { timeout: 180_000 }, async () => {
    await buildContracts()
    for (const [path, fresh] of await renderAbiFiles()) {
      const committed = readFileSync(path, 'utf8')
      assert.equal(
        committed,
        fresh,
        `${path.slice(repoRoot.length + 1)} is stale: run \`npm run contracts:build\` and commit the result`,
      )
    }
  })

  it('expose the market API the chain client relies on', () => {
    const names = new Set(soukMarketAbi.map((item) => ('name' in item ? `${item.type}:${item.name}` : item.type)))
    for (const expected of [
      'function:list',
      'function:bid',
      'function:bidWithToken',
      'function:reveal',
      'function:finalize',
      'function:withdrawBid',
      'function:buy',
      'function:confirm',
      'function:refund',
      'function:registerArbiter',
      'function:getArbiter',
      'function:markShipped',
      'function:dispute',
      'function:resolve',
      'function:claimTimeout',
      'function:withdraw',
      'event:ListingCreated',
      'event:ContentHashUpdated',
      'event:BidPlaced',
      'event:BidRevealed',
      'event:Finalized',
      'event:EscrowSettled',
      'event:Withdrawn',
      'error:RevealClosed',
    ]) {
      assert.ok(names.has(expected), `soukMarketAbi lacks ${expected}`)
    }
  })
})
