// The config.json of a public deployment, from the example config of its chain (public/config.<network>.json)
// and the deployment file `npm run deploy` wrote (deployments/<chainId>.json):
//   npm run app-config -- --chain 84532 [--relay /dns4/…/wss/p2p/…]... [--out dist/config.json]
// Prints the config (or writes it to --out). `npm run publish:app -- --chain N` does this for the build.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { BaseError } from 'viem'
import { isUndeployed, parseConfig, type SoukConfig } from '../src/core/config.ts'
import { repoRoot } from './forge.ts'
import { deploymentsDirFor, readDeployment, type DeploymentRecord } from './lib/deployments.ts'

export class AppConfigError extends BaseError {
  constructor(message: string) {
    super(message, { name: 'AppConfigError' })
  }
}

/** The example configs in public/, by chain id. */
export function exampleConfigs(dir = join(repoRoot, 'public')): Map<number, { file: string; config: SoukConfig }> {
  const out = new Map<number, { file: string; config: SoukConfig }>()
  for (const file of readdirSync(dir).filter((f) => /^config\..+\.json$/.test(f) && f !== 'config.example.json')) {
    const config = parseConfig(JSON.parse(readFileSync(join(dir, file), 'utf8')))
    out.set(config.chain.id, { file, config })
  }
  return out
}

export interface AppConfigOptions {
  chainId: number
  /** Default: deployments/<chainId>.json. */
  deployment?: DeploymentRecord
  deploymentsDir?: string
  /** Relay multiaddrs to add to the example's list. */
  relays?: string[]
}

/** The example config of the chain with the deployed contracts filled in, validated. */
export function appConfig(o: AppConfigOptions): SoukConfig {
  const example = exampleConfigs().get(o.chainId)
  if (!example) throw new AppConfigError(`no example config for chain ${o.chainId} in public/config.*.json`)
  const deployment = o.deployment ?? readDeployment(o.chainId, o.deploymentsDir ?? deploymentsDirFor(o.chainId))
  if (!deployment)
    throw new AppConfigError(`chain ${o.chainId} has no deployment file: run \`npm run deploy -- --rpc URL\` first`)
  const base = example.config
  const config = parseConfig({
    ...base,
    contracts: {
      ...base.contracts,
      market: deployment.market,
      deployBlock: deployment.deployBlock,
      ...(deployment.token ? { token: deployment.token } : {}),
    },
    relays: [...new Set([...base.relays, ...(o.relays ?? [])])],
    recommendedArbiters: [
      ...new Set([...(base.recommendedArbiters ?? []), ...(deployment.arbiter ? [deployment.arbiter] : [])]),
    ],
  })
  if (isUndeployed(config)) throw new AppConfigError(`the deployment of chain ${o.chainId} names no market`)
  return config
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      chain: { type: 'string' },
      relay: { type: 'string', multiple: true },
      out: { type: 'string' },
      deployments: { type: 'string' },
    },
  })
  try {
    if (!values.chain || !/^\d+$/.test(values.chain)) throw new AppConfigError('--chain <chain id> is required')
    const config = appConfig({
      chainId: Number(values.chain),
      ...(values.relay ? { relays: values.relay } : {}),
      ...(values.deployments ? { deploymentsDir: values.deployments } : {}),
    })
    const text = `${JSON.stringify(config, null, 2)}\n`
    if (values.out) writeFileSync(values.out, text)
    else process.stdout.write(text)
  } catch (error) {
    process.stderr.write(`app-config: ${error instanceof BaseError ? error.shortMessage : (error as Error).message}\n`)
    process.exit(1)
  }
}
