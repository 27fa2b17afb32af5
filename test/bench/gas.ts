// Gas benchmark of full Souk lifecycles on a real anvil, next to the course DApp's and Souk v2's figures, the
// number of transactions each role signs from listing to money in hand, and what faking a record costs.
//   npm run bench:gas
// Auction: list (naming the three dev arbiters; also once with one) → two sealed bids → two reveals (the
// second outbids the first) → finalize into escrow (the winner's change is credited) → markShipped → the
// buyer confirms (releases, pays the protocol fee, credits the seller) → both rate → every role takes its
// money. Buy now: list → buy → the buyer disputes and chooses an arbiter of the set → it resolves (a split) →
// both rate it; two more disputes decided wholly for the buyer and wholly for the seller (every outcome pays
// the protocol fee and is held to the resolve goal); and a seller's refund. Then three self-dealt trades (a
// faked rating, a faked arbiter case for either side).
// The market is deployed as `npm start` deploys it (scripts/deploy.ts: 50 bps protocol fee, the treasury's
// balance seeded with 1 wei); no other warm-up. Gas is what each receipt reports. Prints a table, the
// signature counts, the cost of faking, then as its last line:
// {"bench":"gas","list":N,...,"dispute":N,"resolve":N,"rate":N,...,"signatures":{...},"faked":{...}}
// Exits 1 when a step misses its goal.
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  formatEther,
  http,
  keccak256,
  parseEther,
  parseEventLogs,
  toHex,
  zeroAddress,
  type Hex,
  type TransactionReceipt,
} from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { ANVIL_MNEMONIC, DEFAULT_PROTOCOL_FEE_BPS, DEV_ARBITER_INDICES, deployContracts } from '../../scripts/deploy.ts'
import { killChildrenOnExit, startAnvil } from '../../scripts/lib/processes.ts'
import { computeCommitment } from '../../src/chain/commitment.ts'
import { soukMarketAbi } from '../../src/chain/abi/soukMarket.ts'

type Step =
  'list' | 'bid' | 'reveal' | 'revealOutbid' | 'finalize' | 'markShipped' | 'confirm' | 'dispute' | 'resolve' | 'rate'
type Role = 'seller' | 'winner' | 'loser'
const STEPS: Step[] = [
  'list',
  'bid',
  'reveal',
  'revealOutbid',
  'finalize',
  'markShipped',
  'confirm',
  'dispute',
  'resolve',
  'rate',
]

/** Measured on anvil from the course contracts (solc 0.4.24), from the issue. The course's escrow step is
 *  one vote (80,232; it needed two to release); Souk's escrow steps are compared with it. */
const COURSE: Partial<Record<Step, number>> = {
  list: 357_890,
  bid: 122_304,
  reveal: 148_626,
  revealOutbid: 104_925,
  finalize: 574_017,
  markShipped: 80_232,
  confirm: 80_232,
}
/** Souk v2 (issue #10), as printed by this bench then: list named one arbiter; v2 had no ratings. */
const V2: Partial<Record<Step, number>> = {
  list: 109_903,
  bid: 54_220,
  reveal: 35_894,
  revealOutbid: 35_894,
  finalize: 82_465,
  markShipped: 33_752,
  confirm: 59_434,
  dispute: 39_670,
  resolve: 109_984,
}
/**
 * Issue #25's goals. A third of the course's figure, or the physical floor where a third lies below it (see
 * issue #1); `bid` rose from 52,000 to 56,000 for the v2 checks (issue #10). list ≤ 119,000 now with a set of
 * three arbiters (one cold read of each one's terms). confirm closes the escrow in one signature, credits the
 * seller (a new balance slot, 22,100 gas, is most of it) and now the protocol fee (the treasury's balance, made
 * non-zero by the deployment's 1 wei, so 5,000): 66,000. dispute checks the set and rewrites the listing's
 * arbiter field; resolve also records the value decided and, whatever the outcome, credits the protocol fee;
 * rate must stay cheap enough that nobody skips it. `rate` is the buyer rating the seller; every other rating
 * (seller → buyer, either → the arbiter) is held to the same goal. `resolve` is a split (four credits, the
 * priciest outcome); the decisions wholly for the buyer and wholly for the seller are held to the same goal.
 */
