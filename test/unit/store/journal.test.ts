/**
 * What `execute` reads before it decides, on the world: an unsettled head of the stream is caught
 * up first, and when that head changed the very record being acted on, the record is read once, or
 * not at all once the head is settled (its state is the record's).
 * Every act that follows up an act on its own record (a notice recorded on its order, say) starts
 * from such a head, so a second read there is one DynamoDB call per act for nothing.
 *
 * Writers of one stream in this process take turns; a writer in another process still races, and
 * the conditional put on the next seq settles it: both are shown here.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../../shared/domain/audit';
import { config } from '../../../shared/runtime/config';
import { documentClient } from '../../../shared/store/client';
import { caseDecider } from '../../../shared/domain/deciders/case';
import { orderDecider } from '../../../shared/domain/deciders/order';
import type { OrderRecord } from '../../../shared/domain/model';
import { enforceDeadline } from '../../../shared/services/deadlines';
import { policyForRecord } from '../../../shared/services/policies';
import { execute, expectNewStream, listUnsettledOf, readChainHead, settle, type StoredEvent } from '../../../shared/store/journal';
import { keys, refs } from '../../../shared/store/keys';
import { getOrder, listOrdersOfCase } from '../../../shared/store/repository';
import { plant, storedEvents } from '../../support/given';
import { aCase, anOperator, anOrder, CASE_ID, SOCIAL_ORDER_ID, WEBHARD_ORDER_ID } from '../../support/records';
import { InjectedFault, useWorld } from '../../support/world';
import { crashAfterCommit, unsettledOfCase } from '../services/world-steps';
import { asTheTablesOnlyWriter } from '../../support/single-writer';

const world = useWorld();
const ORDER = refs.order(WEBHARD_ORDER_ID);
/** After the planted order's deadline (anOrder's), so that ENFORCE_DEADLINE marks it overdue. */
const AFTER_DEADLINE = '2026-03-03T02:00:00.000Z';

async function givenOrder(): Promise<void> {
  await plant.operator(anOperator());
  await plant.case(aCase({ status: 'ORDERS_ISSUED' }));
  await plant.order(anOrder());
}

const OTHER = refs.order(SOCIAL_ORDER_ID);
const STREAM = ORDER.root.pk;

async function givenTwoOrdersOfOneCase(): Promise<void> {
  await givenOrder();
  await plant.order(anOrder({ operatorId: 'op-social' }));
}

const enforce = async (ref: typeof ORDER) =>
  execute(orderDecider, ref, { type: 'ENFORCE_DEADLINE' }, { now: AFTER_DEADLINE, policy: await policyForRecord(ref) });

/** The event item another process commits for the other order: made here, then taken back. */
async function anotherProcessesEvent(): Promise<Record<string, unknown>> {
  const before = await world.snapshot();
  const { committed } = await enforce(OTHER);
  const item = await documentClient.send(
    new GetCommand({ TableName: config().tableName, Key: keys.audit(STREAM, committed?.seq ?? 0), ConsistentRead: true }),
  );
  await world.restore(before);
  if (!item.Item) throw new Error('the other order was not marked overdue');
  return item.Item;
}

/** Runs `probe` just before this process's next audit event put, while that act is in flight. */
function beforeNextAuditPut(probe: () => Promise<void>): () => void {
  const name = 'probeInFlight';
  let probed = false;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: { sk?: { S?: string } } };
      if (!probed && context.commandName === 'PutItemCommand' && input.Item?.sk?.S?.startsWith('AUDIT#')) {
        probed = true;
        await probe();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => documentClient.middlewareStack.remove(name);
}

