/**
 * The hash list end to end (CONTRACT.md section 11, docs/hashes.md): a report's PDQ hash is listed
 * once the committee confirms the case's order, and operators match and export it over HTTP with
 * nothing that leads to the case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { pdqHexPair, seededRandom } from '../support/pdq';
import { Api, approveCase, E2E_DURATIONS, eventually, fileReport, findReview, LONG, uniqueUrl, vote } from './support';

// A post-review window long enough for the three votes to land in it on a loaded machine.
const POLICY = { id: 'kr-e2e-hashes', ...E2E_DURATIONS, postReviewWindow: 'PT60S' };

let stack: LocalStack;
let api: Api;

beforeAll(async () => {
  stack = await startLocalStack({ policy: POLICY });
  api = new Api(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const matchPdq = (operator: string, ...values: string[]) =>
  api.post(operator, '/hashes/match', { hashes: values.map((value) => ({ algorithm: 'PDQ', value })) });

describe('the hash list over HTTP', () => {
  it("lists a confirmed case's PDQ hash: a variant 20 bits away matches, one 40 bits away does not, and no answer names the case", async () => {
    const { hash, variant: near } = pdqHexPair(20, seededRandom(2026));
    const { variant: far } = pdqHexPair(40, seededRandom(2026));
    // Given a report with a PDQ hash, approved, its order under post-review
    const caseId = await fileReport(api, [uniqueUrl('op-webhard')], 'staff-kim', {
      hashes: [{ algorithm: 'PDQ', value: hash.toUpperCase() }],
    });
    await approveCase(api, caseId);
    const review = await findReview(api, caseId, 'POST_REVIEW', 'member-1', LONG);
    expect((await matchPdq('op-social', near)).body).toEqual({ matches: [] });

    // When the committee confirms the order
    await vote(api, review.reviewId, ['member-1', 'member-2', 'member-3'], 'CONFIRM');

    // Then any operator's match finds the near variant at distance 20, and not the far one
    const answer = await eventually(async () => {
      const found = await matchPdq('op-social', near, far);
      expect(found.status).toBe(200);
      expect(found.body.matches).toHaveLength(1);
      return found;
    }, LONG);
    expect(answer.body.matches[0]).toEqual({
      algorithm: 'PDQ',
      value: near,
      entryId: expect.any(String),
      category: 'ILLEGAL_FILMING',
      distance: 20,
    });
    // And neither the match nor the export carries the case, its id or its URL
    const exported = await api.get('op-webhard', '/hashes/export');
    expect(exported.status).toBe(200);
    expect(exported.body.entries).toContainEqual(
      expect.objectContaining({ entryId: answer.body.matches[0].entryId, algorithm: 'PDQ', value: hash }),
    );
    for (const body of [answer.body, exported.body]) {
      expect(JSON.stringify(body)).not.toContain(caseId);
      expect(JSON.stringify(body)).not.toContain(caseId.slice(1));
      expect(JSON.stringify(body)).not.toContain('webhard.example');
    }
    // And staff cannot use the operators' route
    expect((await matchPdq('staff-kim', near)).status).toBe(403);
  });
});