const GOAL: Record<Step, number> = {
  list: 119_000,
  bid: 56_000,
  reveal: 49_500,
  revealOutbid: 38_000,
  finalize: 191_000,
  markShipped: 34_000,
  confirm: 66_000,
  dispute: 45_000,
  resolve: 120_000,
  rate: 35_000,
}
/** The other outcomes of resolve, held to the `resolve` goal, and the other ratings, held to the `rate` goal. */
const OTHER_STEPS: readonly (readonly [string, Step])[] = [
  ['resolve (for the buyer)', 'resolve'],
  ['resolve (for the seller)', 'resolve'],
  ['rate (seller → buyer)', 'rate'],
  ['rate (buyer → arbiter)', 'rate'],
  ['rate (seller → arbiter)', 'rate'],
]
/** Transactions each role signed from listing to money in hand with contracts v1 and v2 (same happy path: the
 *  seller finalizes and ships, the winner confirms, the loser takes its deposit back). */
const SIGNATURES_V1: Record<Role, number> = { seller: 4, winner: 4, loser: 3 }
const SIGNATURES_V2: Record<Role, number> = { seller: 4, winner: 4, loser: 3 }
/** The gas price the costs below are shown at: 1 gwei (a quiet L1 day or a busy L2; scale linearly). */
const GAS_PRICE_WEI = 10n ** 9n

/** The most an arbiter can give the buyer: the price minus its fee and the protocol fee on the decided amount
 *  (price − arbiter fee), at the deployment's default protocol fee. */
function mostForBuyer(price: bigint, arbiterFeeBps: number): bigint {
  const decided = price - (price * BigInt(arbiterFeeBps)) / 10_000n
  return decided - (decided * BigInt(DEFAULT_PROTOCOL_FEE_BPS)) / 10_000n
}

/** One self-dealt trade: its transactions' gas and what it paid beyond gas (the fees of EscrowSettled). */
interface Faked {
  gas: number
  price: bigint
  protocolFee: bigint
  arbiterFee: bigint
}

