/**
 * A poster's objection over HTTP against `npm start`'s stack (issue 11, item 5): the ORDER notice
 * carries an objection code; the poster files with it, without an account, before the committee's
 * post-review has decided; the objection is held until the committee confirms the order, then the
 * committee decides it as the order's appeal; the outcome is on the order, on the public status
 * page and in the poster's mailbox. A wrong code is 404; too many filings from one address are 429.
 */
import { describe, expect, it } from 'vitest';
import {
  approveCase,
  audit,
  E2E_DURATIONS,
  emails,
  eventually,
  fileReport,
  findReview,
  LONG,
  orderIdFor,
  uniqueUrl,
  untilCaseStatus,
  untilNotice,
  vote,
  useLocalStack,
} from './support';

const POLICY = { id: 'kr-e2e-objections', ...E2E_DURATIONS, objectionWindow: 'PT5M' };
const CODE_RE = /[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){5}/;
const POSTER = 'poster-e2e@mail.example';
const GROUNDS = 'I am the person in this clip and I published it myself, with everyone’s consent.';

const { stack, api } = useLocalStack({ policy: POLICY, env: { SWEEP_INTERVAL_SECONDS: '1' } });

describe("a poster's objection", () => {
  it('is held through the post-review, decided by the committee as the appeal, and its outcome reaches the poster', async () => {
    // Given an approved case whose ORDER notice reached the operator with an objection code
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')], 'support-center');
    await approveCase(api, caseId);
    const orderId = orderIdFor(caseId, 'op-webhard');
    const notice = await untilNotice(stack, orderId, 'ORDER', LONG);
    const code = CODE_RE.exec(notice.email.body.text ?? '')?.[0];
    expect(code, 'the ORDER notice carries an objection code').toBeDefined();
    expect(notice.email.body.text).toContain('/#/object');
    expect(code).not.toContain(orderId);

    // When someone tries a code that is not one, and the poster files with the real one, without a token
    const wrong = await api.post(null, '/public/objections', { code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', grounds: GROUNDS });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('NOT_FOUND');
    const filed = await api.post(null, '/public/objections', { code: (code as string).toLowerCase(), grounds: GROUNDS, contact: POSTER });

    // Then the poster gets a reference that names nothing else
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const reference = filed.body.reference as string;
    expect(reference).toMatch(/^OBJ-[0-9A-Z]{16}$/);
    expect(Object.keys(filed.body).sort()).toEqual(['filedAt', 'reference', 'status']);
    expect(JSON.stringify(filed.body)).not.toContain(caseId.slice(1));
    const received = await api.get(null, `/public/objections/${reference}`);
    expect(received.body).toEqual({ reference, filedAt: filed.body.filedAt, status: 'RECEIVED' });
    // And the same objection sent again is the same objection
    const again = await api.post(null, '/public/objections', { code, grounds: GROUNDS, contact: POSTER });
    expect(again.body.reference).toBe(reference);

    // When the committee confirms the order in its post-review
    const postReview = await findReview(api, caseId, 'POST_REVIEW', 'member-1', LONG);
    await vote(api, postReview.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');

    // Then the held objection is the order's appeal, before the committee with the poster's words and no address
    await untilCaseStatus(api, caseId, 'UNDER_APPEAL', LONG);
    const appealReview = await findReview(api, caseId, 'APPEAL', 'member-1', LONG);
    expect(appealReview.orderIds).toEqual([orderId]);
    const read = await api.get('member-1', `/cases/${caseId}`);
    expect(read.body.appeals).toEqual([
      expect.objectContaining({
        filedBy: 'POSTER',
        objections: [expect.objectContaining({ objectionId: reference, party: 'POSTER', grounds: GROUNDS, contactGiven: true })],
      }),
    ]);
    expect(JSON.stringify(read.body)).not.toContain(POSTER);
    expect((await api.get(null, `/public/objections/${reference}`)).body.status).toBe('UNDER_REVIEW');

    // When the committee grants it
    await vote(api, appealReview.reviewId, ['member-3', 'member-4', 'member-5'], 'REVOKE');

    // Then the order is overturned, the public status says so, and the poster is told by e-mail
    await untilCaseStatus(api, caseId, 'CLOSED', LONG);
    const order = (read.body.orders as any[]).find((candidate) => candidate.orderId === orderId);
    expect(order).toBeDefined();
    const closed = await api.get('staff-kim', `/cases/${caseId}`);
    expect((closed.body.orders as any[]).find((candidate) => candidate.orderId === orderId).status).toBe('OVERTURNED');
    expect((await api.get(null, `/public/objections/${reference}`)).body).toEqual({
      reference,
      filedAt: filed.body.filedAt,
      status: 'DECIDED',
      outcome: 'ORDER_LIFTED',
    });
    const told = await eventually(async () => {
      const mail = (await emails(stack)).filter((email) => email.destination.to.includes(POSTER));
      expect(mail).toHaveLength(1);
      return mail[0];
    }, LONG);
    expect(told?.subject).toContain(reference);
    expect(told?.body.text).toContain('받아들여졌습니다');
    expect(told?.body.text).toContain('was granted');
    expect(told?.body.text).not.toContain(orderId);

    // And the chain records the objection without the poster's words or address
    const chain = await audit(api, caseId);
    expect(chain.verified).toBe(true);
    expect(chain.events.map((event) => event.action)).toEqual(
      expect.arrayContaining(['ORDER_OBJECTED_BY_POSTER', 'APPEAL_FILED', 'APPEAL_UNDER_REVIEW', 'APPEAL_GRANTED_ORDER_OVERTURNED']),
    );
    expect(JSON.stringify(chain.events)).not.toContain(POSTER);
    expect(JSON.stringify(chain.events)).not.toContain('published it myself');
  });

  it('answers 429 with Retry-After once one address has filed too often', async () => {
    let answer: Response | undefined;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      answer = await fetch(`${stack.baseUrl}/public/objections`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: `ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ${String(attempt).padStart(2, '0')}`, grounds: GROUNDS }),
      });
      if (answer.status === 429) break;
      expect(answer.status).toBe(404);
    }
    if (answer === undefined) throw new Error('no request was sent');
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });
});
