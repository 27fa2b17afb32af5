/**
 * The whole dev stack on one machine: anvil with the contracts deployed and N relay peers that know each
 * other. Used by `npm start`, the browser and e2e tests, and the benchmarks.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SoukConfig } from '../../src/core/config.ts'
import { installMulticall3 } from './multicall3.ts'
import {
  killChildrenOnExit,
  startAnvil,
  startRelay,
  type Anvil,
  type Relay,
  type StartRelayOptions,
} from './processes.ts'

export interface StackOptions {
  /** Number of relay peers (default 1). */
  relays?: number
  /** Where relays keep their data; a temporary directory (removed on stop) when omitted. */
  dataDir?: string
  /** Fixed ports for `npm start`; free ports otherwise. */
  anvilPort?: number
  relayPorts?: { port: number; httpPort: number }[]
  /** Skip deploying contracts (P2P-only tests). */
  contracts?: boolean
  echo?: boolean
  /** Extra environment for every relay (e.g. SOUK_RELAY_PIN_GRACE_MS in tests). */
  relayEnv?: NodeJS.ProcessEnv
  /** See `StartRelayOptions.liftAddressCaps` (default true). */
  liftAddressCaps?: boolean
  /** Extra `node` flags for every relay (e.g. `--cpu-prof` in a bench). */
  relayNodeArgs?: string[]
}

/** What scripts/deploy.ts returns (kept here so that importing the stack does not load the deployer). */
export interface Deployment {
  chainId: number
  market: `0x${string}`
  treasury: `0x${string}`
  /** TestUSD (local chain only). */
  token?: `0x${string}`
  /** The registered default arbiter (local chain only). */
  arbiter?: `0x${string}`
  /** Every registered dev arbiter, the default one first (local chain only). */
  arbiters?: `0x${string}`[]
  /** The market's protocol fee on completed sales, in basis points. */
  protocolFeeBps?: number
  deployBlock: number
}

/** A dev arbiter's encoded profile (scripts/deploy.ts `devArbiterProfiles`). */
export interface DevArbiterProfile {
  cid: string
  bytes: Uint8Array
}

