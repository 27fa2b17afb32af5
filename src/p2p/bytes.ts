import { concat } from 'uint8arrays/concat'

/** Collects a block (one Uint8Array, or chunks of one, as Helia 7 blockstores return them) into one array. */
export async function collectBytes(
  source: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const c of source) {
    chunks.push(c)
    length += c.byteLength
  }
  return chunks.length === 1 ? chunks[0]! : concat(chunks, length)
}
