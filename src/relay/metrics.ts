/**
 * The relay's metrics for `GET /metrics`, on a prom-client `Registry` (Prometheus text format).
 *
 * The small API below (`counter`, `gauge`, `histogram`, `value`, `render`) is what relay roles use, so they
 * need not know prom-client. **Every label is declared with the values it may take** (`{ reason: [...] }`):
 * a value outside the list is counted as `other`, and a label the metric did not declare is left out. Label
 * values often come from the network (a message kind, an error text); declared lists keep the number of
 * series fixed, so a flood of made-up values cannot grow `/metrics` or the relay's memory (issue #24).
 * Process metrics (a real CPU counter, RSS, heap, event-loop lag, open fds) come from prom-client's default
 * collectors.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** The values a label may take; anything else is recorded as `other`. */
export type LabelValues = readonly string[]
/** Label names with their allowed values. */
export type LabelSpec = Readonly<Record<string, LabelValues>>
/** Labels of one observation (values outside the declared lists become `other`). */
export type LabelsOf<L extends LabelSpec> = [keyof L] extends [never]
  ? Readonly<Record<string, never>>
  : { readonly [K in keyof L]?: string | number }
export type Labels = Readonly<Record<string, string | number>>

/** The value recorded for a label value that is not in its declared list. */
export const OTHER = 'other'

/** Buckets for request durations in seconds: from a local block read to a one-minute pin. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** Maps labels onto a metric's declared names and values: unknown values → `other`, unknown names dropped. */
function normalize(spec: LabelSpec, labels: Labels | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, allowed] of Object.entries(spec)) {
    const v = labels?.[name]
    const s = v === undefined ? '' : String(v)
    out[name] = allowed.includes(s) ? s : OTHER
  }
  return out
}

function labelKey(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

export class Metrics {
  readonly registry = new Registry()
  /** Counters by name; `values` holds totals by normalized label set, so `value()` stays synchronous. */
  readonly #counters = new Map<string, { spec: LabelSpec; metric: Counter; values: Map<string, number> }>()
  readonly #gauges = new Map<string, () => number>()

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }

  /**
   * A monotonically increasing count; the returned function adds `by` (default 1) to the labelled series.
   * `labels` declares each label with its allowed values (omit it for a counter without labels).
   */
  counter<L extends LabelSpec = Record<never, never>>(
    name: string,
    help: string,
    labels?: L,
  ): (labels?: LabelsOf<L>, by?: number) => void {
    let s = this.#counters.get(name)
    if (!s) {
      const spec: LabelSpec = labels ?? {}
      const metric = new Counter({ name, help, labelNames: Object.keys(spec), registers: [this.registry] })
      s = { spec, metric, values: new Map() }
      this.#counters.set(name, s)
    }
    const series = s
    const labelled = Object.keys(series.spec).length > 0
    return (l, by = 1) => {
      const normalized = normalize(series.spec, l as Labels | undefined)
      if (labelled) series.metric.inc(normalized, by)
      else series.metric.inc(by)
      const k = labelKey(normalized)
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

  /** A distribution of durations in seconds (or anything else with `buckets`); labels declared as for counters. */
  histogram<L extends LabelSpec = Record<never, never>>(
    name: string,
    help: string,
    options: { buckets?: number[]; labels?: L } = {},
  ): (value: number, labels?: LabelsOf<L>) => void {
    const spec: LabelSpec = options.labels ?? {}
    const existing = this.registry.getSingleMetric(name)
    const h =
      existing instanceof Histogram
        ? existing
        : new Histogram({
            name,
            help,
            buckets: options.buckets ?? DURATION_BUCKETS,
            labelNames: Object.keys(spec),
            registers: [this.registry],
          })
    return (value, labels) => {
      if (Object.keys(spec).length > 0) h.observe(normalize(spec, labels as Labels | undefined), value)
      else h.observe(value)
    }
  }

  /** Current value of a counter (summed over labels unless given) or gauge, for /health and tests. */
  value(name: string, labels?: Labels): number {
    const read = this.#gauges.get(name)
    if (read) return read()
    const s = this.#counters.get(name)
    if (!s) return 0
    if (labels) {
      // the series whose labels include all of `labels` (after the same mapping as when counting)
      const wanted = Object.entries(normalize(s.spec, labels)).filter(([k]) => k in labels)
      let sum = 0
      for (const [k, v] of s.values) {
        const have = new Map(k.split(',').map((kv) => kv.split('=') as [string, string]))
        if (wanted.every(([n, x]) => have.get(n) === x)) sum += v
      }
      return sum
    }
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
