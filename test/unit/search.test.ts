import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import {
  CatalogSearch,
  SearchEntryError,
  SearchSnapshotError,
  tokenize,
  type CatalogEntryInput,
  type SearchQuery,
} from '../../src/core/search.ts'
import type { Category } from '../../src/core/listing.ts'

const NOW = 1_760_000_000
const USD = 1_000_000n
const SELLER = '0x1111111111111111111111111111111111111111'

function entry(
  id: string,
  title: string,
  more: {
    description?: string
    category?: Category
    price?: bigint
    status?: string
    end?: number
    created?: number
  } = {},
): CatalogEntryInput {
  return {
    id,
    doc: {
      title,
      description: more.description ?? '',
      category: more.category ?? 'home',
      condition: 'good',
      language: /\p{Script=Han}/u.test(title) ? 'zh-Hans' : 'en',
      seller: SELLER,
      createdAt: (more.created ?? Number(id)) * 1000,
      images: [{ thumb: `bafythumb${id}` }],
    },
    state: {
      price: more.price ?? 20n * USD,
      currency: 'TUSD',
      status: (more.status ?? 'open') as 'open',
      biddingEnd: more.end ?? NOW + 7 * 86400,
      bids: 0,
    },
  }
}

const FIXTURE: CatalogEntryInput[] = [
  entry('1', 'Vintage brass lantern', {
    description: 'Hand made, from an estate sale',
    price: 45n * USD,
    end: NOW + 3600,
  }),
  entry('2', '黄铜灯笼', { description: '复古手工，成色很好', price: 120n * USD, end: NOW + 2 * 86400 }),
  entry('3', 'Mechanical keyboard', {
    description: 'Brass keycaps, tested',
    category: 'electronics',
    price: 80n * USD,
    end: NOW + 600,
  }),
  entry('4', 'Oil painting of a lantern festival', {
    category: 'art',
    price: 900n * USD,
    status: 'revealing',
    end: NOW - 100,
  }),
  entry('5', 'Leather jacket', { category: 'fashion', price: 5n * USD, status: 'ended', end: NOW - 86400 }),
  entry('6', 'Brass 灯笼 pair', {
    description: 'two lanterns 一对',
    price: 2000n * USD,
    status: 'cancelled',
    end: NOW - 50,
  }),
]

function fixture(): CatalogSearch {
  const s = new CatalogSearch()
  const r = s.add(FIXTURE)
  assert.equal(r.rejected.length, 0)
  assert.equal(r.added, FIXTURE.length)
  return s
}

const ids = (s: CatalogSearch, q: Omit<SearchQuery, 'now'>) => s.search({ now: NOW, ...q }).hits.map((h) => h.id)

describe('tokenizer', () => {
  test('segments Chinese into words, NFKC + lower case', () => {
    assert.deepEqual(tokenize('黄铜灯笼 Vintage ＬＡＭＰ'), ['黄铜', '灯笼', 'vintage', 'lamp'])
  })
})

