/**
 * `GET /cases/{caseId}/audit?format=jsonl`, and the verification script of docs/audit.md run as
 * the doc prints it, with nothing but Node, against real exports and tampered or cut ones.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as committeeHandler } from '../../../functions/api/committee';
import { handler } from '../../../functions/api/cases';
import { auditJsonLines, nextAuditEvent } from '../../../shared/domain/audit';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOrder, aReview, CASE_ID, CASE_URLS, POST_REVIEW_ID } from '../../support/records';
import { useWorld } from '../../support/world';
import { writeUrls } from '../../../shared/store/repository';

const AUDIT = 'GET /cases/{caseId}/audit';

/** The fenced block after the doc's marker: exactly what a reader copies. */
function scriptOfTheDoc(): string {
  const doc = readFileSync(join(__dirname, '../../../docs/audit.md'), 'utf8');
  const found = /<!-- verify-audit\.mjs[^>]*-->\n```js\n([\s\S]*?)\n```/.exec(doc);
  if (!found?.[1]) throw new Error('docs/audit.md has no verify-audit.mjs block');
  return found[1];
}

const workDir = mkdtempSync(join(tmpdir(), 'audit-doc-'));
const scriptPath = join(workDir, 'verify-audit.mjs');
writeFileSync(scriptPath, scriptOfTheDoc());

