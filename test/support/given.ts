/**
 * Records planted through the write model itself (each creation command of its decider carries a
 * whole record, in any state a test needs), and the write model's invariants, checked on what
 * the table holds: every chain verifies up to its head, every record changed once per version
 * (its events carry versions 1..n, each once, and its item holds version n with the state of
 * event n), and nothing is left unsettled.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { verifyChain } from '../../shared/domain/audit';
import { appealDecider } from '../../shared/domain/deciders/appeal';
import { caseDecider } from '../../shared/domain/deciders/case';
import { operatorDecider } from '../../shared/domain/deciders/operator';
import { orderDecider } from '../../shared/domain/deciders/order';
import { partnerDecider } from '../../shared/domain/deciders/partner';
import { reviewDecider } from '../../shared/domain/deciders/review';
import type { AppealRecord, AuditEvent, CaseRecord, Operator, OrderRecord, ReviewRecord } from '../../shared/domain/model';
import type { Partner } from '../../shared/domain/partners';
import { config } from '../../shared/runtime/config';
import { act } from '../../shared/services/acts';
import { documentClient } from '../../shared/store/client';
import { readChainHead } from '../../shared/store/journal';
import { AUDIT_PREFIX, refs, type ItemKey } from '../../shared/store/keys';

export const plant = {
  case: (record: CaseRecord) => act(caseDecider, refs.case(record.caseId), { type: 'FILE', record }, record.createdAt),
  order: (order: OrderRecord) => act(orderDecider, refs.order(order.orderId), { type: 'ISSUE', order }, order.issuedAt),
  review: (review: ReviewRecord) => act(reviewDecider, refs.review(review.reviewId), { type: 'OPEN', review }, review.openedAt),
  appeal: (appeal: AppealRecord) => act(appealDecider, refs.appeal(appeal.appealId), { type: 'FILE', appeal }, appeal.filedAt),
  operator: (operator: Operator) =>
    act(operatorDecider, refs.operator(operator.operatorId), { type: 'REGISTER', by: 'system', operator }, operator.updatedAt),
  partner: (partner: Partner) =>
    act(partnerDecider, refs.partner(partner.partnerId), { type: 'REGISTER', by: 'system', partner }, partner.updatedAt),
};

type Item = Record<string, unknown>;

async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** The stream's events as stored, with the record and version each changed. */
export async function storedEvents(
  stream: string,
): Promise<(AuditEvent & { target: { key: ItemKey; version: number }; state: unknown })[]> {
  const items = await queryAll({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': stream, ':prefix': AUDIT_PREFIX },
    ConsistentRead: true,
  });
  return items as never;
}

/** The actions of a case's chain, oldest first. */
export async function actionsOf(caseId: string): Promise<string[]> {
  return (await storedEvents(refs.case(caseId).root.pk)).map((event) => event.action);
}

/** Asserts the write model's invariants over one stream (a case's, or an operator's). */
export async function expectConsistentStream(root: ItemKey): Promise<void> {
  const events = await storedEvents(root.pk);
  const head = await readChainHead(root);
  expect(verifyChain(events, head ?? { seq: 0 }), `chain of ${root.pk}`).toEqual({ verified: true });
  expect(head?.seq ?? 0, `head of ${root.pk}`).toBe(events.length);
  const byRecord = new Map<string, typeof events>();
  for (const event of events) {
    const id = `${event.target.key.pk}|${event.target.key.sk}`;
    byRecord.set(id, [...(byRecord.get(id) ?? []), event]);
  }
  const items = await queryAll({
    TableName: config().tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': root.pk },
    ConsistentRead: true,
  });
  for (const [id, changes] of byRecord) {
    const versions = changes.map((event) => event.target.version);
    expect(versions, `versions of ${id}`).toEqual(versions.map((_, index) => index + 1));
    const item = items.find((candidate) => `${String(candidate.pk)}|${String(candidate.sk)}` === id);
    expect(item?.version, `stored version of ${id}`).toBe(changes.length);
    expect(item?.record, `stored state of ${id}`).toEqual(changes.at(-1)?.state);
  }
  const unsettled = items.filter((item) => String(item.sk).startsWith(AUDIT_PREFIX) && item.gsi3pk !== undefined);
  expect(
    unsettled.map((item) => item.action),
    `unsettled events of ${root.pk}`,
  ).toEqual([]);
}
