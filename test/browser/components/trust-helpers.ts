/**
 * What the trust view tests share: brand-new people on the shared anvil (an address no other test ever used,
 * so "no completed sale" and "registered today" are true whatever ran before), and trust documents kept in
 * memory behind the real trust documents service (encoding, CID and schema checks are the app's own; only the
 * engine's blockstore and relay pins are left out).
 */
import { connect, mock } from '@wagmi/core'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { numberToHex, parseEther, type Address } from 'viem'
import type { SoukConfig } from '../../../src/core/config.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../../src/chain/config.ts'
import { registerArbiter } from '../../../src/chain/actions/registerArbiter.ts'
import type { DocumentBackend } from '../../../src/engine/catalog-client.ts'
import { createTrustDocsService, type TrustDocsService } from '../../../src/services/trust-docs-service.ts'
import { rpc } from '../chain/helpers.ts'

/**
 * A person at a fresh address with 100 ETH: anvil impersonates it (so it signs for it) and wagmi's mock
 * connector sends its transactions there.
 */
export async function freshPerson(config: SoukConfig): Promise<{ wagmi: SoukWagmiConfig; address: Address }> {
  const url = config.chain.rpcUrls[0]!
  const address = privateKeyToAccount(generatePrivateKey()).address
  await rpc(url, 'anvil_setBalance', [address, numberToHex(parseEther('100'))])
  await rpc(url, 'anvil_impersonateAccount', [address])
  const wagmi = createSoukWagmiConfig(config, {
    storage: null,
    multiInjectedProviderDiscovery: false,
    connectors: [mock({ accounts: [address] })],
  })
  const connector = wagmi.connectors.find((c) => c.id === 'mock')
  if (!connector) throw new Error('the mock connector is missing')
  await connect(wagmi, { connector })
  return { wagmi, address }
}

/** A fresh person registered as an arbiter today, with no minimum fee or window and the given profile. */
export async function freshArbiter(
  config: SoukConfig,
  docs: TrustDocsService,
  name: string,
): Promise<{ wagmi: SoukWagmiConfig; address: Address }> {
  const p = await freshPerson(config)
  const { cid } = await docs.publishProfile({
    v: 1,
    name,
    languages: ['en', 'zh-Hans'],
    rules: 'Photos of the parcel and the item; I answer within a day.',
    contact: p.address,
  })
  await registerArbiter(p.wagmi, { minFeeBps: 0, minDisputeWindow: 0, metadataCid: cid.toString() })
  return p
}

/** The trust documents service over an in-memory blockstore (what was published can be loaded back). */
export function memoryTrustDocs(): { docs: TrustDocsService; loads: string[] } {
  const blocks = new Map<string, Uint8Array>()
  const loads: string[] = []
  const backend: DocumentBackend = {
    async addDocument(cid, bytes) {
      blocks.set(cid, bytes)
    },
    async pin() {},
    async getDocument(cid, { maxBytes }) {
      loads.push(cid)
      const bytes = blocks.get(cid)
      if (!bytes) throw new Error(`no block ${cid}`)
      if (bytes.length > maxBytes) throw new Error(`block ${cid} is over ${maxBytes} bytes`)
      return bytes
    },
  }
  return { docs: createTrustDocsService(backend, { relays: 2 }), loads }
}
