/**
 * The P2P test page (entry.ts: the real src/p2p code on `window.souk`), bundled and served on loopback.
 * Used by test/e2e/p2p.test.ts and test/bench/relay.ts.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveTestPage, type TestPageServer } from '../../helpers/test-page.ts'

export type { TestPageServer }

export async function serveP2PTestPage(): Promise<TestPageServer> {
  return await serveTestPage(join(dirname(fileURLToPath(import.meta.url)), 'entry.ts'), 'souk p2p')
}
