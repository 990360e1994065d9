/**
 * `npm start` refusing to start: a DATA_DIR held by a live process, a bad policy. These run the
 * real entry point as a child process and read what it prints and its exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy, StartupError } from '../../infra/local/config';
import { DataDirInUseError, lockDataDir } from '../../infra/local/datadir/lock';

const root = mkdtempSync(path.join(os.tmpdir(), 'ud-startup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function freshDir(): string {
  counter += 1;
  return path.join(root, `d${counter}`);
}

function runMain(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['infra/local/start.mjs'], {
      env: {
        ...process.env,
        // Ports nobody listens on: these runs must stop before they bind anything.
        PORT: '1',
        SES_PORT: '1',
        DYNAMODB_PORT: '1',
        SFN_PORT: '1',
        LOCAL_WEB_BUILD: '0',
        POLICY_PROFILE: '',
        POLICY_FILE: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('DATA_DIR lock', () => {
  it('stops npm start with a clear message when another live process holds it', async () => {
    // Given a DATA_DIR held by this test process
    const dir = freshDir();
    const lock = await lockDataDir(dir);

    // When the runtime starts on it
    const { code, output } = await runMain({ DATA_DIR: dir });

    // Then it exits 1, naming the directory and the owner's pid, and the lock still holds
    expect(code).toBe(1);
    expect(output).toContain(`DATA_DIR ${dir} is in use by pid ${process.pid}`);
    await expect(lockDataDir(dir)).rejects.toThrow(DataDirInUseError);
    await lock.release();
  });
});

describe('a taken port', () => {
  it("stops npm start with the port's one-line message when DynamoDB's process cannot listen", async () => {
    // Given DYNAMODB_PORT taken by this test process
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;

    // When the runtime starts with it (SES and the engine, which start while DynamoDB's process
    // boots, on free ports)
    const { code, output } = await runMain({ DATA_DIR: freshDir(), DYNAMODB_PORT: String(port), SES_PORT: '0', SFN_PORT: '0' });

    // Then it exits 1 with the same message as for any other port, and no stack trace
    expect(code).toBe(1);
    expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use; set DYNAMODB_PORT to another port.`);
    expect(output).not.toContain('    at ');
    await new Promise((resolve) => taken.close(resolve));
  });
});

describe('a bad policy stops start-up', () => {
  it.each([
    [{ complianceDeadline: 'soon' }, 'policy.complianceDeadline'],
    [{ urgentApprovals: 0 }, 'policy.urgentApprovals'],
    [{ timeZone: 'Mars/Olympus' }, 'policy.timeZone'],
    [{ base: 'atlantis' }, 'policy.base'],
    [{ fines: { capRate: 3 } }, 'policy.fines.capRate'],
  ])('%j is refused naming %s', (policy, field) => {
    counter += 1;
    const file = path.join(root, `policy-${counter}.json`);
    writeFileSync(file, JSON.stringify(policy));
    expect(() => loadPolicy({ POLICY_FILE: file })).toThrow(StartupError);
    expect(() => loadPolicy({ POLICY_FILE: file })).toThrow(field);
  });

  it('accepts a file that only shortens durations, over the Korean profile', () => {
    const file = path.join(root, 'fast.json');
    writeFileSync(file, JSON.stringify({ id: 'fast', complianceDeadline: 'PT3S' }));
    expect(loadPolicy({ POLICY_FILE: file })).toMatchObject({ id: 'fast', complianceDeadline: 'PT3S', timeZone: 'Asia/Seoul' });
  });

  it.each([
    [{ POLICY_PROFILE: 'nowhere' }, 'unknown profile "nowhere"'],
    [{ POLICY_FILE: '/nonexistent/policy.json' }, 'POLICY_FILE /nonexistent/policy.json cannot be read'],
  ])('refuses %j', (env, message) => {
    expect(() => loadPolicy(env)).toThrow(message);
  });

  it('npm start exits 1 with the bad field named and nothing started', async () => {
    // Given a policy file with a bad deadline
    const file = path.join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ complianceDeadline: 'soon' }));

    // When the runtime starts with it
    const { code, output } = await runMain({ DATA_DIR: freshDir(), POLICY_FILE: file });

    // Then it stops with the field named
    expect(code).toBe(1);
    expect(output).toContain('policy.complianceDeadline');
    expect(output).not.toContain('ready');
  });

  it('npm start says when the policy file is not JSON', async () => {
    const file = path.join(root, 'broken.json');
    writeFileSync(file, '{ "id": ');
    const { code, output } = await runMain({ DATA_DIR: freshDir(), POLICY_FILE: file });
    expect(code).toBe(1);
    expect(output).toContain(`POLICY_FILE ${file} is not valid JSON`);
  });
});
