/** The operators of CONTRACT.md section 2 (three hosts, three ISPs), as staff would register them through `POST /operators`. */
import type { OperatorInput } from '../../../shared/domain/model';

export const SEED_OPERATORS: readonly (OperatorInput & { operatorId: string })[] = [
  {
    operatorId: 'op-webhard',
    name: 'Webhard Korea',
    domains: ['webhard.example'],
    contactEmails: ['notices@webhard.example'],
    jurisdiction: 'DOMESTIC',
    language: 'ko',
    annualRevenue: 12_000_000_000,
    currency: 'KRW',
  },
  {
    operatorId: 'op-social',
    name: 'Social Korea',
    domains: ['social.example'],
    contactEmails: ['legal@social.example'],
    jurisdiction: 'DOMESTIC',
    language: 'ko',
    annualRevenue: 450_000_000_000,
    currency: 'KRW',
  },
  {
    operatorId: 'op-overseas',
    name: 'Overseas Hosting Inc.',
    domains: ['overseas.example'],
    contactEmails: ['abuse@overseas.example'],
    jurisdiction: 'OVERSEAS',
    language: 'en',
    annualRevenue: 250_000_000,
    currency: 'USD',
    // In France: its URLs are referred to partner-fr (docs/referrals.md).
    country: 'FR',
  },
  ...(
    [
      ['isp-kt', 'KT', 18_000_000_000_000],
      ['isp-skb', 'SK Broadband', 4_300_000_000_000],
      ['isp-lgu', 'LG U+', 14_000_000_000_000],
    ] as const
  ).map(([operatorId, name, annualRevenue]) => ({
    operatorId,
    name,
    domains: [],
    contactEmails: [`blocking@${operatorId}.example`],
    jurisdiction: 'DOMESTIC' as const,
    language: 'ko' as const,
    annualRevenue,
    currency: 'KRW',
    kind: 'ISP' as const,
  })),
];
