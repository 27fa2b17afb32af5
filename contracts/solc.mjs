// Wraps solc-js (the `solc` npm package) so Foundry can use it instead of downloading a native solc.
// Foundry calls `solc --version` and `solc --standard-json` (input on stdin, output on stdout).
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const require = createRequire(import.meta.url)
const solc = require('solc')
const args = process.argv.slice(2)

if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`)
  process.exit(0)
}
if (!args.includes('--standard-json')) {
  process.stderr.write('solc.mjs: only --version and --standard-json are supported\n')
  process.exit(1)
}
const basePath = (() => {
  const i = args.indexOf('--base-path')
  return i >= 0 ? args[i + 1] : process.cwd()
})()
const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = Buffer.concat(chunks).toString('utf8')
const findImports = (path) => {
  try {
    return { contents: readFileSync(resolve(basePath, path), 'utf8') }
  } catch {
    return { error: `File not found: ${path}` }
  }
}
process.stdout.write(solc.compile(input, { import: findImports }))
