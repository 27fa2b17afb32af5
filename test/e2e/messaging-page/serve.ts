/**
 * The messaging test page (entry.ts: the real node, messaging client and view on `window.soukMsg`), bundled
 * and served on loopback. Used by test/e2e/messaging.test.ts.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveTestPage, type TestPageServer } from '../../helpers/test-page.ts'

export async function serveMessagingTestPage(): Promise<TestPageServer> {
  return await serveTestPage(join(dirname(fileURLToPath(import.meta.url)), 'entry.ts'), 'souk messaging')
}