/** Runs the doc's script on an export: its exit code and what it printed. */
function verifyWithTheDocScript(jsonLines: string): { code: number | null; out: string } {
  const file = join(workDir, `export-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, jsonLines);
  const run = spawnSync(process.execPath, [scriptPath, file], { encoding: 'utf8' });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

async function exportAs(caller: Caller | null, query: Record<string, string> = { format: 'jsonl' }) {
  return (await handler(apiEvent(AUDIT, { caller, pathParameters: { caseId: CASE_ID }, query }))) as APIGatewayProxyStructuredResultV2;
}

async function vote(caller: Caller): Promise<void> {
  const event = apiEvent('POST /committee/reviews/{reviewId}/votes', {
    caller,
    pathParameters: { reviewId: POST_REVIEW_ID },
    body: { decision: 'CONFIRM' },
  });
  expect(answerOf(await committeeHandler(event)).statusCode).toBe(201);
}

const lines = (body: string): string[] => body.split('\n').filter((line) => line !== '');
const joined = (parts: readonly string[]): string => parts.map((line) => `${line}\n`).join('');

useWorld();

describe('GET /cases/{caseId}/audit?format=jsonl', () => {
  describe('with a case, its order, and an open review in which member-1 voted', () => {
    beforeEach(async () => {
      await writeUrls(CASE_ID, CASE_URLS);
      await plant.case(aCase());
      await plant.order(anOrder());
      await plant.review(aReview({ closesAt: '2999-01-01T00:00:00.000Z' }));
      await vote(callers.member1);
    });

    it.each([callers.staffKim, callers.auditor])(
      'answers $userId the chain as JSON Lines: the head, then every event as hashed',
      async (caller) => {
        // When
        const answer = await exportAs(caller);

        // Then
        expect(answer.statusCode).toBe(200);
        expect(answer.headers?.['content-type']).toMatch(/^application\/x-ndjson/);
        const json = answerOf(await handler(apiEvent(AUDIT, { caller, pathParameters: { caseId: CASE_ID } }))).body;
        const [head, ...events] = lines(String(answer.body)).map((line) => JSON.parse(line));
        expect(head).toEqual({ caseId: CASE_ID, head: { seq: 4, hash: json.events[3].hash } });
        expect(events).toEqual(json.events);
        expect(events.map((event: { action: string }) => event.action)).toEqual([
          'REPORT_FILED',
          'ORDER_ISSUED',
          'REVIEW_OPENED',
          'VOTE_CAST',
        ]);
        expect(String(answer.body)).not.toContain('CONFIRM');
      },
    );

    it('verifies with the doc’s script, counting the open review’s ballot as sealed', async () => {
      // When
      const result = verifyWithTheDocScript(String((await exportAs(callers.auditor)).body));

      // Then
      expect(result).toEqual({
        code: 0,
        out: expect.stringMatching(/^verified: case \S+, 4 events, head 4 [0-9a-f]{64}, 1 sealed ballots\n$/),
      });
    });

    it('verifies every ballot in full once the review has closed', async () => {
      // Given two more confirmations, which decide and close the review
      await vote(callers.member2);
      await vote({ userId: 'member-3', roles: ['committee'] });

      // When
      const result = verifyWithTheDocScript(String((await exportAs(callers.auditor)).body));

      // Then
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/, 0 sealed ballots\n$/);
    });

    describe('the doc’s script refuses an export that was altered', () => {
      let exported: string[];
      beforeEach(async () => {
        exported = lines(String((await exportAs(callers.auditor)).body));
      });

      it.each([
        ['a detail changed', (l: string[]) => [l[0]!, l[1]!.replace('"urlCount":3', '"urlCount":2'), ...l.slice(2)], /event 1 was changed/],
        [
          'an actor changed',
          (l: string[]) => [l[0]!, l[1]!.replace('"actor":"staff-kim"', '"actor":"staff-lee"'), ...l.slice(2)],
          /event 1 was changed/,
        ],
        ['its last event cut off', (l: string[]) => l.slice(0, -1), /should reach event 4, but it ends at 3/],
        ['an event removed from the middle', (l: string[]) => [l[0]!, l[1]!, ...l.slice(3)], /expected event 2 on line 3, found 3/],
        ['two events swapped', (l: string[]) => [l[0]!, l[2]!, l[1]!, ...l.slice(3)], /expected event 1 on line 2, found 2/],
        [
          'a ballot sealed again under another hash',
          (l: string[]) => [...l.slice(0, 4), l[4]!.replace(/"hash":"[0-9a-f]{4}/, '"hash":"0000')],
          /event 4 is not the recorded head/,
        ],
        [
          'the head moved to another hash',
          (l: string[]) => [l[0]!.replace(/"hash":"[0-9a-f]{4}/, '"hash":"ffff'), ...l.slice(1)],
          /event 4 is not the recorded head/,
        ],
      ])('%s', (_what, alter, problem) => {
        // When
        const result = verifyWithTheDocScript(joined(alter(exported)));

        // Then
        expect(result.code).toBe(1);
        expect(result.out).toMatch(problem);
      });
    });
  });

  it('agrees with the domain’s canonical form on nested, non-ASCII, numeric and array details', () => {
    // Given a chain hashed by shared/domain/audit.ts with details a naive serializer gets wrong
    const first = nextAuditEvent(null, {
      at: '2026-03-02T00:00:00.000Z',
      actor: 'staff-kim',
      action: 'OPERATOR_UPDATED',
      details: { name: { to: '소셜 주식회사 "S"', from: 'Social\u2028Co' }, b: [3, 0.5, 1e21, null, { z: 1, a: true }], a: -0 },
    });
    const second = nextAuditEvent(first, { at: '2026-03-02T00:00:01.000Z', actor: 'system', action: 'CASE_CLOSED', details: {} });

    // When
    const result = verifyWithTheDocScript(auditJsonLines(CASE_ID, { seq: 2, hash: second.hash }, [first, second]));

    // Then
    expect(result.code).toBe(0);
  });

  it('answers 400 naming the parameter for an unknown format', async () => {
    const answer = answerOf(await exportAs(callers.auditor, { format: 'csv' }));
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'format' }] } } });
  });

  it('answers 404 for a case that does not exist', async () => {
    const answer = answerOf(await exportAs(callers.auditor));
    expect(answer).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it.each([callers.member1, callers.webhard, callers.supportCenter])('answers 403 to $userId', async (caller) => {
    const answer = answerOf(await exportAs(caller));
    expect(answer).toMatchObject({ statusCode: 403, body: { error: { code: 'FORBIDDEN' } } });
  });
});
