import { describe, expect, it } from 'vitest';
import {
  branch,
  choice,
  DefinitionError,
  fail,
  formatted,
  HOUSE_RETRY,
  inlineMap,
  lambdaTask,
  LAMBDA_CALLBACK,
  parallel,
  pass,
  stateMachine,
  stringEquals,
  succeed,
  waitForPerson,
  when,
  type States,
  type TaskState,
} from '../../statemachines/builder';

const theCase = { 'caseId.$': '$.caseId' } as const;
const recordFailure = {
  RecordFailure: lambdaTask('RecordFailure', theCase, { resultPath: '$.failure', next: 'Failed' }),
  Failed: fail('CaseFailed', 'stopped'),
};

/** A machine of `states` that starts at the first of them, with the house failure states after them. */
const machine = (states: States, startAt = Object.keys(states)[0] ?? 'Done') =>
  stateMachine({ comment: 'test', startAt, onError: 'RecordFailure', states: { ...states, ...recordFailure } });

describe('the house policy', () => {
  it('retries every Lambda call, and catches what is left at the top level into onError, after the state’s own catches', () => {
    // Given a top-level task, a top-level wait for a person with a timeout, and a task inside a branch
    const built = machine({
      Open: lambdaTask('OpenCase', theCase, { select: ['procedure'], resultPath: '$.open', next: 'Await' }),
      Await: waitForPerson('APPROVAL', { timeoutSecondsPath: '$.open.seconds', onTimeout: 'Tracks', resultPath: null, next: 'Tracks' }),
      Tracks: parallel([branch('Inner', { Inner: lambdaTask('CloseCase', theCase, { resultPath: null, end: true }) })], {
        resultPath: null,
        next: 'Done',
      }),
      Done: succeed(),
    });
    const houseCatch = { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' };
    const states = built.States as Record<string, TaskState & { Branches?: { States: Record<string, TaskState> }[] }>;
    // Then every Lambda call retries the house policy
    expect(states.Open?.Retry).toEqual([HOUSE_RETRY]);
    expect(states.Await?.Retry).toEqual([HOUSE_RETRY]);
    // And the top-level states catch into RecordFailure, the timeout first
    expect(states.Open?.Catch).toEqual([houseCatch]);
    expect(states.Await?.Catch).toEqual([{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Tracks' }, houseCatch]);
    expect(states.Tracks?.Catch).toEqual([houseCatch]);
    // And neither the state inside the branch (its error reaches Tracks) nor RecordFailure itself catches
    const inner = states.Tracks?.Branches?.[0]?.States.Inner;
    expect(inner?.Retry).toEqual([HOUSE_RETRY]);
    expect(inner).not.toHaveProperty('Catch');
    expect(states.RecordFailure).not.toHaveProperty('Catch');
  });

  it('renders the fields of each state in ASL order, whatever order the helpers wrote them in', () => {
    const built = machine({
      Open: lambdaTask('OpenCase', theCase, { select: ['procedure'], resultPath: '$.open', next: 'Done' }),
      Done: succeed(),
    });
    expect(Object.keys(built.States.Open ?? {})).toEqual([
      'Type',
      'Resource',
      'Parameters',
      'ResultSelector',
      'ResultPath',
      'Retry',
      'Catch',
      'Next',
    ]);
  });

  it('hands the wait for a person the case, its purpose (made at run time by States.Format) and the task token', () => {
    const wait = waitForPerson(formatted('REVIEW#{}', '$.review.reviewId'), { resultPath: null, end: true });
    expect(wait).toMatchObject({
      Resource: LAMBDA_CALLBACK,
      Parameters: {
        FunctionName: '${StoreTaskTokenFunctionArn}',
        Payload: { 'caseId.$': '$.caseId', 'purpose.$': "States.Format('REVIEW#{}', $.review.reviewId)", 'taskToken.$': '$$.Task.Token' },
      },
    });
  });
});

describe('checks made while the definition is built', () => {
  it('refuses a wait for a task token whose Parameters do not pass $$.Task.Token', () => {
    // Given a callback task written without the token
    const forgetful: TaskState = {
      Type: 'Task',
      Resource: LAMBDA_CALLBACK,
      Parameters: { FunctionName: '${StoreTaskTokenFunctionArn}', Payload: { ...theCase, purpose: 'APPROVAL' } },
      End: true,
    };
    // Then building the machine throws, naming the state and the token
    expect(() => machine({ Forgetful: forgetful })).toThrow(
      new DefinitionError(
        "State 'Forgetful' waits for a task token, but its Parameters do not pass '$$.Task.Token': nothing could ever complete it.",
      ),
    );
  });

  it.each([
    ['a Next', { Open: lambdaTask('OpenCase', theCase, { resultPath: null, next: 'Nowhere' }) }],
    [
      'a timeout catch',
      { Open: waitForPerson('APPROVAL', { timeoutSecondsPath: '$.s', onTimeout: 'Nowhere', resultPath: null, end: true }) },
    ],
    ['a Choice rule', { Open: choice([when(stringEquals('$.x', 'y'), 'Nowhere')], 'Done'), Done: succeed() }],
    ['a Choice default', { Open: choice([when(stringEquals('$.x', 'y'), 'Done')], 'Nowhere'), Done: succeed() }],
  ])('refuses %s that names no state', (_what, states: States) => {
    expect(() => machine(states)).toThrow("State 'Open' goes to 'Nowhere', which is no state of the top level");
  });

  it('refuses a transition that leaves its branch', () => {
    const states = {
      Tracks: parallel([branch('Inner', { Inner: pass({ next: 'Done' }) })], { resultPath: null, next: 'Done' }),
      Done: succeed(),
    };
    expect(() => machine(states)).toThrow("State 'Inner' goes to 'Done', which is no state of branch 1 of 'Tracks'");
  });

  it('refuses a StartAt that names no state', () => {
    expect(() => machine({ Done: succeed() }, 'Start')).toThrow("StartAt of the top level names 'Start'");
  });

  it('refuses a state that no transition reaches', () => {
    const states = {
      Open: lambdaTask('OpenCase', theCase, { resultPath: null, next: 'Done' }),
      Forgotten: pass({ next: 'Done' }),
      Done: succeed(),
    };
    expect(() => machine(states)).toThrow(new DefinitionError("No transition of the top level reaches 'Forgotten'."));
  });

  it('refuses a state name used twice, even in different scopes', () => {
    const states = {
      Tracks: parallel([branch('Done', { Done: succeed() })], { resultPath: null, next: 'Done' }),
      Done: succeed(),
    };
    expect(() => machine(states)).toThrow("The state name 'Done' is used twice");
  });

  it.each([0, 41, 2.5])(
    'refuses an inline Map whose MaxConcurrency is %s: AWS runs 1 to 40 of its iterations at once',
    (maxConcurrency) => {
      const map = () =>
        inlineMap({
          itemsPath: '$.ids',
          maxConcurrency,
          itemSelector: { 'id.$': '$$.Map.Item.Value' },
          iteration: branch('Done', { Done: succeed() }),
          resultPath: null,
          end: true,
        });
      expect(map).toThrow(
        new DefinitionError(
          `An inline Map's MaxConcurrency must be a whole number from 1 to 40 (AWS runs no more at once), not ${maxConcurrency}.`,
        ),
      );
    },
  );

  it('refuses a run-time purpose that States.Format would misread', () => {
    expect(() => formatted("REVIEW#{}'", '$.id')).toThrow(DefinitionError);
    expect(() => formatted('REVIEW#', '$.id')).toThrow(DefinitionError);
    expect(() => formatted('REVIEW#{}{', '$.id')).toThrow(DefinitionError);
  });
});
