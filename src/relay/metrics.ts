/**
 * Counters and gauges for `GET /metrics` in the Prometheus text format. Deliberately tiny: a relay exposes
 * a few dozen series, so a client library would add more weight than it saves.
 */
export type Labels = Record<string, string>

interface Series {
  help: string
  type: 'counter' | 'gauge'
  values: Map<string, number>
  read?: () => number
}

function labelKey(labels: Labels = {}): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

export class Metrics {
  readonly #series = new Map<string, Series>()

  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    const s = this.#define(name, help, 'counter')
    return (labels, by = 1) => {
      const k = labelKey(labels)
      s.values.set(k, (s.values.get(k) ?? 0) + by)
    }
  }

  /** A gauge read when /metrics is scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.#define(name, help, 'gauge').read = read
  }

  /** Current value of a counter (summed over labels unless given), for /health and tests. */
  value(name: string, labels?: Labels): number {
    const s = this.#series.get(name)
    if (!s) return 0
    if (s.read) return s.read()
    if (labels) return s.values.get(labelKey(labels)) ?? 0
    let sum = 0
    for (const v of s.values.values()) sum += v
    return sum
  }

  render(): string {
    const lines: string[] = []
    for (const [name, s] of this.#series) {
      lines.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`)
      if (s.read) lines.push(`${name} ${s.read()}`)
      else if (s.values.size === 0) lines.push(`${name} 0`)
      else for (const [k, v] of s.values) lines.push(`${name}${k} ${v}`)
    }
    return lines.join('\n') + '\n'
  }

  #define(name: string, help: string, type: Series['type']): Series {
    let s = this.#series.get(name)
    if (!s) {
      s = { help, type, values: new Map() }
      this.#series.set(name, s)
    }
    return s
  }
}
