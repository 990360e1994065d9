/**
 * The one way a record changes (docs/architecture.md, "The write model").
 *
 * `execute` reads the record, asks its decider, and commits with ONE conditional put: the next
 * event of the stream's audit chain (AUDIT#seq, absent until then), carrying the record's new
 * state and the follow-ups the event requires. That put is the act: it lands whole or not at all,
 * and two writers racing for the same seq cannot both land, so the loser reads again and decides
 * again (the only retry loop of the write model). The record's own item, the chain head on the
 * stream's root item and the follow-ups come after, from the committed event, and are redone by
 * whoever finds them undone: the next writer on the stream projects an unsettled head before it
 * decides, and the sweeper settles what a crash left (shared/services/acts.ts).
 *
 * No transactions: dynalite, the local DynamoDB, has none, and one conditional put per act needs
 * none.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { nextAuditEvent } from '../domain/audit';
import type { Decider, DecisionContext, FollowUp, RecordEvent, RecordKind } from '../domain/decider';
import type { AuditEvent } from '../domain/model';
import { config, heldForTable } from '../runtime/config';
import { remember } from '../runtime/recent';
import { TransientError } from '../runtime/transient';
import { documentClient } from './client';
import { BATCH_WRITE_LIMIT, gatheredPerTurn, putAll } from './batch-write';
import { AUDIT_PREFIX, INDEX_FIELDS, keys, type IndexField, type ItemKey, type RecordRef } from './keys';
import { indexKeysOf, UNSETTLED } from './indexes';

const tableName = (): string => config().tableName;

/**
 * The last writer waiting for its turn on each stream of this process. Writers of one process take
 * turns on a stream rather than race: a Lambda runs one invocation at a time, so in the cloud a
 * turn never waits, but the one-machine runtime runs every handler in one process, and the tasks of
 * one case (its orders' notices, their waits, the review's opening) would otherwise read the same
 * head, all but one lose the conditional put, and read, decide and pause again. Racing between
 * processes is still settled by the conditional put alone.
 */
const lastInLine = new Map<string, Promise<void>>();

async function inTurn<T>(stream: string, work: () => Promise<T>): Promise<T> {
  const before = lastInLine.get(stream);
  let done = () => {};
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  lastInLine.set(stream, mine);
  try {
    await before;
    return await work();
  } finally {
    done();
    if (lastInLine.get(stream) === mine) lastInLine.delete(stream);
  }
}

/**
 * A stream as this process last saw it: the chain head, projected, and the records it read or wrote
 * as of that head. Where every writer of the table is this one process (`config().singleWriterProcess`,
 * `npm start`), the next act on the stream starts from it instead of reading the head and the record
 * again. The conditional put checks it all the same: had another writer committed since, the put
 * finds the next seq taken, and the act reads afresh. It may be behind the table, never ahead:
 * events are never deleted, and an attempt takes its stream's entry out and puts one back only once
 * what it read is projected and what it committed is projected too.
 */
interface KnownStream {
  /** null: the stream has no event yet (one declared new by `expectNewStream`). */
  readonly head: Pick<StoredEvent, 'seq' | 'hash'> | null;
  readonly records: ReadonlyMap<string, RecordItem<unknown>>;
  /**
   * This process has committed every event of the stream, from its first, and kept its entry since:
   * `records` then holds every record of the stream (nothing but its events makes one), so a record
   * not there does not exist, and is not read.
   */
  readonly whole: boolean;
}

/** Streams this process remembers, per table: a case's acts come in bursts, so the recent ones. */
const KNOWN_STREAMS_LIMIT = 1000;
const knownStreamsByTable = new Map<string, Map<string, KnownStream>>();
const knownStreams = () => heldForTable(knownStreamsByTable, () => new Map<string, KnownStream>());

/**
 * Forgets every remembered head, for a table whose items were put back to an earlier state behind
 * the process's back (a test's restore): a remembered head must never be ahead of its table.
 */
export function forgetKnownStreams(): void {
  knownStreamsByTable.clear();
  actingStreamsByTable.clear();
}

/**
 * Streams with an act in flight, as they were when it started: until the act ends, the records
 * read or written as of that head are still the latest any act has finished with, so reads
 * (`readRecord`) answer from them. An act on a stream runs alone in this process (`inTurn`), and
 * its stream's entry is dropped however the attempt ends: put back as the new head when it
 * committed, read afresh otherwise.
 */
