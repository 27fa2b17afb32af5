import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { countTests } from '../../scripts/test-all.ts'

describe('npm test reads every runner’s closing counts', () => {
  it('node --test (spec reporter, colours stripped)', () => {
    const out = '✔ a\n\u001b[34mℹ tests 3\u001b[39m\nℹ pass 2\nℹ fail 1\nℹ cancelled 0\n'
    assert.deepEqual(countTests(out.replace('ℹ pass 2', '\u001b[32mℹ pass 2\u001b[39m')), { passed: 2, failed: 1 })
  })

  it('forge', () => {
    const out = 'Ran 7 test suites in 7.74s (7.87s CPU time): 107 tests passed, 0 failed, 0 skipped (107 total tests)'
    assert.deepEqual(countTests(out), { passed: 107, failed: 0 })
  })

  it('web-test-runner: the last progress line counts', () => {
    const out = 'Chrome: | 1/6 test files | 2 passed, 0 failed\nChrome: | 6/6 test files | 22 passed, 1 failed\n'
    assert.deepEqual(countTests(out), { passed: 22, failed: 1 })
  })

  it('nothing it can read', () => {
    assert.equal(countTests('segmentation fault'), undefined)
  })
})
