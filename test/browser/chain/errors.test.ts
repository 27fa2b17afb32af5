import { expect } from '@open-wc/testing'
import { parseEther, type Address, type Hex } from 'viem'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { cancelListing } from '../../../src/chain/actions/cancelListing.ts'
import { placeBid } from '../../../src/chain/actions/placeBid.ts'
import { revealBid } from '../../../src/chain/actions/revealBid.ts'
import { updateListing } from '../../../src/chain/actions/updateListing.ts'
import { createSoukWagmiConfig, type SoukWagmiConfig } from '../../../src/chain/config.ts'
import { DEV_WALLET_ID } from '../../../src/chain/dev-wallet.ts'
import {
  ContractRevertError,
  DevWalletUnavailableError,
  InsufficientFundsError,
  RevealWindowClosedError,
  RpcUnreachableError,
  SoukChainError,
  UserRejectedError,
  WrongNetworkError,
  withRetry,
} from '../../../src/chain/errors.ts'
import { sendMarketTx } from '../../../src/chain/market.ts'
import { getAuction } from '../../../src/chain/reads/getAuction.ts'
import {
  connectWallet,
  getWalletState,
  listWallets,
  switchToConfiguredChain,
  watchWallet,
  type WalletState,
} from '../../../src/chain/wallet.ts'
import { waitFor } from '../../helpers/wait.ts'
import {
  advanceTime,
  announceFakeWallet,
  arbiterPerson,
  chainNow,
  chainStack,
  contentHash,
  freshVault,
  person,
} from './helpers.ts'

// accounts: 8 seller, 9 bidder through the fake extension, 7 arbiter
const ACCOUNT_9: Address = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720'

async function caught<T extends SoukChainError>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T> {
  try {
    await promise
  } catch (err) {
    expect(err, `expected ${type.name}, got ${String(err)}`).to.be.instanceOf(type)
    return err as T
  }
  throw new Error(`expected ${type.name}, but it succeeded`)
}

async function newAuction(
  seller: { wagmi: SoukWagmiConfig },
  arbiter: Address,
  windows = { bidding: 300, reveal: 3_600 },
): Promise<{ listingId: bigint; shown: Hex }> {
  const start = await chainNow(seller.wagmi)
  const shown = contentHash(`errors ${start} ${Math.random()}`)
  const { listingId } = await createListing(seller.wagmi, {
    contentHash: shown,
    biddingEnd: start + windows.bidding,
    revealEnd: start + windows.bidding + windows.reveal,
    price: 1_000n,
    arbiters: [arbiter],
  })
  return { listingId, shown }
}

