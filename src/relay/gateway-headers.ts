/**
 * What the trustless gateway (src/relay/gateway.ts) reads from request headers: the format (`?format=` or
 * Accept), `If-None-Match` and `Range`.
 */
export const RAW = 'application/vnd.ipld.raw'
export const CAR = 'application/vnd.ipld.car'

/** The response format asked for: `?format=` wins over Accept; undefined if neither names one we serve. */
export function pickFormat(format: string | null, accept: string | undefined): 'raw' | 'car' | undefined {
  if (format === 'raw' || format === 'car') return format
  if (format !== null) return undefined
  const types = (accept ?? '')
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1)
      return { type, q: Number.isFinite(q) ? q : 0 }
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const { type } of types) {
    if (type === RAW) return 'raw'
    if (type === CAR) return 'car'
  }
  return undefined
}

/** `If-None-Match`: `*` or a list of (weak or strong) entity tags; true when one names `etag`. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  for (const m of header.matchAll(/(?:W\/)?("[^"]*")/g)) if (m[1] === etag) return true
  return false
}

/**
 * One `Range: bytes=…` of a body of `size` bytes: `{ start, end }` (inclusive), 'unsatisfiable' (416), or
 * undefined to send the whole body (no header, several ranges, or one we cannot parse, which RFC 9110 lets
 * a server ignore).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header ?? '')
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const last = m[2] === '' ? size - 1 : Number(m[2])
  if (m[2] !== '' && last < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end: Math.min(last, size - 1) }
}
