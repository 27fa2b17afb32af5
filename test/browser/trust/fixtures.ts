/**
 * Sample trust data for the trust components' tests and screenshots: what the chain Worker's indexer will
 * hand the views (src/services/trust-types.ts), passed in as properties, so no chain or network is needed.
 */
import type { ArbiterTrust, Rating, TrustSummary } from '../../../src/services/trust-types.ts'

export const NOW = 1_800_000_000
export const DAY = 86_400
export const ETH = { id: 'ETH' as const, symbol: 'ETH', decimals: 18 }
export const TUSD = { id: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const, symbol: 'TUSD', decimals: 6 }

export const SELLER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const
export const BUYER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as const
export const ARBITER_A = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as const
export const ARBITER_B = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' as const
export const ARBITER_C = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc' as const
export const ARBITER_D = '0x976EA74026E726554dB657fA54763abd0C3a0aa9' as const

const noRatings = (): TrustSummary['ratings'] => ({
  count: 0,
  positive: 0,
  neutral: 0,
  negative: 0,
  sharePositive: undefined,
  weighted: [],
})

export function summary(over: Partial<TrustSummary> = {}): TrustSummary {
  return {
    address: SELLER,
    ratings: {
      count: 41,
      positive: 40,
      neutral: 1,
      negative: 0,
      sharePositive: 40 / 41,
      weighted: [
        { currency: ETH, score: 0.97, totalWeight: 123n * 10n ** 14n },
        { currency: TUSD, score: -0.2, totalWeight: 4_500_000n },
      ],
    },
    completedSales: 41,
    salesValue: [
      { currency: ETH, amount: 2_460_000_000_000_000_000n },
      { currency: TUSD, amount: 900_000_000n },
    ],
    completedPurchases: 3,
    counterparties: 38,
    firstSeen: NOW - 400 * DAY,
    ...over,
  }
}

export function newSeller(): TrustSummary {
  return summary({
    ratings: noRatings(),
    completedSales: 0,
    salesValue: [],
    completedPurchases: 0,
    counterparties: 0,
    firstSeen: NOW - 2 * DAY,
  })
}

export function arbiter(over: Partial<ArbiterTrust> = {}): ArbiterTrust {
  return {
    address: ARBITER_A,
    registered: true,
    minFeeBps: 150,
    minDisputeWindow: 2 * DAY,
    registeredAt: NOW - 200 * DAY,
    metadataCid: 'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
    profile: {
      v: 1,
      name: 'Lin Mediation',
      languages: ['en', 'zh-Hans'],
      rules: 'I ask both sides for photos of the item and the parcel.\nI answer within a day.',
      contact: ARBITER_A,
    },
    recommended: true,
    disputes: 12,
    decidedForBuyer: 5,
    decidedForSeller: 4,
    decidedSplit: 2,
    timedOut: 0,
    settledByParties: 1,
    valueDecided: [{ currency: ETH, amount: 3_300_000_000_000_000_000n }],
    listings: 140,
    sellers: 37,
    ratings: { ...noRatings(), count: 9, positive: 8, neutral: 1, sharePositive: 8 / 9 },
    ...over,
  }
}

/** Four arbiters: a recommended one, a second recommended one asking more, a plain one, a new one. */
export function arbiters(): ArbiterTrust[] {
  return [
    arbiter({
      address: ARBITER_C,
      recommended: false,
      minFeeBps: 50,
      minDisputeWindow: DAY,
      profile: undefined,
      metadataCid: '',
      disputes: 3,
      decidedForBuyer: 1,
      decidedForSeller: 1,
      decidedSplit: 0,
      registeredAt: NOW - 90 * DAY,
      valueDecided: [{ currency: ETH, amount: 10n ** 17n }],
    }),
    arbiter(),
    arbiter({
      address: ARBITER_B,
      minFeeBps: 300,
      minDisputeWindow: 3 * DAY + 12 * 3_600,
      profile: {
        v: 1,
        name: '王律师调解',
        languages: ['zh-Hans'],
        rules: '请提供开箱视频。',
        contact: ARBITER_B,
      },
      decidedForBuyer: 2,
      decidedForSeller: 2,
      decidedSplit: 0,
    }),
    arbiter({
      address: ARBITER_D,
      recommended: false,
      minFeeBps: 0,
      minDisputeWindow: DAY,
      registeredAt: NOW - 5 * DAY,
      profile: undefined,
      metadataCid: 'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      disputes: 0,
      decidedForBuyer: 0,
      decidedForSeller: 0,
      decidedSplit: 0,
      settledByParties: 0,
      valueDecided: [],
      listings: 2,
      sellers: 1,
      ratings: noRatings(),
    }),
  ]
}

export function ratings(n: number): Rating[] {
  return Array.from({ length: n }, (_, i) => ({
    listingId: String(100 + i),
    rater: i % 2 ? BUYER : ARBITER_C,
    subject: SELLER,
    raterRole: 'buyer' as const,
    ofArbiter: false,
    score: i % 7 === 3 ? ('negative' as const) : i % 5 === 1 ? ('neutral' as const) : ('positive' as const),
    reviewCid: i % 3 === 2 ? undefined : `review-${i}`,
    weight: BigInt(i + 1) * 10n ** 14n,
    currency: ETH,
    // shuffled times: the component sorts newest first
    at: NOW - ((i * 7) % n) * DAY,
  }))
}
