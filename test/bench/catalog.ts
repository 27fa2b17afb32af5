/**
 * Catalog benchmark: N real listings on anvil (documents from @faker-js/faker, English and Chinese) put into
 * the catalog by a seller peer and verified by a relay, then fresh Chromium profiles join through the relay.
 *
 * Reports: time until all N are searchable with the snapshot bootstrap, and where it went (snapshot fetch, CAR
 * parse, chain logs, document checks, index import, heads, log open); the same with plain OrbitDB
 * replication (measured up to --naive-sample listings or NAIVE_LIMIT_MS, extrapolated linearly to N, labelled so);
 * search
 * p50/p95 over 1,000 mixed queries in the browser (measured queries disjoint from the warm-up ones); time from
 * a listing put in one browser to searchable in another online browser; the browser's JS heap.
 * Goals: ≤ 3 s to searchable at 10,000 on loopback, search p95 ≤ 10 ms, a new listing visible ≤ 1 s. Exits 1
 * when a goal is missed. Usage: npm run bench:catalog [-- --listings N --naive-sample N --queries N --verbose].
 * Last line: {"bench":"catalog","listings":N,"bootstrapMs":N,"naiveMs":N,"searchP95Ms":N,"propagationMs":N}
 */
import { parseArgs } from 'node:util'
import { fakerEN, fakerZH_CN } from '@faker-js/faker'
import { encodeFunctionData, zeroAddress, type Hex } from 'viem'
import { startStack } from '../../scripts/lib/stack.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'
import { CATEGORIES, encodeListing } from '../../src/core/listing.ts'
import { type SearchQuery } from '../../src/core/search.ts'
import { launchBrowser, openPage } from '../helpers/browser.ts'
import { ARBITER } from '../helpers/catalog.ts'
import { serveTestPage } from '../helpers/test-page.ts'
import { within } from '../helpers/wait.ts'
import { metric } from '../unit/relay-helpers.ts'
import { fakeListing, rpc, SELLERS, seedCatalog, seedChain } from './seed.ts'
import type { JoinOptions } from './catalog-page/entry.ts'

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '10000' },
    'naive-sample': { type: 'string', default: '300' },
    queries: { type: 'string', default: '1000' },
    /** Print every page's console (each browser's join stages, snapshot failures) on stderr. */
    verbose: { type: 'boolean', default: false },
  },
})
const N = Number(values.listings)
const NAIVE_SAMPLE = Math.min(N, Number(values['naive-sample']))
const QUERIES = Number(values.queries)
/** Plain replication is measured up to NAIVE_SAMPLE listings or this long, whichever comes first. */
const NAIVE_LIMIT_MS = 90_000
/** Every phase is bounded: seeding scales with N (anvil and the relay check about 1 ms… 50 ms a listing). */
const LIMITS = {
  seedChainMs: 60_000 + N * 20,
  seedCatalogMs: 120_000 + N * 100,
  joinMs: 120_000,
  searchMs: 60_000,
  propagationMs: 30_000,
  naiveMs: NAIVE_LIMIT_MS + 60_000,
  closeMs: 30_000,
}
const PHASES = ['fetch', 'parse', 'documents', 'index', 'heads', 'chain', 'check', 'open'] as const
const GOALS = { bootstrapMs: 3_000, searchP95Ms: 10, propagationMs: 1_000 }