const actingStreamsByTable = new Map<string, Map<string, KnownStream>>();
const actingStreams = () => heldForTable(actingStreamsByTable, () => new Map<string, KnownStream>());

/** The stream as this process last left it, taken out for the attempt that starts from it, and readable while it runs. */
function takeKnown(stream: string): KnownStream | undefined {
  if (!config().singleWriterProcess) return undefined;
  const streams = knownStreams();
  const known = streams.get(stream);
  streams.delete(stream);
  if (known) actingStreams().set(stream, known);
  return known;
}

/**
 * Declares the stream new to the table, for the process that is its only writer: its id was made
 * just now (a case filed), so it has no event and no record, and its first act reads neither. Were
 * the stream not new after all, that act's conditional put would find its first seq taken, and the
 * act would read the stream afresh.
 */
export function expectNewStream(root: ItemKey): void {
  if (!config().singleWriterProcess || knownStreams().has(root.pk)) return;
  remember(knownStreams(), root.pk, { head: null, records: new Map(), whole: true }, KNOWN_STREAMS_LIMIT);
}

/** Remembers `head`, projected, with `item` as the record at `key` beside what was known of the stream before. */
function rememberHead(
  stream: string,
  head: Pick<StoredEvent, 'seq' | 'hash'>,
  record: { key: ItemKey; item: RecordItem<unknown> | undefined },
  before: KnownStream | undefined,
): void {
  if (!config().singleWriterProcess) return;
  const records = new Map(before?.records);
  if (record.item === undefined) records.delete(keyText(record.key));
  // A copy, put back each time the entry is: what a caller does with the state it was answered cannot change what is remembered.
  else records.set(keyText(record.key), structuredClone(record.item));
  const whole = before?.whole ?? false;
  remember(knownStreams(), stream, { head: { seq: head.seq, hash: head.hash }, records, whole }, KNOWN_STREAMS_LIMIT);
}

/** Writers racing on one stream retry with jittered, growing pauses, at most this often. */
const COMMIT_ATTEMPTS = 15;
const MAX_PAUSE_MS = 500;
const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_PAUSE_MS, 5 * 2 ** attempt)));

/** A committed event: its place in the chain, the record it changed, and what it requires. */
export interface StoredEvent<State = unknown> extends AuditEvent {
  readonly stream: string;
  readonly target: { readonly kind: RecordKind; readonly key: ItemKey; readonly root: ItemKey; readonly version: number };
  readonly state: State;
  readonly followUps: readonly FollowUp[];
  /** Until its projection and follow-ups are done (then the sweeper no longer lists it). */
  readonly unsettled: boolean;
}

export interface Executed<State> {
  /** The record after the command (`undefined`: it does not exist and the command created nothing). */
  readonly state: State | undefined;
  /** The event the command committed; null when the decider found nothing to do. */
  readonly committed: StoredEvent<State> | null;
}

interface RecordItem<State> {
  readonly record: State;
  readonly version: number;
}

async function getRecordItem<State>(key: ItemKey): Promise<RecordItem<State> | undefined> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: tableName(),
      Key: key,
      ConsistentRead: true,
      ProjectionExpression: '#record, #version',
      ExpressionAttributeNames: { '#record': 'record', '#version': 'version' },
    }),
  );
  const item = result.Item;
  return item && typeof item.version === 'number' ? { record: item.record as State, version: item.version } : undefined;
}

/**
 * The record's current state: whatever the last projected event left. The table's only writer
 * answers it from memory when it remembers the record (a copy: the caller may change it), since
 * nothing but its own acts, each put back once projected, changes a record there; while an act on
 * the record's stream is in flight, as of when that act began, which is what its last finished act left.
 * A record it does not remember of a stream it has seen whole does not exist.
 */
export async function readRecord<State>(ref: RecordRef): Promise<State | undefined> {
  const stream = readableStream(ref.root.pk);
  const remembered = stream?.records.get(keyText(ref.key));
  if (remembered) return structuredClone(remembered.record) as State;
  if (stream?.whole) return undefined;
  return (await getRecordItem<State>(ref.key))?.record;
}

/** What the table's only writer knows of a stream for a read: as its last finished act left it. */
function readableStream(stream: string): KnownStream | undefined {
  return config().singleWriterProcess ? (knownStreams().get(stream) ?? actingStreams().get(stream)) : undefined;
}

