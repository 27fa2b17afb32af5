// How long relay B takes to fetch the app from relay A by CID alone (as test/e2e/relay-app.test.ts does), and
// the log lines of any block it had to ask for again. Needs a build in dist/ (`npm run build`).
//   node scripts/experiments/app-fetch.ts [--runs N]
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startRelay, killChildrenOnExit } from '../lib/processes.ts'
import { publishApp } from '../publish-app.ts'
import { startStack } from '../../test/helpers/stack.ts'
import { DIST } from '../../test/helpers/browser.ts'
import { waitFor } from '../../test/helpers/wait.ts'

killChildrenOnExit()
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const stack = await startStack({ relays: 1 })
const dir = await mkdtemp(join(tmpdir(), 'souk-app-'))
await cp(DIST, join(dir, 'dist'), { recursive: true })
const pack = await publishApp({
  config: stack.config,
  build: false,
  distDir: join(dir, 'dist'),
  out: join(dir, 'app.car'),
})
const cid = pack.cid.toString()
console.log(`app: ${pack.files} files, ${pack.bytes} bytes, ${cid}`)
const times: number[] = []
for (let run = 0; run < Number(values.runs); run++) {
  const relayA = await startRelay({
    name: 'a',
    dataDir: join(dir, `a${run}`),
    bootstrap: [stack.relays[0]!.wsAddr],
    extraArgs: ['--app', cid, '--app-car', pack.car],
  })
  const relayB = await startRelay({
    name: 'b',
    dataDir: join(dir, `b${run}`),
    bootstrap: [relayA.wsAddr],
    extraArgs: ['--app', cid],
  })
  const started = Date.now()
  await waitFor(
    'relay B to have the app',
    async () => ((await (await fetch(`${relayB.http}/health`)).json()) as { app: { ready: boolean } }).app.ready,
    { timeout: 120_000, interval: 50 },
  )
  times.push(Date.now() - started)
  const retries = relayB.proc
    .output()
    .split('\n')
    .filter((l) => l.includes('asking again'))
  console.log(`run ${run + 1}: ready after ${times.at(-1)} ms, ${retries.length} blocks asked for again`)
  await Promise.all([relayA.proc.stop(), relayB.proc.stop()])
}
console.log(JSON.stringify({ runs: times.length, ms: times.sort((a, b) => a - b) }))
await stack.stop()
await rm(dir, { recursive: true, force: true })
