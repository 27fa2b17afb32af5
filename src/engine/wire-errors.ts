/**
 * Errors across a Comlink boundary. Comlink's own handler keeps only `name`, `message` and `stack`, so a
 * view would lose what it maps to a sentence (`shortMessage`, a contract's `errorName`, the chain names of a
 * wrong-network error). This handler carries every primitive field and rebuilds a viem `BaseError` with the
 * same name on the receiving side. Installed by both the page and the worker.
 */
import * as Comlink from 'comlink'
import { BaseError } from 'viem'

type Fields = Record<string, string | number | boolean | bigint>

/** An error thrown on the other side of a worker boundary, with its original name and fields. */
export class WorkerError extends BaseError {
  constructor(fields: Fields) {
    const short = String(fields.shortMessage ?? fields.message ?? 'error in a worker')
    super(short, { name: String(fields.name ?? 'WorkerError') })
    for (const [k, v] of Object.entries(fields))
      if (!['message', 'stack', 'name'].includes(k)) Object.assign(this, { [k]: v })
  }
}

function fieldsOf(err: Error): Fields {
  const out: Fields = { name: err.name, message: err.message }
  for (const [k, v] of Object.entries(err))
    if (['string', 'number', 'boolean', 'bigint'].includes(typeof v) && k !== 'details' && k !== 'metaMessages')
      out[k] = v as Fields[string]
  return out
}

const throwMarker = Symbol.for('souk.wire-errors')
let installed = false

export function installErrorTransfer(): void {
  if (installed) return
  installed = true
  const builtIn = Comlink.transferHandlers.get('throw')!
  Comlink.transferHandlers.set('throw', {
    canHandle: (value: unknown): value is unknown => builtIn.canHandle(value),
    serialize(thrown: unknown) {
      const value = (thrown as { value: unknown }).value
      if (value instanceof Error) return [{ [throwMarker.description!]: true, fields: fieldsOf(value) }, []]
      return builtIn.serialize(thrown)
    },
    deserialize(serialized: unknown) {
      const s = serialized as { fields?: Fields } & Record<string, unknown>
      if (s[throwMarker.description!] === true && s.fields) throw new WorkerError(s.fields)
      return builtIn.deserialize(serialized)
    },
  })
}
