/**
 * The messaging test page (entry.ts, driven through `window.soukMsg`) and the app's engine Worker
 * (src/engine/engine.worker.ts), both bundled with esbuild and served on loopback. Used by
 * test/e2e/messaging.test.ts.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveTestPage, type TestPageServer } from '../../helpers/test-page.ts'

const here = dirname(fileURLToPath(import.meta.url))

export async function serveMessagingTestPage(): Promise<TestPageServer> {
  return await serveTestPage(join(here, 'entry.ts'), 'souk messaging', {
    workers: [join(here, '../../../src/engine/engine.worker.ts')],
  })
}
