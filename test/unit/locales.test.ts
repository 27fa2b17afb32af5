/**
 * Every message shown in the UI has a Simplified Chinese translation, and each translated template uses the
 * same expressions as the English one (so no value is dropped or invented).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { templates } from '../../src/locales/zh-Hans.ts'

const MSG = /msg\(\s*(?:str`((?:[^`\\]|\\.)*)`|'((?:[^'\\]|\\.)*)')\s*,\s*\{\s*id:\s*'([^']+)'/g

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

const messages = new Map<string, { expressions: number; file: string }>()
for (const file of sources('src/components'))
  for (const m of readFileSync(file, 'utf8').matchAll(MSG)) {
    const expressions = m[1] === undefined ? 0 : (m[1].match(/\$\{/g) ?? []).length
    messages.set(m[3]!, { expressions, file })
  }

test('the components use messages (the extractor found them)', () => {
  assert.ok(messages.size > 100, `only ${messages.size} messages found`)
})

test('every message id has a zh-Hans translation with the same expressions', () => {
  const problems: string[] = []
  for (const [id, { expressions, file }] of messages) {
    const t = templates[id]
    if (t === undefined) problems.push(`${id} (${file}) has no translation`)
    else {
      const used = typeof t === 'string' ? [] : [...t.values].sort()
      const want = Array.from({ length: expressions }, (_, i) => i)
      if (JSON.stringify(used) !== JSON.stringify(want))
        problems.push(`${id}: translation uses expressions ${JSON.stringify(used)}, English has ${expressions}`)
    }
  }
  assert.deepEqual(problems, [])
})
