/**
 * `<souk-conversations>` shows when each message was written — the time today, "yesterday" and the time, the
 * date (with the year when it is not this one) before — in English and Chinese; counts use plural rules; a
 * photo that decrypts is a thumbnail that opens full size (Escape: the e2e run), one that cannot be fetched is a
 * placeholder that says so; a listing is named by its title once the catalog has it; and "No conversations yet." is not shown beside a thread being started. The
 * messaging service is a stand-in here (the real one is covered by conversations.test.ts and the e2e runs):
 * these are the view's own rules.
 */
import { expect, fixture, html } from '@open-wc/testing'
import '../../../src/components/souk-conversations.ts'
import type { SoukConversations } from '../../../src/components/souk-conversations.ts'
import { useLocale } from '../../../src/i18n.ts'
import type { ChatMessage, Conversation, MessagingService, PhotoRef } from '../../../src/services/types.ts'
import { waitFor } from '../../helpers/wait.ts'
import { LocalCatalog, sampleDoc, shadow } from '../components/helpers.ts'
import type { SoukListingLabel } from '../../../src/components/messages/souk-listing-label.ts'

const ME = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const PEER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const KEY = 'A'.repeat(43)
const IV = 'B'.repeat(16)
const CID_OK = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CID_GONE = 'bafkreidrfbgopkwcwoh5jxi6tn7ssd5oaqjckeq3rlwmwbqu2y5wgglxdy'

function message(id: string, ts: number, text: string, photos?: PhotoRef[]): ChatMessage {
  return {
    id,
    conv: 'c1',
    from: PEER,
    to: ME,
    peer: PEER,
    text,
    ts,
    clock: ts,
    direction: 'in',
    state: 'read',
    ...(photos ? { photos } : {}),
  }
}

/** The view's side of messaging, with fixed messages; `openPhoto` decodes one CID and fails the other. */
class StandIn extends EventTarget implements MessagingService {
  status = 'ready' as const
  address = ME as `0x${string}`
  error = undefined
  unread = 0
  relaysConnected = 1
  conversations: Conversation[]
  readonly messages: ChatMessage[]
  constructor(messages: ChatMessage[]) {
    super()
    this.messages = messages
    this.conversations = messages.length ? [{ conv: 'c1', peer: PEER, last: messages.at(-1)!, unread: 2 }] : []
  }
  async enable(): Promise<void> {}
  async thread(): Promise<ChatMessage[]> {
    return this.messages
  }
  async send(): Promise<ChatMessage> {
    throw new Error('not used')
  }
  async sendAddress(): Promise<ChatMessage> {
    throw new Error('not used')
  }
  async markRead(): Promise<void> {}
  async addPhoto(): Promise<PhotoRef> {
    throw new Error('not used')
  }
  async pinPhotos(): Promise<void> {}
  async openPhoto(ref: PhotoRef): Promise<Blob> {
    if (ref.cid !== CID_OK) throw new Error('nobody serves this photo')
    const canvas = new OffscreenCanvas(ref.width, ref.height)
    const ctx = canvas.getContext('2d')!
    ctx.fillStyle = '#c33'
    ctx.fillRect(0, 0, ref.width, ref.height)
    return await canvas.convertToBlob({ type: 'image/png' })
  }
}

