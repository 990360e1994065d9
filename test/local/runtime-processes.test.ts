/**
 * `npm start`'s processes: the runtime runs DynamoDB (dynalite) in a child process of its own,
 * which stops with it, and which a `kill -9` of the runtime alone does not leave behind: the next
 * start on the same DATA_DIR has every case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { descendantsOf, isAlive, processEntry, untilEnded, type ProcessEntry } from '../support/processes';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** The runtime's Node process (the stack's process group leader) and its DynamoDB process. */
function runtimeProcesses(): { runtime: ProcessEntry; dynamoDb: ProcessEntry } {
  const leader = stack.processGroupId();
  if (leader === undefined) throw new Error('The local stack is not running.');
  const below = descendantsOf(leader);
  const dynamoDb = below.find((entry) => entry.parentPid === leader && /dynamodb\/process\.[jt]s/.test(entry.commandLine));
  const runtime = processEntry(leader);
  if (runtime === undefined || !runtime.commandLine.includes('infra/local/start.mjs') || dynamoDb === undefined) {
    throw new Error(`No runtime with a DynamoDB process at ${leader}: ${JSON.stringify(below)}`);
  }
  return { runtime, dynamoDb };
}

async function fileReport(): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token('staff-kim')}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      urls: ['https://webhard.example/v/1'],
      category: 'ILLEGAL_FILMING',
      reporter: { kind: 'STAFF' },
      victimConsent: true,
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { caseId: string }).caseId;
}

async function caseStatus(caseId: string): Promise<number> {
  const response = await fetch(`${stack.baseUrl}/cases/${caseId}`, {
    headers: { authorization: `Bearer ${await stack.token('staff-lee')}` },
  });
  return response.status;
}

describe("the runtime's DynamoDB process", () => {
  it('runs dynalite apart from the runtime, at the address npm start prints, and stops with it', async () => {
    // Given the stack as npm start runs it
    const { dynamoDb } = runtimeProcesses();

    // Then DynamoDB is served by the runtime's child, at the printed address
    expect(stack.output()).toContain(`DynamoDB: ${stack.dynamoDbUrl} (table urgent-deliberation)`);
    expect(stack.output()).toMatch(/^ready$/m);

    // When the runtime stops, then its DynamoDB process has ended with it
    await stack.stop();
    expect(isAlive(dynamoDb.pid)).toBe(false);
    await stack.restart();
  });

  it("runs from the runtime's build, not through tsx", () => {
    // Given the stack as npm start runs it
    const { runtime, dynamoDb } = runtimeProcesses();

    // Then neither process loads TypeScript: the DynamoDB process runs the build's module
    expect(runtime.commandLine).not.toContain('tsx');
    expect(dynamoDb.commandLine).not.toContain('tsx');
    expect(dynamoDb.commandLine).toMatch(/node_modules\/\.cache\/urgent-deliberation\/runtime\/[^/]+\/infra\/local\/dynamodb\/process\.js/);
  });

  it('after a kill -9 of the runtime alone, ends its DynamoDB process, and the next start has every case', async () => {
    // Given a filed case, and the runtime killed with no chance to stop its DynamoDB process
    const caseId = await fileReport();
    const { runtime, dynamoDb } = runtimeProcesses();
    process.kill(runtime.pid, 'SIGKILL');

    // When it starts again on the same DATA_DIR at once (its previous DynamoDB process may still
    // be closing LevelDB: the new one waits for the lock)
    await stack.restart();

    // Then the previous DynamoDB process has ended, and the case is there
    await untilEnded(dynamoDb.pid);
    expect(runtimeProcesses().dynamoDb.pid).not.toBe(dynamoDb.pid);
    expect(await caseStatus(caseId)).toBe(200);
  });
});
