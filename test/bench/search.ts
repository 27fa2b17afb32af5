/**
 * Search benchmark (Node): 10,000 generated listings (seeded, English and Chinese), index build time, snapshot
 * size (raw and gzip), load-from-snapshot time, and latency of ≥ 1,000 mixed queries.
 * Usage: npm run bench:search [-- --listings N --queries N]. Last line: one JSON object.
 */
import { gzipSync } from 'node:zlib'
import { parseArgs } from 'node:util'
import { CatalogSearch, AUCTION_STATUSES, type CatalogEntryInput, type SearchQuery } from '../../src/core/search.ts'
import { CATEGORIES, CONDITIONS } from '../../src/core/listing.ts'
import { seededRandom } from '../helpers/random.ts'

const { values } = parseArgs({
  options: { listings: { type: 'string', default: '10000' }, queries: { type: 'string', default: '2000' } },
})
const LISTINGS = Number(values.listings)
const QUERIES = Number(values.queries)
const NOW = 1_760_000_000

const rand = seededRandom(20240607)
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))

const EN_ADJ = [
  'vintage', 'antique', 'handmade', 'brass', 'wooden', 'leather', 'ceramic', 'silver', 'rare', 'classic', 'mint',
  'restored', 'signed', 'limited', 'original', 'portable', 'wireless', 'mechanical', 'woven', 'carved', 'painted',
  'copper', 'glass', 'cotton', 'silk', 'wool', 'bamboo', 'retro', 'modern', 'folding',
] // prettier-ignore
const EN_NOUN = [
  'lantern', 'teapot', 'camera', 'guitar', 'watch', 'bicycle', 'lamp', 'chair', 'jacket', 'rug', 'vase', 'mirror',
  'keyboard', 'headphones', 'telescope', 'typewriter', 'radio', 'clock', 'kettle', 'painting', 'sculpture',
  'necklace', 'ring', 'boots', 'backpack', 'novel', 'atlas', 'skateboard', 'racket', 'puzzle', 'robot', 'drone',
  'saddle', 'helmet', 'scooter', 'compass', 'binoculars', 'tapestry', 'bowl', 'sword',
] // prettier-ignore
const EN_FILLER = [
  'in', 'good', 'working', 'order', 'with', 'original', 'box', 'minor', 'scratches', 'from', 'estate', 'sale',
  'shipped', 'carefully', 'smoke', 'free', 'home', 'collected', 'over', 'years', 'perfect', 'gift', 'for', 'a',
  'collector', 'barely', 'used', 'includes', 'charger', 'manual', 'cleaned', 'tested', 'patina', 'genuine',
] // prettier-ignore
const ZH_ADJ = [
  '复古',
  '古董',
  '手工',
  '黄铜',
  '木制',
  '真皮',
  '陶瓷',
  '纯银',
  '稀有',
  '经典',
  '全新',
  '限量',
  '原装',
  '便携',
  '无线',
]
const ZH_NOUN = [
  '灯笼',
  '茶壶',
  '相机',
  '吉他',
  '手表',
  '自行车',
  '台灯',
  '椅子',
  '夹克',
  '地毯',
  '花瓶',
  '镜子',
  '键盘',
  '耳机',
  '望远镜',
  '收音机',
  '时钟',
  '水壶',
  '油画',
  '项链',
]
const ZH_FILLER = [
  '成色',
  '很好',
  '功能',
  '正常',
  '附带',
  '原盒',
  '轻微',
  '划痕',
  '包邮',
  '收藏',
  '多年',
  '适合',
  '送礼',
  '测试',
  '清洁',
  '正品',
]

function sentence(words: readonly string[], n: number, sep: string): string {
  return Array.from({ length: n }, () => pick(words)).join(sep)
}

function listing(i: number): CatalogEntryInput {
  const zh = rand() < 0.3
  const title = zh
    ? `${pick(ZH_ADJ)}${pick(ZH_NOUN)}${rand() < 0.3 ? ' ' + pick(EN_ADJ) : ''}`
    : `${pick(EN_ADJ)} ${pick(EN_ADJ)} ${pick(EN_NOUN)}${rand() < 0.2 ? ' ' + int(1950, 2024) : ''}`
  const description = zh
    ? `${sentence(ZH_FILLER, int(8, 30), '')}，${pick(ZH_ADJ)}${pick(ZH_NOUN)}。`
    : `${sentence(EN_FILLER, int(15, 60), ' ')} ${pick(EN_NOUN)}.`
  const status = rand() < 0.7 ? 'open' : pick(AUCTION_STATUSES)
  return {
    id: String(i + 1),
    doc: {
      title,
      description,
      category: pick(CATEGORIES),
      condition: pick(CONDITIONS),
      language: zh ? 'zh-Hans' : 'en',
      seller: `0x${(i % 997).toString(16).padStart(40, '0')}`,
      createdAt: (NOW - int(0, 60 * 86400)) * 1000,
      thumb: `bafkreithumb${i.toString(36)}`,
    },
    state: {
      price: BigInt(int(1, 5000)) * 1_000_000n + BigInt(int(0, 999_999)),
      currency: 'TUSD',
      status,
      biddingEnd: status === 'open' ? NOW + int(60, 14 * 86400) : NOW - int(60, 30 * 86400),
      bids: int(0, 40),
    },
  }
}

