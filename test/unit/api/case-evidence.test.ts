/**
 * The committee's evidence view is served by `GET /cases/{caseId}`: beside the case, the latest
 * orders of other cases on the operators whose hosts it names (`earlierDecisions`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/api/cases';
import { orderIdFor } from '../../../shared/domain/ids';
import { writeUrls } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOrder, CASE_ID, CASE_URLS, OTHER_CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';

async function readCase(caller: Caller) {
  return answerOf(await handler(apiEvent('GET /cases/{caseId}', { caller, pathParameters: { caseId: CASE_ID } })));
}

useWorld();

describe('GET /cases/{caseId} earlierDecisions', () => {
  beforeEach(async () => {
    // Given a case on op-webhard and op-social, and an older case whose op-webhard order was confirmed
    await writeUrls(CASE_ID, CASE_URLS);
    await plant.case(aCase());
    await plant.order(anOrder());
    await plant.case(aCase({ caseId: OTHER_CASE_ID, createdAt: '2026-03-01T00:00:00.000Z' }));
    await plant.order(
      anOrder({
        caseId: OTHER_CASE_ID,
        issuedAt: '2026-03-01T01:00:00.000Z',
        status: 'CONFIRMED',
        complianceStatus: 'COMPLIED',
        decisionStatus: 'CONFIRMED',
        category: 'SYNTHETIC_SEXUAL_IMAGERY',
      }),
    );
    // and an ISP's order, which is no precedent about the hosts
    await plant.order(anOrder({ caseId: OTHER_CASE_ID, operatorId: 'isp-kt', action: 'BLOCK_ACCESS' }));
  });

  it.each([callers.member1, callers.staffKim, callers.auditor])(
    'shows $userId the other case’s order on the same host’s operator, not its own',
    async (caller) => {
      // When
      const answer = await readCase(caller);

      // Then
      expect(answer.statusCode).toBe(200);
      expect(answer.body.earlierDecisions).toEqual([
        {
          orderId: orderIdFor(OTHER_CASE_ID, 'op-webhard'),
          caseId: OTHER_CASE_ID,
          operatorId: 'op-webhard',
          category: 'SYNTHETIC_SEXUAL_IMAGERY',
          issuedAt: '2026-03-01T01:00:00.000Z',
          status: 'CONFIRMED',
          complianceStatus: 'COMPLIED',
          decisionStatus: 'CONFIRMED',
        },
      ]);
    },
  );

  it('keeps the other case’s reporter, summary and URLs out of it', async () => {
    const answer = await readCase(callers.member1);
    const earlier = JSON.stringify(answer.body.earlierDecisions);
    expect(earlier).not.toMatch(/reporter|summary|https?:|notices/);
  });

  it.each([callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    expect(await readCase(caller)).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });
});
