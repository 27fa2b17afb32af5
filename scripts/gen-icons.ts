/**
 * Draws Souk's app icons (a shopping bag on the brand green) as PNGs, without an image library:
 * `node scripts/gen-icons.ts` writes public/icons/*.png. The shapes match public/favicon.svg.
 */
import { deflateSync } from 'node:zlib'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './lib/processes.ts'

const GREEN = [0x0f, 0x5c, 0x4d] as const
const CREAM = [0xfb, 0xfa, 0xf7] as const

function crc32(buf: Uint8Array): number {
  let c = ~0
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'ascii')
  Buffer.from(data).copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** Renders the icon at `size` px; `safe` shrinks the artwork into the maskable safe zone (80%). */
function icon(size: number, { rounded, safe }: { rounded: boolean; safe: boolean }): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1))
  const scale = safe ? 0.7 : 1
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      // coordinates in the 64-unit design space of favicon.svg
      const u = ((x + 0.5) / size) * 64
      const v = ((y + 0.5) / size) * 64
      const r = 14
      const inCorner = rounded && (u < r || u > 64 - r) && (v < r || v > 64 - r)
      const cx = u < r ? r : 64 - r
      const cy = v < r ? r : 64 - r
      const outside = inCorner && Math.hypot(u - cx, v - cy) > r
      const du = (u - 32) / scale + 32
      const dv = (v - 36) / scale + 36
      // bag body: trapezoid from (18,28)-(46,28) to (21,50)-(43,50)
      const t = (dv - 28) / 22
      const inBody = t >= 0 && t <= 1 && du >= 18 + 3 * t && du <= 46 - 3 * t
      // handle: ring of radius 7 around (32,24), upper half, stroke 4
      const d = Math.hypot(du - 32, dv - 24)
      const inHandle = dv <= 28 && d >= 5 && d <= 9 && (dv <= 24 || Math.abs(du - 32) >= 5)
      const color = inBody || inHandle ? CREAM : GREEN
      const o = y * (size * 4 + 1) + 1 + x * 4
      raw[o] = color[0]
      raw[o + 1] = color[1]
      raw[o + 2] = color[2]
      raw[o + 3] = outside ? 0 : 255
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ])
}

const dir = join(ROOT, 'public', 'icons')
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'icon-192.png'), icon(192, { rounded: true, safe: false }))
writeFileSync(join(dir, 'icon-512.png'), icon(512, { rounded: true, safe: false }))
writeFileSync(join(dir, 'maskable-512.png'), icon(512, { rounded: false, safe: true }))
writeFileSync(join(dir, 'apple-touch-icon.png'), icon(180, { rounded: false, safe: false }))
console.log(`icons written to ${dir}`)
