// Gas benchmark of full Souk lifecycles on a real anvil, next to the course DApp's figures, and the number
// of transactions each role signs from listing to money in hand.
//   npm run bench:gas
// Auction: list → two sealed bids → two reveals (the second outbids the first) → finalize into escrow (the
// winner's change is credited) → markShipped → the buyer confirms (releases, credits the seller) → every
// role takes its money. Buy now: list → buy → dispute → the arbiter resolves; and a seller's refund.
// Gas is what each receipt reports. Prints a table, the signature counts, then as its last line:
// {"bench":"gas","list":N,"bid":N,...,"signatures":{"seller":N,"winner":N,"loser":N}}
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  keccak256,
  parseEther,
  toHex,
  zeroAddress,
  type Hex,
} from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { ANVIL_MNEMONIC, DEV_ARBITER_INDEX, deployContracts } from '../../scripts/deploy.ts'
import { killChildrenOnExit, startAnvil } from '../../scripts/lib/processes.ts'
import { computeCommitment } from '../../src/chain/commitment.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'

type Step = 'list' | 'bid' | 'reveal' | 'revealOutbid' | 'finalize' | 'markShipped' | 'confirm'
type Role = 'seller' | 'winner' | 'loser'

/** Measured on anvil from the course contracts (solc 0.4.24), from the issue. The course's escrow step is
 *  one vote (80,232; it needed two to release); Souk v2's escrow steps are compared with it. */
const COURSE: Record<Step, number> = {
  list: 357_890,
  bid: 122_304,
  reveal: 148_626,
  revealOutbid: 104_925,
  finalize: 574_017,
  markShipped: 80_232,
  confirm: 80_232,
}
/**
 * A third of the course's figure, or the physical floor where a third lies below it (see issue #1); `bid`
 * rose from 52,000 to 56,000 for the v2 checks (issue #10). The escrow goal of 34,000 was set for a vote
 * that only records a choice; v2 has no votes: markShipped (the seller's step, formerly also its vote) keeps
 * it. confirm closes the escrow in one signature and credits the seller (a new balance slot, 22,100 gas, is
 * most of it): its goal is the v1 closing vote (61,455), which it replaces together with the buyer's v1 vote
 * (29,108). dispute (it also counts the dispute in the arbiter's record) and resolve are shown for
 * information: they happen only when something went wrong.
 */
const GOAL: Record<Step, number> = {
  list: 119_000,
  bid: 56_000,
  reveal: 49_500,
  revealOutbid: 38_000,
  finalize: 191_000,
  markShipped: 34_000,
  confirm: 61_455,
}
/** Transactions each role signed from listing to money in hand with contracts v1 (same happy path: the
 *  seller finalizes and ships, the winner confirms, the loser takes its deposit back). */
const SIGNATURES_V1: Record<Role, number> = { seller: 4, winner: 4, loser: 3 }