export interface Stack {
  anvil: Anvil
  deployment: Deployment | undefined
  relays: (Relay | undefined)[]
  config: SoukConfig
  dataDir: string
  /** Kills relay i abruptly (SIGKILL), as a crash or a pulled cable would. */
  killRelay(i: number): Promise<void>
  /** Starts relay i again with the same data directory and ports, so it keeps its peer id. */
  restartRelay(i: number): Promise<Relay>
  stop(): Promise<void>
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  killChildrenOnExit()
  const ownDir = opts.dataDir === undefined
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'souk-stack-')))
  const count = opts.relays ?? 1
  const relays: (Relay | undefined)[] = []
  const relayOptions: StartRelayOptions[] = []
  let anvil: Anvil | undefined
  const stop = async (): Promise<void> => {
    await Promise.all(relays.map((r) => r?.proc.stop()))
    await anvil?.proc.stop()
    if (ownDir) await rm(dataDir, { recursive: true, force: true })
  }
  try {
    anvil = await startAnvil({ port: opts.anvilPort, echo: opts.echo })
    // batched reads go through Multicall3 as on public chains (anvil has none of its own)
    const multicall3 = await installMulticall3(anvil.rpcUrl)
    let deployment: Deployment | undefined
    let profiles: DevArbiterProfile[] = []
    if (opts.contracts !== false) {
      const { deployContracts, devArbiterProfiles } = (await import('../deploy.ts')) as {
        deployContracts: (o: { rpcUrl: string }) => Promise<Deployment>
        devArbiterProfiles: () => Promise<DevArbiterProfile[]>
      }
      deployment = await deployContracts({ rpcUrl: anvil.rpcUrl })
      // the local deployment registered these as its dev arbiters' metadataCid
      if (deployment.arbiters?.length) profiles = await devArbiterProfiles()
    }
    for (let i = 0; i < count; i++) {
      const ports = opts.relayPorts?.[i]
      const o: StartRelayOptions = {
        name: `relay${i}`,
        dataDir: join(dataDir, `relay${i}`),
        echo: opts.echo,
        // every relay after the first bootstraps from the ones before it, so they form one network
        bootstrap: relays.map((r) => r!.wsAddr),
        ...(ports ? { port: ports.port, httpPort: ports.httpPort } : {}),
        // relays keep the catalog, checked against this chain (src/relay/catalog.ts)
        env: { ...(deployment ? catalogEnv(anvil.rpcUrl, deployment) : {}), ...opts.relayEnv },
        ...(opts.liftAddressCaps === false ? { liftAddressCaps: false } : {}),
        ...(opts.relayNodeArgs ? { nodeArgs: opts.relayNodeArgs } : {}),
      }
      const relay = await startRelay(o)
      // keep the ports so a restart comes back on the same address
      o.port = Number(/\/tcp\/(\d+)/.exec(relay.wsAddr)?.[1])
      o.httpPort = Number(new URL(relay.http).port)
      relayOptions.push(o)
      relays.push(relay)
    }
    if (profiles.length > 0 && count > 0)
      await pinDevProfiles(
        relays.map((r) => r!.wsAddr),
        profiles,
      )
    const config: SoukConfig = {
      chain: { id: anvil.chainId, name: 'Anvil (local)', rpcUrls: [anvil.rpcUrl], multicall3 },
      contracts: {
        market: deployment?.market ?? '0x0000000000000000000000000000000000000000',
        ...(deployment?.token ? { token: deployment.token } : {}),
        ...(deployment ? { deployBlock: deployment.deployBlock } : {}),
      },
      relays: relays.map((r) => r!.wsAddr),
      gateways: relays.map((r) => r!.http),
      ...(deployment?.arbiter ? { recommendedArbiters: [deployment.arbiter] } : {}),
      devWallet: true,
    }
    const a = anvil
    return {
      anvil: a,
      deployment,
      relays,
      config,
      dataDir,
      async killRelay(i) {
        const r = relays[i]
        if (!r) return
        relays[i] = undefined
        await r.proc.stop('SIGKILL')
      },
      async restartRelay(i) {
        const o = relayOptions[i]
        if (!o) throw new Error(`no relay ${i} in this stack`)
        await relays[i]?.proc.stop()
        const relay = await startRelay({ ...o, bootstrap: relays.filter((r) => r !== undefined).map((r) => r.wsAddr) })
        relays[i] = relay
        return relay
      },
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

function catalogEnv(rpcUrl: string, d: Deployment): NodeJS.ProcessEnv {
  return { SOUK_RELAY_RPC_URL: rpcUrl, SOUK_RELAY_MARKET: d.market, SOUK_RELAY_DEPLOY_BLOCK: String(d.deployBlock) }
}

/**
 * Has every relay pin the dev arbiters' profiles, so the app can read them (otherwise each arbiter shows "Its
 * profile could not be read yet"): a short-lived client holds the documents while the relays fetch them. A
 * failure only warns; the stack works without the profiles.
 */
async function pinDevProfiles(relays: string[], profiles: DevArbiterProfile[]): Promise<void> {
  const [{ createSoukNode }, { MediaStore }] = await Promise.all([
    import('../../src/p2p/node.ts'),
    import('../../src/p2p/media.ts'),
  ])
  let node: Awaited<ReturnType<typeof createSoukNode>> | undefined
  try {
    node = await createSoukNode({ relays, storage: 'memory', webrtc: false, reservations: 0 })
    const n = node
    const deadline = Date.now() + 10_000
    while (n.relays.relays.filter((r) => r.connected).length < relays.length) {
      if (Date.now() > deadline)
        throw new Error(`connected to ${n.relays.relays.filter((r) => r.connected).length} of ${relays.length} relays`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    const media = new MediaStore(n)
    for (const p of profiles) await media.addDocument(p.cid, p.bytes)
    await media.pin(
      profiles.map((p) => p.cid),
      { minRelays: relays.length, timeoutMs: 10_000 },
    )
  } catch (err) {
    process.stderr.write(
      `warning: the dev arbiters' profiles were not pinned on the relays (${err instanceof Error ? err.message : String(err)})\n`,
    )
  } finally {
    await node?.stop()
  }
}
