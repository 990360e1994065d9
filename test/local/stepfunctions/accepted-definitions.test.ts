/**
 * The definitions the engine has checked are remembered across runs (`acceptedDefinitionsIn`), so a
 * start on a fresh data directory does not check the same text again, while a refused or edited
 * definition is always checked.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedDefinitionsIn, SfnApiError, StepFunctionsEngine } from '../../../infra/local/stepfunctions';

const dirs: string[] = [];
const engines: StepFunctionsEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'accepted-definitions-'));
  dirs.push(dir);
  return dir;
}

/** An engine on a fresh data directory, as each start of a new local stack has. */
function freshEngine(cacheDir: string): StepFunctionsEngine {
  const engine = new StepFunctionsEngine({
    dataDir: tempDir(),
    invokeLambda: async () => ({}),
    acceptedDefinitions: acceptedDefinitionsIn(cacheDir),
  });
  engines.push(engine);
  return engine;
}

const valid = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
/** Well-formed JSON that only the structural check refuses: its transition leads nowhere. */
const dangling = JSON.stringify({ StartAt: 'Go', States: { Go: { Type: 'Pass', Next: 'Nowhere' } } });

describe('definitions accepted in an earlier run', () => {
  it('are remembered once accepted, and a fresh data directory takes them without the check', () => {
    // Given a definition accepted by one engine
    const cacheDir = tempDir();
    freshEngine(cacheDir).createStateMachine('first', valid);
    expect(readdirSync(cacheDir)).toHaveLength(1);

    // When a text that the check would refuse is in the cache (standing for "checked before")
    acceptedDefinitionsIn(cacheDir).add(dangling);

    // Then an engine on a fresh data directory takes it unchecked: the cache is what skipped the check
    expect(() => freshEngine(cacheDir).createStateMachine('second', dangling)).not.toThrow();
  });

  it('never remember a refused definition: it is checked, and refused, every time', () => {
    // Given a definition the check refuses
    const cacheDir = tempDir();
    expect(() => freshEngine(cacheDir).createStateMachine('first', dangling)).toThrow(SfnApiError);

    // Then nothing is remembered, and the next engine refuses it too
    expect(readdirSync(cacheDir)).toHaveLength(0);
    expect(() => freshEngine(cacheDir).createStateMachine('second', dangling)).toThrow(/Invalid State Machine Definition/);
  });

  it('tell texts apart: an edited definition is checked again', () => {
    // Given an accepted definition
    const cacheDir = tempDir();
    freshEngine(cacheDir).createStateMachine('first', valid);

    // When one of its states is edited into a dangling transition, then the check refuses it
    const edited = valid.replace('"Type":"Succeed"', '"Type":"Pass","Next":"Nowhere"');
    expect(() => freshEngine(cacheDir).createStateMachine('second', edited)).toThrow(/Invalid State Machine Definition/);
  });
});
