/**
 * Shared by the mailbox tests: relay processes whose limits go in as environment, like an operator's
 * (`SOUK_RELAY_MAILBOX_BYTES` for `--mailbox-bytes`, …), and light Node clients of them; everything started is
 * stopped by the test file's `cleanup` list.
 */
import { startRelay, type Relay } from '../../scripts/lib/processes.ts'
import { createSoukNode, type SoukNode } from '../../src/p2p/node.ts'
import { tempDir } from './relay-helpers.ts'

export function mailboxFixtures(cleanup: (() => Promise<unknown>)[]): {
  relay(env: Record<string, string>, dir?: string, ports?: Relay): Promise<Relay & { dir: string }>
  node(r: Relay): Promise<SoukNode>
} {
  return {
    /** A relay with `env`; in `dir` and on the ports of `ports` to come back as the same relay. */
    async relay(env, dir, ports) {
      if (!dir) {
        const d = await tempDir('souk-mailbox-')
        cleanup.push(d.remove)
        dir = d.path
      }
      const r = await startRelay({
        dataDir: dir,
        env,
        ...(ports
          ? { port: Number(/\/tcp\/(\d+)/.exec(ports.wsAddr)![1]), httpPort: Number(new URL(ports.http).port) }
          : {}),
      })
      cleanup.push(() => r.proc.stop())
      return { ...r, dir }
    },
    async node(r) {
      const n = await createSoukNode({ relays: [r.wsAddr], storage: 'memory', webrtc: false, reservations: 0 })
      cleanup.push(() => n.stop())
      return n
    },
  }
}
