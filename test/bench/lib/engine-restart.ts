/**
 * The Step Functions engine's start with many open cases on disk, without filing them all: one
 * real open case's executions (the case workflow's and its order batch's child), copied under new
 * case ids into a scratch data directory, then loaded and resumed by a fresh engine, timed, twice:
 * first with no index (a data directory from before it: every record is read), then from the
 * index that first start wrote. The same copies marked ended measure what the engine keeps of
 * closed cases.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StepFunctionsEngine } from '../../../infra/local/stepfunctions';

export interface EngineRestart {
  openCases: number;
  executions: number;
  withoutIndexMs: number;
  fromIndexMs: number;
  /** Heap in use after the start from the index, less before, per open case (after full collections). */
  heapPerOpenCaseBytes: number;
  /** The same with as many closed cases on disk instead (their executions ended). */
  heapPerClosedCaseBytes: number;
}

interface StoredExecution {
  name: string;
  status: string;
}

/** A full collection, so that heap figures count what is kept, not garbage. */
function collectedHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return getHeapStatistics().used_heap_size;
}

/** The case workflow's file of one running case, and its order batch's, from a stopped runtime's data directory. */
function oneOpenCase(executionsDir: string): { caseId: string; files: { name: string; text: string }[] } {
  const names = readdirSync(executionsDir).filter((name) => name.endsWith('.json'));
  for (const name of names) {
    if (!name.startsWith('case-workflow')) continue;
    const text = readFileSync(path.join(executionsDir, name), 'utf8');
    const execution = JSON.parse(text) as StoredExecution;
    if (execution.status !== 'RUNNING') continue;
    const children = names.filter((other) => other.startsWith('case-batch') && other.includes(execution.name));
    if (children.length === 0) continue;
    return {
      caseId: execution.name,
      files: [name, ...children].map((file) => ({ name: file, text: readFileSync(path.join(executionsDir, file), 'utf8') })),
    };
  }
  throw new Error(`No running case with an order batch under ${executionsDir}.`);
}

const engineOver = (dataDir: string): StepFunctionsEngine =>
  new StepFunctionsEngine({
    dataDir,
    // Waiting executions call nothing at start; one that would is a mistake of this measure.
    invokeLambda: () => Promise.reject(new Error('A waiting execution called a Lambda at start.')),
  });

function timedStart(dataDir: string): { ms: number; engine: StepFunctionsEngine } {
  const started = performance.now();
  const engine = engineOver(dataDir);
  engine.load();
  engine.resume();
  return { ms: performance.now() - started, engine };
}

/** The record of an execution as it would stand once ended: its threads gone, its output written. */
function endedRecord(text: string): string {
  const record = JSON.parse(text) as Record<string, unknown>;
  return JSON.stringify({ ...record, status: 'SUCCEEDED', stopDate: new Date().toISOString(), output: '{}', threads: {} });
}

/**
 * Writes `cases` copies of one open case of `fromDir`'s executions into `toDir`'s, under new case
 * ids (none in DynamoDB: nothing reads them until their deadlines, hours away); `ended`: as if
 * the case had closed.
 */
export function copyOpenCase(fromDir: string, toDir: string, cases: number, ended = false): number {
  const executionsDir = path.join(toDir, 'executions');
  mkdirSync(executionsDir, { recursive: true });
  const model = oneOpenCase(path.join(fromDir, 'executions'));
  const files = ended ? model.files.map((file) => ({ ...file, text: endedRecord(file.text) })) : model.files;
  for (let n = 0; n < cases; n += 1) {
    // Same length as the real id, so that every name stays valid.
    const caseId = `${model.caseId.slice(0, -7)}X${String(n).padStart(6, '0')}`;
    for (const file of files)
      writeFileSync(path.join(executionsDir, file.name.replaceAll(model.caseId, caseId)), file.text.replaceAll(model.caseId, caseId));
  }
  return cases * files.length;
}

/** Starts an engine over `scratch` with no index (which writes it), then again from it: the second start's time and heap kept per case. */
async function startTwice(scratch: string, cases: number): Promise<{ withoutIndexMs: number; fromIndexMs: number; heapPerCase: number }> {
  const first = timedStart(scratch);
  await first.engine.close();
  const heapBefore = collectedHeapBytes();
  const second = timedStart(scratch);
  const heapAfter = collectedHeapBytes();
  await second.engine.close();
  return { withoutIndexMs: first.ms, fromIndexMs: second.ms, heapPerCase: (heapAfter - heapBefore) / cases };
}

/** `stepfunctionsDir`: the engine's directory of a stopped runtime that has at least one open case. */
export async function engineRestartWith(stepfunctionsDir: string, openCases: number): Promise<EngineRestart> {
  const scratch = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ud-engine-restart-'));
    for (const sub of ['definitions', 'state-machines']) cpSync(path.join(stepfunctionsDir, sub), path.join(dir, sub), { recursive: true });
    return dir;
  };
  const open = scratch();
  const closed = scratch();
  try {
    const executions = copyOpenCase(stepfunctionsDir, open, openCases);
    const opened = await startTwice(open, openCases);
    copyOpenCase(stepfunctionsDir, closed, openCases, true);
    const ended = await startTwice(closed, openCases);
    return {
      openCases,
      executions,
      withoutIndexMs: Math.round(opened.withoutIndexMs),
      fromIndexMs: Math.round(opened.fromIndexMs),
      heapPerOpenCaseBytes: Math.round(opened.heapPerCase),
      heapPerClosedCaseBytes: Math.round(ended.heapPerCase),
    };
  } finally {
    for (const dir of [open, closed]) rmSync(dir, { recursive: true, force: true });
  }
}
