/**
 * Helpers shared by the deciders' tests: one step of `decide` + `evolve` as the store runs it (a
 * refusal writes nothing), times that move forward and often land on a rule's exact instant, the
 * policies a property draws from, and the check that no victim data reaches an event's details.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Decider, DecisionContext, Decision, RecordEvent } from '../../../../shared/domain/decider';
import { DomainError } from '../../../../shared/domain/errors';
import { builtInPolicies, resolvePolicy, type Policy } from '../../../../shared/domain/policy';

/** The Korean profile counting days exactly: the Civil Act's count has its own tests (day-count.test.ts). */
export const KR = resolvePolicy({ dayCount: 'EXACT' });

export const ctx = (now: string, policy: Policy = KR): DecisionContext => ({ now, policy });

export const ms = (at: string): number => Date.parse(at);
export const iso = (at: number): string => new Date(at).toISOString();
export const plus = (at: string, delta: number): string => iso(ms(at) + delta);

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** What one command did: an event (with the state after it), nothing (`null`), or a refusal. */
export type Step<State, Event extends RecordEvent> =
  | { readonly kind: 'event'; readonly decision: Decision<Event>; readonly after: State }
  | { readonly kind: 'null' }
  | { readonly kind: 'refused'; readonly error: DomainError };

/**
 * Runs one command as the journal does: a DomainError is a refusal (nothing written); any other
 * error is a defect and fails the test.
 */
export function step<State, Command, Event extends RecordEvent>(
  decider: Decider<State, Command, Event>,
  command: Command,
  state: State | undefined,
  context: DecisionContext,
): Step<State, Event> {
  let decision: Decision<Event> | null;
  // Refusals are expected by the thousand in a property: their stack traces only cost time.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    decision = decider.decide(command, state, context);
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'refused', error };
    throw error;
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (decision === null) return { kind: 'null' };
  return { kind: 'event', decision, after: decider.evolve(state, decision.event) };
}

/** `decide` must answer an event here; returns it with the state `evolve` makes of it. */
export function decided<State, Command, Event extends RecordEvent>(
  decider: Decider<State, Command, Event>,
  command: Command,
  state: State | undefined,
  context: DecisionContext,
): { event: Event; followUps: Decision<Event>['followUps']; after: State } {
  const decision = decider.decide(command, state, context);
  if (decision === null) throw new Error(`expected an event, got null for ${JSON.stringify(command)}`);
  return { event: decision.event, followUps: decision.followUps, after: decider.evolve(state, decision.event) };
}

/** The built-in profiles and a few variants of them that change a rule the deciders read. */
export const POLICIES: readonly Policy[] = [
  ...Object.values(builtInPolicies),
  resolvePolicy({ id: 'one-approval', urgentApprovals: 1 }),
  resolvePolicy({ id: 'three-approvals', urgentApprovals: 3 }),
  resolvePolicy({ id: 'lift-unreviewed', unreviewedOrder: 'lift' }),
  resolvePolicy({ id: 'demo-lift', base: 'demo', unreviewedOrder: 'lift' }),
];
export const anyPolicy: fc.Arbitrary<Policy> = fc.constantFrom(...POLICIES);

/**
 * When the next command happens, relative to the last one: the same instant, a little or a lot
 * later, or at a named instant of the record (a deadline, its end of grace, a review's close),
 * exactly, a millisecond before or a millisecond after. Never earlier than the last command.
 */
export type When =
  | { readonly kind: 'same' }
  | { readonly kind: 'later'; readonly by: number }
  | { readonly kind: 'anchor'; readonly name: string; readonly offset: -1 | 0 | 1 };

export function whenArb(anchors: readonly string[], maxLater = 40 * DAY): fc.Arbitrary<When> {
  const options: fc.WeightedArbitrary<When>[] = [
    { weight: 2, arbitrary: fc.constant({ kind: 'same' } as const) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 1000 }).map((by) => ({ kind: 'later', by }) as const) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: maxLater }).map((by) => ({ kind: 'later', by }) as const) },
  ];
  if (anchors.length > 0) {
    const offset = fc.oneof({ weight: 2, arbitrary: fc.constant<0>(0) }, { weight: 1, arbitrary: fc.constantFrom<-1 | 1>(-1, 1) });
    options.push({
      weight: 2,
      arbitrary: fc.record({ name: fc.constantFrom(...anchors), offset }).map((anchor) => ({ kind: 'anchor', ...anchor }) as const),
    });
  }
  return fc.oneof(...options);
}

/** The instant of `when`, given the last command's instant and the record's named instants. */
export function resolveWhen(when: When, last: string, anchors: Record<string, string | undefined>): string {
  switch (when.kind) {
    case 'same':
      return last;
    case 'later':
      return plus(last, when.by);
    case 'anchor': {
      const at = anchors[when.name];
      if (at === undefined) return last;
      const target = ms(at) + when.offset;
      return target > ms(last) ? iso(target) : last;
    }
  }
}

/** Victim data (the case's summary, the reporter's reference, the reported URLs) is never in `details`. */
export function expectNoVictimData(event: RecordEvent, secrets: readonly (string | undefined)[]): void {
  const details = JSON.stringify(event.details);
  for (const secret of secrets) {
    if (secret === undefined || secret === '') continue;
    expect(details, `${event.action} details`).not.toContain(secret);
  }
  expect(details, `${event.action} details`).not.toMatch(/https?:\/\//);
}

export const RUNS = { numRuns: 200 } as const;

/**
 * A step of a script: a command drawn at random (often refused, which is worth checking too), or
 * "some command that moves the record now", picked among the candidates the decider would accept
 * in the current state, so that sequences reach the record's later statuses.
 */
export type Choice<Command> = { readonly kind: 'any'; readonly command: Command } | { readonly kind: 'useful'; readonly index: number };

export function choiceArb<Command>(command: fc.Arbitrary<Command>): fc.Arbitrary<Choice<Command>> {
  return fc.oneof(
    command.map((c) => ({ kind: 'any', command: c }) as const),
    fc.nat(1000).map((index) => ({ kind: 'useful', index }) as const),
  );
}

export function resolveChoice<State, Command, Event extends RecordEvent>(
  pick: Choice<Command>,
  decider: Decider<State, Command, Event>,
  state: State,
  context: DecisionContext,
  candidates: () => readonly Command[],
): Command | undefined {
  if (pick.kind === 'any') return pick.command;
  const useful = candidates().filter((command) => step(decider, command, state, context).kind === 'event');
  return useful.length === 0 ? undefined : useful[pick.index % useful.length];
}
