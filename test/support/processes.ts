/**
 * The machine's processes as Linux's /proc shows them: who is whose child, and how much resident
 * memory and CPU time each holds. The local stack is a tree (the runtime, its DynamoDB process and tsx's esbuild
 * service), so its memory and its leftovers are read over the tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessEntry {
  readonly pid: number;
  readonly parentPid: number;
  /** `Z`: a zombie, dead but not yet reaped by its parent. */
  readonly state: string;
  readonly commandLine: string;
}

/** The fields of /proc/<pid>/stat after the parenthesised command name: state, ppid, pgrp, ... */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function processEntry(pid: number): ProcessEntry | undefined {
  try {
    const fields = statFields(pid);
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, parentPid: Number(fields[1]), state: fields[0] ?? '', commandLine };
  } catch {
    // The process ended between the listing and the read.
    return undefined;
  }
}

export function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const entry = /^\d+$/.test(name) ? processEntry(Number(name)) : undefined;
    return entry === undefined ? [] : [entry];
  });
}

/** Every process below `pid`: its children, their children, and so on. */
export function descendantsOf(pid: number, processes: readonly ProcessEntry[] = listProcesses()): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  let parents = new Set([pid]);
  while (parents.size > 0) {
    const children = processes.filter((entry) => parents.has(entry.parentPid));
    found.push(...children);
    parents = new Set(children.map((entry) => entry.pid));
  }
  return found;
}

/** Resident memory (VmRSS, bytes) of one process; undefined once it has ended. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** /proc counts CPU time in USER_HZ ticks, 100 a second on Linux whatever the kernel's own rate. */
const PROC_TICKS_PER_SECOND = 100;

/** CPU time (user and system, milliseconds, to the 10 ms tick) one process has used since it started; undefined once it has ended. */
export function cpuMilliseconds(pid: number): number | undefined {
  try {
    // utime and stime, the 12th and 13th fields after the command name
    const fields = statFields(pid);
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / PROC_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Alive: it exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  const entry = processEntry(pid);
  return entry !== undefined && entry.state !== 'Z';
}

/** Bounds a wait for what takes well under a second, so that a failure ends the test instead of hanging it. */
const PATIENCE_MS = 20_000;

/** Resolves once `condition` holds, checked every 20 ms; rejects naming `what` after 20 s. */
export async function pollUntil(condition: () => boolean, what: string): Promise<void> {
  const giveUpAt = Date.now() + PATIENCE_MS;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`Not within ${PATIENCE_MS / 1000} s: ${what}.`);
    await sleep(20);
  }
}

export function untilEnded(pid: number): Promise<void> {
  return pollUntil(() => !isAlive(pid), `process ${pid} ended`);
}