async function run(rpcUrl: string): Promise<{ gas: Record<string, number>; signatures: Record<Role, number> }> {
  const { market } = await deployContracts({ rpcUrl })
  const transport = http(rpcUrl)
  const chain = { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } }
  const publicClient = createPublicClient({ chain, transport })
  const testClient = createTestClient({ chain, transport, mode: 'anvil' })
  const account = (i: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i })
  const [seller, alice, bob, carol] = [account(1), account(2), account(3), account(5)]
  const arbiter = account(DEV_ARBITER_INDEX) // registered by deployContracts
  const wallet = (a: ReturnType<typeof account>) => createWalletClient({ account: a, chain, transport })

  const gas: Record<string, number> = {}
  const signatures: Record<Role, number> = { seller: 0, winner: 0, loser: 0 }
  const send = async (name: string, hash: Promise<Hex>, role?: Role): Promise<void> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash })
    if (receipt.status !== 'success') throw new Error(`${name} reverted`)
    gas[name] = Number(receipt.gasUsed)
    if (role) signatures[role]++
  }
  const passTime = async (seconds: number): Promise<void> => {
    await testClient.increaseTime({ seconds })
    await testClient.mine({ blocks: 1 })
  }
  const write = (who: ReturnType<typeof account>) => wallet(who).writeContract

  const now = Number((await publicClient.getBlock()).timestamp)
  const terms = {
    contentHash: keccak256(toHex('bafyrei-listing-document')),
    categoryId: 7,
    buyNow: false,
    biddingEnd: now + 3_600,
    revealEnd: now + 7_200,
    price: parseEther('0.1'),
    token: zeroAddress,
    arbiter: arbiter.address,
    arbiterFeeBps: 200,
    confirmWindow: 14 * 86_400,
    disputeWindow: 7 * 86_400,
  } as const
  const m = { address: market, abi: soukMarketAbi } as const
  await send('list', write(seller)({ ...m, functionName: 'list', args: [terms] }), 'seller')
  const listingId = 1n

  const chainId = await publicClient.getChainId()
  const sealed = (bidder: `0x${string}`, amount: bigint, salt: Hex): Hex =>
    computeCommitment({ chainId, market, listingId, bidder, amount, salt })
  const aliceBid = { amount: parseEther('1'), salt: keccak256(toHex('alice salt')) }
  const bobBid = { amount: parseEther('2'), salt: keccak256(toHex('bob salt')) }
  const aliceCommitment = sealed(alice.address, aliceBid.amount, aliceBid.salt)
  const bobCommitment = sealed(bob.address, bobBid.amount, bobBid.salt)

  await send(
    'bid',
    write(alice)({ ...m, functionName: 'bid', args: [listingId, aliceCommitment, 0], value: parseEther('1.5') }),
    'loser',
  )
  await send(
    'secondBid',
    write(bob)({ ...m, functionName: 'bid', args: [listingId, bobCommitment, 0], value: parseEther('2.5') }),
    'winner',
  )
  await passTime(3_600)
  await send(
    'reveal',
    write(alice)({ ...m, functionName: 'reveal', args: [listingId, aliceBid.amount, aliceBid.salt] }),
    'loser',
  )
  await send(
    'revealOutbid',
    write(bob)({ ...m, functionName: 'reveal', args: [listingId, bobBid.amount, bobBid.salt] }),
    'winner',
  )
  await passTime(3_600)
  await send(
    'finalize',
    write(seller)({ ...m, functionName: 'finalize', args: [listingId, bob.address, bobCommitment] }),
    'seller',
  )
  await send('markShipped', write(seller)({ ...m, functionName: 'markShipped', args: [listingId] }), 'seller')
  await send('confirm', write(bob)({ ...m, functionName: 'confirm', args: [listingId] }), 'winner')
  await send(
    'withdrawLosingBid',
    write(alice)({ ...m, functionName: 'withdrawBid', args: [listingId, aliceCommitment, alice.address] }),
    'loser',
  )
  await send(
    'withdrawWinnerChange',
    write(bob)({ ...m, functionName: 'withdraw', args: [zeroAddress, bob.address] }),
    'winner',
  )
  await send(
    'withdrawSeller',
    write(seller)({ ...m, functionName: 'withdraw', args: [zeroAddress, seller.address] }),
    'seller',
  )

  // Buy now: the buyer disputes, the arbiter decides (the only step where it acts and earns its fee).
  const buyNowTerms = { ...terms, buyNow: true, biddingEnd: now + 30 * 86_400, revealEnd: 0, price: parseEther('1') }
  await send('list (buy now)', write(seller)({ ...m, functionName: 'list', args: [buyNowTerms] }))
  await send('buy', write(carol)({ ...m, functionName: 'buy', args: [2n, 0], value: parseEther('1') }))
  await send('dispute', write(carol)({ ...m, functionName: 'dispute', args: [2n] }))
  await send('resolve', write(arbiter)({ ...m, functionName: 'resolve', args: [2n, parseEther('0.5')] }))
  // And a refund by the seller, which needs no one else.
  await send('list (buy now 2)', write(seller)({ ...m, functionName: 'list', args: [buyNowTerms] }))
  await send('buy 2', write(carol)({ ...m, functionName: 'buy', args: [3n, 0], value: parseEther('1') }))
  await send('refund', write(seller)({ ...m, functionName: 'refund', args: [3n] }))
  return { gas, signatures }
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

function report(gas: Record<string, number>, signatures: Record<Role, number>): boolean {
  const rows: string[][] = [['step', 'course', 'souk', 'ratio', 'goal', '']]
  let allOk = true
  for (const step of Object.keys(COURSE) as Step[]) {
    const used = gas[step] ?? Number.POSITIVE_INFINITY
    const ok = used <= GOAL[step]
    allOk &&= ok
    rows.push([
      step,
      COURSE[step].toLocaleString('en-US'),
      used.toLocaleString('en-US'),
      `${(used / COURSE[step]).toFixed(3)}`,
      `≤ ${GOAL[step].toLocaleString('en-US')}`,
      ok ? 'ok' : 'OVER',
    ])
  }
  for (const extra of [
    'secondBid',
    'withdrawLosingBid',
    'withdrawWinnerChange',
    'withdrawSeller',
    'list (buy now)',
    'buy',
    'dispute',
    'resolve',
    'refund',
  ]) {
    rows.push([extra, '-', (gas[extra] ?? 0).toLocaleString('en-US'), '-', '-', '(info)'])
  }
  printTable(rows)
  console.log(
    '\nbid (+2,611 over v1): the v2 checks read listing slot 0 cold (reserve, seller, arbiter tag: 2,100 gas),',
  )
  console.log('read the arbiter (slot 1) only when the tag matches, and compare the content version in the auction')
  console.log('slot bid already reads (a few gas); the rest is the version argument in calldata.')
  console.log('\nTransactions signed from listing to money in hand (auction, happy path):')
  const sigRows: string[][] = [['role', 'v1', 'v2', '']]
  for (const role of ['seller', 'winner', 'loser'] as Role[]) {
    const ok = signatures[role] <= SIGNATURES_V1[role]
    allOk &&= ok
    sigRows.push([role, String(SIGNATURES_V1[role]), String(signatures[role]), ok ? 'ok' : 'MORE'])
  }
  printTable(sigRows)
  console.log("(the winner's change and any refund now land in one balance: a refunded winner signs 4, was 5)")
  return allOk
}

killChildrenOnExit()
const anvil = await startAnvil()
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130))
try {
  const { gas, signatures } = await run(anvil.rpcUrl)
  const ok = report(gas, signatures)
  const json: Record<string, unknown> = { bench: 'gas' }
  for (const step of Object.keys(COURSE) as Step[]) json[step] = gas[step]
  for (const extra of ['dispute', 'resolve', 'refund', 'withdrawLosingBid', 'buy']) json[extra] = gas[extra]
  json.signatures = signatures
  if (!ok) process.exitCode = 1
  console.log(JSON.stringify(json))
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await anvil.proc.stop()
}
