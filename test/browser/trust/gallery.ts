/**
 * The trust components with sample data, one per page (`?c=<name>&lang=en|zh-Hans`), for
 * scripts/trust-screenshots.ts: no chain, no network, the data of ./fixtures.ts.
 */
import { html, render } from 'lit'
import '../../../src/components/trust/souk-trust-summary.ts'
import '../../../src/components/trust/souk-arbiter-record.ts'
import '../../../src/components/trust/souk-trust-warnings.ts'
import '../../../src/components/trust/souk-arbiter-picker.ts'
import '../../../src/components/trust/souk-dispute-dialog.ts'
import '../../../src/components/trust/souk-rate-dialog.ts'
import '../../../src/components/trust/souk-reviews.ts'
import '../../../src/components/trust/souk-arbiter-profile-form.ts'
import { useLocale, type Locale } from '../../../src/i18n.ts'
import { trustWarnings } from '../../../src/services/trust-warnings.ts'
import { ARBITER_A, ARBITER_D, DAY, ETH, NOW, arbiter, arbiters, newSeller, ratings, summary } from './fixtures.ts'

const params = new URLSearchParams(location.search)
const lang = (params.get('lang') ?? 'en') as Locale
await useLocale(lang)

const chinese = lang === 'zh-Hans'
const set = [arbiters()[1]!, arbiters()[2]!, arbiters()[3]!]
const windows = { reveal: 3_600, confirm: DAY, dispute: 3 * DAY + 12 * 3_600 }
const loader = async (cid: string) => ({
  v: 1 as const,
  listingId: cid.slice(7),
  text: chinese
    ? '卖家发货很快，商品与描述一致。包装很仔细，下次还会再买。'
    : 'Shipped the next day, exactly as described. Well packed; I would buy again.',
  lang,
})

const pages: Record<string, () => unknown> = {
  summary: () =>
    html`<souk-trust-summary .summary=${summary()} heading=${chinese ? '卖家' : 'Seller'}></souk-trust-summary>
      <p>
        <souk-trust-summary compact .summary=${summary()}></souk-trust-summary><br />
        <souk-trust-summary compact .summary=${newSeller()}></souk-trust-summary>
      </p>`,
  record: () =>
    html`<souk-arbiter-record .arbiter=${arbiter()} .now=${NOW} listing-id="7"></souk-arbiter-record>
      <souk-arbiter-record .arbiter=${arbiters()[3]} .now=${NOW}></souk-arbiter-record>`,
  warnings: () =>
    html`<souk-trust-warnings
        .warnings=${trustWarnings({ seller: newSeller(), arbiters: set, windows, now: NOW })}
        .arbiters=${set}
        .windows=${windows}
      ></souk-trust-warnings>
      <souk-trust-warnings audience="seller" heading=""></souk-trust-warnings>`,
  picker: () => html`<souk-arbiter-picker .arbiters=${arbiters()} .now=${NOW}></souk-arbiter-picker>`,
  dispute: () =>
    html`<souk-dispute-dialog
      .arbiters=${[arbiter(), arbiter({ address: ARBITER_D, profile: undefined, recommended: false })]}
      .buyer=${ARBITER_D}
      .price=${2n * 10n ** 17n}
      .currency=${ETH}
      fee-bps="500"
      dispute-window=${3 * DAY}
      .now=${NOW}
    ></souk-dispute-dialog>`,
  rate: () =>
    html`<souk-rate-dialog
      .subject=${ARBITER_A}
      subject-name="Lin Mediation"
      subject-role="arbiter"
      .weight=${11n * 10n ** 15n}
      .currency=${ETH}
    ></souk-rate-dialog>`,
  reviews: () => html`<souk-reviews .ratings=${ratings(23)} .loader=${loader} page-size="5"></souk-reviews>`,
  profile: () => html`<souk-arbiter-profile-form .account=${ARBITER_A}></souk-arbiter-profile-form>`,
}

const name = params.get('c') ?? 'summary'
const main = document.querySelector('main')!
render(pages[name]!(), main)
await new Promise((r) => requestAnimationFrame(r))
if (name === 'dispute') await document.querySelector('souk-dispute-dialog')!.show()
if (name === 'rate') await document.querySelector('souk-rate-dialog')!.show()
if (params.get('submit')) {
  // show the errors: press the form's own submit button
  const host = document.querySelector(name === 'profile' ? 'souk-arbiter-profile-form' : 'souk-dispute-dialog')!
  host.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click()
}
await new Promise((r) => setTimeout(r, 300))
document.body.dataset.ready = ''