/**
 * The records of a stream whose keys start with `skPrefix`, in key order as a query answers them
 * (copies), when the table's only writer has seen the whole stream and so holds every one of them;
 * undefined otherwise, for the caller to read them from the table.
 */
export function recordsOfWholeStream<State>(root: ItemKey, skPrefix: string): State[] | undefined {
  const stream = readableStream(root.pk);
  if (!stream?.whole) return undefined;
  const prefix = keyText({ pk: root.pk, sk: skPrefix });
  return [...stream.records.entries()]
    .filter(([key]) => key.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, item]) => structuredClone(item.record) as State);
}

function storedEventOf<State>(item: Record<string, unknown>): StoredEvent<State> {
  return {
    seq: item.seq as number,
    at: item.at as string,
    actor: item.actor as string,
    action: item.action as string,
    details: item.details as Record<string, unknown>,
    prevHash: item.prevHash as string,
    hash: item.hash as string,
    stream: item.pk as string,
    target: item.target as StoredEvent['target'],
    state: item.state as State,
    followUps: (item.followUps as FollowUp[] | undefined) ?? [],
    unsettled: item.gsi3pk === UNSETTLED,
  };
}

/** The stream's last event, read consistently: the chain's head. */
export async function readHead(stream: string): Promise<StoredEvent | null> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': stream, ':prefix': AUDIT_PREFIX },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = result.Items?.[0];
  return item ? storedEventOf(item) : null;
}

export async function readEvent(stream: string, seq: number): Promise<StoredEvent | null> {
  const result = await documentClient.send(new GetCommand({ TableName: tableName(), Key: keys.audit(stream, seq), ConsistentRead: true }));
  return result.Item ? storedEventOf(result.Item) : null;
}

/**
 * How many projections of each kind of record this process has ended, landed or not (a write whose
 * answer was lost may have landed). Where the process is the table's only writer, a listing of
 * records of a kind read after the count was taken and kept with it is still the table's while the
 * count stays the same: every record is written by a projection here, and counted once it is done.
 */
const projectionsEnded = new Map<RecordKind, number>();
export const projectionsOf = (kind: RecordKind): number => projectionsEnded.get(kind) ?? 0;

/**
 * Writes the event's outcome where readers look: the chain head on the stream's root item first,
 * then the record's item. Both are conditional on being behind, so this is a no-op when done, and
 * in that order a projected record always has its event under the head.
 */
export async function project(event: StoredEvent): Promise<void> {
  try {
    await writeProjection(event);
  } finally {
    projectionsEnded.set(event.target.kind, projectionsOf(event.target.kind) + 1);
  }
}