describe('chain: readable errors', function () {
  this.timeout(120_000)

  it('finds an EIP-6963 wallet, says "wrong network", switches, follows the wallet and reports a rejection', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId, shown } = await newAuction(seller, arbiter.address)

    const fake = announceFakeWallet({ rpcUrl: stack.rpcUrl, account: ACCOUNT_9, chainId: 1 })
    const wagmi = createSoukWagmiConfig(stack.config, { storage: null })
    const wallet = await waitFor('the EIP-6963 wallet to be discovered', () =>
      listWallets(wagmi).find((w) => w.rdns === 'org.souk.test-wallet'),
    )
    expect(wallet.name).to.equal('Test Wallet')
    expect(wallet.icon).to.match(/^data:image\/svg\+xml/)
    expect(listWallets(wagmi).some((w) => w.isDevWallet)).to.equal(true)

    const states: WalletState[] = []
    const unwatch = watchWallet(wagmi, (s) => states.push(s))
    const connected = await connectWallet(wagmi, { wallet: wallet.uid })
    expect(connected.address).to.equal(ACCOUNT_9)
    expect(connected.chainId).to.equal(1)
    expect(connected.onConfiguredChain).to.equal(false)

    // wrong network: refused before any secret is written
    const vault = await freshVault('wrong-network')
    const wrong = await caught(
      placeBid(wagmi, { listingId, contentHash: shown, amount: 1_000n, vault }),
      WrongNetworkError,
    )
    expect(wrong.shortMessage).to.equal('Wrong network: switch your wallet to Anvil (local) (it is on chain 1).')
    expect(wrong.expectedChainId).to.equal(31337)
    expect(await vault.list()).to.deep.equal([])

    // the "switch network" path
    const switched = await switchToConfiguredChain(wagmi)
    expect(switched.onConfiguredChain).to.equal(true)
    expect(fake.calls).to.include('wallet_switchEthereumChain')

    // a rejected transaction: readable, and the secret is kept, marked failed, never dropped
    fake.rejectNext = true
    const rejected = await caught(
      placeBid(wagmi, { listingId, contentHash: shown, amount: 1_000n, vault }),
      UserRejectedError,
    )
    expect(rejected.shortMessage).to.equal('You rejected the request in your wallet.')
    const [failed] = await vault.list()
    expect(failed?.status).to.equal('failed')
    expect(failed?.error).to.equal('You rejected the request in your wallet.')

    // next try goes through
    const ok = await placeBid(wagmi, { listingId, contentHash: shown, amount: 1_000n, vault })
    expect(ok.secret.status).to.equal('confirmed')
    expect((await vault.list()).map((e) => e.status).sort()).to.deep.equal(['confirmed', 'failed'])

    // the person switches network inside the wallet: followed live
    fake.setChain(1)
    await waitFor('the wallet state to follow the chain change', () => getWalletState(wagmi).chainId === 1)
    expect(states.at(-1)?.onConfiguredChain).to.equal(false)
    await caught(revealBid(wagmi, { commitment: ok.commitment, vault }), WrongNetworkError)
    unwatch()
    fake.remove()
    vault.close()
  })

  it('says how long ago the reveal window closed, both before sending and from the decoded revert', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const bidder = await person(stack.config, 9)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId, shown } = await newAuction(seller, arbiter.address)
    const vault = await freshVault('late')
    const bid = await placeBid(bidder.wagmi, { listingId, contentHash: shown, amount: 1_000n, vault })
    const { timeline } = await getAuction(bidder.wagmi, { listingId })
    await advanceTime(stack.rpcUrl, timeline.revealEnd - (await chainNow(bidder.wagmi)) + 180)

    const late = await caught(revealBid(bidder.wagmi, { commitment: bid.commitment, vault }), RevealWindowClosedError)
    expect(late.shortMessage).to.equal('Reveal window closed 3 minutes ago.')

    // the contract's own RevealClosed revert, decoded by name and worded the same way
    const now = await chainNow(bidder.wagmi)
    const reverted = await caught(
      sendMarketTx(
        bidder.wagmi,
        { functionName: 'reveal', args: [listingId, bid.secret.amount, bid.secret.salt] },
        { errorContext: { revealEnd: timeline.revealEnd, now } },
      ),
      RevealWindowClosedError,
    )
    expect(reverted.shortMessage).to.equal('Reveal window closed 3 minutes ago.')
    vault.close()
  })

  it('decodes contract custom errors by name', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const other = await person(stack.config, 9)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId } = await newAuction(seller, arbiter.address)
    const notSeller = await caught(cancelListing(other.wagmi, { listingId }), ContractRevertError)
    expect(notSeller.errorName).to.equal('NotSeller')
    expect(notSeller.shortMessage).to.equal('Only the seller can do this. (NotSeller)')
    const unknown = await caught(cancelListing(seller.wagmi, { listingId: 10n ** 9n }), ContractRevertError)
    expect(unknown.errorName).to.equal('UnknownListing')
    const arbiterIsSeller = await caught(
      createListing(seller.wagmi, {
        contentHash: contentHash('self-arbiter'),
        biddingEnd: (await chainNow(seller.wagmi)) + 300,
        revealEnd: (await chainNow(seller.wagmi)) + 3_900,
        price: 1n,
        arbiters: [seller.address],
      }),
      ContractRevertError,
    )
    expect(arbiterIsSeller.errorName).to.equal('ArbiterIsSeller')
    const unregistered = await caught(
      createListing(seller.wagmi, {
        contentHash: contentHash('unregistered arbiter'),
        biddingEnd: (await chainNow(seller.wagmi)) + 300,
        revealEnd: (await chainNow(seller.wagmi)) + 3_900,
        price: 1n,
        arbiters: ['0x000000000000000000000000000000000000dEaD'],
      }),
      ContractRevertError,
    )
    expect(unregistered.errorName).to.equal('ArbiterNotRegistered')
    expect(unregistered.shortMessage).to.equal('This address is not a registered arbiter. (ArbiterNotRegistered)')
  })

  it('refuses a bid on a document the seller swapped, a deposit below the reserve and a bid by the seller', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const bidder = await person(stack.config, 9)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId, shown } = await newAuction(seller, arbiter.address)
    const vault = await freshVault('rules')
    await updateListing(seller.wagmi, { listingId, contentHash: contentHash(`swapped ${listingId}`) })
    const swapped = await caught(
      placeBid(bidder.wagmi, { listingId, contentHash: shown, amount: 1_000n, vault }),
      ContractRevertError,
    )
    expect(swapped.errorName).to.equal('ContentChanged')
    // the contract refuses the same way when the swap lands first (version 0 is the old document)
    const reverted = await caught(
      sendMarketTx(bidder.wagmi, { functionName: 'bid', args: [listingId, contentHash('c'), 0], value: 1_000n }),
      ContractRevertError,
    )
    expect(reverted.errorName).to.equal('ContentChanged')
    const current = contentHash(`swapped ${listingId}`)
    const dust = await caught(
      placeBid(bidder.wagmi, { listingId, contentHash: current, amount: 10n, deposit: 999n, vault }),
      ContractRevertError,
    )
    expect(dust.errorName).to.equal('DepositBelowReserve')
    const bySeller = await caught(
      placeBid(seller.wagmi, { listingId, contentHash: current, amount: 1_000n, vault }),
      ContractRevertError,
    )
    expect(bySeller.errorName).to.equal('SellerOrArbiterCannotBid')
    expect(bySeller.shortMessage).to.equal('The seller cannot bid on their own listing. (SellerOrArbiterCannotBid)')
    const bySellerOnChain = await caught(
      sendMarketTx(seller.wagmi, { functionName: 'bid', args: [listingId, contentHash('s'), 1], value: 1_000n }),
      ContractRevertError,
    )
    expect(bySellerOnChain.errorName).to.equal('SellerOrArbiterCannotBid')
    // an arbiter of the set may bid (contracts v3): as the buyer it could never choose itself to decide
    await sendMarketTx(arbiter.wagmi, { functionName: 'bid', args: [listingId, contentHash('a'), 1], value: 1_000n })
    expect(await vault.list()).to.deep.equal([]) // nothing written for refused bids
    vault.close()
  })

  it('says what is wrong with v3 listing terms: windows, the arbiter set, the fee below an arbiter’s minimum', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const devArbiter = stack.config.recommendedArbiters![0]! as Address // 1% and 2 days at least
    const now = await chainNow(seller.wagmi)
    const terms = {
      contentHash: contentHash(`v3 terms ${now}`),
      biddingEnd: now + 300,
      revealEnd: now + 300 + 3_600,
      price: 1_000n,
      arbiters: [devArbiter],
    }
    const refusal = async (extra: Partial<Parameters<typeof createListing>[1]>) =>
      await caught(createListing(seller.wagmi, { ...terms, ...extra }), ContractRevertError)
    const shortReveal = await refusal({ revealEnd: now + 300 + 600 })
    expect(shortReveal.errorName).to.equal('WindowTooShort')
    expect(shortReveal.shortMessage).to.contain('reveal at least 1 hour')
    expect((await refusal({ confirmWindow: 3_600 })).errorName).to.equal('WindowTooShort')
    expect((await refusal({ disputeWindow: 86_400 })).errorName, 'below the arbiter’s 2 days').to.equal(
      'WindowTooShort',
    )
    expect((await refusal({ confirmWindow: 366 * 86_400 })).errorName).to.equal('WindowTooLong')
    const lowFee = await refusal({ arbiterFeeBps: 50 })
    expect(lowFee.errorName).to.equal('FeeBelowArbiterMinimum')
    expect(lowFee.shortMessage).to.equal(
      "The arbiter fee is below the minimum of one of the listing's arbiters. (FeeBelowArbiterMinimum)",
    )
    expect((await refusal({ arbiters: [devArbiter, devArbiter] })).errorName).to.equal('InvalidArbiters')
    expect((await refusal({ arbiters: [] })).errorName).to.equal('InvalidArbiters')
    // without a fee or a dispute window, createListing takes the arbiter's minimums: accepted
    const { listingId } = await createListing(seller.wagmi, terms)
    const { listing } = await getAuction(seller.wagmi, { listingId })
    expect([listing.arbiterFeeBps, listing.disputeWindow >= 2 * 86_400]).to.deep.equal([100, true])
  })

  it('reports insufficient funds', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 8)
    const bidder = await person(stack.config, 9)
    const arbiter = await arbiterPerson(stack.config, 7)
    const { listingId, shown } = await newAuction(seller, arbiter.address)
    const vault = await freshVault('poor')
    const poor = await caught(
      placeBid(bidder.wagmi, {
        listingId,
        contentHash: shown,
        amount: parseEther('1'),
        deposit: parseEther('100000000'),
        vault,
      }),
      InsufficientFundsError,
    )
    expect(poor.shortMessage).to.match(/^Not enough funds/)
    expect((await vault.list())[0]?.status).to.equal('failed')
    vault.close()
  })

  it('reports an unreachable RPC and retries it with backoff', async () => {
    const stack = await chainStack()
    const offline = createSoukWagmiConfig(
      { ...stack.config, chain: { ...stack.config.chain, rpcUrls: ['http://127.0.0.1:9'] } },
      { storage: null, multiInjectedProviderDiscovery: false },
    )
    const down = await caught(getAuction(offline, { listingId: 1n }), RpcUnreachableError)
    expect(down.shortMessage).to.match(/unreachable/)

    const retries: number[] = []
    await caught(
      withRetry(() => getAuction(offline, { listingId: 1n }), {
        retries: 2,
        delay: 10,
        onRetry: (_e, n) => retries.push(n),
      }),
      RpcUnreachableError,
    )
    expect(retries).to.deep.equal([1, 2])

    // back online on the third attempt
    const online = createSoukWagmiConfig(stack.config, { storage: null, multiInjectedProviderDiscovery: false })
    let attempt = 0
    const state = await withRetry(() => getAuction(++attempt < 3 ? offline : online, { listingId: 1n }), { delay: 10 })
    expect(attempt).to.equal(3)
    expect(state.listingId).to.equal(1n)
  })

  it('never offers the dev wallet on another chain', async () => {
    const stack = await chainStack()
    const mainnetLike = { ...stack.config, chain: { ...stack.config.chain, id: 1, name: 'Ethereum' }, devWallet: true }
    const wagmi = createSoukWagmiConfig(mainnetLike, { storage: null, multiInjectedProviderDiscovery: false })
    expect(listWallets(wagmi).some((w) => w.isDevWallet)).to.equal(false)
    await caught(connectWallet(wagmi, { wallet: DEV_WALLET_ID }), DevWalletUnavailableError)
  })
})
