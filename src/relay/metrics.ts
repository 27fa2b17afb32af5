/**
 * The relay's metrics for `GET /metrics`, on a prom-client `Registry` (Prometheus text format).
 *
 * The small API below (`counter`, `gauge`, `histogram`, `value`, `render`) is what relay roles use, so they
 * need not know prom-client. Counters may be declared with their label names up front (they then show 0
 * before the first event, as Prometheus prefers); without them the series is created on first use with the
 * label names of that call. Process metrics (a real CPU counter, RSS, heap, event-loop lag, open fds) come
 * from prom-client's default collectors.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

export type Labels = Record<string, string>

/** Buckets for request durations in seconds: from a local block read to a one-minute pin. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

function labelKey(labels: Labels = {}): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

interface CounterSeries {
  help: string
  metric?: Counter
  labelNames?: string[]
  /** Totals by label set, so `value()` stays synchronous (prom-client reads are async). */
  values: Map<string, number>
}

export class Metrics {
  readonly registry = new Registry()
  readonly #counters = new Map<string, CounterSeries>()
  readonly #gauges = new Map<string, () => number>()

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }

  /** A monotonically increasing count; the returned function adds `by` (default 1) to the labelled series. */
  counter(name: string, help: string, labelNames?: string[]): (labels?: Labels, by?: number) => void {
    let s = this.#counters.get(name)
    if (!s) {
      s = { help, values: new Map() }
      if (labelNames) {
        s.metric = new Counter({ name, help, labelNames, registers: [this.registry] })
        s.labelNames = labelNames
      }
      this.#counters.set(name, s)
    }
    const series = s
    return (labels, by = 1) => {
      if (!series.metric) {
        series.labelNames = Object.keys(labels ?? {})
        series.metric = new Counter({
          name,
          help: series.help,
          labelNames: series.labelNames,
          registers: [this.registry],
        })
      }
      // a call with other label names than the series has must not throw inside a peer's handler: the
      // series keeps its own label names (missing ones empty, unknown ones dropped)
      const names = series.labelNames ?? []
      if (names.length > 0) series.metric.inc(Object.fromEntries(names.map((n) => [n, labels?.[n] ?? ''])), by)
      else series.metric.inc(by)
      const k = labelKey(labels)
      series.values.set(k, (series.values.get(k) ?? 0) + by)
    }
  }

  /** A gauge read when /metrics is scraped. */
  gauge(name: string, help: string, read: () => number): void {
    if (this.#gauges.has(name)) {
      this.#gauges.set(name, read)
      return
    }
    this.#gauges.set(name, read)
    const gauges = this.#gauges
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(gauges.get(name)!())
      },
    })
  }

  /** A distribution of durations in seconds (or anything else with `buckets`). */
  histogram(
    name: string,
    help: string,
    options: { buckets?: number[]; labelNames?: string[] } = {},
  ): (value: number, labels?: Labels) => void {
    const existing = this.registry.getSingleMetric(name)
    const h =
      existing instanceof Histogram
        ? existing
        : new Histogram({
            name,
            help,
            buckets: options.buckets ?? DURATION_BUCKETS,
            labelNames: options.labelNames ?? [],
            registers: [this.registry],
          })
    return (value, labels) => {
      if (labels && Object.keys(labels).length > 0) h.observe(labels, value)
      else h.observe(value)
    }
  }

  /** Current value of a counter (summed over labels unless given) or gauge, for /health and tests. */
  value(name: string, labels?: Labels): number {
    const read = this.#gauges.get(name)
    if (read) return read()
    const s = this.#counters.get(name)
    if (!s) return 0
    if (labels) return s.values.get(labelKey(labels)) ?? 0
    let sum = 0
    for (const v of s.values.values()) sum += v
    return sum
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    return await this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