function queries(count: number, seed: number): SearchQuery[] {
  fakerEN.seed(seed)
  fakerZH_CN.seed(seed)
  const now = Math.floor(Date.now() / 1000)
  const out: SearchQuery[] = []
  for (let i = 0; out.length < count; i++) {
    const kind = i % 8
    const en = fakerEN.commerce.productName().toLowerCase().split(' ')
    const word = en[i % en.length]!
    if (kind === 0) out.push({ text: word, now })
    else if (kind === 1) out.push({ text: word.slice(0, 3), now })
    else if (kind === 2 && word.length > 4)
      out.push({ text: word.slice(0, 1) + word[2] + word[1] + word.slice(3), now })
    else if (kind === 3) out.push({ text: en.slice(0, 2).join(' '), now, sort: 'price-asc' })
    else if (kind === 4) out.push({ text: fakerZH_CN.commerce.productName().slice(0, 2), now })
    else if (kind === 5) out.push({ text: `${word} ${fakerZH_CN.commerce.productName().slice(0, 2)}`, now })
    else if (kind === 6)
      out.push({ now, category: CATEGORIES[1 + (i % 9)]!, maxPrice: 500_000_000n, sort: 'price-asc' })
    else out.push({ text: word, now, endingWithin: 86_400 * (1 + (i % 7)), sort: 'ending-soon' })
  }
  return out
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d

async function main(): Promise<void> {
  const stack = await startStack({ relays: 1 })
  const cleanup: (() => Promise<unknown>)[] = [() => stack.stop()]
  try {
    process.stderr.write(`creating ${N} listings on anvil…\n`)
    const seeded = await within(`${N} listings created on anvil`, seedChain(stack, N), LIMITS.seedChainMs)
    process.stderr.write(`  ${round(seeded.ms)} ms; putting them into the catalog from a seller peer…\n`)
    const { writer, putMs, relayMs } = await within(
      `the seller peer's ${N} puts verified by the relay`,
      seedCatalog(stack, seeded.docs),
      LIMITS.seedCatalogMs,
    )
    cleanup.unshift(() => writer.stop())
    const http = stack.relays[0]!.http
    process.stderr.write(`  put ${round(putMs)} ms, relay verified all after ${round(relayMs)} ms; browsers…\n`)

    const server = await serveTestPage(
      new URL('./catalog-page/entry.ts', import.meta.url).pathname,
      'souk catalog bench',
    )
    cleanup.unshift(() => server.close())
    const browser = await launchBrowser()
    cleanup.unshift(() => browser.close())
    const base: Omit<JoinOptions, 'snapshot' | 'name' | 'expect' | 'timeoutMs'> = {
      relays: stack.config.relays,
      rpcUrl: stack.anvil.rpcUrl,
      chainId: stack.config.chain.id,
      market: stack.deployment!.market,
      deployBlock: stack.deployment!.deployBlock,
    }
    const open = async () => {
      const { page } = await openPage(browser, server.url)
      if (values.verbose)
        page.on('console', (m) =>
          process.stderr.write(`    page ${new Date().toISOString()} ${m.type()}: ${m.text()}\n`),
        )
      await page.waitForFunction(() => 'soukCatalog' in globalThis)
      return page
    }

    // 1. fresh profile, snapshot bootstrap
    const a = await open()
    process.stderr.write('  fresh browser, snapshot bootstrap…\n')
    const boot = await within(
      'the fresh browser to join with the snapshot',
      a.evaluate((o) => globalThis.soukCatalog.join(o), {
        ...base,
        snapshot: true,
        name: 'bench-a',
        expect: N,
        timeoutMs: LIMITS.joinMs - 10_000,
      }),
      LIMITS.joinMs,
    )
    if (boot.verified !== N) throw new Error(`snapshot bootstrap verified ${boot.verified} of ${N}`)

    process.stderr.write(`  searchable after ${round(boot.totalMs)} ms; search…\n`)
    // 3. search in the browser: warm-up and measured queries disjoint
    const warm = queries(200, 1)
    const key = (q: SearchQuery): string => JSON.stringify(q, (_k, v) => (typeof v === 'bigint' ? String(v) : v))
    const warmKeys = new Set(warm.map(key))
    const measured = queries(QUERIES * 2, 2)
      .filter((q) => !warmKeys.has(key(q)))
      .slice(0, QUERIES)
    await within(
      'warm-up searches',
      a.evaluate((qs) => globalThis.soukCatalog.searchTimes(qs), warm),
      LIMITS.searchMs,
    )
    const { times } = await within(
      'measured searches',
      a.evaluate((qs) => globalThis.soukCatalog.searchTimes(qs), measured),
      LIMITS.searchMs,
    )
    times.sort((x, y) => x - y)
    const p50 = percentile(times, 50)
    const p95 = percentile(times, 95)

    process.stderr.write('  propagation between two browsers…\n')
    // 4. a listing put in one browser, searchable in another online browser
    const b = await open()
    await within(
      'the second browser to join with the snapshot',
      b.evaluate((o) => globalThis.soukCatalog.join(o), {
        ...base,
        snapshot: true,
        name: 'bench-b',
        expect: N,
        timeoutMs: LIMITS.joinMs - 10_000,
      }),
      LIMITS.joinMs,
    )
    const seller = SELLERS[0]!
    const doc = fakeListing(fakerEN, seller, N + 1, 'en')
    const encoded = await encodeListing(doc)
    const [blk] = await rpc<{ timestamp: Hex }>(stack.anvil.rpcUrl, [
      { method: 'eth_getBlockByNumber', params: ['latest', false] },
    ])
    const end = Number(BigInt(blk!.timestamp)) + 86_400
    const data = encodeFunctionData({
      abi: soukMarketAbi,
      functionName: 'list',
      args: [
        {
          contentHash: encoded.contentHash,
          categoryId: 1,
          buyNow: false,
          biddingEnd: end,
          revealEnd: end + 86_400,
          price: 5_000_000n,
          token: stack.deployment!.token ?? zeroAddress,
          arbiters: [ARBITER],
          arbiterFeeBps: 100, // the dev arbiter's terms (scripts/deploy.ts): at least 1% and 2 days
          confirmWindow: 86_400,
          disputeWindow: 2 * 86_400,
        },
      ],
    })
    await rpc(stack.anvil.rpcUrl, [
      { method: 'eth_sendTransaction', params: [{ from: seller, to: stack.deployment!.market, data, gas: '0x3d090' }] },
    ])
    const newId = String(N + 1)
    const sentAt = await within(
      'the first browser to put the new listing',
      a.evaluate(({ id, bytes }) => globalThis.soukCatalog.put(id, bytes), { id: newId, bytes: [...encoded.bytes] }),
      LIMITS.propagationMs,
    )
    const seenAt = await within(
      'the second browser to report the new listing',
      b.evaluate(({ id, ms }) => globalThis.soukCatalog.listedTime(id, ms), {
        id: newId,
        ms: LIMITS.propagationMs - 5_000,
      }),
      LIMITS.propagationMs,
    )
    if (seenAt === undefined) {
      const inA = await a.evaluate((id) => globalThis.soukCatalog.has(id), newId)
      const inB = await b.evaluate((id) => globalThis.soukCatalog.has(id), newId)
      const relayHas = await metric(http, 'souk_relay_catalog_listings')
      throw new Error(`the new listing never reached the other browser (A ${inA}, B ${inB}, relay ${relayHas})`)
    }
    const propagationMs = seenAt - sentAt
    const heap = await a.evaluate(() => globalThis.soukCatalog.memory())

    process.stderr.write(`  plain OrbitDB replication in a fresh browser, up to ${NAIVE_SAMPLE} listings…\n`)
    // 5. last, so its load does not disturb the figures above: a fresh profile, plain replication, up to
    //    NAIVE_SAMPLE listings or NAIVE_LIMIT_MS. The log is walked from its heads one entry at a time, so the
    //    first K entries of an N-entry log cost what K entries cost: the rate is extrapolated linearly to N.
    //    The page is closed, not stopped: stopping would wait for the walk in progress (`queue.onIdle`).
    await a.context().close()
    await b.context().close()
    const c = await open()
    const naive = await within(
      'the plain-replication browser to report',
      c.evaluate((o) => globalThis.soukCatalog.join(o), {
        ...base,
        snapshot: false,
        name: 'bench-c',
        expect: NAIVE_SAMPLE,
        timeoutMs: NAIVE_LIMIT_MS,
      }),
      LIMITS.naiveMs,
    )
    // linear extrapolation from what verified within the sample (or the time limit), labelled as such
    const naiveMs = naive.verified > 0 ? (naive.catalogMs / naive.verified) * N : undefined
    await within('the plain-replication page to close', c.context().close(), LIMITS.closeMs)

    const result = {
      bench: 'catalog',
      listings: N,
      bootstrapMs: round(boot.totalMs),
      naiveMs: naiveMs === undefined ? null : round(naiveMs),
      searchP95Ms: round(p95, 2),
      propagationMs: round(propagationMs),
    }
    const rows: [string, string, string][] = [
      ['listings created on anvil', `${N} in ${round(seeded.ms)} ms`, ''],
      ['seller peer puts / relay verified all', `${round(putMs)} ms / ${round(relayMs)} ms`, ''],
      [
        'fresh browser → all searchable (snapshot)',
        `${round(boot.totalMs)} ms (node + relay ${round(boot.stages.connected ?? 0)} ms, catalog ${round(boot.catalogMs)} ms)`,
        `≤ ${GOALS.bootstrapMs} ms`,
      ],
      ['  phases: ' + PHASES.join(' / '), PHASES.map((p) => `${round(boot.phases[p] ?? 0)}`).join(' / ') + ' ms', ''],
      [
        '  snapshot size / chain log scan (from the start, in parallel)',
        `${round((boot.phases.bytes ?? 0) / 1048576, 2)} MB / ${round(boot.stages.scan ?? 0)} ms`,
        '',
      ],
      [
        'fresh browser → all searchable (plain OrbitDB)',
        naiveMs === undefined
          ? `none replicated within ${NAIVE_LIMIT_MS} ms`
          : `${round(naiveMs)} ms EXTRAPOLATED from ${naive.verified} of ${N} listings in ${round(naive.catalogMs)} ms` +
            ` (${round(naive.catalogMs / naive.verified)} ms/listing)`,
        'baseline ≈ 12 ms/entry',
      ],
      [
        'search p50 / p95 (browser, ' + measured.length + ' queries)',
        `${round(p50, 2)} / ${round(p95, 2)} ms`,
        `p95 ≤ ${GOALS.searchP95Ms} ms`,
      ],
      ['put in one browser → searchable in another', `${round(propagationMs)} ms`, `≤ ${GOALS.propagationMs} ms`],
      ['browser JS heap after bootstrap', heap ? `${round(heap / 1048576, 1)} MB` : 'n/a', ''],
    ]
    const w = Math.max(...rows.map((r) => r[0].length))
    for (const [k, v, g] of rows) console.log(`${k.padEnd(w)}  ${v}${g ? `   (goal/baseline: ${g})` : ''}`)
    const missed = [
      result.bootstrapMs > GOALS.bootstrapMs && 'bootstrap',
      result.searchP95Ms > GOALS.searchP95Ms && 'search p95',
      result.propagationMs > GOALS.propagationMs && 'propagation',
    ].filter(Boolean)
    if (missed.length > 0) console.log(`goal missed: ${missed.join(', ')}`)
    console.log(JSON.stringify(result))
    process.exitCode = missed.length > 0 ? 1 : 0
  } finally {
    for (const fn of cleanup) await fn().catch(() => {})
  }
}

await main()
