import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { countTests, LANES, lanesFor } from '../../scripts/test-all.ts'

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

describe('npm test runs suites in lanes side by side', () => {
  it('every suite asked for runs once, in its lane’s order', () => {
    assert.deepEqual(lanesFor(['typecheck', 'lint', 'unit', 'contracts', 'browser', 'e2e']), LANES)
  })

  it('only the suites asked for; an empty lane is dropped', () => {
    assert.deepEqual(lanesFor(['lint', 'contracts']), [['contracts'], ['lint']])
    assert.deepEqual(lanesFor(['browser']), [['browser']])
  })

  it('a suite no lane names gets a lane of its own', () => {
    assert.deepEqual(lanesFor(['unit', 'bench']), [['unit'], ['bench']])
  })
})