async function writeProjection(event: StoredEvent): Promise<void> {
  const { target } = event;
  const isRoot = sameKey(target.key, target.root);
  if (!isRoot) {
    await conditionalUpdate({
      Key: target.root,
      UpdateExpression: 'SET auditSeq = :seq, auditHash = :hash',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(auditSeq) OR auditSeq < :seq)',
      ExpressionAttributeValues: { ':seq': event.seq, ':hash': event.hash },
    });
  }
  const indexKeys = indexKeysOf(target.kind, event.state, event.at);
  const values: Record<string, unknown> = { ':record': event.state, ':version': target.version, ':kind': target.kind, ':at': event.at };
  const sets = ['#record = :record', '#version = :version', '#kind = :kind', 'lastEventAt = :at'];
  const removes: IndexField[] = [];
  for (const field of INDEX_FIELDS) {
    const value = indexKeys[field];
    if (value === undefined) removes.push(field);
    else {
      sets.push(`${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  // A root record's own event moves the head in the same write: nothing later can have moved it
  // further, since every later writer projects this event before committing its own.
  if (isRoot) {
    sets.push('auditSeq = :seq', 'auditHash = :hash');
    values[':seq'] = event.seq;
    values[':hash'] = event.hash;
  }
  await conditionalUpdate({
    Key: target.key,
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: 'attribute_not_exists(#version) OR #version < :version',
    ExpressionAttributeNames: { '#record': 'record', '#version': 'version', '#kind': 'kind' },
    ExpressionAttributeValues: values,
  });
}

/** The event's item as committed, without the unsettled marker (`gsi3pk`, `gsi3sk`) it is committed with. */
function eventItemOf(event: StoredEvent): Record<string, unknown> {
  const { seq, at, actor, action, details, prevHash, hash, target, state, followUps } = event;
  return { ...keys.audit(event.stream, seq), seq, at, actor, action, details, prevHash, hash, target, state, followUps };
}

/**
 * Takes the unsettled marker off events. One alone costs an UpdateItem removing it; several at
 * once, one BatchWriteItem putting each event's item again without it: an event's item never
 * changes but for its marker, so the item put is the item committed, unmarked.
 */
async function unmark(events: readonly StoredEvent[]): Promise<void> {
  // The act and the sweeper may settle the same event at once; a batch may name an item only once.
  const [only, ...more] = new Map(events.map((event) => [`${event.stream}#${event.seq}`, event])).values();
  if (only === undefined) return;
  if (more.length > 0) return putAll([only, ...more].map(eventItemOf), 'settled events');
  await documentClient.send(
    new UpdateCommand({ TableName: tableName(), Key: keys.audit(only.stream, only.seq), UpdateExpression: 'REMOVE gsi3pk, gsi3sk' }),
  );
}

/**
 * Marks an event whose projection and follow-ups are done: it leaves the sweeper's list. The
 * events settled in one turn of the event loop are written together (`npm start` finishes many
 * cases' acts at once; a Lambda, one).
 */
export const settle: (event: StoredEvent) => Promise<void> = gatheredPerTurn(BATCH_WRITE_LIMIT, unmark);

/**
 * The record at `key` once the stream's head is projected: an unsettled head whose record is behind
 * it is projected first (every earlier event is projected already). When the head changed this same
 * record, the head holds its state: a settled head's state is what its projection wrote (nothing
 * but `project` writes a record, and nothing after the head can have), so no read is needed; an
 * unsettled head's record is read once to see whether it is behind, and then the head's state is the
 * record's. A commit the reads missed would take the next seq, which the caller's conditional put
 * then finds taken.
 */
async function readCaughtUp<State>(head: StoredEvent | null, key: ItemKey): Promise<RecordItem<State> | undefined> {
  if (head === null) return getRecordItem<State>(key);
  const onThisRecord = sameKey(head.target.key, key);
  if (!head.unsettled) return onThisRecord ? stateOf<State>(head) : getRecordItem<State>(key);
  // Projecting the head touches only its own record, so the two reads need not wait for each other.
  const [headRecord, record] = await Promise.all([getRecordItem(head.target.key), onThisRecord ? undefined : getRecordItem<State>(key)]);
  const behind = (headRecord?.version ?? 0) < head.target.version;
  if (behind) await project(head);
  return onThisRecord ? stateOf<State>(head) : record;
}

async function readFromHead<State>(stream: string, key: ItemKey) {
  const head = await readHead(stream);
  return { head, item: await readCaughtUp<State>(head, key) };
}

const stateOf = <State>(event: StoredEvent): RecordItem<State> => ({ record: event.state as State, version: event.target.version });

/**
 * A record of a stream whose head this process saw projected: as remembered, or else as stored,
 * which is then as of that head (every event up to it is projected) or later; none, unread, when
 * the process has seen the whole stream.
 */
async function knownRecord<State>(known: KnownStream, key: ItemKey): Promise<RecordItem<State> | undefined> {
  const remembered = known.records.get(keyText(key));
  if (remembered) return remembered as RecordItem<State>;
  return known.whole ? undefined : getRecordItem<State>(key);
}

const keyText = (key: ItemKey): string => `${key.pk}\u0000${key.sk}`;

/** The stream's head as a chain head, with its seq and hash. */
export async function readChainHead(root: ItemKey): Promise<{ seq: number; hash: string } | undefined> {
  const result = await documentClient.send(
    new GetCommand({ TableName: tableName(), Key: root, ConsistentRead: true, ProjectionExpression: 'auditSeq, auditHash' }),
  );
  const item = result.Item;
  return item && typeof item.auditSeq === 'number' ? { seq: item.auditSeq, hash: item.auditHash as string } : undefined;
}

/**
 * In the stream's turn, reads the record, decides, and commits the event with its new state and
 * follow-ups in one conditional put; then projects it. The event is returned so that the caller can do its
 * follow-ups (shared/services/acts.ts). A refusal (a DomainError from the decider) writes nothing.
 */
export async function execute<State, Command, Event extends RecordEvent>(
  decider: Decider<State, Command, Event>,
  ref: RecordRef,
  command: Command,
  context: DecisionContext,
): Promise<Executed<State>> {
  return inTurn(ref.root.pk, () => commit(decider, ref, command, context));
}

async function commit<State, Command, Event extends RecordEvent>(
  decider: Decider<State, Command, Event>,
  ref: RecordRef,
  command: Command,
  context: DecisionContext,
): Promise<Executed<State>> {
  const stream = ref.root.pk;
  for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt += 1) {
    if (attempt > 0) await pause(attempt);
    const known = takeKnown(stream);
    try {
      const executed = await attemptCommit(decider, ref, command, context, known);
      if (executed !== SEQ_TAKEN) return executed;
    } finally {
      actingStreams().delete(stream);
    }
  }
  // The workflow retries a TransientError with backoff; the API answers it 503, "try again".
  throw new TransientError(`${ref.kind} ${ref.id} kept changing under too many writers at once; try again`);
}

/** An attempt whose put found the next seq taken: another writer committed first. */
const SEQ_TAKEN = Symbol('seq taken');

/** One read, decision and conditional put, from the head this process knew (`known`) or read afresh. */
async function attemptCommit<State, Command, Event extends RecordEvent>(
  decider: Decider<State, Command, Event>,
  ref: RecordRef,
  command: Command,
  context: DecisionContext,
  known: KnownStream | undefined,
): Promise<Executed<State> | typeof SEQ_TAKEN> {
  const stream = ref.root.pk;
  const { head, item } = known
    ? { head: known.head, item: await knownRecord<State>(known, ref.key) }
    : await readFromHead<State>(stream, ref.key);
  // Deciding writes nothing: whether it finds nothing to do or refuses, what was read stays the stream's latest.
  const keepWhatWasRead = () => {
    if (head !== null) rememberHead(stream, head, { key: ref.key, item }, known);
  };
  let decision: ReturnType<typeof decider.decide>;
  try {
    decision = decider.decide(command, item?.record, context);
  } catch (refusal) {
    keepWhatWasRead();
    throw refusal;
  }
  if (decision === null) {
    keepWhatWasRead();
    return { state: item?.record, committed: null };
  }

  const { event, followUps = [] } = decision;
  const state = decider.evolve(item?.record, event);
  const chained = nextAuditEvent(head, { at: event.at, actor: event.actor, action: event.action, details: { ...event.details } });
  const stored: StoredEvent<State> = {
    ...chained,
    stream,
    target: { kind: ref.kind, key: ref.key, root: ref.root, version: (item?.version ?? 0) + 1 },
    state,
    followUps,
    unsettled: true,
  };
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...eventItemOf(stored), gsi3pk: UNSETTLED, gsi3sk: `${event.at}#${stream}#${chained.seq}` },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return SEQ_TAKEN;
    throw error;
  }
  await project(stored);
  rememberHead(stream, stored, { key: ref.key, item: stateOf(stored) }, known);
  return { state, committed: stored };
}

