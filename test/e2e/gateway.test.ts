/**
 * Media over the relays' trustless HTTP gateways (config.json `gateways`), in real Chromium against a real relay
 * process: a photo pinned on the relay by one browser loads in another browser that has no libp2p connection at
 * all, and a gateway that answers with other bytes is never believed (Helia checks every block against its CID).
 */
import { after, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { onPage, p2pHarness, waitSnapshot } from './p2p-page/harness.ts'
import type { SoukPageApi, StartOptions } from './p2p-page/entry.ts'

/** Answers every `/ipfs/<cid>` with bytes that are not the block, as a lying or broken gateway would. */
async function startHostileGateway(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0
  const server: Server = createServer((req, res) => {
    requests++
    res.writeHead(200, {
      'content-type': 'application/vnd.ipld.raw',
      'access-control-allow-origin': '*',
      'cache-control': 'public, max-age=29030400, immutable',
    })
    res.end(`not the block behind ${req.url}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

describe('media over trustless HTTP gateways', { concurrency: 1 }, () => {
  let hostile: Awaited<ReturnType<typeof startHostileGateway>> | undefined
  let photo: Awaited<ReturnType<SoukPageApi['addPhoto']>>
  let gateway: string
  const h = p2pHarness(
    { relays: 1, contracts: false },
    {
      async before() {
        hostile = await startHostileGateway()
        gateway = h.stack.relays[0]!.http
        // a seller adds a photo and pins it on the relay, then closes: from here on only the relay has the blocks
        const seller = await h.open({ relays: [h.relayAddr(0)], storage: 'memory' })
        await waitSnapshot(
          seller,
          'the seller to connect to the relay',
          (x) => x.relays.some((r) => r.connected),
          20_000,
        )
        photo = await onPage(seller, (x) => x.addPhoto(1200, 900, 7))
        await onPage(seller, (x, cids: string[]) => x.pin(cids), [photo.cid, photo.thumbCid])
        await seller.context.close()
      },
    },
  )
  after(() => hostile?.close())
  const liar = () => {
    if (!hostile) throw new Error('the hostile gateway did not start')
    return hostile
  }
  const open = async (opts: StartOptions): Promise<Page> => (await h.open(opts)).page
  const fetchMedia = (page: Page, cid: string, timeoutMs: number) =>
    page.evaluate(([c, t]) => window.souk.fetchMedia(c, t), [cid, timeoutMs] as const)
  const connections = (page: Page) => page.evaluate(() => window.souk.connections())

  test('a browser with no libp2p connection loads the photo from the relay gateway, byte for byte', async () => {
    const buyer = await open({ relays: [], storage: 'memory', gateways: [gateway], allowLocalGateways: true })
    const got = await fetchMedia(buyer, photo.cid, 20_000)
    assert.equal(got.sha256, photo.sha256, 'the photo from the gateway differs from the one the seller added')
    assert.equal(got.width, photo.width)
    assert.deepEqual(await connections(buyer), [], 'the buyer must not have needed a libp2p connection')
    await buyer.context().close()
  })

  test('a gateway that answers with other bytes is never believed', async () => {
    const fooled = await open({ relays: [], storage: 'memory', gateways: [liar().url], allowLocalGateways: true })
    await assert.rejects(fetchMedia(fooled, photo.thumbCid, 3_000), 'a fetch from only a lying gateway must fail')
    assert.ok(liar().requests() > 0, 'the lying gateway was never asked, so this test shows nothing')
    await fooled.context().close()

    // the liar beside the honest relay gateway: the right bytes arrive
    const buyer = await open({
      relays: [],
      storage: 'memory',
      gateways: [liar().url, gateway],
      allowLocalGateways: true,
    })
    const got = await fetchMedia(buyer, photo.thumbCid, 20_000)
    assert.equal(got.sha256, photo.thumbSha256)
    await buyer.context().close()
  })

  test('http:// and loopback gateways are not used unless the config is for development', async () => {
    const strict = await open({ relays: [], storage: 'memory', gateways: [gateway] })
    await assert.rejects(fetchMedia(strict, photo.cid, 2_000), 'an http:// loopback gateway must be ignored by default')
    await strict.context().close()
  })
})