describe('CatalogSearch text', () => {
  const s = fixture()
  test('exact word, title boosted over description', () => {
    const hits = ids(s, { text: 'brass' })
    assert.deepEqual(new Set(hits), new Set(['1', '3', '6']))
    assert.notEqual(hits[0], '3', 'a title match ranks above a description-only match')
  })
  test('prefix on the last term: "lant" finds lantern', () => {
    assert.ok(ids(s, { text: 'lant' }).includes('1'))
    assert.ok(ids(s, { text: 'brass lant' }).includes('1'))
  })
  test('no prefix when the query ends with a space', () => {
    assert.deepEqual(ids(s, { text: 'lant ' }), [])
  })
  test('typo: "lantren" finds lantern', () => {
    assert.ok(ids(s, { text: 'lantren' }).includes('1'))
    assert.ok(ids(s, { text: 'keybaord' }).includes('3'))
  })
  test('Chinese query', () => {
    assert.deepEqual(new Set(ids(s, { text: '灯笼' })), new Set(['2', '6']))
    assert.deepEqual(ids(s, { text: '黄铜灯笼' }), ['2'])
    assert.deepEqual(ids(s, { text: '复古' }), ['2'])
  })
  test('mixed-language query', () => {
    assert.deepEqual(ids(s, { text: 'brass 灯笼' }), ['6'])
    const r = s.search({ now: NOW, text: 'keyboard 灯笼' })
    assert.equal(r.match, 'any', 'falls back to any word when no listing has all')
    assert.deepEqual(new Set(r.hits.map((h) => h.id)), new Set(['2', '3', '6']))
  })
  test('hits carry stored fields, price as bigint', () => {
    const hit = s.search({ now: NOW, text: 'keyboard' }).hits[0]!
    assert.equal(hit.id, '3')
    assert.equal(hit.title, 'Mechanical keyboard')
    assert.equal(hit.price, 80n * USD)
    assert.equal(hit.thumb, 'bafythumb3')
    assert.ok(hit.score > 0)
    assert.equal('textHash' in hit, false)
  })
})

describe('CatalogSearch facets and filters', () => {
  const s = fixture()
  test('facets over the text-matched set; each facet ignores its own filter', () => {
    const r = s.search({ now: NOW, text: 'brass', category: 'home' })
    assert.equal(r.total, 2) // 1 and 6 (3 is electronics)
    assert.equal(r.facets.category.home, 2)
    assert.equal(r.facets.category.electronics, 1, 'category counts ignore the category filter')
    assert.equal(r.facets.category.art, 0)
    assert.deepEqual(r.facets.status, { open: 1, revealing: 0, ended: 0, cancelled: 1 })
    assert.deepEqual(
      r.facets.price.map((b) => b.count),
      [0, 1, 0, 0, 0, 1],
    )
    assert.equal(r.facets.price[1]!.min, 10n * USD)
    assert.equal(r.facets.price[5]!.max, null)
    assert.equal(r.facets.endingSoon, 1) // 1 ends in an hour
  })
  test('browse all: counts everything', () => {
    const r = s.search({ now: NOW })
    assert.equal(r.total, 6)
    assert.equal(r.match, 'browse')
    assert.equal(
      Object.values(r.facets.category).reduce((a, b) => a + b),
      6,
    )
  })
  test('price range, inclusive, bigint or decimal string', () => {
    assert.deepEqual(ids(s, { minPrice: 45n * USD, maxPrice: '120000000', sort: 'price-asc' }), ['1', '3', '2'])
  })
  test('status filter, one or many', () => {
    assert.deepEqual(ids(s, { status: 'revealing' }), ['4'])
    assert.deepEqual(new Set(ids(s, { status: ['ended', 'cancelled'] })), new Set(['5', '6']))
  })
  test('ending soon is relative to now and only open auctions', () => {
    assert.deepEqual(ids(s, { endingWithin: 3600, sort: 'ending-soon' }), ['3', '1'])
    assert.deepEqual(ids(s, { endingWithin: 3600, sort: 'ending-soon', now: NOW + 1000 } as SearchQuery), ['1'])
    assert.deepEqual(ids(s, { endingWithin: 86400 * 3 }).length, 3)
  })
  test('limit and offset', () => {
    const all = ids(s, { sort: 'price-asc' })
    assert.deepEqual(ids(s, { sort: 'price-asc', limit: 2, offset: 1 }), all.slice(1, 3))
    assert.equal(s.search({ now: NOW, limit: 2 }).total, 6)
  })
})

