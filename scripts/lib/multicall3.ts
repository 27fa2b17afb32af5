/**
 * Multicall3 on a local anvil, at its canonical address (anvil has none by default), so batched reads are
 * tested the way they run on public chains. The runtime code is what the canonical creation code (shipped in
 * viem for deployless reads) returns when executed, installed with `anvil_setCode`.
 */

/** viem ships the creation code for its deployless multicall but does not export it: load its module by path. */
async function creationCode(): Promise<Hex> {
  const viemDir = dirname(createRequire(import.meta.url).resolve('viem/package.json'))
  const mod = (await import(pathToFileURL(join(viemDir, '_esm', 'constants', 'contracts.js')).href)) as {
    multicall3Bytecode?: Hex
  }
  if (!mod.multicall3Bytecode) throw new Error('this viem version no longer ships multicall3Bytecode')
  return mod.multicall3Bytecode
}
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createPublicClient, createTestClient, getAddress, http, parseAbi, type Address, type Hex } from 'viem'

/** The same address on every chain that has Multicall3 (https://www.multicall3.com). */
export const MULTICALL3_ADDRESS: Address = getAddress('0xcA11bde05977b3631167028862bE2a173976CA11')

export async function installMulticall3(rpcUrl: string): Promise<Address> {
  const client = createPublicClient({ transport: http(rpcUrl) })
  if (!(await client.getCode({ address: MULTICALL3_ADDRESS }))) {
    const runtime = await client.request({ method: 'eth_call', params: [{ data: await creationCode() }, 'latest'] })
    await createTestClient({ mode: 'anvil', transport: http(rpcUrl) }).setCode({
      address: MULTICALL3_ADDRESS,
      bytecode: runtime,
    })
  }
  // a batched call through it proves the code works, not only that it is there
  const abi = parseAbi(['function getChainId() view returns (uint256)'])
  const [chainId] = await client.multicall({
    contracts: [{ address: MULTICALL3_ADDRESS, abi, functionName: 'getChainId' }],
    multicallAddress: MULTICALL3_ADDRESS,
    allowFailure: false,
  })
  if (chainId !== BigInt(await client.getChainId()))
    throw new Error(`Multicall3 at ${MULTICALL3_ADDRESS} does not work`)
  return MULTICALL3_ADDRESS
}
