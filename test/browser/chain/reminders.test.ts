import { expect } from '@open-wc/testing'
import { parseEther } from 'viem'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { placeBid } from '../../../src/chain/actions/placeBid.ts'
import { revealBid } from '../../../src/chain/actions/revealBid.ts'
import { RevealReminders, type ReminderDetail, type ReminderEvent } from '../../../src/chain/reminders.ts'
import { trackRevealReminders } from '../../../src/chain/reads/trackRevealReminders.ts'
import { waitFor } from '../../helpers/wait.ts'
import { advanceTime, arbiterPerson, chainNow, chainStack, contentHash, freshVault, person } from './helpers.ts'

function record(reminders: RevealReminders): ReminderDetail[] {
  const seen: ReminderDetail[] = []
  for (const kind of ['reveal-open', 'reveal-closing', 'reveal-closed'])
    reminders.addEventListener(kind, (e) => seen.push((e as ReminderEvent).detail))
  return seen
}

describe('chain: reveal reminders', function () {
  this.timeout(120_000)

  it('reminds when the window opens, 1 h and 10 min before it closes, and when it closed', () => {
    let now = 1_000_000
    const reminders = new RevealReminders({ now: () => now })
    const seen = record(reminders)
    reminders.track({ key: 'a', listingId: 7n, biddingEnd: now + 100, revealEnd: now + 100 + 2 * 3_600 })
    expect(seen).to.deep.equal([])
    now += 100
    reminders.tick()
    expect(seen.map((d) => d.kind)).to.deep.equal(['reveal-open'])
    now += 3_600
    reminders.tick()
    expect(seen.map((d) => d.kind)).to.deep.equal(['reveal-open', 'reveal-closing'])
    expect(seen[1]!.secondsLeft).to.equal(3_600)
    now += 3_000
    reminders.tick()
    expect(seen.at(-1)).to.include({ kind: 'reveal-closing', secondsLeft: 600, listingId: 7n })
    now += 600
    reminders.tick()
    reminders.tick()
    expect(seen.map((d) => d.kind)).to.deep.equal(['reveal-open', 'reveal-closing', 'reveal-closing', 'reveal-closed'])
    reminders.stop()
  })

  it('fires only the latest due reminder when tracking starts late, and follows the chain clock', () => {
    const device = 2_000_000
    const reminders = new RevealReminders({ now: () => device })
    const seen = record(reminders)
    // the chain is 5 000 s ahead of this device: the window is already open and closes in 5 minutes
    reminders.syncClock(device + 5_000)
    reminders.track({ key: 'b', listingId: 8n, biddingEnd: device, revealEnd: device + 5_300 })
    expect(seen.map((d) => [d.kind, d.secondsLeft])).to.deep.equal([
      ['reveal-open', 300],
      ['reveal-closing', 300],
    ])
    reminders.untrack('b')
    expect(reminders.tracked).to.deep.equal([])
    reminders.stop()
  })

  it('schedules reminders for the unrevealed bids in the vault, from the chain', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const bidder = await person(stack.config, 6)
    const arbiter = await arbiterPerson(stack.config, 7)
    const start = await chainNow(seller.wagmi)
    const shown = contentHash(`reminders ${start}`)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: shown,
      biddingEnd: start + 120,
      revealEnd: start + 120 + 3 * 3_600,
      price: parseEther('0.01'),
      arbiters: [arbiter.address],
    })
    const vault = await freshVault('reminders')
    const bid = await placeBid(bidder.wagmi, { listingId, contentHash: shown, amount: parseEther('0.01'), vault })
    const reminders = new RevealReminders()
    const seen = record(reminders)
    const tracker = trackRevealReminders(bidder.wagmi, { vault, reminders })
    await tracker.ready
    expect(reminders.tracked).to.deep.equal([bid.commitment])
    expect(seen).to.deep.equal([])

    await advanceTime(stack.rpcUrl, 120)
    await waitFor('"reveal-open" after the bidding deadline', () => seen.some((d) => d.kind === 'reveal-open'))
    await advanceTime(stack.rpcUrl, 2 * 3_600 + 60)
    await waitFor('"reveal-closing" an hour before the deadline', () => seen.some((d) => d.kind === 'reveal-closing'))
    expect(seen.find((d) => d.kind === 'reveal-closing')!.secondsLeft).to.be.at.most(3_600)

    await revealBid(bidder.wagmi, { commitment: bid.commitment, vault })
    await waitFor('the revealed bid to leave the schedule', () => reminders.tracked.length === 0)
    tracker.stop()
    reminders.stop()
    vault.close()
  })
})