describe('CatalogSearch sorts', () => {
  const s = fixture()
  test('every sort', () => {
    assert.deepEqual(ids(s, { sort: 'price-asc' }), ['5', '1', '3', '2', '4', '6'])
    assert.deepEqual(ids(s, { sort: 'price-desc' }), ['6', '4', '2', '3', '1', '5'])
    assert.deepEqual(ids(s, { sort: 'newest' }), ['6', '5', '4', '3', '2', '1'])
    // Live auctions soonest first, then the rest most recently ended first.
    assert.deepEqual(ids(s, { sort: 'ending-soon' }), ['3', '1', '2', '6', '4', '5'])
    assert.deepEqual(ids(s, { sort: 'relevance' }), ids(s, { sort: 'newest' }), 'relevance without text = newest')
    const rel = s.search({ now: NOW, text: 'lantern', sort: 'relevance' }).hits
    assert.ok(rel.length >= 2)
    for (let i = 1; i < rel.length; i++) assert.ok(rel[i - 1]!.score >= rel[i]!.score)
  })
})

describe('CatalogSearch updates', () => {
  test('updateState changes sort and filters without reindexing text', () => {
    const s = fixture()
    assert.equal(s.updateState('5', { price: 10_000n * USD, status: 'open', biddingEnd: NOW + 60 }), true)
    assert.deepEqual(ids(s, { sort: 'price-desc', limit: 1 }), ['5'])
    assert.deepEqual(ids(s, { endingWithin: 120 }), ['5'])
    assert.deepEqual(ids(s, { text: 'jacket', status: 'open' }), ['5'])
    assert.equal(s.updateState('404', { bids: 1 }), false)
    assert.throws(() => s.updateState('5', { status: 'sold' as 'open' }), SearchEntryError)
    assert.throws(() => s.updateState('5', { price: -1n }), SearchEntryError)
    assert.equal(s.get('5')!.status, 'open', 'a rejected update changes nothing')
  })
  test('upsert replaces text; remove drops a listing', () => {
    const s = fixture()
    s.upsert(entry('3', 'Wireless mouse', { category: 'electronics' }))
    assert.deepEqual(ids(s, { text: 'keyboard' }), [])
    assert.deepEqual(ids(s, { text: 'mouse' }), ['3'])
    assert.equal(s.remove('1'), true)
    assert.equal(s.remove('1'), false)
    assert.deepEqual(ids(s, { text: 'lantern' }).includes('1'), false)
    assert.equal(s.size, 5)
    assert.equal(s.search({ now: NOW }).total, 5)
  })
  test('bad entries are rejected with a clear error, the rest are indexed', () => {
    const s = new CatalogSearch()
    const noTitle = entry('7', 'x')
    ;(noTitle.doc as { title?: string }).title = undefined
    const badPrice = entry('8', 'Lamp')
    ;(badPrice.state as { price: unknown }).price = 1.5
    const badCategory = entry('9', 'Lamp')
    ;(badCategory.doc as { category: string }).category = 'weapons'
    const r = s.add([entry('1', 'Lamp'), noTitle, badPrice, badCategory, null, 'junk'])
    assert.equal(r.added, 1)
    assert.deepEqual(
      r.rejected.map((x) => [x.index, x.error.field]),
      [
        [1, 'doc.title'],
        [2, 'state.price'],
        [3, 'doc.category'],
        [4, 'entry'],
        [5, 'entry'],
      ],
    )
    assert.match(r.rejected[0]!.error.message, /doc\.title: must be text/)
    assert.throws(() => s.upsert({ ...entry('2', '  '), id: '2' }), /doc\.title: is required/)
    assert.throws(() => s.upsert({ ...entry('2', 'ok'), id: 2 }), /id: must be text/)
    assert.equal(s.size, 1)
    assert.deepEqual(ids(s, { text: 'lamp' }), ['1'])
  })
})

