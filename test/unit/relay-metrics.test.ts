/**
 * The relay's `Metrics` facade on prom-client: the API relay roles use (counter, gauge, histogram, value,
 * render), that every label value comes from the metric's declared list (anything else is "other"), and that
 * a mislabelled call never throws inside a peer's handler.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Metrics } from '../../src/relay/metrics.ts'

describe('relay metrics', () => {
  test('counters, gauges and histograms render in the Prometheus format', async () => {
    const m = new Metrics({ defaultMetrics: false })
    const dropped = m.counter('t_dropped_total', 'dropped', { reason: ['oversized', 'malformed'] })
    const plain = m.counter('t_plain_total', 'no labels')
    m.gauge('t_peers', 'peers', () => 7)
    const seconds = m.histogram('t_seconds', 'time', { labels: { outcome: ['pinned', 'failed'] } })
    dropped({ reason: 'oversized' })
    dropped({ reason: 'oversized' }, 2)
    dropped({ reason: 'malformed' })
    plain()
    seconds(0.2, { outcome: 'pinned' })
    assert.equal(m.value('t_dropped_total'), 4)
    assert.equal(m.value('t_dropped_total', { reason: 'oversized' }), 3)
    assert.equal(m.value('t_peers'), 7)
    const text = await m.render()
    assert.match(
      text,
      /# TYPE t_dropped_total counter\nt_dropped_total\{reason="oversized"\} 3\nt_dropped_total\{reason="malformed"\} 1/,
    )
    assert.match(text, /t_plain_total 1/)
    assert.match(text, /t_peers 7/)
    assert.match(text, /t_seconds_bucket\{le="0.25",outcome="pinned"\} 1/)
    assert.match(m.contentType, /text\/plain/)
  })

  test('a value outside the declared list counts as "other"; an undeclared label is left out', async () => {
    const m = new Metrics({ defaultMetrics: false })
    const dropped = m.counter('t_dropped_total', 'dropped', { reason: ['oversized'], where: ['put', 'pull'] })
    const seconds = m.histogram('t_seconds', 'time', { labels: { status: ['200'] } })
    for (let i = 0; i < 1_000; i++) {
      dropped({ reason: `made-up-${i}`, where: 'put' })
      seconds(0.01, { status: 400 + (i % 100) })
    }
    dropped({ reason: 'oversized' }) // `where` missing: "other" too
    // a call with a label the metric does not have (a caller's mistake) must not throw in a peer's handler
    ;(dropped as (l: Record<string, string>) => void)({ reason: 'oversized', where: 'pull', topic: 'x' })
    seconds(0.01, { status: 200 })
    const text = await m.render()
    const series = text.split('\n').filter((l) => l.startsWith('t_dropped_total{'))
    assert.deepEqual(series.sort(), [
      't_dropped_total{reason="other",where="put"} 1000',
      't_dropped_total{reason="oversized",where="other"} 1',
      't_dropped_total{reason="oversized",where="pull"} 1',
    ])
    assert.equal(m.value('t_dropped_total', { reason: 'whatever' }), 1000, 'value() maps the same way')
    assert.equal(m.value('t_dropped_total', { reason: 'oversized' }), 2)
    assert.equal(text.split('\n').filter((l) => l.startsWith('t_seconds_count{')).length, 2)
    assert.match(text, /t_seconds_count\{status="other"\} 1000/)
  })

  test('default process metrics include a real CPU counter', async () => {
    const text = await new Metrics().render()
    assert.match(text, /# TYPE process_cpu_seconds_total counter/)
    assert.match(text, /process_resident_memory_bytes \d+/)
  })
})
