/**
 * The case's audit chain (CONTRACT.md section 8): each event's hash covers its content and the
 * previous event's hash, so changing, removing, inserting or reordering an event breaks the
 * chain from that point on. Pure: hashing is computation.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from './model';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth and no whitespace, so the same value always hashes
 * the same however it was built or stored. `undefined` members are dropped, as JSON.stringify
 * does; in arrays they become null, also as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') throw new TypeError('canonicalJson: bigint has no JSON form');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return canonicalJson(withJson.toJSON());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export type AuditContent = Pick<AuditEvent, 'seq' | 'at' | 'actor' | 'action' | 'details' | 'prevHash'>;

/** SHA-256 (hex) of the event's canonical JSON, its `prevHash` included. */
export function hashAuditEvent(event: AuditContent): string {
  const { seq, at, actor, action, details, prevHash } = event;
  return createHash('sha256').update(canonicalJson({ seq, at, actor, action, details, prevHash }), 'utf8').digest('hex');
}

/** The event that follows `prev` (`null`: the first event of the chain). */
export function nextAuditEvent(
  prev: Pick<AuditEvent, 'seq' | 'hash'> | null,
  input: Pick<AuditEvent, 'at' | 'actor' | 'action' | 'details'>,
): AuditEvent {
  const content: AuditContent = {
    seq: prev === null ? 1 : prev.seq + 1,
    at: input.at,
    actor: input.actor,
    action: input.action,
    details: input.details,
    prevHash: prev === null ? GENESIS_HASH : prev.hash,
  };
  return { ...content, hash: hashAuditEvent(content) };
}

export interface ChainVerification {
  verified: boolean;
  /** The first event that does not check out (its expected seq when one is missing). */
  firstBadSeq?: number;
  problem?: string;
}

/**
 * Checks the events in the order given: seq 1..n without gaps, each linked to and hashed over the
 * previous. A chain alone cannot show that its last events were cut off; pass `head` (the seq and
 * hash recorded on the case) to detect that too: the chain must reach the head, and its event
 * there must be the recorded one. Events after the head are acts whose head update is in flight.
 */
export function verifyChain(events: readonly AuditEvent[], head?: { seq: number; hash?: string }): ChainVerification {
  let prevHash = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const expectedSeq = index + 1;
    if (event.seq !== expectedSeq) {
      return {
        verified: false,
        firstBadSeq: expectedSeq,
        problem: `expected event ${expectedSeq} here, found ${String(event.seq)}: an event was removed, inserted or moved`,
      };
    }
    if (event.prevHash !== prevHash) {
      return { verified: false, firstBadSeq: expectedSeq, problem: `event ${expectedSeq} does not link to the previous event` };
    }
    if (hashAuditEvent(event) !== event.hash) {
      return { verified: false, firstBadSeq: expectedSeq, problem: `event ${expectedSeq} was changed after it was recorded` };
    }
    prevHash = event.hash;
  }
  if (head !== undefined && head.seq > 0) {
    const atHead = events[head.seq - 1];
    if (atHead === undefined) {
      return {
        verified: false,
        firstBadSeq: events.length + 1,
        problem: `the chain should reach event ${head.seq}, but it ends at ${events.length}`,
      };
    }
    if (head.hash !== undefined && atHead.hash !== head.hash) {
      return { verified: false, firstBadSeq: head.seq, problem: `event ${head.seq} is not the one recorded as the chain's head` };
    }
  }
  return { verified: true };
}

/** The head recorded on the case: the chain must reach it (docs/audit.md). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * A chain as JSON Lines (docs/audit.md): first `{"caseId","head":{seq,hash}}`, then one event a
 * line in canonical JSON, its `hash` among its members. A reader checks each line with nothing
 * but SHA-256 and the canonical form, and the head line shows a chain whose last events were cut.
 */
export function auditJsonLines(caseId: string, head: ChainHead, events: readonly AuditEvent[]): string {
  return [canonicalJson({ caseId, head }), ...events.map((event) => canonicalJson(event))].map((line) => `${line}\n`).join('');
}