describe('CatalogSearch snapshot', () => {
  const queries: Omit<SearchQuery, 'now'>[] = [
    { text: 'lant' },
    { text: 'lantren' },
    { text: '灯笼' },
    { text: 'brass 灯笼' },
    { category: 'home', sort: 'price-desc' },
    { endingWithin: 86400, sort: 'ending-soon' },
  ]
  test('serialize → load → same results', () => {
    const s = fixture()
    s.remove('4')
    s.updateState('1', { bids: 3, price: 50n * USD })
    const json = JSON.stringify(s)
    const loaded = CatalogSearch.load(json)
    const fromObject = CatalogSearch.load(JSON.parse(json))
    for (const q of queries) {
      const want = s.search({ now: NOW, ...q })
      assert.deepEqual(loaded.search({ now: NOW, ...q }), want, JSON.stringify(q))
      assert.deepEqual(fromObject.search({ now: NOW, ...q }), want)
    }
    assert.equal(loaded.get('1')!.price, 50n * USD)
    // A loaded index keeps working.
    loaded.upsert(entry('10', 'Brass lantern hook'))
    assert.ok(ids(loaded, { text: 'lantern' }).includes('10'))
  })
  test('malformed or wrong-version snapshots are rejected', () => {
    const good = JSON.parse(JSON.stringify(fixture())) as Record<string, unknown>
    const variants: [string, unknown, RegExp][] = [
      ['not JSON', '{"format":', /not JSON/],
      ['not an object', [], /must be an object/],
      ['wrong format', { ...good, format: 'other' }, /format must be/],
      ['wrong version', { ...good, version: 2 }, /version 2 is not supported/],
      ['rows missing', { ...good, rows: undefined }, /rows must be a list/],
      ['bad row', { ...good, rows: [['1']] }, /documentCount|rows\[0\]/],
      ['row count mismatch', { ...good, rows: (good.rows as unknown[]).slice(1) }, /documentCount/],
      ['index missing', { ...good, index: null }, /index must be an object/],
      [
        'short id beyond nextId',
        {
          ...good,
          index: {
            ...(good.index as object),
            documentIds: { ...(good.index as { documentIds: object }).documentIds, 0: undefined, 999: '1' },
          },
        },
        /short ids/,
      ],
      [
        'bad postings',
        { ...good, index: { ...(good.index as object), index: [['lantern', { 0: { 1: 'x' } }]] } },
        /postings/,
      ],
      [
        'bad price in row',
        {
          ...good,
          rows: (good.rows as unknown[][]).map((r, i) => (i === 0 ? r.map((v, j) => (j === 8 ? '-5' : v)) : r)),
        },
        /price/,
      ],
    ]
    for (const [name, snap, message] of variants) {
      const input = typeof snap === 'string' ? snap : JSON.stringify(snap)
      assert.throws(
        () => CatalogSearch.load(input),
        (err: unknown) => err instanceof SearchSnapshotError && message.test((err as Error).message),
        name,
      )
    }
  })
})

describe('search by seller (the seller page)', () => {
  const OTHER = '0x2222222222222222222222222222222222222222'
  function withOther(): CatalogSearch {
    const s = fixture()
    const e = entry('7', 'Brass lantern, second seller')
    s.add([{ ...e, doc: { ...e.doc, seller: OTHER } }])
    return s
  }

  test("keeps only that seller's listings, in any letter case, facets counted within them", () => {
    const s = withOther()
    const mine = s.search({ now: NOW, seller: OTHER.toUpperCase().replace('0X', '0x'), text: 'brass' })
    assert.deepEqual(
      mine.hits.map((h) => h.id),
      ['7'],
    )
    assert.equal(mine.facets.status.open, 1)
    const open = s.search({ now: NOW, seller: SELLER, status: ['open', 'revealing'], limit: 100 })
    assert.ok(open.hits.every((h) => h.seller === SELLER))
    assert.ok(!open.hits.some((h) => h.id === '7'))
    assert.equal(s.search({ now: NOW, limit: 100 }).total, 7, 'no seller: everyone')
  })

  test('refuses a seller that is not an address', () => {
    assert.throws(() => withOther().search({ now: NOW, seller: 'bob' }), { name: 'SearchQueryError' })
  })
})
