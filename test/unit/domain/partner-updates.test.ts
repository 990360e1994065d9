/**
 * What an order's change tells the partner that referred its case (shared/domain/partner-updates.ts):
 * a host's order is told when issued, taken down or lifted; an ISP's blocking order, which takes
 * nothing down, is never told, whatever its record carries.
 */
import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../../shared/domain/model';
import { partnerOrderUpdate } from '../../../shared/domain/partner-updates';
import { anOrder } from '../../support/records';

const REFERRED = { partnerReferral: { partnerId: 'partner-fr', reference: 'ref-1' } } as const;
const COMPLIED = { status: 'COMPLIED', complianceStatus: 'COMPLIED', complianceAction: 'DELETED' } as const satisfies Partial<OrderRecord>;

describe('partnerOrderUpdate', () => {
  it("tells a host's order issued, then its URLs removed", () => {
    const issued = anOrder(REFERRED);
    expect(partnerOrderUpdate(undefined, issued)).toMatchObject({ type: 'TELL_PARTNER', status: 'ORDER_ISSUED', orderId: issued.orderId });
    expect(partnerOrderUpdate(issued, { ...issued, ...COMPLIED })).toMatchObject({ status: 'REMOVED', orderId: issued.orderId });
  });

  it("tells an overseas host's request too: it asks for a deletion", () => {
    const request = anOrder({ ...REFERRED, operatorId: 'op-overseas', action: 'DELETE_REQUEST' });
    expect(partnerOrderUpdate(undefined, request)).toMatchObject({ status: 'ORDER_ISSUED' });
  });

  it("tells nothing of an ISP's blocking order, by its action, whether or not it names the hosts it blocks", () => {
    for (const urlOwners of [['op-overseas', null], undefined]) {
      const blocking = anOrder({ ...REFERRED, operatorId: 'isp-kt', action: 'BLOCK_ACCESS', ...(urlOwners ? { urlOwners } : {}) });
      expect(partnerOrderUpdate(undefined, blocking)).toBeUndefined();
      expect(partnerOrderUpdate(blocking, { ...blocking, ...COMPLIED, complianceAction: 'BLOCKED' })).toBeUndefined();
    }
  });

  it('tells nothing for a case no partner referred', () => {
    expect(partnerOrderUpdate(undefined, anOrder())).toBeUndefined();
  });
});
