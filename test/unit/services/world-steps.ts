/**
 * Steps the service tests share on top of the world (test/support/world.ts): waits that hold a
 * live token, raw reads of the items that are not records (claims), the chain of a stream, and an
 * act whose process dies right after it committed its event (the event stays unsettled: neither
 * projected nor followed up), which is what the sweeper exists for.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { AuditEvent } from '../../../shared/domain/model';
import { config } from '../../../shared/runtime/config';
import { documentClient } from '../../../shared/store/client';
import { listChain, listUnsettledOf, type StoredEvent } from '../../../shared/store/journal';
import { keys, refs, type ItemKey } from '../../../shared/store/keys';
import { storeTaskToken, writeUrls } from '../../../shared/store/repository';
import { plant } from '../../support/given';
import { aCase, anOperator, anOrder } from '../../support/records';
import type { World } from '../../support/world';

/** A wait of the workflow that holds a token Step Functions will take once. */
export async function givenLiveWait(world: World, caseId: string, purpose: string, token: string, at: string): Promise<void> {
  await storeTaskToken(caseId, purpose, token, at);
  world.liveToken(token);
}

/**
 * A case of 2026-11-24 whose orders were issued, with one URL of op-webhard's: its order is issued
 * and its notice not yet accepted, so its clock has not started.
 */
export async function givenIssuedOrder(caseId: string): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(
    aCase({ caseId, createdAt: '2026-11-24T05:00:00.000Z', status: 'ORDERS_ISSUED', ordersIssuedAt: '2026-11-24T06:00:00.000Z' }),
  );
  await writeUrls(caseId, [{ url: 'https://webhard.example/v/1', host: 'webhard.example', operatorId: 'op-webhard' }]);
  const { deadlineAt: _deadline, graceEndsAt: _grace, ...issued } = anOrder({ caseId, urlCount: 1, issuedAt: '2026-11-24T06:00:00.000Z' });
  await plant.order(issued);
}

/** An item as the table holds it (for the claim items, which are no records). */
export async function storedItem(key: ItemKey): Promise<Record<string, unknown> | undefined> {
  const result = await documentClient.send(new GetCommand({ TableName: config().tableName, Key: key, ConsistentRead: true }));
  return result.Item;
}

/** Who holds the claim on a domain. */
export async function domainOwner(domain: string): Promise<string | undefined> {
  return (await storedItem(keys.domain(domain)))?.operatorId as string | undefined;
}

/** A case's audit chain as stored, oldest first. */
export const chainOfCase = (caseId: string): Promise<AuditEvent[]> => listChain(refs.case(caseId).root.pk);

/** An operator's audit chain as stored, oldest first. */
export const chainOfOperator = (operatorId: string): Promise<AuditEvent[]> => listChain(refs.operator(operatorId).root.pk);

/** The events of a case's stream whose projection or follow-ups are not done. */
export const unsettledOfCase = (caseId: string): Promise<StoredEvent[]> => listUnsettledOf(refs.case(caseId).root.pk);

/** A string attribute as the client's middleware sees it: DynamoDB's attribute value. */
const text = (value: { S?: string } | undefined): string | undefined => value?.S;

/**
 * Runs `work` and answers the number (as the world's fault injector counts AWS calls) of the call
 * that committed an event with `action`: the conditional put of its AUDIT# item.
 */
async function commitCallOf(world: World, action: string, work: () => Promise<unknown>): Promise<number> {
  let committedAt: number | undefined;
  documentClient.middlewareStack.add(
    (next) => async (args) => {
      const item = (args.input as { Item?: Record<string, { S?: string }> }).Item;
      if (committedAt === undefined && item && text(item.sk)?.startsWith('AUDIT#') && text(item.action) === action) {
        committedAt = world.faults.calls;
      }
      return next(args);
    },
    { step: 'initialize', name: 'findCommit' },
  );
  try {
    world.faults.reset();
    await work();
  } finally {
    documentClient.middlewareStack.remove('findCommit');
  }
  if (committedAt === undefined) throw new Error(`the act committed no ${action} event`);
  return committedAt;
}

export interface CrashAfterCommit {
  /** Plants what the act starts from (the world is empty before). */
  readonly given: () => Promise<void>;
  readonly act: () => Promise<unknown>;
  /** The action of the event after whose commit the process dies. */
  readonly action: string;
  /** The policy the world runs with. */
  readonly policy?: object;
}

/**
 * Leaves the act's event committed and unsettled: a dry run finds the AWS call that commits it,
 * then the world starts over and the process "dies" right after that call (every later call
 * fails). The act's caller saw it fail; nothing after the commit happened.
 */
export async function crashAfterCommit(world: World, subject: CrashAfterCommit): Promise<void> {
  await world.reset(subject.policy);
  await subject.given();
  const at = await commitCallOf(world, subject.action, subject.act);
  await world.reset(subject.policy);
  await subject.given();
  world.faults.arm({ at, when: 'after', crash: true });
  try {
    await expect(subject.act()).rejects.toThrow(/injected fault/);
  } finally {
    world.faults.disarm();
  }
}

/** An ISO time `seconds` after `iso`. */
export const plus = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();