/** Lands `item` just before this process's next audit event put, as a writer elsewhere would. */
function committedElsewhereBeforeNextPut(item: Record<string, unknown>): () => void {
  return beforeNextAuditPut(async () => {
    await documentClient.send(
      new PutCommand({ TableName: config().tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  });
}

/** Runs the command through the journal alone (no follow-ups, so its event stays unsettled) and answers the AWS calls it made. */
async function executeCounting(command: Parameters<typeof orderDecider.decide>[0]) {
  const policy = await policyForRecord(ORDER);
  const [executed, calls] = await world.faults.callsOf(() => execute(orderDecider, ORDER, command, { now: AFTER_DEADLINE, policy }));
  return { executed, calls };
}

describe('what execute reads before it decides', () => {
  it('reads the record once when the head changed that record and is projected', async () => {
    // Given an order marked overdue by an event committed and projected, its follow-ups not yet done
    await givenOrder();
    const first = await executeCounting({ type: 'ENFORCE_DEADLINE' });
    expect(first.executed.committed?.action).toBe('ORDER_OVERDUE');
    expect((await unsettledOfCase(CASE_ID)).map((event) => event.action)).toEqual(['ORDER_OVERDUE']);

    // When the same order is acted on again
    const { executed, calls } = await executeCounting({ type: 'ENFORCE_DEADLINE' });

    // Then the head and the record were read once each, and the decision saw the overdue order
    expect(calls).toEqual(['DynamoDB QueryCommand', 'DynamoDB GetItemCommand']);
    expect(executed.committed).toBeNull();
    expect(executed.state).toMatchObject<Partial<OrderRecord>>({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
  });

  it('reads no record when the head changed that record and is settled: the head holds its state', async () => {
    // Given an order marked overdue by an event committed, projected and settled
    await givenOrder();
    const first = await executeCounting({ type: 'ENFORCE_DEADLINE' });
    await settle(first.executed.committed ?? expect.unreachable('the first act commits'));
    expect(await unsettledOfCase(CASE_ID)).toEqual([]);

    // When the same order is acted on again
    const { executed, calls } = await executeCounting({ type: 'ENFORCE_DEADLINE' });

    // Then only the head was read, and the decision saw the overdue order as its record holds it
    expect(calls).toEqual(['DynamoDB QueryCommand']);
    expect(executed.committed).toBeNull();
    expect(executed.state).toEqual(await getOrder(WEBHARD_ORDER_ID));
    expect(executed.state).toMatchObject<Partial<OrderRecord>>({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
  });

  it('projects a head left behind by a crash, and decides on the head state without reading the record again', async () => {
    // Given an order whose ORDER_OVERDUE event was committed and the process died before projecting it
    await crashAfterCommit(world, {
      given: givenOrder,
      act: () => enforceDeadline(WEBHARD_ORDER_ID, AFTER_DEADLINE),
      action: 'ORDER_OVERDUE',
    });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'ISSUED' });

    // When the same order is acted on again
    const { executed, calls } = await executeCounting({ type: 'ENFORCE_DEADLINE' });

    // Then the head was projected (the case's chain head, then the order), the record read once,
    // and the decision saw the overdue order: nothing marked overdue twice
    expect(calls).toEqual(['DynamoDB QueryCommand', 'DynamoDB GetItemCommand', 'DynamoDB UpdateItemCommand', 'DynamoDB UpdateItemCommand']);
    expect(executed.committed).toBeNull();
    expect(executed.state).toMatchObject<Partial<OrderRecord>>({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
  });

  it('reads both records when the head changed another record of the stream', async () => {
    // Given a case whose last event, on one order, is unsettled
    await givenOrder();
    await plant.order(anOrder({ operatorId: 'op-social' }));
    await executeCounting({ type: 'ENFORCE_DEADLINE' });

    // When the other order is acted on
    const other = refs.order(SOCIAL_ORDER_ID);
    world.faults.reset();
    const executed = await execute(
      orderDecider,
      other,
      { type: 'ENFORCE_DEADLINE' },
      { now: AFTER_DEADLINE, policy: await policyForRecord(other) },
    );

    // Then the head's record was checked, and the other order read and decided on its own
    expect(world.faults.log.slice(0, 3)).toEqual(['DynamoDB QueryCommand', 'DynamoDB GetItemCommand', 'DynamoDB GetItemCommand']);
    expect(executed.committed?.action).toBe('ORDER_OVERDUE');
    expect(executed.state).toMatchObject<Partial<OrderRecord>>({ orderId: SOCIAL_ORDER_ID, status: 'OVERDUE' });
  });
});

describe('writers of one stream in one process', () => {
  it('take turns: two acts at once on one case commit one after the other, neither losing its put', async () => {
    // Given two orders of one case, so that both acts append to the case's chain
    await givenTwoOrdersOfOneCase();
    world.faults.reset();

    // When both orders are enforced at the same moment
    const [first, second] = await Promise.all([enforce(ORDER), enforce(OTHER)]);

    // Then each committed the next event of the chain in the order they came, with one put each
    expect(second.committed?.seq).toBe((first.committed?.seq ?? 0) + 1);
    expect(second.committed?.prevHash).toBe(first.committed?.hash);
    expect(world.faults.log.filter((call) => call === 'DynamoDB PutItemCommand')).toHaveLength(2);
  });

  it('hand the turn on when an act fails, so the next one still commits', async () => {
    // Given two orders of one case, and the first act's first AWS call failing
    await givenTwoOrdersOfOneCase();
    world.faults.arm({ at: 1, when: 'before', crash: false });

    // When both orders are enforced at the same moment
    const [first, second] = await Promise.allSettled([enforce(ORDER), enforce(OTHER)]);

    // Then the first failed with the fault, and the second committed after it
    expect(first.status === 'rejected' && first.reason).toBeInstanceOf(InjectedFault);
    expect(second.status === 'fulfilled' && second.value.committed?.action).toBe('ORDER_OVERDUE');
    expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ status: 'OVERDUE' });
  });
});

describe('a writer in another process', () => {
  it('loses the put for the seq it read, projects the winner, decides again and commits after it', async () => {
    // Given two orders of one case, and another process about to commit the other order's overdue
    await givenOrder();
    await plant.order(anOrder({ operatorId: 'op-social' }));
    const elsewhere = await anotherProcessesEvent();
    const stop = committedElsewhereBeforeNextPut(elsewhere);

    // When this process enforces its order, the other's event landing between its read and its put
    let executed: Awaited<ReturnType<typeof enforce>>;
    try {
      executed = await enforce(ORDER);
    } finally {
      stop();
    }

    // Then its event follows the other's in the chain, and both orders are overdue
    expect(executed.committed?.seq).toBe((elsewhere.seq as number) + 1);
    expect(executed.committed?.prevHash).toBe(elsewhere.hash);
    const events = await storedEvents(STREAM);
    expect(verifyChain(events, await readChainHead(ORDER.root))).toEqual({ verified: true });
    expect(events.slice(-2).map((event) => [event.action, event.details.orderId])).toEqual([
      ['ORDER_OVERDUE', SOCIAL_ORDER_ID],
      ['ORDER_OVERDUE', WEBHARD_ORDER_ID],
    ]);
    expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ status: 'OVERDUE' });
    expect(await getOrder(WEBHARD_ORDER_ID)).toMatchObject({ status: 'OVERDUE' });
  });
});

describe('a process that is the table’s only writer (npm start)', () => {
  asTheTablesOnlyWriter();

  it('starts the next act on a stream from the head it committed: no read of the head, none of a record it wrote', async () => {
    // Given one order of a case enforced by this process, its event unsettled
    await givenTwoOrdersOfOneCase();
    await enforce(ORDER);

    // When the case's other order is enforced, and then the first order again
    const [other, otherCalls] = await world.faults.callsOf(() => enforce(OTHER));
    world.faults.reset();
    const again = await enforce(ORDER);

    // Then neither the head nor the other order was read: this process planted that order through the
    // journal and remembers it; the chain goes on unbroken
    expect(otherCalls).toEqual(['DynamoDB PutItemCommand', 'DynamoDB UpdateItemCommand', 'DynamoDB UpdateItemCommand']);
    expect(other.committed?.action).toBe('ORDER_OVERDUE');
    // And the first order, remembered as overdue, needed no read at all to find nothing to do
    expect(world.faults.log).toEqual([]);
    expect(again.committed).toBeNull();
    expect(again.state).toEqual(await getOrder(WEBHARD_ORDER_ID));
    expect(verifyChain(await storedEvents(STREAM), await readChainHead(ORDER.root))).toEqual({ verified: true });
  });

  it('finds a head committed elsewhere since by its refused put, reads afresh and decides on what the other writer did', async () => {
    // Given the case's chain head remembered after enforcing one order, and another process about
    // to mark the other order overdue just before this process's next put
    await givenTwoOrdersOfOneCase();
    await enforce(ORDER);
    const elsewhere = await anotherProcessesEvent();
    // (its restore forgot every head: the order enforced again finds nothing to do, and remembers the head it read)
    expect(await enforce(ORDER)).toMatchObject({ committed: null });
    const stop = committedElsewhereBeforeNextPut(elsewhere);

    // When this process enforces the other order from what it remembers
    let executed: Awaited<ReturnType<typeof enforce>>;
    try {
      world.faults.reset();
      executed = await enforce(OTHER);
    } finally {
      stop();
    }

    // Then its put for the remembered head's next seq was refused, it read the head afresh, projected
    // the other process's event, and found the order overdue already: marked overdue once, chain whole
    // (the first put is the other process's)
    expect(world.faults.log.slice(0, 4)).toEqual([
      'DynamoDB GetItemCommand',
      'DynamoDB PutItemCommand',
      'DynamoDB PutItemCommand',
      'DynamoDB QueryCommand',
    ]);
    expect(executed.committed).toBeNull();
    expect(executed.state).toMatchObject<Partial<OrderRecord>>({ orderId: SOCIAL_ORDER_ID, status: 'OVERDUE' });
    const events = await storedEvents(STREAM);
    expect(events.filter((event) => event.action === 'ORDER_OVERDUE').map((event) => event.details.orderId)).toEqual([
      WEBHARD_ORDER_ID,
      SOCIAL_ORDER_ID,
    ]);
    expect(verifyChain(events, await readChainHead(ORDER.root))).toEqual({ verified: true });
  });

  it('remembers a copy: a caller changing the state it was answered changes nothing the next act decides on', async () => {
    // Given an order enforced by this process, and its caller scribbling on the state it got back
    await givenTwoOrdersOfOneCase();
    const first = await enforce(ORDER);
    Object.assign(first.state ?? expect.unreachable('the order exists'), { status: 'ISSUED', overdueAt: undefined });

    // When the order is enforced again, from what the process remembers
    world.faults.reset();
    const again = await enforce(ORDER);

    // Then it read nothing, and decided on the order as committed: overdue already, nothing to do
    expect(world.faults.log).toEqual([]);
    expect(again.committed).toBeNull();
    expect(again.state).toMatchObject<Partial<OrderRecord>>({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
    // And so again when the state answered from memory is scribbled on
    Object.assign(again.state ?? expect.unreachable('the order exists'), { status: 'ISSUED', overdueAt: undefined });
    expect((await enforce(ORDER)).state).toMatchObject<Partial<OrderRecord>>({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
  });

  it('answers a read of a record it remembers from memory, as a copy, and reads one it does not', async () => {
    // Given an order enforced by this process, and the table's other order never acted on here since a restore
    await givenTwoOrdersOfOneCase();
    await world.restore(await world.snapshot());
    await enforce(ORDER);

    // When both orders are read, the first one twice with a change made to the first answer
    world.faults.reset();
    const first = await getOrder(WEBHARD_ORDER_ID);
    Object.assign(first ?? expect.unreachable('the order exists'), { status: 'ISSUED' });
    const second = await getOrder(WEBHARD_ORDER_ID);
    const other = await getOrder(SOCIAL_ORDER_ID);

    // Then only the other order was read from the table, and the remembered order is as committed
    expect(world.faults.log).toEqual(['DynamoDB GetItemCommand']);
    expect(second).toMatchObject<Partial<OrderRecord>>({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
    expect(other).toMatchObject<Partial<OrderRecord>>({ orderId: SOCIAL_ORDER_ID, status: 'ISSUED' });
  });

  it('answers a read on a stream with an act in flight from what it knew when the act began, and the table once the act failed', async () => {
    // Given one order enforced by this process, and its case's other order about to be enforced
    await givenTwoOrdersOfOneCase();
    await enforce(ORDER);
    const readsInFlight: { order: OrderRecord | undefined; calls: string[] }[] = [];
    const stop = beforeNextAuditPut(async () => {
      const from = world.faults.log.length;
      readsInFlight.push({ order: await getOrder(WEBHARD_ORDER_ID), calls: world.faults.log.slice(from) });
    });

    // When the first order is read while the other order's act is in flight, the act's put landing
    // with its answer lost, and read again after that act failed
    world.faults.arm({ at: 1, when: 'after', crash: false });
    try {
      await expect(enforce(OTHER)).rejects.toBeInstanceOf(InjectedFault);
    } finally {
      stop();
    }
    world.faults.reset();
    const afterFailure = await getOrder(WEBHARD_ORDER_ID);

    // Then the read in flight came from memory, as committed, and the read after the failed act from the table
    expect(readsInFlight).toEqual([{ order: expect.objectContaining({ status: 'OVERDUE' }), calls: [] }]);
    expect(world.faults.log).toEqual(['DynamoDB GetItemCommand']);
    expect(afterFailure).toMatchObject<Partial<OrderRecord>>({ status: 'OVERDUE', overdueAt: AFTER_DEADLINE });
  });

  it('keeps the head when the decider refuses: nothing was written, so the next act reads nothing', async () => {
    // Given one order enforced by this process, and a resend of it refused (it is not undelivered)
    await givenTwoOrdersOfOneCase();
    await enforce(ORDER);
    const policy = await policyForRecord(ORDER);
    await expect(execute(orderDecider, ORDER, { type: 'RESEND', by: 'staff-lee' }, { now: AFTER_DEADLINE, policy })).rejects.toThrow(
      /only an UNDELIVERED order/,
    );

    // When the case's other order is enforced
    world.faults.reset();
    const other = await enforce(OTHER);

    // Then it started from the remembered head: its put, its projections, no read
    expect(world.faults.log).toEqual(['DynamoDB PutItemCommand', 'DynamoDB UpdateItemCommand', 'DynamoDB UpdateItemCommand']);
    expect(other.committed?.action).toBe('ORDER_OVERDUE');
    expect(verifyChain(await storedEvents(STREAM), await readChainHead(ORDER.root))).toEqual({ verified: true });
  });

  it('files a case declared new without reading its stream, and knows what its acts have not made is absent', async () => {
    // Given a case id made just now, declared new
    const ref = refs.case(CASE_ID);
    world.faults.reset();
    expectNewStream(ref.root);

    // When the case is filed, then one of its orders issued, each with its policy looked up as an act does
    const filed = await execute(
      caseDecider,
      ref,
      { type: 'FILE', record: aCase() },
      { now: AFTER_DEADLINE, policy: await policyForRecord(ref) },
    );
    const fileCalls = [...world.faults.log];
    world.faults.reset();
    const order = anOrder();
    const issued = await execute(
      orderDecider,
      ORDER,
      { type: 'ISSUE', order },
      { now: AFTER_DEADLINE, policy: await policyForRecord(ORDER) },
    );
    const issueCalls = [...world.faults.log];
    world.faults.reset();
    const neverIssued = await getOrder(SOCIAL_ORDER_ID);

    // Then filing read neither the head nor the case (its put, its projection), issuing read no order
    // (its put, the chain head on the case, the order), and an order never issued needed no read
    expect(fileCalls).toEqual(['DynamoDB PutItemCommand', 'DynamoDB UpdateItemCommand']);
    expect(filed.committed?.action).toBe('REPORT_FILED');
    expect(issueCalls).toEqual(['DynamoDB PutItemCommand', 'DynamoDB UpdateItemCommand', 'DynamoDB UpdateItemCommand']);
    expect(issued.committed?.action).toBe('ORDER_ISSUED');
    expect(world.faults.log).toEqual([]);
    expect(neverIssued).toBeUndefined();
    expect(await getOrder(WEBHARD_ORDER_ID)).toEqual(issued.state);
    expect(verifyChain(await storedEvents(STREAM), await readChainHead(ORDER.root))).toEqual({ verified: true });
  });

  it('lists the orders of a case it has seen whole from memory, as the table lists them to a process that has not', async () => {
    // Given a case filed as new, and two of its orders issued by this process, the second one's id first
    expectNewStream(refs.case(CASE_ID).root);
    await plant.case(aCase());
    await plant.order(anOrder());
    await plant.order(anOrder({ operatorId: 'op-social' }));

    // When its orders are listed, by this process and then by one that forgot the case
    const [remembered, rememberedCalls] = await world.faults.callsOf(() => listOrdersOfCase(CASE_ID));
    await world.restore(await world.snapshot());
    world.faults.reset();
    const stored = await listOrdersOfCase(CASE_ID);

    // Then the first list needed no read, the second a query, and both are the same, in order id order
    expect(rememberedCalls).toEqual([]);
    expect(world.faults.log).toEqual(['DynamoDB QueryCommand']);
    expect(remembered).toEqual(stored);
    expect(remembered.map((order) => order.orderId)).toEqual([WEBHARD_ORDER_ID, SOCIAL_ORDER_ID].sort());
  });

  it('reads afresh a stream declared new that was not: its first put refused, the case filed once', async () => {
    // Given a case filed, which this process then forgets (a restore puts the table back behind its back)
    const ref = refs.case(CASE_ID);
    await plant.case(aCase());
    await world.restore(await world.snapshot());

    // When its id is declared new and the case filed again
    expectNewStream(ref.root);
    world.faults.reset();
    const again = await execute(
      caseDecider,
      ref,
      { type: 'FILE', record: aCase() },
      { now: AFTER_DEADLINE, policy: await policyForRecord(ref) },
    );

    // Then the put of the first event was refused, the head read afresh, and nothing committed: filed once
    expect(world.faults.log.slice(0, 2)).toEqual(['DynamoDB PutItemCommand', 'DynamoDB QueryCommand']);
    expect(again.committed).toBeNull();
    expect(again.state).toMatchObject({ caseId: CASE_ID });
    expect((await storedEvents(STREAM)).filter((event) => event.action === 'REPORT_FILED')).toHaveLength(1);
    // And a record of the stream it did not see whole is read from the table, not taken as absent
    world.faults.reset();
    expect(await getOrder(SOCIAL_ORDER_ID)).toBeUndefined();
    expect(world.faults.log).toEqual(['DynamoDB GetItemCommand']);
  });

  it('forgets the head when its act fails after the put landed, and the retry reads it afresh', async () => {
    // Given one order enforced by this process, and the next act's put landing with its answer lost
    await givenTwoOrdersOfOneCase();
    await enforce(ORDER);
    world.faults.arm({ at: 2, when: 'after', crash: false });
    await expect(enforce(OTHER)).rejects.toBeInstanceOf(InjectedFault);

    // When the act is retried
    world.faults.reset();
    const retried = await enforce(OTHER);

    // Then it read the head afresh, projected the landed event and did nothing twice
    expect(world.faults.log[0]).toBe('DynamoDB QueryCommand');
    expect(retried.committed).toBeNull();
    const overdue = (await storedEvents(STREAM)).filter((event) => event.action === 'ORDER_OVERDUE');
    expect(overdue.map((event) => event.details.orderId)).toEqual([WEBHARD_ORDER_ID, SOCIAL_ORDER_ID]);
    expect(await getOrder(SOCIAL_ORDER_ID)).toMatchObject({ status: 'OVERDUE' });
  });
});

describe('settling events', () => {
  const eventItem = async (event: StoredEvent) =>
    (
      await documentClient.send(
        new GetCommand({ TableName: config().tableName, Key: keys.audit(event.stream, event.seq), ConsistentRead: true }),
      )
    ).Item;
  const committedBoth = async (): Promise<StoredEvent[]> => {
    await givenTwoOrdersOfOneCase();
    const events = [(await enforce(ORDER)).committed, (await enforce(OTHER)).committed];
    return events.map((event) => event ?? expect.unreachable('each order went overdue'));
  };

  it('writes the events settled at one moment in one request, each item as committed without its marker', async () => {
    // Given two acts' events, committed and unsettled
    const events = await committedBoth();
    const before = await Promise.all(events.map(eventItem));

    // When both are settled at once, and one of them again alone
    const [, together] = await world.faults.callsOf(() => Promise.all(events.map((event) => settle(event))));
    world.faults.reset();
    await settle(events[0] as StoredEvent);

    // Then one BatchWriteItem settled both, an UpdateItem the one alone, the sweeper lists neither,
    // and each item is what was committed, less the unsettled marker
    expect(together).toEqual(['DynamoDB BatchWriteItemCommand']);
    expect(world.faults.log).toEqual(['DynamoDB UpdateItemCommand']);
    expect(await listUnsettledOf(STREAM)).toEqual([]);
    const unmarked = before.map((item) => {
      const { gsi3pk, gsi3sk, ...rest } = item ?? expect.unreachable('the event was committed');
      expect(gsi3pk).toBeDefined();
      return rest;
    });
    expect(await Promise.all(events.map(eventItem))).toEqual(unmarked);
    expect(verifyChain(await storedEvents(STREAM), await readChainHead(ORDER.root))).toEqual({ verified: true });
  });

  it('answers each settle of a failed request with its error, and leaves every event of it on the sweeper’s list', async () => {
    // Given two acts' events, and the next DynamoDB call failing
    const events = await committedBoth();
    world.faults.arm({ at: 1, when: 'before', crash: false });

    // When both are settled at once
    const settled = await Promise.allSettled(events.map((event) => settle(event)));

    // Then both were refused with the fault, and both are still listed for the sweeper
    expect(settled.map((outcome) => outcome.status === 'rejected' && outcome.reason instanceof InjectedFault)).toEqual([true, true]);
    world.faults.reset();
    expect((await listUnsettledOf(STREAM)).map((event) => event.seq)).toEqual(events.map((event) => event.seq));
  });
});
