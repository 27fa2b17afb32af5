/**
 * The maps match the code (issue #30): the README's Layout block names every folder git tracks at the depth a
 * reader navigates by (top level, every folder under src/, the first level under test/ and scripts/), and
 * names nothing that is gone; README.md and docs/*.md link nothing outside the repo (a relative link that
 * climbs above the repo root, an absolute path, a file:// URL) and no link inside it points at a missing file.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Every folder that holds a tracked file, at any depth (`src`, `src/chain`, `src/chain/abi`, …). */
function trackedFolders(files: readonly string[]): Set<string> {
  const folders = new Set<string>()
  for (const file of files) {
    const parts = file.split('/')
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'))
  }
  return folders
}

/** The folders the Layout must name: top level, everything under src/, the first level under test/ and scripts/. */
function requiredFolders(folders: Iterable<string>): string[] {
  return [...folders]
    .filter((f) => {
      const depth = f.split('/').length
      if (depth === 1 || f.startsWith('src/')) return true
      return depth === 2 && (f.startsWith('test/') || f.startsWith('scripts/'))
    })
    .sort()
}

/** The first word of each line of the code block under `## Layout`: `src/chain/` or `src/sw.ts`. */
function layoutEntries(readme: string): string[] {
  const section = /^## Layout\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1]
  assert.ok(section, 'README.md has no "## Layout" section followed by another section')
  const block = /^```[^\n]*\n([\s\S]*?)^```/m.exec(section)?.[1]
  assert.ok(block, 'the Layout section of README.md has no code block')
  return block
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((word) => word !== '')
}

/** What is wrong with a Layout: required folders it lacks, and entries that name no tracked folder or file. */
function layoutProblems(entries: readonly string[], files: readonly string[]): string[] {
  const folders = trackedFolders(files)
  const tracked = new Set(files)
  const named = new Set(entries)
  const problems: string[] = []
  for (const f of requiredFolders(folders))
    if (!named.has(`${f}/`)) problems.push(`${f}/ is tracked by git but missing from the README's Layout`)
  for (const e of entries) {
    if (e.endsWith('/') ? !folders.has(e.slice(0, -1)) : !tracked.has(e))
      problems.push(`the README's Layout names ${e}, which git does not track`)
  }
  for (const e of new Set(entries.filter((e, i) => entries.indexOf(e) !== i)))
    problems.push(`the README's Layout names ${e} twice`)
  return problems
}

/** Link targets of a Markdown text: inline links `[text](target)` and reference definitions `[x]: target`. */
function linkTargets(markdown: string): string[] {
  const inline = [...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!)
  const definitions = [...markdown.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!)
  return [...inline, ...definitions]
}

/** Links of `file` (a path relative to the repo root) that leave the repo or point at a missing tracked path. */
function linkProblems(file: string, markdown: string, files: readonly string[]): string[] {
  const folders = trackedFolders(files)
  const tracked = new Set(files)
  const problems: string[] = []
  for (const target of linkTargets(markdown)) {
    if (/^file:/i.test(target)) {
      problems.push(`${file} links ${target}: a file on some machine, not in the repo`)
      continue
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue // a web address, mail, an anchor
    const path = decodeURIComponent(target.replace(/[#?].*$/, ''))
    if (isAbsolute(path)) {
      problems.push(`${file} links ${target}: an absolute path, outside the repo`)
      continue
    }
    const inRepo = normalize(join(dirname(file), path)).replace(/\/$/, '')
    if (inRepo === '..' || inRepo.startsWith('../')) {
      problems.push(`${file} links ${target}, which leaves the repo`)
      continue
    }
    if (inRepo !== '.' && !tracked.has(inRepo) && !folders.has(inRepo))
      problems.push(`${file} links ${target}, but ${inRepo} is not in the repo`)
  }
  return problems
}

/** Machine paths written as text (a home directory, this kind of workspace), outside any link. */
function machinePathProblems(file: string, markdown: string): string[] {
  return [...markdown.matchAll(/(?:^|[\s(`'"])(\/(?:home|Users|root|work)\/[^\s)`'"]*)/gm)].map(
    (m) => `${file} names ${m[1]}, a path on some machine`,
  )
}

const trackedFiles = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f !== '')
  // a file deleted in the work tree but not yet from the index is gone for a reader
  .filter((f) => existsSync(join(ROOT, f)))

test('the checks catch a missing folder, a folder that is gone, a link out of the repo and a machine path', () => {
  const files = ['README.md', 'src/a/x.ts', 'src/a/b/y.ts', 'test/unit/z.test.ts', 'test/unit/deep/w.ts', 'docs/p.md']
  assert.deepEqual(requiredFolders(trackedFolders(files)), ['docs', 'src', 'src/a', 'src/a/b', 'test', 'test/unit'])
  assert.deepEqual(
    layoutProblems(['docs/', 'src/', 'src/a/', 'test/', 'test/unit/', 'src/gone/', 'src/a/x.ts'], files),
    [
      "src/a/b/ is tracked by git but missing from the README's Layout",
      "the README's Layout names src/gone/, which git does not track",
    ],
  )
  assert.deepEqual(
    linkProblems(
      'docs/p.md',
      '[a](../README.md) [b](../../shared/ARCHITECTURE.md) [c](#top) [d](https://example.org/x) ' +
        '[e](/etc/passwd) [f](missing.md#x) [g](../src/a/)\n[h]: ../../outside.md\n',
      files,
    ),
    [
      'docs/p.md links ../../shared/ARCHITECTURE.md, which leaves the repo',
      'docs/p.md links /etc/passwd: an absolute path, outside the repo',
      'docs/p.md links missing.md#x, but docs/missing.md is not in the repo',
      'docs/p.md links ../../outside.md, which leaves the repo',
    ],
  )
  assert.deepEqual(machinePathProblems('README.md', 'see /home/me/souk and `/Users/me/x`, not /ipfs/<cid>'), [
    'README.md names /home/me/souk, a path on some machine',
    'README.md names /Users/me/x, a path on some machine',
  ])
})

test("the README's Layout names every tracked folder, and only folders and files that exist", () => {
  const entries = layoutEntries(readFileSync(join(ROOT, 'README.md'), 'utf8'))
  assert.deepEqual(layoutProblems(entries, trackedFiles), [])
})

test('README.md and docs/*.md link only inside the repo, to paths that exist, and name no machine paths', () => {
  const docs = trackedFiles.filter((f) => f === 'README.md' || /^docs\/[^/]+\.md$/.test(f))
  assert.ok(docs.length > 1, 'found no docs/*.md')
  const problems = docs.flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8')
    return [...linkProblems(file, text, trackedFiles), ...machinePathProblems(file, text)]
  })
  assert.deepEqual(problems, [])
})
