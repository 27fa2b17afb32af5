import { expect } from '@open-wc/testing'
import { parseEther } from 'viem'
import { createListing } from '../../../src/chain/actions/createListing.ts'
import { placeBid } from '../../../src/chain/actions/placeBid.ts'
import { revealBid } from '../../../src/chain/actions/revealBid.ts'
import { computeCommitment, randomSalt } from '../../../src/chain/commitment.ts'
import { VaultError } from '../../../src/chain/errors.ts'
import { getAuction } from '../../../src/chain/reads/getAuction.ts'
import { BidVault, type BidSecret } from '../../../src/chain/vault.ts'
import { advanceTime, arbiterPerson, chainNow, chainStack, contentHash, freshVault, person } from './helpers.ts'

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const BIDDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

function secret(listingId: bigint, amount: bigint, status: BidSecret['status'] = 'confirmed'): BidSecret {
  const salt = randomSalt()
  const base = { chainId: 31337, market: MARKET, listingId, bidder: BIDDER, amount, salt } as const
  return { ...base, commitment: computeCommitment(base), deposit: amount, status, createdAt: Date.now() }
}

async function expectVaultError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise
  } catch (err) {
    expect(err).to.be.instanceOf(VaultError)
    expect((err as VaultError).shortMessage).to.match(message)
    return
  }
  expect.fail(`expected a VaultError matching ${message}`)
}

describe('chain: bid vault', function () {
  this.timeout(120_000)

  it('exports to a file, imports into a fresh profile and reveals from there', async () => {
    const stack = await chainStack()
    const seller = await person(stack.config, 5)
    const dana = await person(stack.config, 6)
    const arbiter = await arbiterPerson(stack.config, 7)
    const start = await chainNow(seller.wagmi)
    const shown = contentHash(`export ${start}`)
    const { listingId } = await createListing(seller.wagmi, {
      contentHash: shown,
      biddingEnd: start + 300,
      revealEnd: start + 3_900, // the shortest reveal window is an hour (contracts v3)
      price: parseEther('0.01'),
      arbiters: [arbiter.address],
    })
    const laptop = await freshVault('laptop')
    const bid = await placeBid(dana.wagmi, {
      listingId,
      contentHash: shown,
      amount: parseEther('0.5'),
      deposit: parseEther('1'),
      vault: laptop,
    })

    const file = await laptop.exportVault()
    expect(file.type).to.equal('application/json')
    const doc = JSON.parse(await file.text()) as {
      format: string
      version: number
      entries: unknown[]
      checksum: string
    }
    expect(doc.format).to.equal('souk-bid-vault')
    expect(doc.version).to.equal(1)
    expect(doc.entries).to.have.length(1)
    expect(doc.checksum).to.match(/^0x[0-9a-f]{64}$/)
    laptop.close()

    // another device: a new profile, a new wallet session
    const phone = await freshVault('phone')
    expect(await phone.list()).to.deep.equal([])
    expect(await phone.importVault(file)).to.deep.equal({ added: 1, updated: 0, unchanged: 0 })
    // importing again adds nothing
    expect(await phone.importVault(file)).to.deep.equal({ added: 0, updated: 0, unchanged: 1 })
    expect(await phone.list()).to.have.length(1)

    const danaOnPhone = await person(stack.config, 6)
    await advanceTime(stack.rpcUrl, 300)
    const revealed = await revealBid(danaOnPhone.wagmi, { commitment: bid.commitment, vault: phone })
    expect(revealed.secret.status).to.equal('revealed')
    expect((await getAuction(danaOnPhone.wagmi, { listingId })).listing.highestBid).to.equal(parseEther('0.5'))

    // the phone's newer state merges back into the laptop's vault
    const laptopAgain = await BidVault.open({ name: laptop.name })
    expect(await laptopAgain.importVault(await phone.exportVault())).to.deep.equal({
      added: 0,
      updated: 1,
      unchanged: 0,
    })
    expect((await laptopAgain.get(bid.commitment))?.status).to.equal('revealed')
    laptopAgain.close()
    phone.close()
  })

  it('refuses malformed, edited and foreign files with a readable error, changing nothing', async () => {
    const vault = await freshVault('import-errors')
    await vault.add(secret(1n, 5n))
    const good = await (await vault.exportVault()).text()
    const other = await freshVault('import-errors-target')

    await expectVaultError(other.importVault('not json at all'), /not a Souk bid vault export \(it is not JSON\)/)
    await expectVaultError(other.importVault('{"hello":1}'), /not a Souk bid vault export/)
    await expectVaultError(
      other.importVault(JSON.stringify({ ...JSON.parse(good), version: 99 })),
      /version 99; this app reads version 1/,
    )
    const tampered = JSON.parse(good) as { entries: { amount: string }[] }
    tampered.entries[0]!.amount = '6'
    await expectVaultError(other.importVault(JSON.stringify(tampered)), /Entry 1 .* damaged: its amount and salt/)
    const badSalt = JSON.parse(good) as { entries: { salt: string }[] }
    badSalt.entries[0]!.salt = '0x1234'
    await expectVaultError(other.importVault(JSON.stringify(badSalt)), /Entry 1 .*salt must be 32 bytes/)
    const badChecksum = JSON.parse(good) as { checksum: string }
    badChecksum.checksum = `0x${'0'.repeat(64)}`
    await expectVaultError(other.importVault(JSON.stringify(badChecksum)), /checksum does not match/)
    expect(await other.list()).to.deep.equal([])

    // a good file with one known and one new entry merges without duplicates
    await other.add(secret(2n, 7n))
    const again = await vault.importVault(await other.exportVault())
    expect(again).to.deep.equal({ added: 1, updated: 0, unchanged: 0 })
    expect((await vault.list()).map((e) => e.listingId).sort()).to.deep.equal([1n, 2n])
    vault.close()
    other.close()
  })

  it('filters entries and survives reopening', async () => {
    const vault = await freshVault('filters')
    const a = secret(10n, 1n, 'failed')
    const b = secret(11n, 2n, 'sent')
    await vault.add(a)
    await vault.add(b)
    const changes: Event[] = []
    vault.addEventListener('change', (e) => changes.push(e))
    await vault.update(b.commitment, { status: 'confirmed' })
    expect(changes).to.have.length(1)
    expect((await vault.list({ status: 'failed' })).map((e) => e.commitment)).to.deep.equal([a.commitment])
    expect((await vault.list({ chainId: 31337, market: MARKET, listingId: 11n })).map((e) => e.status)).to.deep.equal([
      'confirmed',
    ])
    vault.close()
    const reopened = await BidVault.open({ name: vault.name })
    expect((await reopened.list({ chainId: 31337, market: MARKET, bidder: BIDDER })).length).to.equal(2)
    reopened.close()
  })
})
