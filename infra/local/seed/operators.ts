/** The three operators of CONTRACT.md section 2, as staff would register them through `POST /operators`. */
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
  },
];
