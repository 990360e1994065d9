/**
 * Admission control over HTTP against `npm start`'s stack: while the workflows' task Lambdas are
 * behind, a new report is refused with 503 and Retry-After and nothing is filed; the same request
 * sent again once they caught up files the case. One task slot and a bound of 0.2 s make a burst
 * of reports enough to put the runtime behind.
 */
import { describe, expect, it } from 'vitest';
import { type Answer, E2E_DURATIONS, eventually, LONG, reportBody, sleep, uniqueUrl, useLocalStack } from './support';

const FILER = 'support-center';
/** Reports sent at once per wave; each opens a case whose first two tasks wait for the one slot. */
const WAVE = 10;
const MOST_WAVES = 30;

const { api } = useLocalStack({
  policy: { id: 'kr-e2e-admission', ...E2E_DURATIONS },
  env: { TASK_CONCURRENCY: '1', INTAKE_MAX_TASK_WAIT_SECONDS: '0.2' },
});

interface Filing {
  readonly key: string;
  readonly body: Record<string, unknown>;
  readonly answer: Answer;
}

async function file(n: number): Promise<Filing> {
  const key = `admission-${n}`;
  const body = reportBody([uniqueUrl('op-webhard')], { reporter: { kind: 'SUPPORT_CENTER', reference: `admission-${n}` } });
  const answer = await api.post(FILER, '/reports', body, { headers: { 'idempotency-key': key }, honourRetryAfter: false });
  return { key, body, answer };
}

describe('admission control: new reports while the workflows are behind', () => {
  it('refuses them with 503 and Retry-After, files nothing, and files them when sent again after the backlog', async () => {
    // Given a burst of reports, wave after wave, until the workflows fall behind
    const filings: Filing[] = [];
    for (let wave = 0; wave < MOST_WAVES && !filings.some((f) => f.answer.status === 503); wave += 1) {
      filings.push(...(await Promise.all(Array.from({ length: WAVE }, (_, i) => file(filings.length + i)))));
    }
    const accepted = filings.filter((f) => f.answer.status === 201);
    const refused = filings.filter((f) => f.answer.status === 503);

    // Then some were taken and the rest refused, each with the contract's error and when to come back
    expect(
      filings.filter((f) => f.answer.status !== 201 && f.answer.status !== 503).map((f) => f.answer),
      'only filed or refused',
    ).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length, `a 503 within ${MOST_WAVES} waves of ${WAVE} reports`).toBeGreaterThan(0);
    for (const { answer } of refused) {
      expect(answer.body.error.code).toBe('UNAVAILABLE');
      expect(answer.body.error.message).toContain('Nothing was filed');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    // When each refused report is sent again, same key and body, once the runtime has caught up
    await sleep(Math.max(...refused.map((f) => Number(f.answer.headers.get('retry-after')))) * 1000);
    const again = [];
    for (const filing of refused) {
      again.push(
        await eventually(
          async () => {
            const answer = await api.post(FILER, '/reports', filing.body, {
              headers: { 'idempotency-key': filing.key },
              honourRetryAfter: false,
            });
            if (answer.status === 503) throw new Error(`still refused: ${answer.body.error.message}`);
            return answer;
          },
          LONG,
          500,
        ),
      );
    }

    // Then each is filed now, as a new case (201, not the 200 of a key already used): the refusal had filed nothing
    expect(again.map((answer) => answer.status)).toEqual(refused.map(() => 201));
    // And the reporter sees every report exactly once
    const own = await api.get(FILER, '/reports');
    const caseIds = [...accepted.map((f) => f.answer.body.caseId), ...again.map((answer) => answer.body.caseId)];
    expect(new Set(caseIds).size).toBe(filings.length);
    const listed = (own.body.reports as { caseId: string }[]).map((report) => report.caseId);
    expect([...listed].sort()).toEqual([...caseIds].sort());
  });
});
