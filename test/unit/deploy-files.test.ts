/**
 * The files an operator deploys a relay with (deploy/): every SOUK_RELAY_* setting they use is one the relay
 * knows, the container image builds when a container engine is here, and the systemd unit passes
 * `systemd-analyze verify` when that exists. (Two meshed relays and a browser, the compose shape, run in
 * test/e2e/relay-app.test.ts.)
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../scripts/lib/processes.ts'
import { parseRelayConfig, RELAY_HELP } from '../../src/relay/config.ts'

const read = (f: string): string => readFileSync(join(ROOT, 'deploy', f), 'utf8')
const FILES = ['Containerfile', 'compose.yaml', 'souk-relay.service']

/** A container engine whose daemon answers, if there is one. */
function engine(): string | undefined {
  for (const cmd of ['podman', 'docker']) {
    const r = spawnSync(cmd, ['info'], { stdio: 'ignore', timeout: 15_000 })
    if (r.status === 0) return cmd
  }
  return undefined
}

describe('deploy/: relay files for operators', () => {
  for (const file of FILES)
    it(`${file} sets only settings the relay knows, with valid values`, () => {
      const text = read(file)
      const names = [...new Set(text.match(/SOUK_RELAY_[A-Z_]+/g) ?? [])]
      assert.ok(names.length >= 3, `${file} configures the relay`)
      for (const name of names) assert.ok(RELAY_HELP.includes(name), `${file}: ${name} is not a relay setting`)
      // the plain KEY=value settings parse (values with ${…} or placeholders are the operator's to fill)
      const env: Record<string, string> = {}
      for (const m of text.matchAll(/(SOUK_RELAY_[A-Z_]+)[=:]\s*'?([\w./-]+)'?\s*$/gm))
        if (!m[2]!.includes('example') && m[1] !== 'SOUK_RELAY_APP_CAR') env[m[1]!] = m[2]!
      const config = parseRelayConfig([], env)
      assert.notEqual(config, 'help')
    })

  it('the systemd unit runs the relay entry point', () => {
    const unit = read('souk-relay.service')
    assert.match(unit, /^ExecStart=\/opt\/souk\/node_modules\/\.bin\/node src\/relay\/main\.ts$/m)
    assert.match(unit, /^Restart=on-failure$/m)
    const verify = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' })
    if (verify.status !== 0) return // no systemd here; the checks above still ran
    const r = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy', 'souk-relay.service')], { encoding: 'utf8' })
    // the checkout is not installed in /opt/souk on this machine; anything else it reports is a real problem
    const problems = `${r.stdout}${r.stderr}`
      .split('\n')
      .filter((l) => l.trim() && !/\/opt\/souk\/.* is not executable/.test(l))
    assert.deepEqual(problems, [], 'systemd-analyze verify')
  })

  it('the container image builds', (t) => {
    const cmd = engine()
    if (!cmd) {
      t.skip('no container engine answers here (docker/podman info failed): image build not tested')
      return
    }
    const r = spawnSync(cmd, ['build', '-f', 'deploy/Containerfile', '-t', 'souk-relay:test', '.'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 900_000,
    })
    assert.equal(r.status, 0, `${cmd} build failed:\n${(r.stderr ?? '').slice(-3000)}`)
  })
})
