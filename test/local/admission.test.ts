import { describe, expect, it } from 'vitest';
import { apiFunctions } from '../../infra/functions';
import { INTAKE_ROUTES, intakeRefusal } from '../../infra/local/apigateway/admission';

describe('admission control: when new cases are refused', () => {
  it.each([
    ['nothing waits', { waiting: 0, oldestWaitMs: 0 }],
    ['tasks wait, the first for less than the bound', { waiting: 400, oldestWaitMs: 9_999 }],
    ['the first has waited exactly the bound', { waiting: 40, oldestWaitMs: 10_000 }],
  ])('takes new cases when %s', (_label, backlog) => {
    expect(intakeRefusal(backlog, 10_000)).toBeUndefined();
  });

  it.each([
    ['just over the bound: at least the waited seconds, rounded up', { waiting: 3, oldestWaitMs: 10_001 }, 11],
    ['a backlog of 45 s: come back in 45 s', { waiting: 900, oldestWaitMs: 44_200 }, 45],
    ['a backlog of ten minutes: never more than a minute', { waiting: 9_000, oldestWaitMs: 600_000 }, 60],
  ])('refuses when %s', (_label, backlog, retryAfterSeconds) => {
    const refusal = intakeRefusal(backlog, 10_000);
    expect(refusal?.retryAfterSeconds).toBe(retryAfterSeconds);
    // The message says what happened, that nothing was filed, and when to send it again.
    expect(refusal?.message).toContain(`${backlog.waiting} workflow tasks waiting`);
    expect(refusal?.message).toContain('Nothing was filed');
    expect(refusal?.message).toContain(`again in ${retryAfterSeconds} s`);
  });

  it('a bound under a second refuses as soon as a task has waited longer: Retry-After is at least 1', () => {
    expect(intakeRefusal({ waiting: 1, oldestWaitMs: 300 }, 200)?.retryAfterSeconds).toBe(1);
  });

  it('names intake routes the API serves: a renamed route would otherwise never be refused', () => {
    const served = new Set(apiFunctions.flatMap((fn) => fn.routes));
    expect([...INTAKE_ROUTES].filter((routeKey) => !served.has(routeKey))).toEqual([]);
    expect(INTAKE_ROUTES.size).toBeGreaterThan(0);
  });
});
