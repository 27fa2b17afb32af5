/**
 * The relay's `Metrics` facade on prom-client: the API relay roles use (counter, gauge, histogram, value,
 * render) and that a mislabelled call never throws inside a peer's handler.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Metrics } from '../../src/relay/metrics.ts'

describe('relay metrics', () => {
  test('counters, gauges and histograms render in the Prometheus format', async () => {
    const m = new Metrics({ defaultMetrics: false })
    const dropped = m.counter('t_dropped_total', 'dropped', ['reason'])
    const lazy = m.counter('t_lazy_total', 'lazily labelled')
    m.gauge('t_peers', 'peers', () => 7)
    const seconds = m.histogram('t_seconds', 'time', { labelNames: ['outcome'] })
    dropped({ reason: 'oversized' })
    dropped({ reason: 'oversized' }, 2)
    dropped({ reason: 'malformed' })
    lazy({ topic: 'a' })
    lazy({ other: 'b' }) // other label names: kept on the series' own names, no throw
    seconds(0.2, { outcome: 'pinned' })
    assert.equal(m.value('t_dropped_total'), 4)
    assert.equal(m.value('t_dropped_total', { reason: 'oversized' }), 3)
    assert.equal(m.value('t_peers'), 7)
    const text = await m.render()
    assert.match(
      text,
      /# TYPE t_dropped_total counter\nt_dropped_total\{reason="oversized"\} 3\nt_dropped_total\{reason="malformed"\} 1/,
    )
    assert.match(text, /t_lazy_total\{topic="a"\} 1\nt_lazy_total\{topic=""\} 1/)
    assert.match(text, /t_peers 7/)
    assert.match(text, /t_seconds_bucket\{le="0.25",outcome="pinned"\} 1/)
    assert.match(m.contentType, /text\/plain/)
  })

  test('default process metrics include a real CPU counter', async () => {
    const text = await new Metrics().render()
    assert.match(text, /# TYPE process_cpu_seconds_total counter/)
    assert.match(text, /process_resident_memory_bytes \d+/)
  })
})
