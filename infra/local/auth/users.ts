/** The seeded local users of CONTRACT.md section 2: who can sign in on one machine, and as what. */
import type { Role } from '../../../shared/domain/model';

export interface LocalUser {
  readonly id: string;
  readonly role: Role;
  readonly name: string;
  /** Operators only: the operator whose orders this user handles. */
  readonly operatorId?: string;
}

export const LOCAL_USERS: readonly LocalUser[] = [
  { id: 'staff-kim', role: 'staff', name: 'Kim (staff)' },
  { id: 'staff-lee', role: 'staff', name: 'Lee (staff)' },
  { id: 'staff-park', role: 'staff', name: 'Park (staff)' },
  ...[1, 2, 3, 4, 5].map((n): LocalUser => ({ id: `member-${n}`, role: 'committee', name: `Committee member ${n}` })),
  { id: 'op-webhard', role: 'operator', name: 'Webhard operator', operatorId: 'op-webhard' },
  { id: 'op-social', role: 'operator', name: 'Social network operator', operatorId: 'op-social' },
  { id: 'op-overseas', role: 'operator', name: 'Overseas host', operatorId: 'op-overseas' },
  { id: 'support-center', role: 'reporter', name: 'Victim support centre' },
  { id: 'auditor-1', role: 'auditor', name: 'Auditor' },
  { id: 'isp-kt', role: 'operator', name: 'KT (internet access provider)', operatorId: 'isp-kt' },
  { id: 'isp-skb', role: 'operator', name: 'SK Broadband (internet access provider)', operatorId: 'isp-skb' },
  { id: 'isp-lgu', role: 'operator', name: 'LG U+ (internet access provider)', operatorId: 'isp-lgu' },
];

export function findLocalUser(id: string): LocalUser | undefined {
  return LOCAL_USERS.find((user) => user.id === id);
}

/** The committee as the handlers see it (`COMMITTEE_MEMBERS`). */
export const LOCAL_COMMITTEE = LOCAL_USERS.filter((user) => user.role === 'committee').map((user) => user.id);
