import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonStore } from '../../../infra/local/stepfunctions/store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const definition = JSON.stringify({
  StartAt: 'Wait',
  States: { Wait: { Type: 'Wait', Seconds: 86_400, End: true } },
  Comment: 'x'.repeat(4000),
});
const execution = (name: string) => ({
  executionArn: `arn:aws:states:us-east-1:1:execution:sm:${name}`,
  status: 'RUNNING',
  definition,
  history: [],
});

describe("the engine's store", () => {
  it('writes a definition once and names it from each execution, and gives it back in place on load', () => {
    // Given two executions of one definition, saved several times (each transition saves)
    const dir = mkdtempSync(join(tmpdir(), 'sfn-store-'));
    dirs.push(dir);
    const store = new JsonStore(dir);
    for (const name of ['a', 'b'])
      for (let transition = 0; transition < 3; transition += 1) store.save('executions', `sm:${name}`, execution(name));

    // Then the definition is on disk once, no execution file holds its text, and a fresh store reads both whole
    expect(readdirSync(join(dir, 'definitions')).filter((name) => name.endsWith('.json'))).toHaveLength(1);
    for (const name of readdirSync(join(dir, 'executions')))
      expect(readFileSync(join(dir, 'executions', name), 'utf8')).not.toContain('xxxx');
    const loaded = new JsonStore(dir).loadAll<ReturnType<typeof execution>>('executions');
    expect(loaded.sort((x, y) => x.executionArn.localeCompare(y.executionArn))).toEqual([execution('a'), execution('b')]);
    expect(new JsonStore(dir).load('executions', 'sm:a')).toEqual(execution('a'));
  });

  it('still reads an execution written with its definition inline, as stores before this one wrote them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-store-'));
    dirs.push(dir);
    new JsonStore(dir);
    writeFileSync(join(dir, 'executions', `${encodeURIComponent('sm:old')}.json`), JSON.stringify(execution('old')));

    expect(new JsonStore(dir).loadAll('executions')).toEqual([execution('old')]);
  });

  it('keeps a state machine whole: only executions name their definition by hash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-store-'));
    dirs.push(dir);
    const store = new JsonStore(dir);
    const machine = { stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:sm', name: 'sm', definition };
    store.save('state-machines', 'sm', machine);

    expect(JSON.parse(readFileSync(join(dir, 'state-machines', 'sm.json'), 'utf8'))).toEqual(machine);
  });
});