function typo(word: string): string {
  const i = int(1, word.length - 2)
  return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
}

function query(): SearchQuery {
  const r = rand()
  const base = { now: NOW, limit: 20 }
  if (r < 0.2) return { ...base, text: pick(EN_NOUN) }
  if (r < 0.35) return { ...base, text: pick(EN_NOUN).slice(0, int(2, 4)) }
  if (r < 0.5) return { ...base, text: typo(pick(EN_NOUN.filter((w) => w.length >= 5))) }
  if (r < 0.6) return { ...base, text: `${pick(EN_ADJ)} ${pick(EN_NOUN)}` }
  if (r < 0.72) return { ...base, text: rand() < 0.5 ? pick(ZH_NOUN) : `${pick(ZH_ADJ)}${pick(ZH_NOUN)}` }
  if (r < 0.78) return { ...base, text: `${pick(ZH_ADJ)} ${pick(EN_NOUN)}` }
  if (r < 0.88)
    return {
      ...base,
      category: pick(CATEGORIES),
      minPrice: 10_000_000n,
      maxPrice: 500_000_000n,
      status: 'open',
      sort: 'price-asc',
    }
  if (r < 0.95) return { ...base, endingWithin: 86400, sort: 'ending-soon' }
  return { ...base, text: pick(EN_NOUN), category: pick(CATEGORIES), sort: 'ending-soon', status: 'open' }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
const ms = (n: number) => Math.round(n * 100) / 100

const entries = Array.from({ length: LISTINGS }, (_, i) => listing(i))

let t = performance.now()
const search = new CatalogSearch()
const added = search.add(entries)
const buildMs = performance.now() - t
if (added.rejected.length) throw new Error(`generator produced bad entries: ${added.rejected[0]!.error.message}`)

t = performance.now()
const json = JSON.stringify(search)
const serializeMs = performance.now() - t
const raw = Buffer.byteLength(json)
const gz = gzipSync(json).length

// Load = JSON.parse + validation + index rebuild, what a fresh browser does with the relay's snapshot.
const loadRuns: number[] = []
let loaded = search
for (let i = 0; i < 5; i++) {
  t = performance.now()
  loaded = CatalogSearch.load(json)
  loadRuns.push(performance.now() - t)
}
loadRuns.sort((a, b) => a - b)
const loadMs = loadRuns[2]!

const queries = Array.from({ length: QUERIES }, query)
for (const q of queries.slice(0, 200)) loaded.search(q) // warm up
const times: number[] = []
let hits = 0
for (const q of queries) {
  t = performance.now()
  const r = loaded.search(q)
  times.push(performance.now() - t)
  hits += r.total
}
times.sort((a, b) => a - b)
const p50 = percentile(times, 50)
const p95 = percentile(times, 95)
const p99 = percentile(times, 99)

const rows: [string, string, string][] = [
  ['listings', String(LISTINGS), ''],
  ['index build', `${ms(buildMs)} ms`, ''],
  ['serialize (JSON.stringify)', `${ms(serializeMs)} ms`, ''],
  ['snapshot size', `${(raw / 1024).toFixed(0)} KB`, ''],
  ['snapshot size gzip', `${(gz / 1024).toFixed(0)} KB`, ''],
  ['load snapshot (median of 5)', `${ms(loadMs)} ms`, 'part of fresh browser ≤ 3 s'],
  ['queries', `${QUERIES} (mean ${(hits / QUERIES).toFixed(0)} matches)`, ''],
  ['search p50', `${ms(p50)} ms`, ''],
  ['search p95', `${ms(p95)} ms`, `≤ 10 ms ${p95 <= 10 ? 'OK' : 'MISSED'}`],
  ['search p99', `${ms(p99)} ms`, ''],
  ['search max', `${ms(times[times.length - 1]!)} ms`, ''],
]
console.log(`search bench, Node ${process.version}`)
for (const [k, v, goal] of rows) console.log(`${k.padEnd(30)} ${v.padEnd(28)} ${goal}`)
console.log(
  JSON.stringify({
    bench: 'search',
    listings: LISTINGS,
    p50Ms: ms(p50),
    p95Ms: ms(p95),
    p99Ms: ms(p99),
    buildMs: ms(buildMs),
    loadMs: ms(loadMs),
    snapshotKB: Math.round(raw / 1024),
    snapshotGzipKB: Math.round(gz / 1024),
  }),
)
