/**
 * A listing's order history from the market's event logs: the sale (auction won or bought), shipped, disputed
 * and the escrow's settlement, each with its block time, in chain order. What the conversation about a
 * listing shows inline as "order updates": read from the chain, so nobody can type one.
 */
import { getBlock } from '@wagmi/core'
import { configuredChain, type SoukWagmiConfig } from '../config.ts'
import { toSoukChainError } from '../errors.ts'
import { getMarketEvents } from '../market.ts'

export type OrderEventKind = 'won' | 'bought' | 'shipped' | 'disputed' | 'released' | 'refunded' | 'split'

export interface OrderEvent {
  kind: OrderEventKind
  listingId: string
  /** Block time, unix seconds. */
  at: number
  blockNumber: bigint
  logIndex: number
  /** won / bought: the buyer; disputed: the buyer (only the buyer disputes). */
  account?: `0x${string}`
  /** disputed: the arbiter the buyer chose from the listing's set. */
  arbiter?: `0x${string}`
  /** won / bought: the price; settled: what the buyer and the seller were credited. */
  amount?: bigint
  toBuyer?: bigint
  toSeller?: bigint
  /** shipped / disputed: the deadline that started (unix seconds). */
  deadline?: number
}

/** EscrowStatus of ISoukMarket.sol, by its index. */
const OUTCOMES: Record<number, OrderEventKind | undefined> = { 4: 'released', 5: 'refunded', 6: 'split' }

export async function getOrderEvents(
  wagmi: SoukWagmiConfig,
  { listingId, signal }: { listingId: bigint; signal?: AbortSignal },
): Promise<OrderEvent[]> {
  const args = { listingId }
  const [finalized, purchased, shipped, disputed, settled] = await Promise.all([
    getMarketEvents(wagmi, 'Finalized', args),
    getMarketEvents(wagmi, 'Purchased', args),
    getMarketEvents(wagmi, 'Shipped', args),
    getMarketEvents(wagmi, 'Disputed', args),
    getMarketEvents(wagmi, 'EscrowSettled', args),
  ])
  signal?.throwIfAborted()
  const id = listingId.toString()
  const base = (l: { blockNumber: bigint; logIndex: number }) => ({
    listingId: id,
    at: 0,
    blockNumber: l.blockNumber,
    logIndex: l.logIndex,
  })
  const events: OrderEvent[] = [
    // a Finalized log without a buyer is "no sale": nothing to show in a conversation
    ...finalized.flatMap((l) =>
      l.args.buyer && !/^0x0{40}$/.test(l.args.buyer)
        ? [{ ...base(l), kind: 'won' as const, account: l.args.buyer, amount: l.args.price ?? 0n }]
        : [],
    ),
    ...purchased.map((l) => ({
      ...base(l),
      kind: 'bought' as const,
      account: l.args.buyer!,
      amount: l.args.price ?? 0n,
    })),
    ...shipped.map((l) => ({ ...base(l), kind: 'shipped' as const, deadline: Number(l.args.deadline ?? 0n) })),
    ...disputed.map((l) => ({
      ...base(l),
      kind: 'disputed' as const,
      account: l.args.buyer!,
      arbiter: l.args.arbiter!,
      deadline: Number(l.args.deadline ?? 0n),
    })),
    ...settled.flatMap((l) => {
      const kind = OUTCOMES[Number(l.args.outcome ?? 0)]
      return kind ? [{ ...base(l), kind, toBuyer: l.args.toBuyer ?? 0n, toSeller: l.args.toSeller ?? 0n }] : []
    }),
  ].sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1))
  const chainId = configuredChain(wagmi).id
  const times = new Map<bigint, Promise<number>>()
  try {
    for (const e of events) {
      if (!times.has(e.blockNumber))
        times.set(
          e.blockNumber,
          getBlock(wagmi, { chainId, blockNumber: e.blockNumber }).then((b) => Number(b.timestamp)),
        )
      e.at = await times.get(e.blockNumber)!
    }
  } catch (err) {
    throw toSoukChainError(err, { chain: configuredChain(wagmi) })
  }
  signal?.throwIfAborted()
  return events
}