async function run(rpcUrl: string): Promise<{
  gas: Record<string, number>
  signatures: Record<Role, number>
  faked: Record<string, Faked>
}> {
  const deployment = await deployContracts({ rpcUrl })
  const { market } = deployment
  const transport = http(rpcUrl)
  const chain = { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } }
  const publicClient = createPublicClient({ chain, transport })
  const testClient = createTestClient({ chain, transport, mode: 'anvil' })
  const account = (i: number) => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i })
  const [seller, alice, bob, carol] = [account(1), account(2), account(3), account(5)]
  // registered by deployContracts: the default arbiter first, then two more (a set of three)
  const arbiters = DEV_ARBITER_INDICES.map(account)
  const set = arbiters.map((a) => a.address)
  const wallet = (a: ReturnType<typeof account>) => createWalletClient({ account: a, chain, transport })

  const gas: Record<string, number> = {}
  const signatures: Record<Role, number> = { seller: 0, winner: 0, loser: 0 }
  const send = async (name: string, hash: Promise<Hex>, role?: Role): Promise<TransactionReceipt> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash })
    if (receipt.status !== 'success') throw new Error(`${name} reverted`)
    gas[name] = Number(receipt.gasUsed)
    if (role) signatures[role]++
    return receipt
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
    // the three dev arbiters: at least 2% and 3 days, the largest of their minimums (scripts/deploy.ts)
    arbiters: set,
    arbiterFeeBps: 200,
    confirmWindow: 14 * 86_400,
    disputeWindow: 7 * 86_400,
  } as const
  const m = { address: market, abi: soukMarketAbi } as const
  await send('list', write(seller)({ ...m, functionName: 'list', args: [terms] }), 'seller')
  const listingId = 1n
  await send(
    'list (1 arbiter)',
    write(seller)({ ...m, functionName: 'list', args: [{ ...terms, arbiters: [set[0]!] }] }),
  )

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
  // Ratings are optional, so they are not counted as signatures of the happy path.
  const review = keccak256(toHex('bafyrei-review-document'))
  await send('rate', write(bob)({ ...m, functionName: 'rate', args: [listingId, false, 2, review] }))
  await send(
    'rate (seller → buyer)',
    write(seller)({ ...m, functionName: 'rate', args: [listingId, false, 2, zeroAddress.padEnd(66, '0') as Hex] }),
  )
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

  // Buy now: the buyer disputes and chooses the second arbiter of the set, which decides a split (the only step
  // where an arbiter acts and earns its fee); both parties then rate it. Every credit of a resolve below lands
  // in an empty balance slot (22,100), as a first decision for new parties does, except the treasury's.
  const buyNowTerms = { ...terms, buyNow: true, biddingEnd: now + 30 * 86_400, revealEnd: 0, price: parseEther('1') }
  await send('list (buy now)', write(seller)({ ...m, functionName: 'list', args: [buyNowTerms] }))
  await send('buy', write(carol)({ ...m, functionName: 'buy', args: [3n, 0], value: parseEther('1') }))
  await send('dispute', write(carol)({ ...m, functionName: 'dispute', args: [3n, set, set[1]!] }))
  await send('resolve', write(arbiters[1]!)({ ...m, functionName: 'resolve', args: [3n, parseEther('0.5')] }))
  await send('rate (buyer → arbiter)', write(carol)({ ...m, functionName: 'rate', args: [3n, true, 0, review] }))
  await send('rate (seller → arbiter)', write(seller)({ ...m, functionName: 'rate', args: [3n, true, 1, review] }))
  // Decided wholly for the buyer (the third arbiter; it pays the protocol fee like any decision, so the buyer
  // gets at most the price minus both fees), then wholly for the seller (the first arbiter, after the seller
  // emptied its balance so that its credit is a new slot again).
  await send('list (buy now 2)', write(seller)({ ...m, functionName: 'list', args: [buyNowTerms] }))
  await send('buy 2', write(alice)({ ...m, functionName: 'buy', args: [4n, 0], value: parseEther('1') }))
  await send('dispute 2', write(alice)({ ...m, functionName: 'dispute', args: [4n, set, set[2]!] }))
  await send(
    'resolve (for the buyer)',
    write(arbiters[2]!)({
      ...m,
      functionName: 'resolve',
      args: [4n, mostForBuyer(buyNowTerms.price, buyNowTerms.arbiterFeeBps)],
    }),
  )
  await send('withdrawSeller 2', write(seller)({ ...m, functionName: 'withdraw', args: [zeroAddress, seller.address] }))
  await send('list (buy now 3)', write(seller)({ ...m, functionName: 'list', args: [buyNowTerms] }))
  await send('buy 3', write(bob)({ ...m, functionName: 'buy', args: [5n, 0], value: parseEther('1') }))
  await send('dispute 3', write(bob)({ ...m, functionName: 'dispute', args: [5n, set, set[0]!] }))
  await send('resolve (for the seller)', write(arbiters[0]!)({ ...m, functionName: 'resolve', args: [5n, 0n] }))
  // And a refund by the seller, which needs no one else (and pays no protocol fee).
  await send('list (buy now 4)', write(seller)({ ...m, functionName: 'list', args: [buyNowTerms] }))
  await send('buy 4', write(carol)({ ...m, functionName: 'buy', args: [6n, 0], value: parseEther('1') }))
  await send('refund', write(seller)({ ...m, functionName: 'refund', args: [6n] }))

  // ---- What faking costs. A faker controls a seller, a buyer and (for the arbiter case) an arbiter.
  const faker = {
    seller: account(4),
    buyer: account(6),
    arbiter: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 12 }),
  }
  await testClient.setBalance({ address: faker.arbiter.address, value: parseEther('1') })
  const price = parseEther('1')
  let next = 7n
  const fees = (receipt: TransactionReceipt): { protocolFee: bigint; arbiterFee: bigint } => {
    const [settled] = parseEventLogs({ abi: soukMarketAbi, eventName: 'EscrowSettled', logs: receipt.logs })
    if (!settled) throw new Error('no EscrowSettled')
    return { protocolFee: settled.args.protocolFee, arbiterFee: settled.args.arbiterFee }
  }
  const selfDealtTerms = (arbiter: `0x${string}`, arbiterFeeBps: number) => ({
    ...buyNowTerms,
    price,
    arbiters: [arbiter],
    arbiterFeeBps,
    confirmWindow: 86_400,
    disputeWindow: 2 * 86_400,
  })
  const faked: Record<string, Faked> = {}
  {
    // A faked rating: sell to oneself (naming the default arbiter at its minimum, 1%, paid only on a
    // decision), confirm, rate. Its weight is the EscrowSettled fees: the 0.5% protocol fee.
    const id = next++
    const steps = [
      await send(
        'fake: list',
        write(faker.seller)({ ...m, functionName: 'list', args: [selfDealtTerms(set[0]!, 100)] }),
      ),
      await send('fake: buy', write(faker.buyer)({ ...m, functionName: 'buy', args: [id, 0], value: price })),
    ]
    const close = await send('fake: confirm', write(faker.buyer)({ ...m, functionName: 'confirm', args: [id] }))
    steps.push(
      close,
      await send('fake: rate', write(faker.buyer)({ ...m, functionName: 'rate', args: [id, false, 2, review] })),
    )
    faked.rating = { gas: steps.reduce((sum, r) => sum + Number(r.gasUsed), 0), price, ...fees(close) }
  }
  await send(
    'fake: registerArbiter',
    write(faker.arbiter)({
      ...m,
      functionName: 'registerArbiter',
      args: [0, 86_400, 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'],
    }),
  )
  for (const [name, toBuyer] of [
    ['arbiterCaseForSeller', 0n],
    ['arbiterCaseForBuyer', mostForBuyer(price, 0)],
  ] as const) {
    // A faked arbiter case: the faker's own arbiter (minimum fee 0) decides the faker's own sale, then the
    // faker rates it. Either way the decision pays the protocol fee on the decided amount (here the price):
    // for the buyer, the buyer gets back the price minus that fee.
    const id = next++
    const steps = [
      await send(
        `fake: list ${id}`,
        write(faker.seller)({ ...m, functionName: 'list', args: [selfDealtTerms(faker.arbiter.address, 0)] }),
      ),
      await send(`fake: buy ${id}`, write(faker.buyer)({ ...m, functionName: 'buy', args: [id, 0], value: price })),
      await send(
        `fake: dispute ${id}`,
        write(faker.buyer)({
          ...m,
          functionName: 'dispute',
          args: [id, [faker.arbiter.address], faker.arbiter.address],
        }),
      ),
    ]
    const close = await send(
      `fake: resolve ${id}`,
      write(faker.arbiter)({ ...m, functionName: 'resolve', args: [id, toBuyer] }),
    )
    steps.push(
      close,
      await send(`fake: rate ${id}`, write(faker.buyer)({ ...m, functionName: 'rate', args: [id, true, 2, review] })),
    )
    faked[name] = { gas: steps.reduce((sum, r) => sum + Number(r.gasUsed), 0), price, ...fees(close) }
  }
  return { gas, signatures, faked }
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

function report(gas: Record<string, number>, signatures: Record<Role, number>): boolean {
  const rows: string[][] = [['step', 'course', 'v2', 'v3', 'goal', '']]
  let allOk = true
  const fmt = (n: number | undefined) => (n === undefined ? '-' : n.toLocaleString('en-US'))
  for (const step of STEPS) {
    const used = gas[step] ?? Number.POSITIVE_INFINITY
    const ok = used <= GOAL[step]
    allOk &&= ok
    rows.push([step, fmt(COURSE[step]), fmt(V2[step]), fmt(used), `≤ ${fmt(GOAL[step])}`, ok ? 'ok' : 'OVER'])
  }
  for (const [name, goal] of OTHER_STEPS) {
    const used = gas[name] ?? Number.POSITIVE_INFINITY
    const ok = used <= GOAL[goal]
    allOk &&= ok
    rows.push([name, '-', '-', fmt(used), `≤ ${fmt(GOAL[goal])}`, ok ? 'ok' : 'OVER'])
  }
  for (const extra of [
    'list (1 arbiter)',
    'secondBid',
    'withdrawLosingBid',
    'withdrawWinnerChange',
    'withdrawSeller',
    'list (buy now)',
    'buy',
    'refund',
  ]) {
    rows.push([extra, '-', '-', fmt(gas[extra] ?? 0), '-', '(info)'])
  }
  printTable(rows)
  console.log("\nlist names three arbiters (one cold read of each one's terms, 2,100 gas, and 20 bytes of calldata")
  console.log('and log each); the listing stores only a 160-bit key of the set. bid no longer checks the arbiter.')
  console.log('\nTransactions signed from listing to money in hand (auction, happy path; rating is optional, +1 each):')
  const sigRows: string[][] = [['role', 'v1', 'v2', 'v3', '']]
  for (const role of ['seller', 'winner', 'loser'] as Role[]) {
    const ok = signatures[role] <= SIGNATURES_V2[role]
    allOk &&= ok
    sigRows.push([
      role,
      String(SIGNATURES_V1[role]),
      String(SIGNATURES_V2[role]),
      String(signatures[role]),
      ok ? 'ok' : 'MORE',
    ])
  }
  printTable(sigRows)
  return allOk
}

/** What each faked record cost: gas (units, and ETH at GAS_PRICE_WEI) plus the fees paid beyond gas. */
function reportFaked(gas: Record<string, number>, faked: Record<string, Faked>): Record<string, unknown> {
  const eth = (wei: bigint) => `${formatEther(wei)} ETH`
  const at1gwei = (units: number) => BigInt(units) * GAS_PRICE_WEI
  console.log(
    `\nWhat faking costs at the default protocol fee (${DEFAULT_PROTOCOL_FEE_BPS} bps = ${DEFAULT_PROTOCOL_FEE_BPS / 100}% of a completed sale's price or of a decided`,
  )
  console.log("case's price minus the arbiter's fee, whatever the outcome), price P = 1 ETH,")
  console.log('gas shown in units and in ETH at 1 gwei (scale linearly with the gas price):')
  const rows: string[][] = [['faked record', 'gas', 'gas @ 1 gwei', 'fees lost', 'total lost', 'rating weight']]
  const json: Record<string, unknown> = {}
  const describe: Record<string, [string, (f: Faked) => bigint, (f: Faked) => bigint]> = {
    // the faker pays the protocol fee; the arbiter fee (none without a dispute) would go to someone else
    rating: ['rating (self-sale, confirmed)', (f) => f.protocolFee, (f) => f.protocolFee + f.arbiterFee],
    // the arbiter fee goes to the faker's own arbiter: only the protocol fee is lost, whichever side it decides for
    arbiterCaseForSeller: ['arbiter case, for the seller', (f) => f.protocolFee, (f) => f.protocolFee + f.arbiterFee],
    arbiterCaseForBuyer: ['arbiter case, for the buyer', (f) => f.protocolFee, (f) => f.protocolFee + f.arbiterFee],
  }
  for (const [name, f] of Object.entries(faked)) {
    const [label, lost, weight] = describe[name]!
    const total = at1gwei(f.gas) + lost(f)
    rows.push([label, f.gas.toLocaleString('en-US'), eth(at1gwei(f.gas)), eth(lost(f)), eth(total), eth(weight(f))])
    json[name] = { gas: f.gas, feesLostWei: lost(f).toString(), weightWei: weight(f).toString() }
  }
  printTable(rows)
  console.log(
    `(registering the faker's arbiter: ${gas['fake: registerArbiter']!.toLocaleString('en-US')} gas, once.) A rating's weight is arbiterFee + protocolFee`,
  )
  console.log('of its EscrowSettled log: a self-sale buys weight w for w + gas. A faked arbiter case pays the protocol')
  console.log("fee whichever side it decides for, so each P added to the arbiter's valueDecided costs 0.5% of P + gas;")
  console.log('see docs/contracts.md, What faking costs.')
  return json
}

killChildrenOnExit()
const anvil = await startAnvil()
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130))
try {
  const { gas, signatures, faked } = await run(anvil.rpcUrl)
  const ok = report(gas, signatures)
  const fakedJson = reportFaked(gas, faked)
  const json: Record<string, unknown> = { bench: 'gas' }
  for (const step of STEPS) json[step] = gas[step]
  json.listOneArbiter = gas['list (1 arbiter)']
  json.resolveForBuyer = gas['resolve (for the buyer)']
  json.resolveForSeller = gas['resolve (for the seller)']
  for (const extra of ['refund', 'withdrawLosingBid', 'buy']) json[extra] = gas[extra]
  json.signatures = signatures
  json.faked = fakedJson
  if (!ok) {
    console.error('\nbench:gas: a step missed its goal')
    process.exitCode = 1
  }
  console.log(JSON.stringify(json))
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await anvil.proc.stop()
}
