/**
 * Deployment files: one JSON per chain id (`deployments/<chainId>.json`), written by `npm run deploy` and
 * read when the app's config.json is made (`scripts/app-config.ts`). They hold only public facts: addresses,
 * the deployment block and the commit the contracts were built from.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getAddress, isAddress } from 'viem'
import { repoRoot } from '../forge.ts'
import type { Deployment } from '../deploy.ts'

export const DEPLOYMENTS_DIR = join(repoRoot, 'deployments')

/** Where the deployment file of a chain goes by default: local-chain (31337) deployments are throwaway. */
export function deploymentsDirFor(chainId: number): string {
  return chainId === 31337 ? join(repoRoot, '.souk', 'deployments') : DEPLOYMENTS_DIR
}

export interface DeploymentRecord extends Deployment {
  /** The git commit the contracts were built from (`-dirty` when the work tree had changes). */
  commit: string
  /** ISO time of the deployment. */
  deployedAt: string
}

export function gitCommit(cwd = repoRoot): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'contracts'], {
      cwd,
      encoding: 'utf8',
    }).trim()
    return dirty ? `${head}-dirty` : head
  } catch {
    return 'unknown'
  }
}

export function writeDeployment(dir: string, record: DeploymentRecord): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${record.chainId}.json`)
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`)
  return file
}

/** The deployment file of a chain, checked; undefined when there is none. */
export function readDeployment(chainId: number, dir = deploymentsDirFor(chainId)): DeploymentRecord | undefined {
  const file = join(dir, `${chainId}.json`)
  if (!existsSync(file)) return undefined
  const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<DeploymentRecord>
  if (r.chainId !== chainId || !isAddress(r.market ?? '') || !Number.isSafeInteger(r.deployBlock))
    throw new Error(`${file} is not a deployment of chain ${chainId}`)
  return { ...(r as DeploymentRecord), market: getAddress(r.market!) }
}