describe('<souk-conversations>: message times, counts and photos', () => {
  const now = new Date()
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 9, 5).getTime()
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 18, 30).getTime()
  const older = new Date(now.getFullYear() - 1, 2, 14, 10, 0).getTime()
  const photo = (cid: string): PhotoRef => ({
    cid,
    key: KEY,
    iv: IV,
    mime: 'image/png',
    size: 1000,
    width: 64,
    height: 48,
  })
  const messages = [
    message('m1', older, 'From last year'),
    message('m2', yesterday, 'From yesterday', [photo(CID_OK), photo(CID_GONE)]),
    message('m3', today, 'From today'),
  ]

  afterEach(async () => {
    await useLocale('en')
  })

  async function times(
    source: MessagingService,
  ): Promise<{ view: SoukConversations; root: ShadowRoot; shown: () => string[] }> {
    const view = await fixture<SoukConversations>(
      html`<souk-conversations .source=${source} .peer=${PEER as `0x${string}`}></souk-conversations>`,
    )
    const root = shadow(view, 'conversations')
    await waitFor('the thread', () => root.querySelectorAll('.bubble time').length === 3)
    return { view, root, shown: () => [...root.querySelectorAll('.bubble time')].map((t) => t.textContent!.trim()) }
  }

  it('says today, yesterday and an older date in English and in Chinese', async () => {
    await useLocale('en')
    const { view, shown } = await times(new StandIn(messages))
    const year = String(now.getFullYear() - 1)
    let [a, b, c] = shown()
    expect(a).to.match(new RegExp(`^Mar 14, ${year}, 10:00\\sAM$`, 'u'))
    expect(b).to.match(/^Yesterday 6:30\sPM$/u)
    expect(c).to.match(/^9:05\sAM$/u)

    await useLocale('zh-Hans')
    await waitFor('the times in Chinese', () => shown()[1]!.startsWith('昨天'))
    ;[a, b, c] = shown()
    expect(a).to.match(new RegExp(`^${year}年3月14日 10:00$`))
    expect(b).to.equal('昨天 18:30')
    expect(c).to.equal('9:05')
    view.remove()
  })

  it('counts unread with plural rules and shows a photo, or a placeholder when it cannot be fetched', async () => {
    await useLocale('en')
    const { root } = await times(new StandIn(messages))
    expect(root.querySelector('.badge')!.getAttribute('aria-label')).to.equal('2 unread messages')
    const photos = shadow(root.querySelector('souk-message-photos'), 'photos')
    const [ok, gone] = [...photos.querySelectorAll('souk-message-photo')].map((p) => shadow(p, 'photo'))
    await waitFor('the decrypted thumbnail', () => ok!.querySelector('[data-testid=photo-thumb] img'))
    await waitFor('the placeholder', () => gone!.querySelector('[data-testid=photo-unavailable]'))
    expect(gone!.textContent).to.include('Photo unavailable: it could not be fetched or opened.')
    const thumb = ok!.querySelector<HTMLButtonElement>('[data-testid=photo-thumb]')!
    expect(thumb.getAttribute('aria-label')).to.equal('Photo 1 of 2: open full size')
    thumb.click()
    const dialog = ok!.querySelector('dialog')!
    expect(dialog.open).to.equal(true)
    dialog.querySelector<HTMLButtonElement>('button')!.click()
    expect(dialog.open).to.equal(false)

    await useLocale('zh-Hans')
    await waitFor(
      'the badge in Chinese',
      () => root.querySelector('.badge')!.getAttribute('aria-label') === '2 条未读消息',
    )
    await waitFor('the placeholder in Chinese', () => gone!.textContent!.includes('照片无法显示'))
  })

  it('names the listing by its title once the catalog learns it, not "Listing #7"', async () => {
    const catalog = new LocalCatalog()
    const label = await fixture<SoukListingLabel>(
      html`<souk-listing-label .catalog=${catalog} listing="7"></souk-listing-label>`,
    )
    const title = (): string => shadow(label, 'label').querySelector('[data-testid=listing-title]')!.textContent!.trim()
    await waitFor('the placeholder title', () => title() === 'Listing #7')
    catalog.upsert('7', sampleDoc({ title: 'Brass lamp', category: 'home' }), {
      price: 10n ** 17n,
      currency: 'ETH',
      status: 'open',
      biddingEnd: Math.floor(Date.now() / 1000) + 86_400,
      bids: 0,
    })
    await waitFor('the listing’s title from the catalog', () => title() === 'Brass lamp')
  })

  it('does not say "No conversations yet." beside a thread being started', async () => {
    await useLocale('en')
    const view = await fixture<SoukConversations>(
      html`<souk-conversations .source=${new StandIn([])} .peer=${PEER as `0x${string}`}></souk-conversations>`,
    )
    const root = shadow(view, 'conversations')
    expect(root.textContent).not.to.include('No conversations yet.')
    view.peer = undefined
    await view.updateComplete
    expect(root.textContent).to.include('No conversations yet.')
  })
})
