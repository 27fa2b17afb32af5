/**
 * Starts the page's P2P node from the runtime config: the entry the app shell loads after first paint.
 */
import type { SoukConfig } from '../core/config.ts'
import { MediaStore } from './media.ts'
import { createSoukNode, type SoukNode } from './node.ts'
import type { NetworkStatus } from './network-status.ts'

export interface Network {
  node: SoukNode
  status: NetworkStatus
  media: MediaStore
  stop(): Promise<void>
}

export async function startNetwork(config: SoukConfig): Promise<Network> {
  const node = await createSoukNode({ relays: config.relays })
  const media = new MediaStore(node)
  return {
    node,
    status: node.status,
    media,
    async stop() {
      media.close()
      await node.stop()
    },
  }
}