/** Events of a stream whose follow-ups may be undone, committed before `before`. */
export async function listUnsettled(before: string, limit: number): Promise<StoredEvent[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :p AND gsi3sk < :before',
      ExpressionAttributeValues: { ':p': UNSETTLED, ':before': before },
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => storedEventOf(item));
}

const AUDIT_NAMES = Object.fromEntries(['seq', 'at', 'actor', 'action', 'details', 'prevHash', 'hash'].map((name) => [`#${name}`, name]));

/**
 * The unsettled events of one stream, oldest first. The list of unsettled events is short (acts in
 * flight, and what faults left), so filtering it is cheap.
 */
export async function listUnsettledOf(stream: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :p',
        FilterExpression: 'pk = :stream',
        ExpressionAttributeValues: { ':p': UNSETTLED, ':stream': stream },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    events.push(...(page.Items ?? []).map((item) => storedEventOf(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return events.sort((a, b) => a.seq - b.seq);
}

/** The stream's whole chain, oldest first. */
export async function listChain(stream: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': stream, ':prefix': AUDIT_PREFIX },
        ProjectionExpression: '#seq, #at, #actor, #action, #details, #prevHash, #hash',
        ExpressionAttributeNames: AUDIT_NAMES,
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const { seq, at, actor, action, details, prevHash, hash } = item as AuditEvent;
      events.push({ seq, at, actor, action, details, prevHash, hash });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return events;
}

function sameKey(a: ItemKey, b: ItemKey): boolean {
  return a.pk === b.pk && a.sk === b.sk;
}

/** An update whose condition failing means "done already". */
async function conditionalUpdate(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<void> {
  try {
    await documentClient.send(new UpdateCommand({ TableName: tableName(), ...input }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
