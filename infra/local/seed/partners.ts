/**
 * The partner regulators of the commission's joint statements (docs/referrals.md), as staff would
 * register them through `POST /partners`: reached by e-mail until they register an endpoint and key.
 */
import type { PartnerInput } from '../../../shared/domain/partners';

export const SEED_PARTNERS: readonly PartnerInput[] = [
  { partnerId: 'partner-fr', name: 'Point de Contact', countries: ['FR'], contact: 'referrals@pointdecontact.example', language: 'fr' },
  {
    partnerId: 'partner-tw',
    name: 'National Communications Commission',
    countries: ['TW'],
    contact: 'referrals@ncc.example',
    language: 'zh-TW',
  },
  { partnerId: 'partner-au', name: 'eSafety Commissioner', countries: ['AU'], contact: 'referrals@esafety.example', language: 'en-AU' },
];
