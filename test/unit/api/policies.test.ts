/**
 * Policy versions: a case is bound when filed to the version of the policy it was filed under,
 * its steps follow that version after the policy changes, and `GET /policies/current` and
 * `GET /policies/{version}` answer the documents with their versions.
 */
import { describe, expect, it } from 'vitest';
import { handler as casesHandler } from '../../../functions/api/cases';
import { handler } from '../../../functions/api/policies';
import { handler as reportsHandler } from '../../../functions/api/reports';
import { policyById, resolvePolicy } from '../../../shared/domain/policy';
import { policyVersionOf } from '../../../shared/domain/policy-version';
import { policyOfCase } from '../../../shared/services/policies';
import { getCase, getPolicyVersion } from '../../../shared/store/repository';
import { answerOf, apiEvent, callers, type Caller } from '../../support/api-event';
import { plant } from '../../support/given';
import { aCase, anOperator, CASE_ID } from '../../support/records';
import { useWorld } from '../../support/world';

const world = useWorld();

const KR = policyById('kr-kcsc');
const KR_VERSION = policyVersionOf(KR);
/** A later policy file: approvals due within five minutes instead of two hours. */
const FASTER = { id: 'kr-faster', approvalSla: 'PT5M' };

const report = {
  urls: ['https://webhard.example/v/123'],
  category: 'ILLEGAL_FILMING',
  reporter: { kind: 'SUPPORT_CENTER', reference: 'SC-2026-0099' },
  victimConsent: true,
};

async function fileCase(): Promise<string> {
  const answer = answerOf(await reportsHandler(apiEvent('POST /reports', { caller: callers.staffKim, body: report })));
  expect(answer.statusCode).toBe(201);
  return answer.body.caseId as string;
}

async function getPolicy(caller: Caller | null, version: string) {
  const routeKey = version === 'current' ? 'GET /policies/current' : 'GET /policies/{version}';
  return answerOf(await handler(apiEvent(routeKey, { caller, pathParameters: { version } })));
}

describe('a case bound to its policy version', () => {
  it('records the version when filed and stores the document under it', async () => {
    // Given the Korean policy / When a case is filed
    await plant.operator(anOperator());
    const caseId = await fileCase();

    // Then the case names the policy and its version, and the version's document is stored
    expect(await getCase(caseId)).toMatchObject({ policyId: 'kr-kcsc', policyVersion: KR_VERSION });
    expect(await getPolicyVersion(KR_VERSION)).toEqual(KR);
    const view = answerOf(await casesHandler(apiEvent('GET /cases/{caseId}', { caller: callers.auditor, pathParameters: { caseId } })));
    expect(view.body).toMatchObject({ policyId: 'kr-kcsc', policyVersion: KR_VERSION });
  });

  it('keeps following that version after the policy changes', async () => {
    // Given a case filed under the Korean policy (approvals due within two hours)
    await plant.operator(anOperator());
    const caseId = await fileCase();

    // When the runtime starts again with a faster policy, on the same data
    await world.restore(await world.snapshot(), FASTER);
    const later = await policyOfCase(caseId);

    // Then the case still waits by its own policy's two hours; a new case follows the new policy
    expect(later.approvalSla).toBe('PT2H');
    const newCase = await fileCase();
    expect(await getCase(newCase)).toMatchObject({ policyId: 'kr-faster', policyVersion: policyVersionOf(resolvePolicy(FASTER)) });
    expect((await policyOfCase(newCase)).approvalSla).toBe('PT5M');
  });

  it('keeps what it knows of stored versions and bound cases per table: another table (a stage, a fresh one) is read for itself', async () => {
    // Given a case filed in one table under a faster policy, which stored that version there
    await world.reset(FASTER);
    await plant.operator(anOperator());
    const caseId = await fileCase();
    const fasterVersion = policyVersionOf(resolvePolicy(FASTER));
    expect(await getCase(caseId)).toMatchObject({ policyVersion: fasterVersion });
    expect((await policyOfCase(caseId)).approvalSla).toBe('PT5M');

    // When the process goes on with another table under the Korean policy, where a case of the
    // same id was filed before versions
    await world.reset();
    await plant.case(aCase({ caseId }));

    // Then that case follows this table's record (the current policy), not the other table's version
    expect((await policyOfCase(caseId)).approvalSla).toBe('PT2H');

    // When a third table runs the faster policy again and a case is filed there
    await world.reset(FASTER);
    await plant.operator(anOperator());
    await fileCase();

    // Then the version is stored in this table too: a later process can read it from here
    expect(await getPolicyVersion(fasterVersion)).toEqual(resolvePolicy(FASTER));
  });

  it('follows the current policy for a case filed before policies had versions', async () => {
    // Given a case without a policy version, and a faster policy now
    await world.reset(FASTER);
    await plant.case(aCase());

    // When / Then its steps follow the current policy
    expect((await policyOfCase(CASE_ID)).approvalSla).toBe('PT5M');
  });
});

describe('GET /policies/current and GET /policies/{version}', () => {
  it('answers the active policy with its version, and a stored version after the policy changed', async () => {
    // Given a case filed under the Korean policy, then a new policy file
    await plant.operator(anOperator());
    await fileCase();
    await world.restore(await world.snapshot(), FASTER);

    // When / Then the current policy is the new one, and the old version is still readable by an operator
    const current = await getPolicy(callers.staffKim, 'current');
    expect(current).toEqual({ statusCode: 200, body: { version: policyVersionOf(resolvePolicy(FASTER)), policy: resolvePolicy(FASTER) } });
    expect(await getPolicy(callers.webhard, KR_VERSION)).toEqual({ statusCode: 200, body: { version: KR_VERSION, policy: KR } });
  });

  it.each([
    ['a version never stored', 'f'.repeat(64)],
    ['something that is not a version', 'kr-kcsc'],
  ])('answers 404 for %s', async (_what, version) => {
    expect(await getPolicy(callers.member1, version)).toMatchObject({ statusCode: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('refuses a reporter: 403', async () => {
    expect(await getPolicy(callers.supportCenter, 'current')).toMatchObject({ statusCode: 403 });
  });
});
